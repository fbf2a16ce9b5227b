//! The division's settings: what every report prints about the division (issue 16), kept
//! in the database and changed by division staff on `/settings` or with
//! `tiexi settings set KEY VALUE`; never constants.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde_json::json;

use crate::app::Actor;
use crate::error::AppError;
use crate::export::report::{Heading, Payer};
use crate::storage::{self, Conn, Pool};

/// One setting: its key, what the page calls it, its value until set, and a hint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Setting {
    pub key: &'static str,
    pub label: &'static str,
    pub default: &'static str,
    pub hint: &'static str,
}

/// Every setting, in the order the page shows them.
pub const ALL: [Setting; 10] = [
    Setting {
        key: "division_name",
        label: "填报单位全称",
        default: "师市总工会",
        hint: "报表“填报单位（盖章）”处的单位全称",
    },
    Setting {
        key: "title_head", label: "签字栏一", default: "单位负责人", hint: "报表下方签字栏的第一个职务"
    },
    Setting { key: "title_finance", label: "签字栏二", default: "财务负责人", hint: "" },
    Setting { key: "title_reviewer", label: "签字栏三", default: "审核人", hint: "" },
    Setting { key: "title_preparer", label: "签字栏四", default: "制表人", hint: "其后填写制表人姓名" },
    Setting { key: "preparer", label: "制表人姓名", default: "", hint: "留空则由制表人手签" },
    Setting {
        key: "payer_name", label: "付款单位", default: "", hint: "拨付明细表的付款账户户名；留空则用单位全称"
    },
    Setting { key: "payer_bank", label: "付款开户银行", default: "", hint: "" },
    Setting { key: "payer_account", label: "付款银行账号", default: "", hint: "" },
    Setting {
        key: "objection_contact",
        label: "公示异议受理",
        default: "",
        hint: "公示名单下方写明的受理单位、电话和地址",
    },
];

/// The longest value a setting takes, in characters.
const LONGEST: usize = 200;

/// The settings as stored, each unset one at its default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings(HashMap<String, String>);

impl Settings {
    /// A setting's value (its default when unset or blank).
    #[must_use]
    pub fn get(&self, key: &str) -> &str {
        let stored = self.0.get(key).map(String::as_str).filter(|v| !v.trim().is_empty());
        stored.or_else(|| ALL.iter().find(|s| s.key == key).map(|s| s.default)).unwrap_or_default()
    }

    /// What every report prints above and below its tables.
    #[must_use]
    pub fn heading(&self, made_on: NaiveDate, full_ids: bool) -> Heading {
        Heading {
            division: self.get("division_name").to_string(),
            signatures: ["title_head", "title_finance", "title_reviewer", "title_preparer"]
                .map(|k| self.get(k).to_string())
                .to_vec(),
            preparer: self.get("preparer").to_string(),
            made_on,
            full_ids,
        }
    }

    /// The paying account of a payment list.
    #[must_use]
    pub fn payer(&self) -> Payer {
        let name = Some(self.get("payer_name")).filter(|n| !n.is_empty()).unwrap_or(self.get("division_name"));
        Payer {
            name: name.to_string(),
            bank: self.get("payer_bank").to_string(),
            account: self.get("payer_account").to_string(),
        }
    }
}

/// The stored settings.
///
/// # Errors
/// A database error.
pub async fn load(conn: &mut Conn) -> Result<Settings, sqlx::Error> {
    Ok(Settings(storage::settings::all(conn).await?))
}

/// Set some settings in one transaction, each change audited with its old and new value;
/// returns how many changed (a value set to what it was is not a change).
///
/// # Errors
/// `Forbidden` but for division staff, `Invalid` for an unknown key or an overlong value,
/// or a database error.
pub async fn set(pool: &Pool, actor: &Actor<'_>, changes: &[(String, String)]) -> Result<usize, AppError> {
    actor.require_staff()?;
    for (key, value) in changes {
        if !ALL.iter().any(|s| s.key == key) {
            let known: Vec<&str> = ALL.iter().map(|s| s.key).collect();
            return Err(AppError::Invalid(format!("未知的设置项 {key}，可选：{}", known.join("、"))));
        }
        if value.trim().chars().count() > LONGEST || value.contains(['\r', '\n']) {
            return Err(AppError::Invalid(format!("设置项 {key} 须为一行、不超过 {LONGEST} 个字")));
        }
    }
    let mut tx = storage::begin_write(pool).await?;
    let mut count = 0;
    for (key, value) in changes {
        let value = value.trim();
        let old = storage::settings::set(&mut tx, key, value, actor.id).await?;
        if old.as_deref().unwrap_or_default() == value {
            continue;
        }
        let mut e = actor.entry("setting.set", "setting", key.clone(), None);
        (e.old, e.new) = (json!({ "value": old }), json!({ "value": value }));
        storage::audit::append(&mut tx, &e).await?;
        count += 1;
    }
    tx.commit().await?;
    Ok(count)
}
