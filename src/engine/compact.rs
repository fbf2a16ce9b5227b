//! Dates and rates in a binary format: as `Money` is (engine/money.rs), text in JSON and
//! every format people read, a number in a binary one (the parse child's answer,
//! `import::isolate`). A date is its day count from 0001-01-01 and a rate its mantissa and
//! scale, both exact: writing `2024-03-05` and `4.35` as text and parsing them back was a
//! sixth of the parent's decoding of 100,000 loans (docs/ARCHITECTURE.md "The parse child").
//!
//! Used as `#[serde(with = "compact::date")]` and the like on the engine's own fields;
//! a JSON document is the same as without it.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A date: text in JSON, its day count in a binary format.
pub mod date {
    use serde::de::Error as _;

    use super::{Deserialize, Deserializer, NaiveDate, Serialize, Serializer};

    /// # Errors
    /// As the serializer's.
    pub fn serialize<S: Serializer>(on: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            on.serialize(s)
        } else {
            s.serialize_i32(chrono::Datelike::num_days_from_ce(on))
        }
    }

    /// # Errors
    /// A day count no date has, or as the deserializer's.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        if d.is_human_readable() {
            return NaiveDate::deserialize(d);
        }
        let days = i32::deserialize(d)?;
        NaiveDate::from_num_days_from_ce_opt(days).ok_or_else(|| D::Error::custom("day count out of range"))
    }
}

/// An optional date, as [`date`].
pub mod optional_date {
    use super::{Deserialize, Deserializer, NaiveDate, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    struct On(#[serde(with = "super::date")] NaiveDate);

    /// # Errors
    /// As the serializer's.
    pub fn serialize<S: Serializer>(on: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        on.map(On).serialize(s)
    }

    /// # Errors
    /// As [`super::date::deserialize`].
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        Ok(Option::<On>::deserialize(d)?.map(|On(on)| on))
    }
}

/// A decimal (a rate, a score): text in JSON, its mantissa and scale in a binary format.
pub mod decimal {
    use serde::de::Error as _;

    use super::{Decimal, Deserialize, Deserializer, Serialize, Serializer};

    /// # Errors
    /// As the serializer's.
    pub fn serialize<S: Serializer>(value: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            Serialize::serialize(value, s)
        } else {
            (value.mantissa(), value.scale()).serialize(s)
        }
    }

    /// # Errors
    /// A mantissa or scale no decimal has, or as the deserializer's.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        if d.is_human_readable() {
            return <Decimal as Deserialize>::deserialize(d);
        }
        let (mantissa, scale) = <(i128, u32)>::deserialize(d)?;
        Decimal::try_from_i128_with_scale(mantissa, scale).map_err(D::Error::custom)
    }
}

/// An optional decimal, as [`decimal`].
// Deliberately like `optional_date` above: serde's `with` names one module per field type.
pub mod optional_decimal {
    use super::{Decimal, Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    struct Value(#[serde(with = "super::decimal")] Decimal);

    /// # Errors
    /// As the serializer's.
    pub fn serialize<S: Serializer>(value: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        value.map(Value).serialize(s)
    }

    /// # Errors
    /// As [`super::decimal::deserialize`].
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        Ok(Option::<Value>::deserialize(d)?.map(|Value(value)| value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Row {
        #[serde(with = "date")]
        on: NaiveDate,
        #[serde(with = "optional_date")]
        settled: Option<NaiveDate>,
        #[serde(with = "decimal")]
        rate: Decimal,
        #[serde(with = "optional_decimal")]
        score: Option<Decimal>,
    }

    fn row(settled: Option<NaiveDate>, score: Option<Decimal>) -> Row {
        let on = NaiveDate::from_ymd_opt(2024, 3, 5).expect("a date");
        Row { on, settled, rate: Decimal::new(435, 2), score }
    }

    #[test]
    fn json_is_text_as_before() {
        let r = row(NaiveDate::from_ymd_opt(1, 1, 1), Some(Decimal::new(-9_505, 1)));
        let json = serde_json::to_string(&r).expect("json");
        assert_eq!(json, r#"{"on":"2024-03-05","settled":"0001-01-01","rate":"4.35","score":"-950.5"}"#);
        assert_eq!(serde_json::from_str::<Row>(&json).expect("back"), r);
        let none = serde_json::to_string(&row(None, None)).expect("json");
        assert!(none.contains(r#""settled":null"#) && none.contains(r#""score":null"#), "{none}");
    }

    #[test]
    fn binary_is_exact_and_keeps_every_scale() {
        let extremes = [Decimal::MAX, Decimal::MIN, Decimal::new(4_350, 3), Decimal::ZERO];
        let dates = [NaiveDate::MIN, NaiveDate::MAX, NaiveDate::from_ymd_opt(2024, 2, 29).expect("a date")];
        for (rate, on) in extremes.into_iter().zip(dates.into_iter().cycle()) {
            let r = Row { on, settled: Some(on), rate, score: Some(rate) };
            let bytes = bincode::serialize(&r).expect("bincode");
            let back: Row = bincode::deserialize(&bytes).expect("back");
            assert_eq!(back, r);
            // 4.350 keeps its scale, as its text would.
            assert_eq!(back.rate.to_string(), rate.to_string());
        }
    }

    #[test]
    fn binary_refuses_what_no_date_or_decimal_is() {
        let bad_day = bincode::serialize(&(i32::MAX, 0u8, (435i128, 2u32), 0u8)).expect("bincode");
        assert!(bincode::deserialize::<Row>(&bad_day).is_err());
        let bad_scale = bincode::serialize(&(0i32, 0u8, (435i128, 99u32), 0u8)).expect("bincode");
        assert!(bincode::deserialize::<Row>(&bad_scale).is_err());
    }
}
