//! Scale data for 依申请公开 (issue 5, "Speed"), for `bench/foi_scale.sh`: 2 000 agencies (100
//! governments, each with 19 departments) and 1 000 000 requests over the five years up to
//! today, with their receipt and closing events. The largest government (at 梅州市) and its
//! departments hold a tenth of the requests. Rows are written in bulk; the events are the
//! application's own `ClockEvent` JSON, so every page and report reads them as usual.
//!
//!   foi_scale generate DB_URL [REQUESTS]   agencies, requests and events
//!   foi_scale measure DB_URL               report and queue times in-process (medians)
//!
//! Meizhou's divisions must be imported first (`fazhi org import meizhou.csv`).
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use anyhow::{Result, bail};
use chrono::{Datelike, Days, NaiveDate};
use fazhi_core::foi::{APPLICANT_TYPES, ClockEvent, Ground, Outcome, OutcomeCode};
use fazhi_db::foi::{QueueQuery, Show};
use fazhi_db::{Actor, Db, Page};
use std::time::Instant;

const GOVERNMENTS: usize = 100;
const DEPARTMENTS: usize = 19;
/// Rows per INSERT statement (14 bound values per request row stays under SQLite's limit).
const ROWS_PER_INSERT: usize = 1000;
/// The largest government's code (at 梅州市), and a small department's name (the baseline).
const LARGEST: &str = "G441400-800";
const SMALL_NAME: &str = "规模测试政府50部门3";

/// A deterministic pseudo-random sequence (no dependency, same data on every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["generate", url] => generate(url, 1_000_000).await,
        ["generate", url, requests] => generate(url, requests.parse()?).await,
        ["measure", url] => measure(url).await,
        _ => bail!("usage: foi_scale generate DB_URL [REQUESTS] | measure DB_URL"),
    }
}

/// Where each government sits: 梅州市 for the first, a town for each other.
async fn divisions(db: &Db) -> Result<Vec<String>> {
    let towns: Vec<String> = fazhi_db::on_pool!(db, pool => {
        sqlx::query_scalar("SELECT code FROM divisions WHERE level = 'town' ORDER BY code LIMIT 99")
            .fetch_all(pool)
            .await
    })?;
    if towns.len() < GOVERNMENTS - 1 {
        bail!("需先导入梅州市的行政区划（至少99个乡镇）");
    }
    Ok(std::iter::once("441400".to_string()).chain(towns).collect())
}

/// `G<division>-8NN`: the government is 800, its departments 801…819.
fn agency_code(divisions: &[String], government: usize, department: usize) -> String {
    format!("G{}-{}", divisions[government], 800 + department)
}

/// 100 governments with 19 departments each: the first at 梅州市, the others at towns.
async fn create_agencies(db: &Db, divisions: &[String]) -> Result<()> {
    let mut csv = String::from("code,name,kind,division_code,parent_code\n");
    for government in 0..GOVERNMENTS {
        let division = &divisions[government];
        let gov = agency_code(divisions, government, 0);
        csv.push_str(&format!(
            "{gov},规模测试人民政府{government},government,{division},\n"
        ));
        for department in 1..=DEPARTMENTS {
            csv.push_str(&format!(
                "{},规模测试政府{government}部门{department},department,{division},{gov}\n",
                agency_code(divisions, government, department)
            ));
        }
    }
    fazhi_db::org::import_agencies(db, &Actor::cli("foi-scale"), fazhi_core::clock::now(), &csv)
        .await?;
    Ok(())
}

/// The agency of the n-th request: a tenth to the largest government and its departments.
fn agency_of(random: &mut Lcg) -> (usize, usize) {
    let department = random.below(DEPARTMENTS as u64 + 1) as usize;
    if random.below(10) == 0 {
        (0, department)
    } else {
        (
            1 + random.below(GOVERNMENTS as u64 - 1) as usize,
            department,
        )
    }
}

fn outcome_of(random: &mut Lcg) -> Outcome {
    let (code, ground) = match random.below(20) {
        0..=9 => (OutcomeCode::Disclose, None),
        10..=12 => (OutcomeCode::AlreadyPublic, None),
        13 => (OutcomeCode::Partial, None),
        14 => (OutcomeCode::Withheld, Some(Ground::ThirdPartyRights)),
        15 | 16 => (OutcomeCode::NotExist, None),
        17 => (OutcomeCode::NotOurs, None),
        18 => (OutcomeCode::Petition, None),
        _ => (OutcomeCode::Repeat, None),
    };
    Outcome {
        code,
        ground,
        note: if code == OutcomeCode::NotOurs {
            "请向梅州市自然资源局申请".into()
        } else {
            String::new()
        },
    }
}

struct Row {
    case_number: String,
    agency: String,
    received_on: NaiveDate,
    applicant_type: &'static str,
    closed: Option<(NaiveDate, Outcome)>,
}

async fn generate(url: &str, requests: usize) -> Result<()> {
    let started = Instant::now();
    let db = Db::connect(url).await?;
    let divisions = divisions(&db).await?;
    create_agencies(&db, &divisions).await?;
    let ids: std::collections::HashMap<String, i64> = fazhi_db::on_pool!(&db, pool => {
        sqlx::query_as::<_, (String, i64)>("SELECT code, id FROM agencies WHERE name LIKE '规模测试%'")
            .fetch_all(pool)
            .await
    })?
    .into_iter()
    .collect();
    let today = fazhi_core::clock::beijing_today();
    let first = NaiveDate::from_ymd_opt(today.year() - 4, 1, 1).unwrap();
    let span = (today - first).num_days() as u64;
    let mut random = Lcg(20_261_128);
    let mut written = 0;
    while written < requests {
        let batch = (requests - written).min(50_000);
        let rows: Vec<Row> = (0..batch)
            .map(|i| {
                let (government, department) = agency_of(&mut random);
                let received_on = first + Days::new(random.below(span + 1));
                let days_open = 5 + random.below(30);
                let closed_on = received_on + Days::new(days_open);
                let closed = (closed_on < today).then(|| (closed_on, outcome_of(&mut random)));
                let agency = agency_code(&divisions, government, department);
                Row {
                    case_number: format!("S{}-{agency}", written + i),
                    agency,
                    received_on,
                    applicant_type: APPLICANT_TYPES[random.below(6) as usize],
                    closed,
                }
            })
            .collect();
        insert(&db, &ids, &rows).await?;
        written += batch;
        eprintln!(
            "{written} requests at {:.0} s",
            started.elapsed().as_secs_f64()
        );
    }
    println!(
        "requests: {written} for {} agencies in {:.0} s",
        GOVERNMENTS * (DEPARTMENTS + 1),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn insert(db: &Db, ids: &std::collections::HashMap<String, i64>, rows: &[Row]) -> Result<()> {
    let now = fazhi_core::clock::now();
    let mut tx = db.begin().await?;
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let numbers: Vec<(String, i64)> = fazhi_db::on_tx!(&mut tx, conn => {
            let mut query = sqlx::QueryBuilder::new(
                "INSERT INTO foi_requests (case_number, agency_id, channel, arrived_on, received_on, applicant_type, \
                 applicant_name, contact, description, purpose, form_requested, created_at, origin, closed_on) ",
            );
            query.push_values(chunk, |mut values, row| {
                values
                    .push_bind(&row.case_number)
                    .push_bind(ids[&row.agency])
                    .push_bind("in_person")
                    .push_bind(row.received_on)
                    .push_bind(row.received_on)
                    .push_bind(row.applicant_type)
                    .push_bind("规模测试申请人")
                    .push_bind("0753-0000000")
                    .push_bind("规模测试")
                    .push_bind("")
                    .push_bind("电子邮件")
                    .push_bind(now)
                    .push_bind("case")
                    .push_bind(row.closed.as_ref().map(|(on, _)| *on));
            });
            query.push(" RETURNING case_number, id");
            query.build_query_as().fetch_all(&mut *conn).await
        })?;
        let id_of: std::collections::HashMap<String, i64> = numbers.into_iter().collect();
        let mut events: Vec<(i64, i64, String)> = Vec::with_capacity(chunk.len() * 2);
        for row in chunk {
            let id = id_of[&row.case_number];
            let received = ClockEvent::Received {
                on: row.received_on,
            };
            events.push((id, 1, serde_json::to_string(&received)?));
            if let Some((on, outcome)) = &row.closed {
                let answered = ClockEvent::Answered {
                    on: *on,
                    outcome: outcome.clone(),
                };
                events.push((id, 2, serde_json::to_string(&answered)?));
            }
        }
        for part in events.chunks(ROWS_PER_INSERT * 2) {
            fazhi_db::on_tx!(&mut tx, conn => {
                let mut query = sqlx::QueryBuilder::new(
                    "INSERT INTO foi_events (request_id, seq, event, recorded_at) ",
                );
                query.push_values(part, |mut values, (id, seq, json)| {
                    values.push_bind(*id).push_bind(*seq).push_bind(json).push_bind(now);
                });
                query.build().execute(&mut *conn).await.map(|done| done.rows_affected())
            })?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// The median of `runs` timings of `work`, in ms.
async fn median_ms<F, Fut, T>(runs: usize, mut work: F) -> Result<(f64, T)>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        last = Some(work().await?);
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    Ok((times[runs / 2], last.expect("at least one run")))
}

async fn measure(url: &str) -> Result<()> {
    let db = Db::connect(url).await?;
    let today = fazhi_core::clock::beijing_today();
    let year = today.year() - 1;
    let (large_ms, large) = median_ms(5, || async {
        Ok(fazhi_db::foi_report::assemble(&db, LARGEST, year, None, today).await?)
    })
    .await?;
    let small_code: String = fazhi_db::on_pool!(&db, pool => {
        sqlx::query_scalar("SELECT code FROM agencies WHERE name = $1")
            .bind(SMALL_NAME)
            .fetch_one(pool)
            .await
    })?;
    let (small_ms, small) = median_ms(5, || async {
        Ok(fazhi_db::foi_report::assemble(&db, &small_code, year, None, today).await?)
    })
    .await?;
    let counted = |report: &fazhi_core::foi::annual::AnnualReport| {
        report.section_three.rows[0].values[6] + report.section_three.rows[1].values[6]
    };
    println!(
        "annual report {year}, largest government {LARGEST} with {} agencies ({} requests counted): {large_ms:.0} ms median of 5",
        large.covers.len(),
        counted(&large)
    );
    println!(
        "annual report {year}, one department {small_code} ({} requests, baseline): {small_ms:.0} ms   ratio {:.1}x",
        counted(&small),
        large_ms / small_ms.max(0.001)
    );
    assert!(large.errors.is_empty(), "{:?}", large.errors);
    let agency = fazhi_db::org::agency_by_code(&db, LARGEST)
        .await?
        .expect("generated");
    let scopes = [fazhi_core::org::Scope::Agency {
        agency_id: agency.id,
    }];
    for show in [Show::DueSoon, Show::All] {
        let (ms, (rows, total)) = median_ms(5, || async {
            let wanted = QueueQuery {
                show,
                search: "",
                page: Some(Page::new(1, Page::DEFAULT_SIZE)),
            };
            Ok(fazhi_db::foi::queue(&db, Some(&scopes), today, wanted).await?)
        })
        .await?;
        println!(
            "queue '{}' of {LARGEST}: {total} requests, first page of {}: {ms:.1} ms median of 5",
            show.as_str(),
            rows.len()
        );
    }
    Ok(())
}
