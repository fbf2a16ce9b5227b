//! A round's 绩效 targets (issue 16): division staff set each indicator's target and weight,
//! type the actual where the engine cannot compute it (the year-end satisfaction figure,
//! their own indicators) and the reason for any deviation. Scoring is the engine's
//! (`engine::performance`).

use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::json;

use crate::app::Actor;
use crate::engine::performance::{Direction, Indicator, Target};
use crate::error::AppError;
use crate::storage::performance::TargetRow;
use crate::storage::{self, Pool};

/// A target as staff enter it (form fields as text).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Input<'a> {
    /// `Indicator::code`.
    pub indicator: &'a str,
    /// Their own indicator's name and unit (a built-in one has its own).
    pub name: &'a str,
    pub unit: &'a str,
    /// `at_least` (default) or `at_most`.
    pub direction: &'a str,
    pub target: &'a str,
    pub weight: &'a str,
    /// The actual, for an indicator the engine does not compute.
    pub actual: &'a str,
    pub reason: &'a str,
}

fn number(what: &str, text: &str) -> Result<Decimal, AppError> {
    Decimal::from_str(text.trim().trim_end_matches('%'))
        .map(|d| d.normalize())
        .map_err(|_| AppError::Invalid(format!("{what}须为数字：{text}")))
}

/// The stored row of what staff entered, or why it cannot be one.
fn row(round_id: i64, i: &Input<'_>) -> Result<TargetRow, AppError> {
    let indicator = Indicator::parse(i.indicator).ok_or_else(|| AppError::Invalid("未知的绩效指标".into()))?;
    let (name, unit) = match indicator {
        Indicator::Custom => (i.name.trim(), i.unit.trim()),
        built_in => built_in.label(),
    };
    if name.is_empty() || unit.is_empty() || name.chars().count() > 40 || unit.chars().count() > 10 {
        return Err(AppError::Invalid("自定义指标须填写名称（不超过40字）和单位（不超过10字）".into()));
    }
    let direction =
        if i.direction.trim().is_empty() { Some(Direction::AtLeast) } else { Direction::parse(i.direction) };
    let direction = direction.ok_or_else(|| AppError::Invalid("指标方向只能是“不低于”或“不高于”".into()))?;
    let target = number("目标值", i.target)?;
    let weight = number("分值", i.weight)?;
    if weight < Decimal::ZERO || weight > Decimal::ONE_HUNDRED {
        return Err(AppError::Invalid("分值须在 0 到 100 之间".into()));
    }
    let actual = i.actual.trim();
    if indicator.computed() && !actual.is_empty() {
        return Err(AppError::Invalid(format!("“{name}”的实际值由系统按本年度数据计算，无需填写")));
    }
    let actual = (!actual.is_empty()).then(|| number("实际值", actual)).transpose()?;
    if i.reason.chars().count() > 500 {
        return Err(AppError::Invalid("偏差原因不超过500字".into()));
    }
    Ok(TargetRow {
        id: 0,
        round_id,
        position: 0,
        indicator,
        name: name.into(),
        unit: unit.into(),
        direction,
        target: target.to_string(),
        weight: weight.to_string(),
        actual: actual.map(|a| a.to_string()),
        reason: i.reason.trim().into(),
    })
}

fn row_json(t: &TargetRow) -> serde_json::Value {
    json!({ "indicator": t.indicator.code(), "name": t.name, "unit": t.unit, "direction": t.direction.code(), "target": t.target,
        "weight": t.weight, "actual": t.actual, "reason": t.reason })
}

/// Set a target of the round of `year` (a target of the same name is replaced); returns its id.
///
/// # Errors
/// `Forbidden`, `NotFound` (no such round), `Invalid`, or a database error.
pub async fn set(pool: &Pool, actor: &Actor<'_>, year: i32, input: &Input<'_>) -> Result<i64, AppError> {
    actor.require_staff()?;
    let mut tx = storage::begin_write(pool).await?;
    let round = storage::rounds::find_by_year(&mut tx, year).await?.ok_or(AppError::NotFound)?;
    let new = row(round.id, input)?;
    let old = storage::performance::list(&mut tx, round.id).await?.into_iter().find(|t| t.name == new.name);
    let id = storage::performance::upsert(&mut tx, &new, actor.id).await?;
    let mut e = actor.entry("performance.set", "performance", id.to_string(), Some(round.id));
    (e.old, e.new) = (old.as_ref().map_or(serde_json::Value::Null, row_json), row_json(&new));
    storage::audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(id)
}

/// Remove a target.
///
/// # Errors
/// `Forbidden`, `NotFound`, or a database error.
pub async fn delete(pool: &Pool, actor: &Actor<'_>, id: i64) -> Result<i32, AppError> {
    actor.require_staff()?;
    let mut tx = storage::begin_write(pool).await?;
    let old = storage::performance::find(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let round = storage::rounds::find(&mut tx, old.round_id).await?.ok_or(AppError::NotFound)?;
    storage::performance::delete(&mut tx, id).await?;
    let mut e = actor.entry("performance.delete", "performance", id.to_string(), Some(old.round_id));
    e.old = row_json(&old);
    storage::audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(round.year)
}

/// The stored targets as the engine scores them (a row that no longer parses is left out).
#[must_use]
pub fn targets(rows: &[TargetRow]) -> Vec<Target> {
    rows.iter()
        .filter_map(|r| {
            Some(Target {
                indicator: r.indicator,
                name: r.name.clone(),
                unit: r.unit.clone(),
                direction: r.direction,
                target: r.target.parse().ok()?,
                weight: r.weight.parse().ok()?,
                typed: r.actual.as_deref().and_then(|a| a.parse().ok()),
                reason: r.reason.clone(),
            })
        })
        .collect()
}
