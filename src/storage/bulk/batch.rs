//! Many rows into one table, the fastest way each backend takes through the `Any` driver
//! (issue 19). SQLite: multi-row `INSERT … VALUES` of [`SQLITE_ROWS`] rows, anonymous `?`
//! parameters (one prepared statement per shape). PostgreSQL: one array parameter per
//! column, `INSERT … SELECT … FROM UNNEST(…)`, [`POSTGRES_ROWS`] rows a statement: the
//! same statement whatever the number of rows, a few round trips instead of one per 500
//! rows, and no parse of tens of thousands of placeholders (a confirmed import of 100,000
//! loans was 2.5× its COPY floor with multi-row VALUES; benches/RESULTS.md).
//!
//! Rows keep the order given on both backends, and so do the identities they take (the
//! audit chain reads back in the order it was hashed).

use std::borrow::Cow;
use std::fmt::Write as _;

use super::super::Conn;

/// Rows per statement on SQLite: within its 32,766 variables for the widest table (26).
pub(super) const SQLITE_ROWS: usize = 500;
/// Rows per statement on PostgreSQL: arrays of this many elements per column.
const POSTGRES_ROWS: usize = 10_000;

/// A column's type on PostgreSQL (its array is cast to `BIGINT[]` or `TEXT[]`).
#[derive(Clone, Copy)]
pub(crate) enum Type {
    Int,
    Text,
}

/// One value of a row.
pub(crate) enum Cell<'a> {
    Int(Option<i64>),
    Text(Option<Cow<'a, str>>),
}

impl<'a> Cell<'a> {
    pub(crate) fn int(v: i64) -> Cell<'a> {
        Cell::Int(Some(v))
    }

    pub(crate) fn text(v: impl Into<Cow<'a, str>>) -> Cell<'a> {
        Cell::Text(Some(v.into()))
    }
}

impl From<i64> for Cell<'_> {
    fn from(v: i64) -> Self {
        Cell::int(v)
    }
}

impl<'a> From<&'a str> for Cell<'a> {
    fn from(v: &'a str) -> Self {
        Cell::text(v)
    }
}

impl From<String> for Cell<'_> {
    fn from(v: String) -> Self {
        Cell::text(v)
    }
}

/// A table and its columns, as written.
pub(crate) struct Table<'t> {
    pub name: &'t str,
    pub columns: &'t [(&'t str, Type)],
}

impl Table<'_> {
    fn names(&self) -> String {
        self.columns.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
    }
}

/// Insert `cells` (row after row, `table.columns.len()` cells each) in order.
///
/// # Errors
/// A database error.
pub(crate) async fn insert(conn: &mut Conn, table: &Table<'_>, cells: &[Cell<'_>]) -> Result<(), sqlx::Error> {
    let width = table.columns.len();
    if conn.backend_name() == "PostgreSQL" {
        let sql = unnest_insert(table);
        for chunk in cells.chunks(POSTGRES_ROWS * width) {
            // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
            for array in arrays(table, chunk) {
                q = q.bind(array);
            }
            q.execute(&mut *conn).await?;
        }
    } else {
        for chunk in cells.chunks(SQLITE_ROWS * width) {
            let sql = format!(
                "INSERT INTO {} ({}) VALUES {}",
                table.name,
                table.names(),
                super::values(conn, chunk.len() / width, &vec!["?"; width])
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for cell in chunk {
                q = match cell {
                    Cell::Int(v) => q.bind(*v),
                    Cell::Text(v) => q.bind(v.as_deref()),
                };
            }
            q.execute(&mut *conn).await?;
        }
    }
    Ok(())
}

/// `INSERT INTO t (a, b) SELECT a, b FROM UNNEST(CAST($1 AS BIGINT[]), CAST($2 AS TEXT[]))
/// WITH ORDINALITY AS x(a, b, n) ORDER BY n`: rows in the order of the arrays.
fn unnest_insert(table: &Table<'_>) -> String {
    let names = table.names();
    format!("INSERT INTO {} ({names}) SELECT {names} FROM {} ORDER BY tiexi_n", table.name, unnest(table.columns, 1))
}

/// `UNNEST(CAST($k AS …[]), …) WITH ORDINALITY AS x(columns…, tiexi_n)`, parameters from `$first`.
pub(crate) fn unnest(columns: &[(&str, Type)], first: usize) -> String {
    let arrays: Vec<String> = columns
        .iter()
        .enumerate()
        .map(|(i, (_, t))| {
            let t = match t {
                Type::Int => "BIGINT",
                Type::Text => "TEXT",
            };
            format!("CAST(${} AS {t}[])", first + i)
        })
        .collect();
    let names: Vec<&str> = columns.iter().map(|(n, _)| *n).collect();
    format!("UNNEST({}) WITH ORDINALITY AS x({}, tiexi_n)", arrays.join(", "), names.join(", "))
}

/// The cells as one PostgreSQL array literal per column (`{1,NULL}`, `{"a","b \"c\""}`),
/// each bound as text and cast in SQL: the `Any` driver binds no arrays.
pub(crate) fn arrays(table: &Table<'_>, cells: &[Cell<'_>]) -> Vec<String> {
    let width = table.columns.len();
    let rows = cells.len() / width.max(1);
    let mut out: Vec<String> = table.columns.iter().map(|_| String::with_capacity(rows * 12 + 2)).collect();
    for row in cells.chunks(width) {
        for (array, cell) in out.iter_mut().zip(row) {
            array.push(if array.is_empty() { '{' } else { ',' });
            match cell {
                Cell::Int(Some(v)) => {
                    let _ = write!(array, "{v}");
                }
                Cell::Text(Some(s)) => quoted(array, s),
                Cell::Int(None) | Cell::Text(None) => array.push_str("NULL"),
            }
        }
    }
    for array in &mut out {
        if array.is_empty() {
            array.push('{');
        }
        array.push('}');
    }
    out
}

/// An array element in double quotes, `\` and `"` escaped (so `NULL`, commas and braces
/// inside are text).
fn quoted(array: &mut String, s: &str) {
    array.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            array.push('\\');
        }
        array.push(c);
    }
    array.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn array_literals_quote_text_and_keep_nulls() {
        let table = Table { name: "t", columns: &[("a", Type::Int), ("b", Type::Text)] };
        let cells = [
            Cell::int(1),
            Cell::text("x,\"y\"\\"),
            Cell::Int(None),
            Cell::Text(None),
            Cell::int(-3),
            Cell::text("NULL"),
        ];
        assert_eq!(arrays(&table, &cells), ["{1,NULL,-3}", r#"{"x,\"y\"\\",NULL,"NULL"}"#]);
        assert_eq!(arrays(&table, &[]), ["{}", "{}"]);
    }
}
