//! `calendar due` for 1 000 000 pseudo-random (start date, N) pairs in one process.
//!
//! Prints calls per second of `Calendar::due_date` (the full walk with its derivation steps) and,
//! measured in the same run on the same pairs, of a baseline that walks Monday–Friday only with no
//! holiday data and no steps. The ratio says what the statutory calendar costs over the bare walk.
//! Each is run 5 times; medians are reported. Run: `bash bench/calendar_due.sh`.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use fazhi_core::calendar::Calendar;
use std::hint::black_box;
use std::time::Instant;

const PAIRS: usize = 1_000_000;
const ROUNDS: usize = 5;

/// Deterministic pairs: starts in 2020-01-01..2026-11-30, N in 1..=60 (xorshift, fixed seed).
fn pairs() -> Vec<(NaiveDate, u32)> {
    let first = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap_or_default();
    let span = 2525u64; // days from 2020-01-01 to 2026-11-30
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..PAIRS)
        .map(|_| {
            (
                first + Duration::days((next() % span) as i64),
                (next() % 60) as u32 + 1,
            )
        })
        .collect()
}

fn weekday_only_due(start: NaiveDate, n: u32) -> NaiveDate {
    let mut date = start;
    let mut counted = 0;
    while counted < n {
        date += Duration::days(1);
        if !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
            counted += 1;
        }
    }
    date
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values[values.len() / 2]
}

fn calls_per_second(pairs: &[(NaiveDate, u32)], mut call: impl FnMut(NaiveDate, u32)) -> f64 {
    let started = Instant::now();
    for &(start, n) in pairs {
        call(start, n);
    }
    pairs.len() as f64 / started.elapsed().as_secs_f64()
}

fn main() {
    let Ok(calendar) = Calendar::builtin() else {
        eprintln!("bundled calendar failed to load");
        std::process::exit(1);
    };
    let pairs = pairs();
    let mut fazhi = Vec::new();
    let mut baseline = Vec::new();
    for _ in 0..ROUNDS {
        fazhi.push(calls_per_second(&pairs, |start, n| {
            black_box(
                calendar
                    .due_date(black_box(start), black_box(n))
                    .map(|due| due.date)
                    .ok(),
            );
        }));
        baseline.push(calls_per_second(&pairs, |start, n| {
            black_box(weekday_only_due(black_box(start), black_box(n)));
        }));
    }
    let (fazhi, baseline) = (median(fazhi), median(baseline));
    println!(
        "pairs per round:           {PAIRS} (N 1..=60, starts 2020-01-01..2026-11-30), {ROUNDS} rounds, medians"
    );
    println!("Calendar::due_date:        {fazhi:>12.0} calls/s");
    println!("baseline Mon–Fri walk:     {baseline:>12.0} calls/s");
    println!(
        "ratio baseline/fazhi:      {:>12.1}x (time per call relative to the bare walk)",
        baseline / fazhi
    );
}
