//! Numbers in query strings. Rocket's `Option<i64>` turns a value it cannot parse into
//! `None`, so `audit?year=2147483648` silently lost its filter; a `Number` refuses it, and
//! the route answers 422 (issue 18). An absent or empty value is no value.

use std::str::FromStr;

use rocket::form::{self, DataField, FromForm, Options, ValueField};

/// An optional number that must parse when it is given.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Number<T>(pub Option<T>);

impl<T: Copy> Number<T> {
    /// The value, or `default` when none was given.
    #[must_use]
    pub fn or(self, default: T) -> T {
        self.0.unwrap_or(default)
    }
}

/// What was seen of the field.
pub struct Seen<'r, T> {
    value: Option<Result<T, form::Error<'r>>>,
}

fn refused(name: form::name::NameView<'_>) -> form::Error<'_> {
    form::Error::validation("应为范围内的整数").with_name(name)
}

#[rocket::async_trait]
impl<'r, T: FromStr + Send> FromForm<'r> for Number<T> {
    type Context = Seen<'r, T>;

    fn init(_: Options) -> Self::Context {
        Seen { value: None }
    }

    fn push_value(ctxt: &mut Self::Context, field: ValueField<'r>) {
        let text = field.value.trim();
        if text.is_empty() {
            return;
        }
        ctxt.value = Some(text.parse::<T>().map_err(|_| refused(field.name)));
    }

    async fn push_data(ctxt: &mut Self::Context, field: DataField<'r, '_>) {
        ctxt.value = Some(Err(refused(field.name)));
    }

    fn finalize(ctxt: Self::Context) -> form::Result<'r, Self> {
        match ctxt.value {
            None => Ok(Number(None)),
            Some(Ok(v)) => Ok(Number(Some(v))),
            Some(Err(e)) => Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use rocket::form::Form;

    use super::Number;

    #[derive(rocket::FromForm)]
    struct Q {
        year: Number<i32>,
    }

    #[test]
    fn a_number_out_of_range_is_refused_and_an_empty_one_is_none() {
        assert_eq!(Form::<Q>::parse("year=2024").map(|q| q.year), Ok(Number(Some(2024))));
        assert_eq!(Form::<Q>::parse("year=").map(|q| q.year), Ok(Number(None)));
        assert_eq!(Form::<Q>::parse("").map(|q| q.year), Ok(Number(None)));
        assert!(Form::<Q>::parse("year=2147483648").is_err());
        assert!(Form::<Q>::parse("year=abc").is_err());
    }
}
