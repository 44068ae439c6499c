//! Working-day calendar: statutory holidays (放假), adjusted working days (调休上班) and
//! deadline arithmetic, as defined in `shared/spec/calendar.md`.
//!
//! The platform never derives holidays from the lunar calendar (§2): it only knows the
//! schedule announced in the yearly 国务院办公厅 notices, loaded from two CSV files
//! (§3.1 `cn-holidays.csv`, §3.2 `cn-holiday-notices.csv`). Everything here is pure;
//! the bundled copy of the files is compiled in with `include_str!`.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Exact header of `cn-holidays.csv` (§3.1 rule 1).
pub const HOLIDAYS_HEADER: &str = "date,kind,name";

/// Exact header of `cn-holiday-notices.csv` (§3.2).
pub const NOTICES_HEADER: &str = "year,title,doc_number,issued,url,amends";

/// Names a holiday row may carry (§3.1, column `name`). An adjusted working day is named
/// `<one of these>` + [`ADJUSTED_WORKDAY_SUFFIX`], e.g. `春节调休上班`.
pub const HOLIDAY_NAMES: &[&str] = &[
    "元旦",
    "春节",
    "清明节",
    "劳动节",
    "端午节",
    "中秋节",
    "国庆节",
    "国庆节、中秋节",
    "中秋节、国庆节",
    "春节（新冠疫情防控延长假期）",
];

/// Suffix that marks the name of an adjusted working day (§3.1).
pub const ADJUSTED_WORKDAY_SUFFIX: &str = "调休上班";

/// Upper bound for a working-day period. Statutory periods are a few dozen working days
/// (FOI 20 + 20 extension); the bound stops an absurd limit from walking millions of days.
pub const MAX_WORKING_DAYS: u32 = 5_000;

const BUILTIN_HOLIDAYS: &str = include_str!("../../../data/calendar/cn-holidays.csv");
const BUILTIN_NOTICES: &str = include_str!("../../../data/calendar/cn-holiday-notices.csv");

// ---------------------------------------------------------------------------------------
// Data rows
// ---------------------------------------------------------------------------------------

/// Column `kind` of `cn-holidays.csv` (§3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DayKind {
    /// A day off inside an announced holiday period.
    Holiday,
    /// A Saturday or Sunday declared a working day (调休上班).
    Workday,
}

impl DayKind {
    /// The spelling used in the CSV file.
    pub fn as_str(self) -> &'static str {
        match self {
            DayKind::Holiday => "holiday",
            DayKind::Workday => "workday",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        match text {
            "holiday" => Some(DayKind::Holiday),
            "workday" => Some(DayKind::Workday),
            _ => None,
        }
    }
}

/// One row of `cn-holidays.csv` (§3.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolidayRow {
    pub date: NaiveDate,
    pub kind: DayKind,
    pub name: String,
}

/// One row of `cn-holiday-notices.csv` (§3.2): a State Council notice, or an amendment of one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// The year the notice governs (it may also fix late-December dates of the year before, §9).
    pub year: i32,
    pub title: String,
    /// 文号, when recorded.
    pub doc_number: Option<String>,
    pub issued: NaiveDate,
    /// Official www.gov.cn address, when known.
    pub url: Option<String>,
    /// For an amending notice (2020 COVID extension, §8): the year it amends.
    pub amends: Option<i32>,
}

/// True when `name` is in the vocabulary of §3.1: one of [`HOLIDAY_NAMES`], optionally
/// followed by [`ADJUSTED_WORKDAY_SUFFIX`].
pub fn is_known_holiday_name(name: &str) -> bool {
    let base = name.strip_suffix(ADJUSTED_WORKDAY_SUFFIX).unwrap_or(name);
    HOLIDAY_NAMES.contains(&base)
}

/// Chinese weekday label, 周一 … 周日, as printed in deadline proofs (§6).
pub fn weekday_zh(date: NaiveDate) -> &'static str {
    match date.weekday() {
        Weekday::Mon => "周一",
        Weekday::Tue => "周二",
        Weekday::Wed => "周三",
        Weekday::Thu => "周四",
        Weekday::Fri => "周五",
        Weekday::Sat => "周六",
        Weekday::Sun => "周日",
    }
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

// ---------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------

/// Why holiday data was rejected or a date cannot be answered. Messages are shown to users.
/// `line` is the 1-based line of the CSV file; it is `None` for rows that did not come
/// from a file (e.g. passed to [`Calendar::new`] from a database).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("第1行：表头应为“{expected}”，实为“{found}”")]
    BadHeader {
        expected: &'static str,
        found: String,
    },
    #[error("第{line}行：应有{expected}列，实有{found}列")]
    WrongColumnCount {
        line: u64,
        expected: usize,
        found: usize,
    },
    #[error("{}CSV格式错误：{message}", at(.line))]
    Csv { line: Option<u64>, message: String },
    #[error("第{line}行：日期格式错误“{value}”，应为YYYY-MM-DD")]
    BadDate { line: u64, value: String },
    #[error("第{line}行：类型错误“{value}”，应为holiday或workday")]
    BadKind { line: u64, value: String },
    #[error("第{line}行：{column}列年份错误“{value}”，应为四位数字年份")]
    BadYear {
        line: u64,
        column: &'static str,
        value: String,
    },
    #[error("{}日期{date}重复", at(.line))]
    DuplicateDate { line: Option<u64>, date: NaiveDate },
    #[error("第{line}行：日期{date}早于上一行的{previous}，应按日期升序排列")]
    UnsortedDate {
        line: u64,
        date: NaiveDate,
        previous: NaiveDate,
    },
    #[error("{}{date}是{}，调休上班日（workday）只能是周六或周日", at(.line), weekday_zh(*.date))]
    WorkdayOnWeekday { line: Option<u64>, date: NaiveDate },
    #[error("{}{date}的名称为空", at(.line))]
    EmptyName { line: Option<u64>, date: NaiveDate },
    #[error("{}{date}的名称“{name}”不在节假日名称表中", at(.line))]
    UnknownName {
        line: Option<u64>,
        date: NaiveDate,
        name: String,
    },
    #[error(
        "{}{date}的名称“{name}”与类型{}不符：调休上班日（workday）的名称以“调休上班”结尾，放假日（holiday）的名称不以此结尾",
        at(.line),
        .kind.as_str()
    )]
    NameKindMismatch {
        line: Option<u64>,
        date: NaiveDate,
        name: String,
        kind: DayKind,
    },
    #[error("{}通知标题为空", at(.line))]
    EmptyTitle { line: Option<u64> },
    #[error("{}{year}年已有一份节假日安排通知（非修订通知每年只能有一份）", at(.line))]
    DuplicateNotice { line: Option<u64>, year: i32 },
    #[error("{}修订通知所修订的{amends}年没有原通知", at(.line))]
    AmendsUnknownYear { line: Option<u64>, amends: i32 },
    #[error("节假日数据含{year}年的日期（首个为{first}），但没有{year}年的节假日安排通知")]
    YearWithoutNotice { year: i32, first: NaiveDate },
    /// `year` is the year whose notice is missing: `date`'s own year, or the next year
    /// when `date` is on/after `next_year_guard_from` (§7).
    #[error("{}", not_covered_message(.date, .year))]
    NotCovered { date: NaiveDate, year: i32 },
    #[error("参数calendar.next_year_guard_from错误：{month}月{day}日不是有效的月日")]
    BadGuard { month: u32, day: u32 },
    #[error("期限{working_days}个工作日超出上限{max}个工作日")]
    LimitTooLarge { working_days: u32, max: u32 },
    #[error("{date}之后的日期超出可计算范围")]
    OutOfRange { date: NaiveDate },
}

fn at(line: &Option<u64>) -> String {
    line.map(|n| format!("第{n}行：")).unwrap_or_default()
}

fn not_covered_message(date: &NaiveDate, year: &i32) -> String {
    if date.year() == *year {
        format!("{date} 所在年度（{year}年）的节假日安排尚未导入")
    } else {
        format!("{date} 临近年末，须待{year}年的节假日安排导入后才能确定")
    }
}

// ---------------------------------------------------------------------------------------
// CSV parsing (§3.1, §3.2): all or nothing
// ---------------------------------------------------------------------------------------

/// Parses and validates `cn-holidays.csv` (§3.1 rules 1–4). Rule 5 needs the notices and is
/// checked by [`Calendar::new`].
pub fn parse_holidays_csv(text: &str) -> Result<Vec<HolidayRow>, CalendarError> {
    let mut rows: Vec<HolidayRow> = Vec::new();
    for (line, record) in read_records(text, HOLIDAYS_HEADER)? {
        let row = parse_holiday_record(line, &record)?;
        check_follows(rows.last(), &row, line)?;
        check_row(Some(line), &row)?;
        rows.push(row);
    }
    Ok(rows)
}

/// Parses and validates `cn-holiday-notices.csv` (§3.2).
pub fn parse_notices_csv(text: &str) -> Result<Vec<Notice>, CalendarError> {
    let mut numbered = Vec::new();
    for (line, record) in read_records(text, NOTICES_HEADER)? {
        numbered.push((Some(line), parse_notice_record(line, &record)?));
    }
    let refs: Vec<(Option<u64>, &Notice)> = numbered.iter().map(|(l, n)| (*l, n)).collect();
    check_notices(&refs)?;
    Ok(numbered.into_iter().map(|(_, notice)| notice).collect())
}

/// Checks the header literally (a BOM or extra column fails, §3.1 rule 1), then returns the
/// data records with their line numbers, each with the header's column count.
fn read_records(
    text: &str,
    header: &'static str,
) -> Result<Vec<(u64, csv::StringRecord)>, CalendarError> {
    let first_line = text.split('\n').next().unwrap_or_default();
    let first_line = first_line.strip_suffix('\r').unwrap_or(first_line);
    if first_line != header {
        return Err(CalendarError::BadHeader {
            expected: header,
            found: first_line.to_owned(),
        });
    }
    let expected = header.split(',').count();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|result| numbered_record(result, expected))
        .collect()
}

fn numbered_record(
    result: Result<csv::StringRecord, csv::Error>,
    expected: usize,
) -> Result<(u64, csv::StringRecord), CalendarError> {
    let record = result.map_err(|e| CalendarError::Csv {
        line: e.position().map(csv::Position::line),
        message: e.to_string(),
    })?;
    let line = record.position().map_or(0, csv::Position::line);
    if record.len() != expected {
        return Err(CalendarError::WrongColumnCount {
            line,
            expected,
            found: record.len(),
        });
    }
    Ok((line, record))
}

fn field(record: &csv::StringRecord, index: usize) -> &str {
    record.get(index).unwrap_or_default()
}

fn parse_date(line: u64, text: &str) -> Result<NaiveDate, CalendarError> {
    // Strict YYYY-MM-DD: chrono alone would also accept e.g. "2020-1-1".
    let well_formed = text.len() == 10 && text.as_bytes().get(4) == Some(&b'-');
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|_| well_formed)
        .ok_or_else(|| CalendarError::BadDate {
            line,
            value: text.to_owned(),
        })
}

fn parse_year(line: u64, column: &'static str, text: &str) -> Result<i32, CalendarError> {
    let four_digits = text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit());
    text.parse()
        .ok()
        .filter(|_| four_digits)
        .ok_or_else(|| CalendarError::BadYear {
            line,
            column,
            value: text.to_owned(),
        })
}

fn non_empty(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

fn parse_holiday_record(
    line: u64,
    record: &csv::StringRecord,
) -> Result<HolidayRow, CalendarError> {
    let date = parse_date(line, field(record, 0))?;
    let kind_text = field(record, 1);
    let kind = DayKind::parse(kind_text).ok_or_else(|| CalendarError::BadKind {
        line,
        value: kind_text.to_owned(),
    })?;
    let name = field(record, 2).to_owned();
    Ok(HolidayRow { date, kind, name })
}

fn parse_notice_record(line: u64, record: &csv::StringRecord) -> Result<Notice, CalendarError> {
    let amends = match field(record, 5) {
        "" => None,
        text => Some(parse_year(line, "amends", text)?),
    };
    Ok(Notice {
        year: parse_year(line, "year", field(record, 0))?,
        title: field(record, 1).to_owned(),
        doc_number: non_empty(field(record, 2)),
        issued: parse_date(line, field(record, 3))?,
        url: non_empty(field(record, 4)),
        amends,
    })
}

// ---------------------------------------------------------------------------------------
// Validation shared by the parsers and Calendar::new
// ---------------------------------------------------------------------------------------

/// §3.1 rule 1: dates strictly increasing, hence unique.
fn check_follows(
    previous: Option<&HolidayRow>,
    row: &HolidayRow,
    line: u64,
) -> Result<(), CalendarError> {
    match previous {
        Some(prev) if prev.date == row.date => Err(CalendarError::DuplicateDate {
            line: Some(line),
            date: row.date,
        }),
        Some(prev) if prev.date > row.date => Err(CalendarError::UnsortedDate {
            line,
            date: row.date,
            previous: prev.date,
        }),
        _ => Ok(()),
    }
}

/// §3.1 rules 2 and 4 for one row (rule 3: a holiday may fall on any day, nothing to check).
fn check_row(line: Option<u64>, row: &HolidayRow) -> Result<(), CalendarError> {
    let date = row.date;
    if row.kind == DayKind::Workday && !is_weekend(date) {
        return Err(CalendarError::WorkdayOnWeekday { line, date });
    }
    if row.name.trim().is_empty() {
        return Err(CalendarError::EmptyName { line, date });
    }
    if !is_known_holiday_name(&row.name) {
        let name = row.name.clone();
        return Err(CalendarError::UnknownName { line, date, name });
    }
    // A 调休上班 name on a day off (or a holiday name on a working day) is a typo that would
    // mislead every deadline proof (§6) that prints it.
    let named_as_workday = row.name.ends_with(ADJUSTED_WORKDAY_SUFFIX);
    if named_as_workday != (row.kind == DayKind::Workday) {
        let (name, kind) = (row.name.clone(), row.kind);
        return Err(CalendarError::NameKindMismatch {
            line,
            date,
            name,
            kind,
        });
    }
    Ok(())
}

/// §3.2: one non-amending notice per year (it defines coverage), a title on every notice,
/// and an amendment only of a year that has its original notice.
fn check_notices(notices: &[(Option<u64>, &Notice)]) -> Result<(), CalendarError> {
    let mut base_years = BTreeSet::new();
    for &(line, notice) in notices {
        if notice.title.trim().is_empty() {
            return Err(CalendarError::EmptyTitle { line });
        }
        if notice.amends.is_none() && !base_years.insert(notice.year) {
            let year = notice.year;
            return Err(CalendarError::DuplicateNotice { line, year });
        }
    }
    for &(line, notice) in notices {
        if let Some(amends) = notice.amends
            && !base_years.contains(&amends)
        {
            return Err(CalendarError::AmendsUnknownYear { line, amends });
        }
    }
    Ok(())
}

/// §3.1 rule 5: every year that has rows has a covering (non-amending) notice.
/// `rows` must be sorted, so the first row of a year is reported.
fn check_years_have_notices(
    rows: &[HolidayRow],
    covered_years: &BTreeSet<i32>,
) -> Result<(), CalendarError> {
    match rows
        .iter()
        .find(|r| !covered_years.contains(&r.date.year()))
    {
        Some(row) => Err(CalendarError::YearWithoutNotice {
            year: row.date.year(),
            first: row.date,
        }),
        None => Ok(()),
    }
}

// ---------------------------------------------------------------------------------------
// Calendar
// ---------------------------------------------------------------------------------------

/// Parameters of §12 that the calendar itself uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarParams {
    /// `calendar.next_year_guard_from` as (month, day): from this day on, a date is covered
    /// only if next year's notice is loaded too (§7, §9). Default 12-25.
    pub next_year_guard_from: (u32, u32),
}

impl Default for CalendarParams {
    fn default() -> Self {
        CalendarParams {
            next_year_guard_from: (12, 25),
        }
    }
}

/// Why a date is or is not a working day (lookup rule of §3.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DayReason {
    /// Monday–Friday without a row: working day.
    Weekday,
    /// Saturday/Sunday without a row: rest day (休息日).
    RestDay,
    /// Inside an announced holiday period: not a working day, whatever the weekday.
    Holiday(String),
    /// A Saturday/Sunday declared 上班: a working day for every period (§1, project rule).
    AdjustedWorkday(String),
}

impl DayReason {
    pub fn is_working(&self) -> bool {
        matches!(self, DayReason::Weekday | DayReason::AdjustedWorkday(_))
    }
}

/// Status of one date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayInfo {
    pub date: NaiveDate,
    pub working: bool,
    pub reason: DayReason,
    /// §7: the notices governing this date are loaded. When false, `working` is only the
    /// weekday rule and may change once the notice arrives.
    pub covered: bool,
}

/// What the deadline walk of §5 did with one calendar day (§6 item 4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum StepOutcome {
    /// Counted as the n-th working day.
    Counted(u32),
    /// Counted as the n-th working day although a weekend day: 调休上班 with its name.
    CountedAdjusted(u32, String),
    SkippedRestDay,
    SkippedHoliday(String),
    /// A working day inside a pause interval (P < d ≤ R, §5).
    SkippedPaused,
}

impl StepOutcome {
    /// The working-day number when the day was counted.
    pub fn counted(&self) -> Option<u32> {
        match self {
            StepOutcome::Counted(n) | StepOutcome::CountedAdjusted(n, _) => Some(*n),
            _ => None,
        }
    }
}

/// One calendar day of the walk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub date: NaiveDate,
    pub outcome: StepOutcome,
}

/// A computed working-day due date with its derivation (§5, §6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Due {
    /// Day 0 of the period; never counted (C1).
    pub start: NaiveDate,
    pub working_days: u32,
    /// The due date; an act done on it is on time (C4).
    pub date: NaiveDate,
    /// §7: some walked date was not covered, so those dates used the weekday rule.
    pub provisional: bool,
    /// Years whose notice the walk needed but which are not loaded.
    pub uncovered_years: Vec<i32>,
    /// Pause intervals (P, R) applied: working days d with P < d ≤ R were not counted.
    pub pauses: Vec<(NaiveDate, NaiveDate)>,
    /// Every calendar day from start + 1 to `date`, in order.
    pub steps: Vec<Step>,
    /// Loaded notices (including amendments) for every year the walk needed (§6 item 3).
    pub notices: Vec<Notice>,
    pub calendar_version: String,
}

/// The national holiday schedule with its notices; can only hold validated data.
#[derive(Debug, Clone)]
pub struct Calendar {
    rows: Vec<HolidayRow>,
    notices: Vec<Notice>,
    params: CalendarParams,
    covered_years: BTreeSet<i32>,
    version: String,
}

impl Calendar {
    /// Validates and builds a calendar. Rows and notices may come in any order (e.g. from a
    /// database); they are put in canonical order so [`Calendar::version`] does not depend
    /// on the source. All §3.1/§3.2 rules are checked again, including rule 5.
    pub fn new(
        mut rows: Vec<HolidayRow>,
        mut notices: Vec<Notice>,
        params: CalendarParams,
    ) -> Result<Calendar, CalendarError> {
        check_params(params)?;
        rows.sort_by_key(|row| row.date);
        check_rows(&rows)?;
        notices.iter_mut().for_each(normalise_notice);
        notices.sort_by(|a, b| notice_sort_key(a).cmp(&notice_sort_key(b)));
        let numbered: Vec<(Option<u64>, &Notice)> = notices.iter().map(|n| (None, n)).collect();
        check_notices(&numbered)?;
        let covered_years = notices
            .iter()
            .filter(|n| n.amends.is_none())
            .map(|n| n.year)
            .collect();
        check_years_have_notices(&rows, &covered_years)?;
        let version = version_of(&rows, &notices);
        Ok(Calendar {
            rows,
            notices,
            params,
            covered_years,
            version,
        })
    }

    /// The data bundled with the program (`data/calendar/`), with default parameters.
    pub fn builtin() -> Result<Calendar, CalendarError> {
        let rows = parse_holidays_csv(BUILTIN_HOLIDAYS)?;
        let notices = parse_notices_csv(BUILTIN_NOTICES)?;
        Calendar::new(rows, notices, CalendarParams::default())
    }

    pub fn rows(&self) -> &[HolidayRow] {
        &self.rows
    }

    pub fn notices(&self) -> &[Notice] {
        &self.notices
    }

    pub fn params(&self) -> CalendarParams {
        self.params
    }

    /// §3.2: a year is covered when it has a non-amending notice.
    pub fn is_year_covered(&self, year: i32) -> bool {
        self.covered_years.contains(&year)
    }

    /// Content hash of rows and notices (§7), first 16 hex digits of SHA-256.
    pub fn version(&self) -> String {
        self.version.clone()
    }

    /// Status of `date` by the lookup rule of §3.1, with its §7 coverage.
    pub fn day(&self, date: NaiveDate) -> DayInfo {
        let reason = self.reason(date);
        DayInfo {
            date,
            working: reason.is_working(),
            reason,
            covered: self.missing_notice_years(date).is_empty(),
        }
    }

    /// Whether `date` is a working day; `Err(NotCovered)` when the date is not covered (§7)
    /// — the answer is never silently the Monday–Friday rule.
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        if let Some(&year) = self.missing_notice_years(date).first() {
            return Err(CalendarError::NotCovered { date, year });
        }
        Ok(self.reason(date).is_working())
    }

    /// "Within N working days from `start`" (C1, C2): the N-th working day strictly after
    /// `start`, found by the day-by-day walk of §5. `working_days == 0` returns `start`
    /// itself with no steps. Uncovered dates make the result provisional (§7).
    pub fn due_date(&self, start: NaiveDate, working_days: u32) -> Result<Due, CalendarError> {
        self.due_date_with_pauses(start, working_days, &[])
    }

    /// As [`Calendar::due_date`], but working days d with P < d ≤ R for a pause (P, R) are
    /// skipped (§5: the day the letter is sent counts, the day the reply arrives does not).
    /// An interval with R ≤ P pauses nothing.
    pub fn due_date_with_pauses(
        &self,
        start: NaiveDate,
        working_days: u32,
        pauses: &[(NaiveDate, NaiveDate)],
    ) -> Result<Due, CalendarError> {
        if working_days > MAX_WORKING_DAYS {
            let max = MAX_WORKING_DAYS;
            return Err(CalendarError::LimitTooLarge { working_days, max });
        }
        let steps = self.walk(start, working_days, pauses)?;
        let needed: BTreeSet<i32> = steps
            .iter()
            .flat_map(|s| self.governing_years(s.date))
            .collect();
        let uncovered_years: Vec<i32> = needed
            .iter()
            .copied()
            .filter(|y| !self.is_year_covered(*y))
            .collect();
        Ok(Due {
            start,
            working_days,
            date: steps.last().map_or(start, |s| s.date),
            provisional: !uncovered_years.is_empty(),
            uncovered_years,
            pauses: pauses.to_vec(),
            notices: self.notices_for(&needed),
            steps,
            calendar_version: self.version(),
        })
    }

    /// Number of working days d with `from` < d ≤ `to` (0 when `to` ≤ `from`), the inverse
    /// of [`Calendar::due_date`]. `Err(NotCovered)` at the first uncovered date.
    pub fn working_days_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<u32, CalendarError> {
        let mut count: u32 = 0;
        let mut date = from;
        while date < to {
            let Some(next) = date.succ_opt() else { break };
            date = next;
            if self.is_working_day(date)? {
                count = count.saturating_add(1);
            }
        }
        Ok(count)
    }

    /// §5: walk one calendar day at a time from the day after `start` until the count
    /// reaches the limit; no "N×7/5 days" shortcuts.
    fn walk(
        &self,
        start: NaiveDate,
        working_days: u32,
        pauses: &[(NaiveDate, NaiveDate)],
    ) -> Result<Vec<Step>, CalendarError> {
        let mut steps = Vec::new();
        let mut counted = 0;
        let mut date = start;
        while counted < working_days {
            date = date.succ_opt().ok_or(CalendarError::OutOfRange { date })?;
            let paused = pauses.iter().any(|&(p, r)| p < date && date <= r);
            let outcome = self.classify(date, counted + 1, paused);
            if outcome.counted().is_some() {
                counted += 1;
            }
            steps.push(Step { date, outcome });
        }
        Ok(steps)
    }

    /// `next` is the number the day gets if it counts.
    fn classify(&self, date: NaiveDate, next: u32, paused: bool) -> StepOutcome {
        match self.reason(date) {
            DayReason::RestDay => StepOutcome::SkippedRestDay,
            DayReason::Holiday(name) => StepOutcome::SkippedHoliday(name),
            _ if paused => StepOutcome::SkippedPaused,
            DayReason::Weekday => StepOutcome::Counted(next),
            DayReason::AdjustedWorkday(name) => StepOutcome::CountedAdjusted(next, name),
        }
    }

    /// Lookup rule of §3.1: a row decides; otherwise Monday–Friday works.
    fn reason(&self, date: NaiveDate) -> DayReason {
        let row = self
            .rows
            .binary_search_by_key(&date, |r| r.date)
            .ok()
            .and_then(|i| self.rows.get(i));
        match row {
            Some(row) if row.kind == DayKind::Workday => {
                DayReason::AdjustedWorkday(row.name.clone())
            }
            Some(row) => DayReason::Holiday(row.name.clone()),
            None if is_weekend(date) => DayReason::RestDay,
            None => DayReason::Weekday,
        }
    }

    /// Years whose notice can decide `date` (§7, §9): its own year, and from the guard day
    /// on also the next year, whose notice may move late-December days (2022-12-31).
    fn governing_years(&self, date: NaiveDate) -> Vec<i32> {
        let after_guard = (date.month(), date.day()) >= self.params.next_year_guard_from;
        match after_guard {
            true => vec![date.year(), date.year() + 1],
            false => vec![date.year()],
        }
    }

    fn missing_notice_years(&self, date: NaiveDate) -> Vec<i32> {
        let mut years = self.governing_years(date);
        years.retain(|y| !self.is_year_covered(*y));
        years
    }

    fn notices_for(&self, years: &BTreeSet<i32>) -> Vec<Notice> {
        self.notices
            .iter()
            .filter(|n| years.contains(&n.year))
            .cloned()
            .collect()
    }
}

fn check_params(params: CalendarParams) -> Result<(), CalendarError> {
    let (month, day) = params.next_year_guard_from;
    // 2000 is a leap year, so 02-29 is accepted as a month-day.
    match NaiveDate::from_ymd_opt(2000, month, day) {
        Some(_) => Ok(()),
        None => Err(CalendarError::BadGuard { month, day }),
    }
}

/// Rows already sorted: reject duplicates, then every per-row rule.
fn check_rows(rows: &[HolidayRow]) -> Result<(), CalendarError> {
    for pair in rows.windows(2) {
        if let [a, b] = pair
            && a.date == b.date
        {
            return Err(CalendarError::DuplicateDate {
                line: None,
                date: b.date,
            });
        }
    }
    rows.iter().try_for_each(|row| check_row(None, row))
}

/// An empty string and a missing value are the same fact; keep one form so the version
/// hash is the same for file and database data.
fn normalise_notice(notice: &mut Notice) {
    notice.doc_number = notice.doc_number.as_deref().and_then(non_empty);
    notice.url = notice.url.as_deref().and_then(non_empty);
}

fn notice_sort_key(notice: &Notice) -> (i32, Option<i32>, NaiveDate, &str) {
    (notice.year, notice.amends, notice.issued, &notice.title)
}

/// §7 version: SHA-256 over a length-prefixed serialisation of the canonical rows and
/// notices, so the hash is unambiguous and independent of the storage format.
fn version_of(rows: &[HolidayRow], notices: &[Notice]) -> String {
    let mut hasher = Sha256::new();
    hash_field(&mut hasher, "fazhi-calendar-v1");
    hash_field(&mut hasher, &rows.len().to_string());
    for row in rows {
        hash_field(&mut hasher, &row.date.to_string());
        hash_field(&mut hasher, row.kind.as_str());
        hash_field(&mut hasher, &row.name);
    }
    hash_field(&mut hasher, &notices.len().to_string());
    for notice in notices {
        hash_notice(&mut hasher, notice);
    }
    let mut hex = hex::encode(hasher.finalize());
    hex.truncate(16);
    hex
}

fn hash_notice(hasher: &mut Sha256, notice: &Notice) {
    hash_field(hasher, &notice.year.to_string());
    hash_field(hasher, &notice.title);
    hash_optional(hasher, notice.doc_number.as_deref());
    hash_field(hasher, &notice.issued.to_string());
    hash_optional(hasher, notice.url.as_deref());
    hash_optional(hasher, notice.amends.map(|y| y.to_string()).as_deref());
}

fn hash_field(hasher: &mut Sha256, text: &str) {
    hasher.update(format!("{}:", text.len()).as_bytes());
    hasher.update(text.as_bytes());
}

fn hash_optional(hasher: &mut Sha256, text: Option<&str>) {
    match text {
        Some(text) => {
            hash_field(hasher, "some");
            hash_field(hasher, text);
        }
        None => hash_field(hasher, "none"),
    }
}

// ---------------------------------------------------------------------------------------
// Deadline proof (§6)
// ---------------------------------------------------------------------------------------

impl Due {
    /// The dates that were counted, in order (day 1 … day N).
    pub fn counted_dates(&self) -> Vec<NaiveDate> {
        self.steps
            .iter()
            .filter(|s| s.outcome.counted().is_some())
            .map(|s| s.date)
            .collect()
    }

    /// The derivation of §6 in Chinese: start, limit, calendar version and notices, one line
    /// per walked day, the due date, and a warning when provisional (§7).
    pub fn explain(&self) -> String {
        let mut out = String::new();
        self.explain_header(&mut out);
        for step in &self.steps {
            let _ = writeln!(
                out,
                "{} {}  {}",
                step.date,
                weekday_zh(step.date),
                step_text(&step.outcome)
            );
        }
        let _ = writeln!(
            out,
            "到期日 {} {}（当日24:00前）",
            self.date,
            weekday_zh(self.date)
        );
        if self.provisional {
            let years: Vec<String> = self
                .uncovered_years
                .iter()
                .map(|y| format!("{y}年"))
                .collect();
            let _ = writeln!(
                out,
                "注意：{}节假日安排尚未导入，结果为暂定",
                years.join("、")
            );
        }
        out
    }

    fn explain_header(&self, out: &mut String) {
        let start = self.start;
        let _ = writeln!(out, "起算日 {start} {}（当日不计入）", weekday_zh(start));
        let _ = match self.working_days {
            0 => writeln!(out, "期限 0个工作日（到期日即起算日）"),
            n => writeln!(out, "期限 {n}个工作日（自起算日次日起计算）"),
        };
        let _ = writeln!(out, "日历版本 v{}", self.calendar_version);
        for notice in &self.notices {
            let _ = writeln!(out, "依据通知 {}", notice_text(notice));
        }
        for (paused, resumed) in &self.pauses {
            let _ = writeln!(
                out,
                "暂停 {paused} 至 {resumed}（其间工作日不计入，{resumed}当日亦不计入）"
            );
        }
    }
}

fn notice_text(notice: &Notice) -> String {
    match &notice.doc_number {
        Some(doc) => format!("{}（{}，{}）", notice.title, doc, notice.issued),
        None => format!("{}（{}）", notice.title, notice.issued),
    }
}

fn step_text(outcome: &StepOutcome) -> String {
    match outcome {
        StepOutcome::Counted(n) => format!("计入第{n}个工作日"),
        StepOutcome::CountedAdjusted(n, name) => format!("计入第{n}个工作日（调休上班：{name}）"),
        StepOutcome::SkippedRestDay => "跳过：休息日".to_owned(),
        StepOutcome::SkippedHoliday(name) => format!("跳过：法定节假日 {name}"),
        StepOutcome::SkippedPaused => "跳过：暂停计算期间".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use proptest::prelude::*;
    use std::sync::LazyLock;

    static BUILTIN: LazyLock<Calendar> = LazyLock::new(|| Calendar::builtin().unwrap());

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    /// Inclusive calendar-date ranges, as the spec writes "09-23..09-27".
    fn spans(ranges: &[(&str, &str)]) -> Vec<NaiveDate> {
        let mut out = Vec::new();
        for &(from, to) in ranges {
            let mut day = d(from);
            while day <= d(to) {
                out.push(day);
                day = day.succ_opt().unwrap();
            }
        }
        out
    }

    fn adjusted_dates(due: &Due) -> Vec<NaiveDate> {
        let adjusted = |s: &&Step| matches!(s.outcome, StepOutcome::CountedAdjusted(..));
        due.steps.iter().filter(adjusted).map(|s| s.date).collect()
    }

    /// Checks one worked example of §10: due date, every counted day in order, the 调休
    /// days counted, and that the walk covered every day from S+1 to the due date.
    fn assert_example(
        cal: &Calendar,
        start: &str,
        n: u32,
        due: &str,
        counted: &[(&str, &str)],
        adjusted: &[&str],
    ) -> Due {
        let result = cal.due_date(d(start), n).unwrap();
        assert_eq!(result.date, d(due), "due date");
        assert_eq!(result.counted_dates(), spans(counted), "counted days");
        let numbers: Vec<u32> = result
            .steps
            .iter()
            .filter_map(|s| s.outcome.counted())
            .collect();
        assert_eq!(numbers, (1..=n).collect::<Vec<_>>(), "numbered 1..=N");
        let adjusted: Vec<NaiveDate> = adjusted.iter().map(|s| d(s)).collect();
        assert_eq!(adjusted_dates(&result), adjusted, "调休 counted");
        let walked: Vec<NaiveDate> = result.steps.iter().map(|s| s.date).collect();
        assert_eq!(
            walked,
            spans(&[(&d(start).succ_opt().unwrap().to_string(), due)])
        );
        assert!(!result.provisional);
        result
    }

    fn outcome_on(due: &Due, date: &str) -> StepOutcome {
        due.steps
            .iter()
            .find(|s| s.date == d(date))
            .unwrap()
            .outcome
            .clone()
    }

    // ---- §10 worked examples --------------------------------------------------------

    #[test]
    fn foi_reply_across_national_day_2024_is_oct_23() {
        let due = assert_example(
            &BUILTIN,
            "2024-09-20",
            20,
            "2024-10-23",
            &[
                ("2024-09-23", "2024-09-27"),
                ("2024-09-29", "2024-09-29"),
                ("2024-09-30", "2024-09-30"),
                ("2024-10-08", "2024-10-11"),
                ("2024-10-12", "2024-10-12"),
                ("2024-10-14", "2024-10-18"),
                ("2024-10-21", "2024-10-23"),
            ],
            &["2024-09-29", "2024-10-12"],
        );
        let holiday = StepOutcome::SkippedHoliday("国庆节".into());
        assert_eq!(outcome_on(&due, "2024-10-01"), holiday);
        assert_eq!(outcome_on(&due, "2024-09-28"), StepOutcome::SkippedRestDay);
    }

    #[test]
    fn first_spring_festival_under_2025_rules_is_feb_21() {
        assert_example(
            &BUILTIN,
            "2025-01-20",
            20,
            "2025-02-21",
            &[
                ("2025-01-21", "2025-01-24"),
                ("2025-01-26", "2025-01-27"),
                ("2025-02-05", "2025-02-07"),
                ("2025-02-08", "2025-02-08"),
                ("2025-02-10", "2025-02-14"),
                ("2025-02-17", "2025-02-21"),
            ],
            &["2025-01-26", "2025-02-08"],
        );
    }

    const COVID_2020: &[(&str, &str)] = &[
        ("2020-01-21", "2020-01-23"),
        ("2020-02-03", "2020-02-07"),
        ("2020-02-10", "2020-02-14"),
        ("2020-02-17", "2020-02-21"),
        ("2020-02-24", "2020-02-25"),
    ];

    #[test]
    fn covid_extension_2020_moves_due_date_to_feb_25() {
        let due = assert_example(&BUILTIN, "2020-01-20", 20, "2020-02-25", COVID_2020, &[]);
        let extended = StepOutcome::SkippedHoliday("春节（新冠疫情防控延长假期）".into());
        for date in ["2020-01-31", "2020-02-01", "2020-02-02"] {
            assert_eq!(outcome_on(&due, date), extended);
        }
        assert!(due.notices.iter().any(|n| n.amends == Some(2020)));
    }

    /// The calendar as it stood before 国办发明电〔2020〕1号 (§8).
    fn original_2020_calendar() -> Calendar {
        let extension = "春节（新冠疫情防控延长假期）";
        let mut rows: Vec<HolidayRow> = BUILTIN
            .rows()
            .iter()
            .filter(|r| r.name != extension)
            .cloned()
            .collect();
        rows.push(HolidayRow {
            date: d("2020-02-01"),
            kind: DayKind::Workday,
            name: "春节调休上班".into(),
        });
        let notices = BUILTIN
            .notices()
            .iter()
            .filter(|n| n.amends.is_none())
            .cloned()
            .collect();
        Calendar::new(rows, notices, CalendarParams::default()).unwrap()
    }

    #[test]
    fn original_2020_notice_alone_would_give_feb_21() {
        let cal = original_2020_calendar();
        let due = cal.due_date(d("2020-01-20"), 20).unwrap();
        assert_eq!(due.date, d("2020-02-21"));
        assert_eq!(outcome_on(&due, "2020-01-31"), StepOutcome::Counted(4));
        assert_eq!(
            outcome_on(&due, "2020-02-01"),
            StepOutcome::CountedAdjusted(5, "春节调休上班".into())
        );
        assert_ne!(cal.version(), BUILTIN.version());
    }

    #[test]
    fn december_start_counts_2026_new_year_adjusted_workday() {
        let due = assert_example(
            &BUILTIN,
            "2025-12-29",
            5,
            "2026-01-06",
            &[("2025-12-30", "2025-12-31"), ("2026-01-04", "2026-01-06")],
            &["2026-01-04"],
        );
        let years: Vec<i32> = due.notices.iter().map(|n| n.year).collect();
        assert_eq!(
            years,
            vec![2025, 2026],
            "next year's notice is consulted (§9)"
        );
    }

    #[test]
    fn without_2026_notice_december_start_is_provisional_jan_5() {
        let rows = BUILTIN
            .rows()
            .iter()
            .filter(|r| r.date.year() != 2026)
            .cloned()
            .collect();
        let notices = BUILTIN
            .notices()
            .iter()
            .filter(|n| n.year != 2026)
            .cloned()
            .collect();
        let cal = Calendar::new(rows, notices, CalendarParams::default()).unwrap();
        let due = cal.due_date(d("2025-12-29"), 5).unwrap();
        assert_eq!(due.date, d("2026-01-05"));
        assert!(due.provisional);
        assert_eq!(due.uncovered_years, vec![2026]);
        assert!(
            due.explain()
                .contains("注意：2026年节假日安排尚未导入，结果为暂定")
        );
    }

    #[test]
    fn chuxi_2024_is_working_day_one() {
        assert_example(
            &BUILTIN,
            "2024-02-08",
            20,
            "2024-03-13",
            &[
                ("2024-02-09", "2024-02-09"),
                ("2024-02-18", "2024-02-18"),
                ("2024-02-19", "2024-02-23"),
                ("2024-02-26", "2024-03-01"),
                ("2024-03-04", "2024-03-08"),
                ("2024-03-11", "2024-03-13"),
            ],
            &["2024-02-18"],
        );
    }

    #[test]
    fn correction_notice_across_labour_day_2024_is_may_9() {
        assert_example(
            &BUILTIN,
            "2024-04-26",
            7,
            "2024-05-09",
            &[("2024-04-28", "2024-04-30"), ("2024-05-06", "2024-05-09")],
            &["2024-04-28"],
        );
    }

    #[test]
    fn third_party_period_across_nine_day_spring_festival_2026_is_mar_9() {
        assert_example(
            &BUILTIN,
            "2026-02-10",
            15,
            "2026-03-09",
            &[
                ("2026-02-11", "2026-02-13"),
                ("2026-02-14", "2026-02-14"),
                ("2026-02-24", "2026-02-27"),
                ("2026-02-28", "2026-02-28"),
                ("2026-03-02", "2026-03-06"),
                ("2026-03-09", "2026-03-09"),
            ],
            &["2026-02-14", "2026-02-28"],
        );
    }

    #[test]
    fn parallel_approval_across_qingming_2025_is_apr_10() {
        assert_example(
            &BUILTIN,
            "2025-04-02",
            5,
            "2025-04-10",
            &[("2025-04-03", "2025-04-03"), ("2025-04-07", "2025-04-10")],
            &[],
        );
    }

    #[test]
    fn foi_reply_with_full_extension_2023_is_nov_21() {
        assert_example(
            &BUILTIN,
            "2023-09-20",
            40,
            "2023-11-21",
            &[
                ("2023-09-21", "2023-09-22"),
                ("2023-09-25", "2023-09-28"),
                ("2023-10-07", "2023-10-08"),
                ("2023-10-09", "2023-10-13"),
                ("2023-10-16", "2023-10-20"),
                ("2023-10-23", "2023-10-24"),
                ("2023-10-25", "2023-10-27"),
                ("2023-10-30", "2023-11-03"),
                ("2023-11-06", "2023-11-10"),
                ("2023-11-13", "2023-11-17"),
                ("2023-11-20", "2023-11-21"),
            ],
            &["2023-10-07", "2023-10-08"],
        );
        let unextended = BUILTIN.due_date(d("2023-09-20"), 20).unwrap();
        assert_eq!(unextended.date, d("2023-10-24"));
        let extension = BUILTIN.due_date(unextended.date, 20).unwrap();
        assert_eq!(extension.date, d("2023-11-21"));
    }

    #[test]
    fn permit_publication_2021_day_one_is_a_saturday() {
        assert_example(
            &BUILTIN,
            "2021-09-17",
            7,
            "2021-09-28",
            &[
                ("2021-09-18", "2021-09-18"),
                ("2021-09-22", "2021-09-24"),
                ("2021-09-26", "2021-09-28"),
            ],
            &["2021-09-18", "2021-09-26"],
        );
    }

    // ---- C1/C2, pauses (§4, §5), foi.md §3.6 ----------------------------------------

    #[test]
    fn zero_working_days_is_the_start_date_itself() {
        let due = BUILTIN.due_date(d("2024-10-01"), 0).unwrap();
        assert_eq!(due.date, d("2024-10-01"));
        assert!(due.steps.is_empty());
        assert!(!due.provisional);
    }

    #[test]
    fn start_on_a_sunday_counts_from_the_next_working_day() {
        let due = BUILTIN.due_date(d("2024-09-22"), 1).unwrap();
        assert_eq!(due.date, d("2024-09-23"));
    }

    #[test]
    fn limit_beyond_any_statute_is_rejected() {
        let err = BUILTIN
            .due_date(d("2024-01-01"), MAX_WORKING_DAYS + 1)
            .unwrap_err();
        assert!(matches!(err, CalendarError::LimitTooLarge { .. }));
    }

    #[test]
    fn foi_third_party_pause_2025_gives_apr_11() {
        let pauses = [(d("2025-03-10"), d("2025-03-20"))];
        let due = BUILTIN
            .due_date_with_pauses(d("2025-03-03"), 20, &pauses)
            .unwrap();
        assert_eq!(due.date, d("2025-04-11"));
        assert_eq!(outcome_on(&due, "2025-03-10"), StepOutcome::Counted(5));
        assert_eq!(outcome_on(&due, "2025-03-20"), StepOutcome::SkippedPaused);
        assert_eq!(outcome_on(&due, "2025-03-21"), StepOutcome::Counted(6));
        let paused = due
            .steps
            .iter()
            .filter(|s| s.outcome == StepOutcome::SkippedPaused);
        assert_eq!(paused.count(), 8);
        assert_eq!(
            BUILTIN.due_date(d("2025-03-03"), 28).unwrap().date,
            due.date
        );
    }

    #[test]
    fn foi_further_checks_2025() {
        assert_eq!(
            BUILTIN.due_date(d("2025-06-09"), 20).unwrap().date,
            d("2025-07-07")
        );
        assert_eq!(
            BUILTIN.due_date(d("2025-09-15"), 20).unwrap().date,
            d("2025-10-17")
        );
        assert_eq!(
            BUILTIN.due_date(d("2025-09-15"), 40).unwrap().date,
            d("2025-11-14")
        );
    }

    // ---- Single days (§1, §3.1 lookup, §7 coverage) ---------------------------------

    #[test]
    fn uncovered_year_is_never_answered_by_the_weekday_rule() {
        let err = BUILTIN.is_working_day(d("2027-03-01")).unwrap_err();
        assert_eq!(
            err,
            CalendarError::NotCovered {
                date: d("2027-03-01"),
                year: 2027
            }
        );
        assert_eq!(
            err.to_string(),
            "2027-03-01 所在年度（2027年）的节假日安排尚未导入"
        );
        assert!(!BUILTIN.day(d("2027-03-01")).covered);
    }

    #[test]
    fn chuxi_2024_works_but_chuxi_2025_is_a_holiday() {
        assert!(BUILTIN.is_working_day(d("2024-02-09")).unwrap());
        assert!(!BUILTIN.is_working_day(d("2025-01-28")).unwrap());
        assert_eq!(
            BUILTIN.day(d("2025-01-28")).reason,
            DayReason::Holiday("春节".into())
        );
    }

    #[test]
    fn adjusted_sunday_works_and_weekday_holiday_does_not() {
        let info = BUILTIN.day(d("2026-01-04"));
        assert!(info.working && info.covered);
        assert_eq!(
            info.reason,
            DayReason::AdjustedWorkday("元旦调休上班".into())
        );
        assert!(!BUILTIN.day(d("2026-01-02")).working);
        assert_eq!(
            BUILTIN.day(d("2020-02-01")).reason,
            DayReason::Holiday("春节（新冠疫情防控延长假期）".into())
        );
        assert_eq!(BUILTIN.day(d("2024-06-08")).reason, DayReason::RestDay);
    }

    #[test]
    fn late_december_needs_next_years_notice() {
        assert!(BUILTIN.day(d("2026-12-24")).covered);
        assert!(!BUILTIN.day(d("2026-12-25")).covered);
        let err = BUILTIN.is_working_day(d("2026-12-28")).unwrap_err();
        assert_eq!(
            err,
            CalendarError::NotCovered {
                date: d("2026-12-28"),
                year: 2027
            }
        );
        let params = CalendarParams {
            next_year_guard_from: (12, 31),
        };
        let cal =
            Calendar::new(BUILTIN.rows().to_vec(), BUILTIN.notices().to_vec(), params).unwrap();
        assert!(cal.day(d("2026-12-30")).covered);
        assert!(!cal.day(d("2026-12-31")).covered);
    }

    #[test]
    fn working_days_between_counts_after_from_up_to_to() {
        assert_eq!(
            BUILTIN.working_days_between(d("2024-09-20"), d("2024-10-23")),
            Ok(20)
        );
        assert_eq!(
            BUILTIN.working_days_between(d("2024-10-23"), d("2024-09-20")),
            Ok(0)
        );
        let err = BUILTIN
            .working_days_between(d("2026-12-01"), d("2027-01-10"))
            .unwrap_err();
        assert_eq!(
            err,
            CalendarError::NotCovered {
                date: d("2026-12-25"),
                year: 2027
            }
        );
    }

    // ---- Deadline proof (§6) --------------------------------------------------------

    #[test]
    fn explanation_lists_every_day_and_the_due_date() {
        let text = BUILTIN.due_date(d("2024-09-20"), 20).unwrap().explain();
        let version = format!("日历版本 v{}", BUILTIN.version());
        for line in [
            "起算日 2024-09-20 周五（当日不计入）",
            "期限 20个工作日（自起算日次日起计算）",
            version.as_str(),
            "依据通知 国务院办公厅关于2024年部分节假日安排的通知（2023-10-25）",
            "2024-09-21 周六  跳过：休息日",
            "2024-09-23 周一  计入第1个工作日",
            "2024-09-29 周日  计入第6个工作日（调休上班：国庆节调休上班）",
            "2024-10-01 周二  跳过：法定节假日 国庆节",
            "到期日 2024-10-23 周三（当日24:00前）",
        ] {
            assert!(
                text.lines().any(|l| l == line),
                "missing line {line:?} in\n{text}"
            );
        }
        assert!(!text.contains("注意"));
    }

    #[test]
    fn weekday_labels_are_chinese() {
        let week: Vec<&str> = spans(&[("2024-09-23", "2024-09-29")])
            .into_iter()
            .map(weekday_zh)
            .collect();
        assert_eq!(
            week,
            ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
        );
    }

    // ---- Data files and versions (§3, §7) -------------------------------------------

    #[test]
    fn builtin_calendar_has_256_rows_and_covers_2020_to_2026() {
        assert_eq!(BUILTIN.rows().len(), 256);
        assert_eq!(BUILTIN.notices().len(), 8);
        assert!((2020..=2026).all(|y| BUILTIN.is_year_covered(y)));
        assert!(!BUILTIN.is_year_covered(2027));
        let workdays = BUILTIN
            .rows()
            .iter()
            .filter(|r| r.kind == DayKind::Workday)
            .count();
        assert_eq!(workdays, 6 + 7 + 7 + 7 + 8 + 5 + 6);
    }

    #[test]
    fn amending_notice_2020_is_recorded() {
        let amendment = BUILTIN
            .notices()
            .iter()
            .find(|n| n.amends.is_some())
            .unwrap();
        assert_eq!(amendment.year, 2020);
        assert_eq!(amendment.amends, Some(2020));
        assert_eq!(
            amendment.doc_number.as_deref(),
            Some("国办发明电〔2020〕1号")
        );
        assert_eq!(amendment.issued, d("2020-01-26"));
    }

    #[test]
    fn version_is_stable_and_independent_of_row_order() {
        let again = Calendar::builtin().unwrap();
        assert_eq!(again.version(), BUILTIN.version());
        assert_eq!(BUILTIN.version().len(), 16);
        let mut rows = BUILTIN.rows().to_vec();
        rows.reverse();
        let mut notices = BUILTIN.notices().to_vec();
        notices.reverse();
        let shuffled = Calendar::new(rows, notices, CalendarParams::default()).unwrap();
        assert_eq!(shuffled.version(), BUILTIN.version());
    }

    #[test]
    fn version_changes_when_one_row_changes() {
        let mut rows = BUILTIN.rows().to_vec();
        rows[0].name = "春节".into();
        let changed =
            Calendar::new(rows, BUILTIN.notices().to_vec(), CalendarParams::default()).unwrap();
        assert_ne!(changed.version(), BUILTIN.version());
    }

    // ---- Validation (§3.1, §3.2) ----------------------------------------------------

    const NOTICES_2020: &str = "year,title,doc_number,issued,url,amends\n\
        2020,国务院办公厅关于2020年部分节假日安排的通知,国办发明电〔2019〕16号,2019-11-21,,\n";

    fn holidays(body: &str) -> Result<Vec<HolidayRow>, CalendarError> {
        parse_holidays_csv(&format!("date,kind,name\n{body}"))
    }

    #[test]
    fn header_must_be_exact() {
        let err = parse_holidays_csv("date,kind,name,extra\n").unwrap_err();
        assert_eq!(
            err,
            CalendarError::BadHeader {
                expected: HOLIDAYS_HEADER,
                found: "date,kind,name,extra".into()
            }
        );
        assert!(parse_holidays_csv("\u{feff}date,kind,name\n").is_err());
        assert!(matches!(
            parse_notices_csv("").unwrap_err(),
            CalendarError::BadHeader { .. }
        ));
    }

    #[test]
    fn bad_date_names_its_line() {
        let err = holidays("2020-01-01,holiday,元旦\n2020-13-01,holiday,春节\n").unwrap_err();
        assert_eq!(
            err,
            CalendarError::BadDate {
                line: 3,
                value: "2020-13-01".into()
            }
        );
        assert_eq!(
            err.to_string(),
            "第3行：日期格式错误“2020-13-01”，应为YYYY-MM-DD"
        );
        let short = holidays("2020-1-1,holiday,元旦\n").unwrap_err();
        assert_eq!(
            short,
            CalendarError::BadDate {
                line: 2,
                value: "2020-1-1".into()
            }
        );
    }

    #[test]
    fn bad_kind_names_its_line() {
        let err = holidays("2020-01-01,Holiday,元旦\n").unwrap_err();
        assert_eq!(
            err,
            CalendarError::BadKind {
                line: 2,
                value: "Holiday".into()
            }
        );
    }

    #[test]
    fn wrong_column_count_names_its_line() {
        let err = holidays("2020-01-01,holiday,元旦\n2020-01-24,holiday\n").unwrap_err();
        assert_eq!(
            err,
            CalendarError::WrongColumnCount {
                line: 3,
                expected: 3,
                found: 2
            }
        );
    }

    #[test]
    fn dates_must_be_strictly_increasing() {
        let dup = holidays("2020-01-24,holiday,春节\n2020-01-24,holiday,春节\n").unwrap_err();
        assert_eq!(
            dup,
            CalendarError::DuplicateDate {
                line: Some(3),
                date: d("2020-01-24")
            }
        );
        let back = holidays("2020-01-25,holiday,春节\n2020-01-24,holiday,春节\n").unwrap_err();
        assert_eq!(
            back,
            CalendarError::UnsortedDate {
                line: 3,
                date: d("2020-01-24"),
                previous: d("2020-01-25")
            }
        );
    }

    #[test]
    fn a_weekday_cannot_be_an_adjusted_working_day() {
        let err =
            holidays("2020-01-01,holiday,元旦\n2020-01-20,workday,春节调休上班\n").unwrap_err();
        assert_eq!(
            err,
            CalendarError::WorkdayOnWeekday {
                line: Some(3),
                date: d("2020-01-20")
            }
        );
        assert_eq!(
            err.to_string(),
            "第3行：2020-01-20是周一，调休上班日（workday）只能是周六或周日"
        );
        let row = HolidayRow {
            date: d("2020-01-20"),
            kind: DayKind::Workday,
            name: "春节调休上班".into(),
        };
        let notices = parse_notices_csv(NOTICES_2020).unwrap();
        let err = Calendar::new(vec![row], notices, CalendarParams::default()).unwrap_err();
        assert_eq!(
            err,
            CalendarError::WorkdayOnWeekday {
                line: None,
                date: d("2020-01-20")
            }
        );
    }

    #[test]
    fn a_holiday_may_fall_on_a_weekend() {
        assert!(holidays("2023-12-30,holiday,元旦\n2023-12-31,holiday,元旦\n").is_ok());
    }

    #[test]
    fn names_come_from_the_vocabulary() {
        let empty = holidays("2020-01-01,holiday,\n").unwrap_err();
        assert_eq!(
            empty,
            CalendarError::EmptyName {
                line: Some(2),
                date: d("2020-01-01")
            }
        );
        let unknown = holidays("2020-01-01,holiday,新年\n").unwrap_err();
        let name = "新年".to_owned();
        assert_eq!(
            unknown,
            CalendarError::UnknownName {
                line: Some(2),
                date: d("2020-01-01"),
                name
            }
        );
        let mismatch = holidays("2020-01-19,workday,春节\n").unwrap_err();
        assert!(matches!(
            mismatch,
            CalendarError::NameKindMismatch { line: Some(2), .. }
        ));
        assert!(is_known_holiday_name("国庆节、中秋节调休上班"));
        assert!(!is_known_holiday_name("调休上班"));
    }

    #[test]
    fn a_year_with_rows_needs_its_notice() {
        let rows = holidays("2020-01-01,holiday,元旦\n2021-01-01,holiday,元旦\n").unwrap();
        let notices = parse_notices_csv(NOTICES_2020).unwrap();
        let err = Calendar::new(rows, notices, CalendarParams::default()).unwrap_err();
        assert_eq!(
            err,
            CalendarError::YearWithoutNotice {
                year: 2021,
                first: d("2021-01-01")
            }
        );
    }

    #[test]
    fn an_amending_notice_alone_does_not_cover_a_year() {
        let text = "year,title,doc_number,issued,url,amends\n\
            2020,国务院办公厅关于延长2020年春节假期的通知,,2020-01-26,,2020\n";
        let err = parse_notices_csv(text).unwrap_err();
        assert_eq!(
            err,
            CalendarError::AmendsUnknownYear {
                line: Some(2),
                amends: 2020
            }
        );
    }

    #[test]
    fn notice_rows_are_validated_with_line_numbers() {
        let dup = format!(
            "{NOTICES_2020}2020,国务院办公厅关于2020年部分节假日安排的通知,,2019-11-21,,\n"
        );
        let err = parse_notices_csv(&dup).unwrap_err();
        assert_eq!(
            err,
            CalendarError::DuplicateNotice {
                line: Some(3),
                year: 2020
            }
        );
        let bad_year =
            parse_notices_csv("year,title,doc_number,issued,url,amends\n20x0,t,,2019-11-21,,\n");
        assert!(matches!(
            bad_year.unwrap_err(),
            CalendarError::BadYear {
                line: 2,
                column: "year",
                ..
            }
        ));
        let bad_issued =
            parse_notices_csv("year,title,doc_number,issued,url,amends\n2020,t,,2019-11-31,,\n");
        assert_eq!(
            bad_issued.unwrap_err(),
            CalendarError::BadDate {
                line: 2,
                value: "2019-11-31".into()
            }
        );
        let no_title =
            parse_notices_csv("year,title,doc_number,issued,url,amends\n2020,,,2019-11-21,,\n");
        assert_eq!(
            no_title.unwrap_err(),
            CalendarError::EmptyTitle { line: Some(2) }
        );
    }

    #[test]
    fn invalid_guard_parameter_is_rejected() {
        let params = CalendarParams {
            next_year_guard_from: (2, 30),
        };
        let err = Calendar::new(Vec::new(), Vec::new(), params).unwrap_err();
        assert_eq!(err, CalendarError::BadGuard { month: 2, day: 30 });
    }

    // ---- Invariants over 2020-01-01 … 2026-11-30 ------------------------------------

    const FIRST: &str = "2020-01-01";
    /// Days from 2020-01-01 to 2026-11-30.
    const SPAN: u64 = 2525;

    #[test]
    fn property_range_ends_on_2026_11_30() {
        assert_eq!(
            d(FIRST).checked_add_days(chrono::Days::new(SPAN)),
            Some(d("2026-11-30"))
        );
    }

    proptest! {
        #[test]
        fn walk_invariants(offset in 0..=SPAN, n in 0u32..=60) {
            let start = d(FIRST).checked_add_days(chrono::Days::new(offset)).unwrap();
            let due = BUILTIN.due_date(start, n).unwrap();
            let next = BUILTIN.due_date(start, n + 1).unwrap();
            // C8: the last day of a working-day period is a working day.
            prop_assert!(n == 0 || BUILTIN.day(due.date).working);
            prop_assert!(next.date > due.date);
            prop_assert_eq!(due.counted_dates().len() as u32, n);
            prop_assert_eq!(due.steps.last().and_then(|s| s.outcome.counted()), (n > 0).then_some(n));
            // At most one working day per calendar day, walked without gaps.
            prop_assert!(due.date >= start + chrono::Days::new(u64::from(n)));
            prop_assert_eq!(due.steps.len() as i64, (due.date - start).num_days());
            // Provisional exactly when the walk reaches the 2027 guard (§7).
            let guard = d("2026-12-25");
            prop_assert_eq!(due.provisional, due.date >= guard);
            if due.provisional {
                prop_assert_eq!(&due.uncovered_years, &vec![2027]);
                prop_assert!(BUILTIN.working_days_between(start, due.date).is_err());
            } else {
                prop_assert_eq!(BUILTIN.working_days_between(start, due.date), Ok(n));
            }
        }

        #[test]
        fn pause_adds_exactly_the_paused_working_days(
            offset in 0..=SPAN, n in 1u32..=40, p in 0u64..30, len in 0u64..30,
        ) {
            let start = d(FIRST).checked_add_days(chrono::Days::new(offset)).unwrap();
            let pause_from = start + chrono::Days::new(p);
            let pause = (pause_from, pause_from + chrono::Days::new(len));
            let due = BUILTIN.due_date_with_pauses(start, n, &[pause]).unwrap();
            let paused = due.steps.iter().filter(|s| s.outcome == StepOutcome::SkippedPaused).count();
            let plain = BUILTIN.due_date(start, n + paused as u32).unwrap();
            prop_assert_eq!(plain.date, due.date);
        }
    }
}
