//! Time comes from outside: handlers and commands pass `now` in, tests choose it.

use chrono::{DateTime, SubsecRound, Utc};

/// The current time, truncated to microseconds so that it survives a round trip through
/// either database unchanged (the audit chain hashes it).
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// Canonical text of a timestamp, as hashed by the audit chain.
pub fn canonical(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// Today's civil date in China Standard Time (spec/README.md §2.3: dates are derived in UTC+8).
pub fn beijing_today() -> chrono::NaiveDate {
    (Utc::now() + chrono::Duration::hours(8)).date_naive()
}

/// A timestamp as Chinese offices read it: Beijing time (UTC+8), to the minute or second.
pub fn beijing(at: &DateTime<Utc>, with_seconds: bool) -> String {
    let Some(offset) = chrono::FixedOffset::east_opt(8 * 3600) else {
        return canonical(*at);
    };
    let format = if with_seconds {
        "%Y-%m-%d %H:%M:%S"
    } else {
        "%Y-%m-%d %H:%M"
    };
    at.with_timezone(&offset).format(format).to_string()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn beijing_time_is_eight_hours_ahead() {
        let at = Utc.with_ymd_and_hms(2026, 11, 27, 17, 30, 5).unwrap();
        assert_eq!(beijing(&at, true), "2026-11-28 01:30:05");
        assert_eq!(beijing(&at, false), "2026-11-28 01:30");
    }
}
