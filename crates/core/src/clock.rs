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
