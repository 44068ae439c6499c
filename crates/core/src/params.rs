//! Parameters: every number or rule a province, a city or a later notice may change is a record
//! with a scope, a validity period, a status and a source (spec/README.md §2.2), never a constant.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// How sure the project is of a value (spec/README.md §2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamStatus {
    Confirmed,
    ToConfirm,
    ProjectRule,
    Inferred,
}

impl ParamStatus {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "confirmed" => Some(ParamStatus::Confirmed),
            "to_confirm" => Some(ParamStatus::ToConfirm),
            "project_rule" => Some(ParamStatus::ProjectRule),
            "inferred" => Some(ParamStatus::Inferred),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ParamStatus::Confirmed => "confirmed",
            ParamStatus::ToConfirm => "to_confirm",
            ParamStatus::ProjectRule => "project_rule",
            ParamStatus::Inferred => "inferred",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            ParamStatus::Confirmed => "已确认",
            ParamStatus::ToConfirm => "待确认（可配置）",
            ParamStatus::ProjectRule => "项目规则",
            ParamStatus::Inferred => "推定",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parameter {
    pub key: String,
    pub value: String,
    pub unit: Option<String>,
    /// `national`, `province:440000`, `city:441400`, `county:441402`, `town:…`
    pub scope: String,
    pub effective_from: NaiveDate,
    /// Exclusive; open-ended when `None`.
    pub effective_to: Option<NaiveDate>,
    pub status: ParamStatus,
    pub source: String,
    pub note: Option<String>,
}

impl Parameter {
    pub fn in_force_on(&self, date: NaiveDate) -> bool {
        self.effective_from <= date && self.effective_to.is_none_or(|to| date < to)
    }

    fn overlaps(&self, other: &Parameter) -> bool {
        let starts_before_other_ends = other.effective_to.is_none_or(|to| self.effective_from < to);
        let other_starts_before_self_ends =
            self.effective_to.is_none_or(|to| other.effective_from < to);
        starts_before_other_ends && other_starts_before_self_ends
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParamError {
    #[error("第{line}行：{message}")]
    Row { line: u64, message: String },
    #[error("参数 {key}（{scope}）有两条有效期重叠的记录")]
    Overlap { key: String, scope: String },
    #[error("参数 {key} 的取值“{value}”无效：{expected}")]
    BadValue {
        key: String,
        value: String,
        expected: &'static str,
    },
    #[error("缺少{date}有效的参数 {key}")]
    Missing { key: String, date: NaiveDate },
}

pub const PARAMETERS_HEADER: &str =
    "key,value,unit,scope,effective_from,effective_to,status,source,note";

/// Parses the parameter file; every record needs a source (spec/README.md §2.2).
pub fn parse_parameters_csv(text: &str) -> Result<Vec<Parameter>, ParamError> {
    let mut lines = text.lines();
    if lines.next().map(|h| h.trim_start_matches('\u{feff}')) != Some(PARAMETERS_HEADER) {
        return Err(ParamError::Row {
            line: 1,
            message: format!("表头应为“{PARAMETERS_HEADER}”"),
        });
    }
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let mut records = Vec::new();
    for (index, row) in reader.records().enumerate() {
        let line = index as u64 + 2;
        let row = row.map_err(|e| ParamError::Row {
            line,
            message: e.to_string(),
        })?;
        records
            .push(parse_parameter_row(&row).map_err(|message| ParamError::Row { line, message })?);
    }
    check_no_overlap(&records)?;
    Ok(records)
}

fn parse_parameter_row(row: &csv::StringRecord) -> Result<Parameter, String> {
    if row.len() != 9 {
        return Err(format!("应有9列，实际{}列", row.len()));
    }
    let optional = |text: &str| Some(text.to_string()).filter(|t| !t.is_empty());
    let date = |text: &str| {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| format!("日期“{text}”格式错误"))
    };
    let status = ParamStatus::parse(&row[6]).ok_or_else(|| format!("状态“{}”无效", &row[6]))?;
    if row[0].is_empty() || row[3].is_empty() || row[7].is_empty() {
        return Err("key、scope、source 不能为空".into());
    }
    Ok(Parameter {
        key: row[0].to_string(),
        value: row[1].to_string(),
        unit: optional(&row[2]),
        scope: row[3].to_string(),
        effective_from: date(&row[4])?,
        effective_to: optional(&row[5]).map(|t| date(&t)).transpose()?,
        status,
        source: row[7].to_string(),
        note: optional(&row[8]),
    })
}

/// Two records with the same key and scope and overlapping validity are a data error.
pub fn check_no_overlap(records: &[Parameter]) -> Result<(), ParamError> {
    for (i, a) in records.iter().enumerate() {
        for b in &records[i + 1..] {
            if a.key == b.key && a.scope == b.scope && a.overlaps(b) {
                return Err(ParamError::Overlap {
                    key: a.key.clone(),
                    scope: a.scope.clone(),
                });
            }
        }
    }
    Ok(())
}

/// Scopes that contain a division, most specific first: `/440000/441400/441402/` →
/// county:441402, city:441400, province:440000, national.
pub fn scope_chain(division_path: &str) -> Vec<String> {
    const LEVELS: [&str; 5] = ["province", "city", "county", "town", "village"];
    let codes: Vec<&str> = division_path.split('/').filter(|c| !c.is_empty()).collect();
    let mut chain: Vec<String> = codes
        .iter()
        .zip(LEVELS)
        .map(|(code, level)| format!("{level}:{code}"))
        .collect();
    chain.reverse();
    chain.push("national".to_string());
    chain
}

/// The record in force on `date` for `key` in the most specific scope of `scopes`
/// (spec/README.md §2.2 resolution rule).
pub fn resolve<'a>(
    records: &'a [Parameter],
    key: &str,
    date: NaiveDate,
    scopes: &[String],
) -> Option<&'a Parameter> {
    scopes.iter().find_map(|scope| {
        records
            .iter()
            .find(|r| r.key == key && &r.scope == scope && r.in_force_on(date))
    })
}

/// A month-day value such as `12-25`.
pub fn month_day(record: &Parameter) -> Result<(u32, u32), ParamError> {
    let bad = || ParamError::BadValue {
        key: record.key.clone(),
        value: record.value.clone(),
        expected: "MM-DD",
    };
    let (month, day) = record.value.split_once('-').ok_or_else(bad)?;
    let (month, day) = (
        month.parse().map_err(|_| bad())?,
        day.parse().map_err(|_| bad())?,
    );
    NaiveDate::from_ymd_opt(2024, month, day).ok_or_else(bad)?;
    Ok((month, day))
}

/// The parameters bundled with the program (`data/parameters.csv`).
pub const BUILTIN_PARAMETERS: &str = include_str!("../../../data/parameters.csv");

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn record(scope: &str, value: &str, from: &str, to: Option<&str>) -> Parameter {
        Parameter {
            key: "foi.reply.limit_wd".into(),
            value: value.into(),
            unit: Some("wd".into()),
            scope: scope.into(),
            effective_from: date(from),
            effective_to: to.map(date),
            status: ParamStatus::Confirmed,
            source: "政府信息公开条例第三十三条".into(),
            note: None,
        }
    }

    #[test]
    fn the_bundled_parameters_load_and_every_one_has_a_source() {
        let records = parse_parameters_csv(BUILTIN_PARAMETERS).unwrap();
        assert!(
            records
                .iter()
                .any(|r| r.key == "calendar.next_year_guard_from")
        );
        assert!(records.iter().all(|r| !r.source.is_empty()));
    }

    #[test]
    fn the_most_specific_scope_in_force_wins() {
        let records = vec![
            record("national", "20", "2019-05-15", None),
            record("city:441400", "15", "2025-01-01", None),
        ];
        let chain = scope_chain("/440000/441400/441402/");
        assert_eq!(
            chain,
            [
                "county:441402",
                "city:441400",
                "province:440000",
                "national"
            ]
        );
        assert_eq!(
            resolve(&records, "foi.reply.limit_wd", date("2025-03-01"), &chain)
                .unwrap()
                .value,
            "15"
        );
        assert_eq!(
            resolve(&records, "foi.reply.limit_wd", date("2024-03-01"), &chain)
                .unwrap()
                .value,
            "20"
        );
        let elsewhere = scope_chain("/440000/440100/");
        assert_eq!(
            resolve(
                &records,
                "foi.reply.limit_wd",
                date("2025-03-01"),
                &elsewhere
            )
            .unwrap()
            .value,
            "20"
        );
        assert!(resolve(&records, "foi.reply.limit_wd", date("2019-01-01"), &chain).is_none());
    }

    #[test]
    fn overlapping_records_of_one_scope_are_refused() {
        let touching = vec![
            record("national", "20", "2019-01-01", Some("2025-01-01")),
            record("national", "15", "2025-01-01", None),
        ];
        assert!(check_no_overlap(&touching).is_ok());
        let overlapping = vec![
            record("national", "20", "2019-01-01", Some("2025-02-01")),
            record("national", "15", "2025-01-01", None),
        ];
        assert!(matches!(
            check_no_overlap(&overlapping),
            Err(ParamError::Overlap { .. })
        ));
    }

    #[test]
    fn bad_rows_are_reported_by_line() {
        let text = format!("{PARAMETERS_HEADER}\nk,1,,national,2020-01-01,,sure,src,\n");
        assert_eq!(
            parse_parameters_csv(&text).unwrap_err().to_string(),
            "第2行：状态“sure”无效"
        );
        let no_source = format!("{PARAMETERS_HEADER}\nk,1,,national,2020-01-01,,confirmed,,\n");
        assert!(parse_parameters_csv(&no_source).is_err());
    }

    #[test]
    fn month_day_values_are_checked() {
        let mut guard = record("national", "12-25", "2020-01-01", None);
        assert_eq!(month_day(&guard).unwrap(), (12, 25));
        guard.value = "13-01".into();
        assert!(month_day(&guard).is_err());
    }
}
