//! 依申请公开 requests and the events of their clock (spec/foi.md Part A). The due date is derived,
//! never stored: every new event is checked by deriving the clock with it, inside the transaction
//! that writes it, so a timeline that cannot happen writes nothing.

use crate::audit::{self, Change};
use crate::{Actor, Db, DbError, ImportError, Result, Tx, on_pool, on_tx};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use fazhi_core::foi::dispute::{Decision, DisputeFacts, Route};
use fazhi_core::foi::ledger::LedgerRow;
use fazhi_core::foi::{
    APPLICANT_TYPES, Channel, Clock, ClockEvent, ClockParams, Standing, receipt_date,
};
use fazhi_core::powers::import::ImportIssue;
use serde::Serialize;

/// Forms in which the applicant may ask to receive the information (spec §1 `form_requested`).
pub const FORMS: [&str; 4] = ["纸质", "电子邮件", "电子数据", "当场查阅"];

/// An application as staff enter it (or the public form submits it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRequest {
    pub agency_code: String,
    pub channel: Channel,
    pub arrived_on: NaiveDate,
    /// The confirmation with the applicant (unsigned letter, online, fax).
    pub confirmed_on: Option<NaiveDate>,
    pub applicant_type: String,
    pub applicant_name: String,
    pub contact: String,
    pub description: String,
    pub purpose: String,
    pub form_requested: String,
}

/// Checks the fields a person fills in; the first problem, in Chinese.
pub(crate) fn check(new: &NewRequest) -> Result<()> {
    let length = |text: &str, label: &str, max: usize| -> Result<()> {
        let chars = text.trim().chars().count();
        if chars == 0 || chars > max {
            return Err(DbError::Invalid(format!("{label}须为1至{max}个字符")));
        }
        Ok(())
    };
    if !APPLICANT_TYPES.contains(&new.applicant_type.as_str()) {
        return Err(DbError::Invalid(format!(
            "申请人类型“{}”无效，应为{}之一",
            new.applicant_type,
            APPLICANT_TYPES.join("、")
        )));
    }
    length(&new.applicant_name, "申请人姓名或名称", 100)?;
    length(
        &new.contact,
        "联系方式（电话、邮箱或通信地址，至少一项）",
        200,
    )?;
    length(&new.description, "所需信息的内容描述", 2000)?;
    if new.purpose.chars().count() > 500 {
        return Err(DbError::Invalid("用途不能超过500个字符".into()));
    }
    if !FORMS.contains(&new.form_requested.as_str()) {
        return Err(DbError::Invalid(format!(
            "获取信息的方式应为{}之一",
            FORMS.join("、")
        )));
    }
    Ok(())
}

/// A request without the applicant's personal data.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct RequestRow {
    pub id: i64,
    pub case_number: String,
    pub agency_id: i64,
    pub agency_name: String,
    pub division_path: String,
    pub channel: String,
    pub arrived_on: NaiveDate,
    pub confirmed_on: Option<NaiveDate>,
    pub received_on: NaiveDate,
    pub applicant_type: String,
    pub form_requested: String,
    /// The due date staff last saw (see [`confirm_due`]).
    pub acknowledged_due: Option<NaiveDate>,
}

impl RequestRow {
    /// The due date staff last saw, when the clock now gives another (the calendar or a
    /// parameter changed since): (seen, now).
    pub fn changed_due(&self, clock: &Clock) -> Option<(NaiveDate, NaiveDate)> {
        self.acknowledged_due
            .filter(|seen| *seen != clock.due.date && clock.answered_on.is_none())
            .map(|seen| (seen, clock.due.date))
    }

    pub fn target(&self) -> fazhi_core::org::Target {
        fazhi_core::org::Target::Owned {
            agency_id: self.agency_id,
            division_path: self.division_path.clone(),
        }
    }
}

const SELECT_REQUEST: &str = "SELECT r.id, r.case_number, r.agency_id, a.name AS agency_name, \
     d.path AS division_path, r.channel, r.arrived_on, r.confirmed_on, r.received_on, r.applicant_type, \
     r.form_requested, r.acknowledged_due FROM foi_requests r JOIN agencies a ON a.id = r.agency_id \
     JOIN divisions d ON d.id = a.division_id";

/// Registers an application and its receipt: the case number is `YYYY-<agency code>-NNNN`, by
/// year of receipt.
pub async fn create_request(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    new: &NewRequest,
) -> Result<RequestRow> {
    let prepared = prepare(db, new).await?;
    let mut tx = db.begin().await?;
    let id = insert_request(&mut tx, actor, now, new, &prepared).await?;
    tx.commit().await?;
    request(db, id).await?.ok_or(DbError::NotFound)
}

/// An application checked and ready to write.
pub(crate) struct Prepared {
    pub agency: crate::org::AgencyRow,
    pub received_on: NaiveDate,
    /// The due date as first derived: what staff see first.
    pub due: NaiveDate,
}

/// Checks an application before it is written: its fields, its receipt date by channel, its
/// agency, and that its clock can be worked out.
pub(crate) async fn prepare(db: &Db, new: &NewRequest) -> Result<Prepared> {
    check(new)?;
    let received_on = receipt_date(new.channel, new.arrived_on, new.confirmed_on)
        .map_err(|e| DbError::Invalid(e.to_string()))?;
    let agency = crate::org::agency_by_code(db, &new.agency_code)
        .await?
        .ok_or_else(|| DbError::Invalid(format!("机构“{}”不存在", new.agency_code)))?;
    let received = ClockEvent::Received { on: received_on };
    let clock = derive(
        db,
        &agency.division_path,
        std::slice::from_ref(&received),
        received_on,
    )
    .await?;
    Ok(Prepared {
        agency,
        received_on,
        due: clock.due.date,
    })
}

/// Writes a checked application with its receipt event and audit entry; returns its id. The
/// case number is `YYYY-<agency code>-NNNN`, by year of receipt.
pub(crate) async fn insert_request(
    tx: &mut Tx,
    actor: &Actor,
    now: DateTime<Utc>,
    new: &NewRequest,
    prepared: &Prepared,
) -> Result<i64> {
    let Prepared {
        agency,
        received_on,
        due,
    } = prepared;
    let received_on = *received_on;
    let received = ClockEvent::Received { on: received_on };
    let prefix = format!("{}-{}-", received_on.year(), agency.code);
    let taken: i64 = on_tx!(tx, conn => {
        sqlx::query_scalar("SELECT COUNT(*) FROM foi_requests WHERE case_number LIKE $1")
            .bind(format!("{prefix}%"))
            .fetch_one(&mut *conn)
            .await
    })?;
    let case_number = format!("{prefix}{:04}", taken + 1);
    let id: i64 = on_tx!(tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO foi_requests (case_number, agency_id, channel, arrived_on, confirmed_on, received_on, \
             applicant_type, applicant_name, contact, description, purpose, form_requested, created_by, created_at, \
             acknowledged_due) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
        )
        .bind(&case_number)
        .bind(agency.id)
        .bind(new.channel.as_str())
        .bind(new.arrived_on)
        .bind(new.confirmed_on)
        .bind(received_on)
        .bind(&new.applicant_type)
        .bind(new.applicant_name.trim())
        .bind(new.contact.trim())
        .bind(new.description.trim())
        .bind(new.purpose.trim())
        .bind(&new.form_requested)
        .bind(actor.user_id)
        .bind(now)
        .bind(*due)
        .fetch_one(&mut *conn)
        .await
    })?;
    insert_event(tx, actor, now, id, 1, &received).await?;
    // The audit entry names the case, not the applicant (personal data stays in the request).
    let logged = serde_json::json!({
        "case_number": case_number,
        "agency": agency.code,
        "channel": new.channel.as_str(),
        "received_on": received_on,
    });
    audit::append(
        tx,
        actor,
        now,
        Change::<(), _> {
            action: "foi_request.create",
            entity_type: "foi_request",
            entity_id: id.to_string(),
            summary: format!("登记政府信息公开申请 {case_number}（{}）", agency.name),
            before: None,
            after: Some(&logged),
        },
    )
    .await?;
    Ok(id)
}

/// The requests `ids` (those that exist), in id order.
pub async fn requests_by_ids(db: &Db, ids: &[i64]) -> Result<Vec<RequestRow>> {
    let mut rows = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(1000) {
        let found: Vec<RequestRow> = on_pool!(db, pool => {
            let mut query = sqlx::QueryBuilder::new(SELECT_REQUEST);
            query.push(" WHERE r.id IN (");
            let mut list = query.separated(", ");
            for id in chunk {
                list.push_bind(*id);
            }
            query.push(") ORDER BY r.id");
            query.build_query_as().fetch_all(pool).await
        })?;
        rows.extend(found);
    }
    Ok(rows)
}

pub async fn request(db: &Db, id: i64) -> Result<Option<RequestRow>> {
    let sql = format!("{SELECT_REQUEST} WHERE r.id = $1");
    on_pool!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await)
        .map_err(Into::into)
}

/// Which requests a queue shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Show {
    /// Every request not yet closed, most urgent first.
    Open,
    /// Running with at most `foi.alert.due_soon_wd` working days left, or due today.
    DueSoon,
    Overdue,
    Paused,
    /// Every request, newest receipt first.
    All,
}

impl Show {
    pub const ALL: [Show; 5] = [
        Show::Open,
        Show::DueSoon,
        Show::Overdue,
        Show::Paused,
        Show::All,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Show::Open => "open",
            Show::DueSoon => "due_soon",
            Show::Overdue => "overdue",
            Show::Paused => "paused",
            Show::All => "all",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Show::Open => "未办结",
            Show::DueSoon => "即将到期",
            Show::Overdue => "已逾期",
            Show::Paused => "暂停计时",
            Show::All => "全部",
        }
    }

    pub fn parse(text: &str) -> Option<Show> {
        Show::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Whether a request standing so belongs to this queue (`None`: its clock failed).
    fn takes(self, standing: Option<Standing>) -> bool {
        match self {
            Show::Open | Show::All => true,
            Show::DueSoon => matches!(standing, Some(Standing::DueSoon | Standing::DueToday)),
            Show::Overdue => standing == Some(Standing::Overdue),
            Show::Paused => standing == Some(Standing::Paused),
        }
    }
}

/// The WHERE clause of a queue.
struct QueueFilter<'a> {
    scopes: Option<&'a [fazhi_core::org::Scope]>,
    show: Show,
    search: &'a str,
}

impl QueueFilter<'_> {
    fn push<DB>(&self, query: &mut sqlx::QueryBuilder<DB>)
    where
        DB: sqlx::Database,
        for<'a> String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
        for<'a> i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    {
        query.push(" WHERE r.origin = 'case'");
        if self.show != Show::All {
            query.push(" AND r.closed_on IS NULL");
        }
        let search = self.search.trim();
        if !search.is_empty() {
            query.push(" AND r.case_number LIKE ");
            query.push_bind(format!("%{}%", crate::like_escape(search)));
            query.push(" ESCAPE '\\'");
        }
        if let Some(scopes) = self.scopes {
            crate::push_scope_filter(query, scopes, "r.agency_id", "d.path");
        }
    }
}

/// Requests handled here of agencies within `scopes` (all when `None`): open ones only unless
/// `show` is `All`, whose case number contains `search`; newest receipt first, `page` of them
/// (all when `None`). Returns them and how many match.
async fn requests(
    db: &Db,
    scopes: Option<&[fazhi_core::org::Scope]>,
    show: Show,
    search: &str,
    page: Option<crate::Page>,
) -> Result<(Vec<RequestRow>, i64)> {
    let filter = QueueFilter {
        scopes,
        show,
        search,
    };
    let rows: Vec<RequestRow> = on_pool!(db, pool => {
        let mut query = sqlx::QueryBuilder::new(SELECT_REQUEST);
        filter.push(&mut query);
        query.push(" ORDER BY r.received_on DESC, r.id DESC");
        if let Some(page) = page {
            query.push(" LIMIT ");
            query.push_bind(page.limit());
            query.push(" OFFSET ");
            query.push_bind(page.offset());
        }
        query.build_query_as().fetch_all(pool).await
    })?;
    let total: i64 = match page {
        None => i64::try_from(rows.len()).unwrap_or(i64::MAX),
        Some(_) => on_pool!(db, pool => {
            let mut query = sqlx::QueryBuilder::new(
                "SELECT COUNT(*) FROM foi_requests r JOIN agencies a ON a.id = r.agency_id \
                 JOIN divisions d ON d.id = a.division_id",
            );
            filter.push(&mut query);
            query.build_query_scalar().fetch_one(pool).await
        })?,
    };
    Ok((rows, total))
}

/// The applicant's name and contact: for staff with a grant on the handling agency only.
pub async fn applicant(db: &Db, id: i64) -> Result<Option<(String, String)>> {
    on_pool!(db, pool => {
        sqlx::query_as("SELECT applicant_name, contact FROM foi_requests WHERE id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await
    })
    .map_err(Into::into)
}

async fn insert_event(
    tx: &mut Tx,
    actor: &Actor,
    now: DateTime<Utc>,
    request_id: i64,
    seq: i64,
    event: &ClockEvent,
) -> Result<()> {
    let json = serde_json::to_string(event).map_err(|e| DbError::Invalid(e.to_string()))?;
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO foi_events (request_id, seq, event, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(request_id)
        .bind(seq)
        .bind(&json)
        .bind(actor.user_id)
        .bind(now)
        .execute(&mut *conn)
        .await
        .map(|done| done.rows_affected())
    })?;
    Ok(())
}

/// The events of several requests in one query, by request.
pub(crate) async fn events_of(
    db: &Db,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, Vec<ClockEvent>>> {
    let mut timelines: std::collections::HashMap<i64, Vec<ClockEvent>> =
        std::collections::HashMap::new();
    // Bound parameters per query stay well under SQLite's limit.
    for chunk in ids.chunks(1000) {
        let rows: Vec<(i64, String)> = on_pool!(db, pool => {
            let mut query = sqlx::QueryBuilder::new("SELECT request_id, event FROM foi_events WHERE request_id IN (");
            let mut list = query.separated(", ");
            for id in chunk {
                list.push_bind(*id);
            }
            query.push(") ORDER BY request_id, seq");
            query.build_query_as().fetch_all(pool).await
        })?;
        for (id, json) in rows {
            let event = serde_json::from_str(&json)
                .map_err(|e| DbError::Invalid(format!("事件记录无法读取：{e}")))?;
            timelines.entry(id).or_default().push(event);
        }
    }
    Ok(timelines)
}

/// The events of a request, in the order they were recorded.
pub async fn events(db: &Db, request_id: i64) -> Result<Vec<ClockEvent>> {
    let rows: Vec<String> = on_pool!(db, pool => {
        sqlx::query_scalar("SELECT event FROM foi_events WHERE request_id = $1 ORDER BY seq")
            .bind(request_id)
            .fetch_all(pool)
            .await
    })?;
    rows.iter()
        .map(|json| {
            serde_json::from_str(json)
                .map_err(|e| DbError::Invalid(format!("事件记录无法读取：{e}")))
        })
        .collect()
}

/// The clock of `events` for an agency in `division_path`, with the calendar and the parameters
/// in force on the receipt date.
async fn derive(
    db: &Db,
    division_path: &str,
    events: &[ClockEvent],
    today: NaiveDate,
) -> Result<Clock> {
    let received_on = events.first().map(ClockEvent::date).unwrap_or(today);
    let calendar = crate::calendar::load(db).await?;
    let records = crate::params::all(db).await?;
    let scopes = fazhi_core::params::scope_chain(division_path);
    let params = ClockParams::from_records(&records, received_on, &scopes)
        .map_err(|e| DbError::Invalid(e.to_string()))?;
    fazhi_core::foi::derive(events, &calendar, &params, today)
        .map_err(|e| DbError::Invalid(e.to_string()))
}

/// A request in a queue, with its clock (or why the clock cannot be worked out).
#[derive(Debug, Clone, Serialize)]
pub struct QueueRow {
    pub request: RequestRow,
    pub clock: std::result::Result<Clock, String>,
    pub standing: Option<Standing>,
}

/// What a queue lists: which requests, a case-number search, and a page (all when `None`).
#[derive(Debug, Clone, Copy)]
pub struct QueueQuery<'a> {
    pub show: Show,
    pub search: &'a str,
    pub page: Option<crate::Page>,
}

/// A queue of the requests of agencies within `scopes` (all when `None`) with their clocks as
/// of `today`, and how many requests it holds. The open queues are ordered by due date, most
/// urgent first, those whose clock fails at the top.
pub async fn queue(
    db: &Db,
    scopes: Option<&[fazhi_core::org::Scope]>,
    today: NaiveDate,
    wanted: QueueQuery<'_>,
) -> Result<(Vec<QueueRow>, i64)> {
    let calendar = crate::calendar::load(db).await?;
    let records = crate::params::all(db).await?;
    // The open queues are filtered by their clocks, so every open request is read.
    let sql_page = if wanted.show == Show::All {
        wanted.page
    } else {
        None
    };
    let (listed, total) = requests(db, scopes, wanted.show, wanted.search, sql_page).await?;
    let mut timelines = events_of(db, &listed.iter().map(|r| r.id).collect::<Vec<_>>()).await?;
    let mut rows = Vec::new();
    for request in listed {
        let events = timelines.remove(&request.id).unwrap_or_default();
        let scopes = fazhi_core::params::scope_chain(&request.division_path);
        let clock = ClockParams::from_records(&records, request.received_on, &scopes)
            .map_err(|e| e.to_string())
            .and_then(|params| {
                fazhi_core::foi::derive(&events, &calendar, &params, today)
                    .map_err(|e| e.to_string())
            });
        let standing = clock.as_ref().ok().map(|c| c.standing(today, &calendar));
        if wanted.show.takes(standing) {
            rows.push(QueueRow {
                request,
                clock,
                standing,
            });
        }
    }
    if wanted.show == Show::All {
        return Ok((rows, total));
    }
    rows.sort_by_key(|row| (row.clock.as_ref().ok().map(|c| c.due.date), row.request.id));
    let total = i64::try_from(rows.len()).unwrap_or(i64::MAX);
    if let Some(page) = wanted.page {
        let start = usize::try_from(page.offset())
            .unwrap_or(usize::MAX)
            .min(rows.len());
        let end = start
            .saturating_add(usize::try_from(page.limit()).unwrap_or(usize::MAX))
            .min(rows.len());
        rows = rows.drain(start..end).collect();
    }
    Ok((rows, total))
}

/// The clock of request `id` as of `today`.
pub async fn clock(db: &Db, id: i64, today: NaiveDate) -> Result<Clock> {
    let request = request(db, id).await?.ok_or(DbError::NotFound)?;
    derive(db, &request.division_path, &events(db, id).await?, today).await
}

/// Records one more event after checking the whole timeline with it; returns the new clock.
pub async fn add_event(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i64,
    event: &ClockEvent,
    today: NaiveDate,
) -> Result<Clock> {
    let request = request(db, id).await?.ok_or(DbError::NotFound)?;
    let mut timeline = events(db, id).await?;
    timeline.push(event.clone());
    let clock = derive(db, &request.division_path, &timeline, today).await?;
    let mut tx = db.begin().await?;
    // The sequence number is the timeline's length: a concurrent event makes the insert fail
    // on (request_id, seq) instead of slipping past the check.
    let seq = i64::try_from(timeline.len()).map_err(|e| DbError::Invalid(e.to_string()))?;
    insert_event(&mut tx, actor, now, id, seq, event).await?;
    set_acknowledged_due(&mut tx, id, clock.due.date).await?;
    if let ClockEvent::Answered { on, .. } = event {
        set_closed_on(&mut tx, id, *on).await?;
    }
    audit::append(
        &mut tx,
        actor,
        now,
        Change::<(), _> {
            action: "foi_request.event",
            entity_type: "foi_request",
            entity_id: id.to_string(),
            summary: format!(
                "{}：{}（{}），答复期限{}",
                request.case_number,
                event.zh(),
                event.date(),
                clock.due.date
            ),
            before: None,
            after: Some(event),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(clock)
}

/// The agencies a report covers: the agency `code`, and for a government (kind `government`)
/// also the agencies whose parent it is: its report is that of the government with its
/// departments.
pub async fn report_agencies(db: &Db, code: &str) -> Result<Vec<crate::org::AgencyRow>> {
    let agency = crate::org::agency_by_code(db, code)
        .await?
        .ok_or_else(|| DbError::Invalid(format!("机构“{code}”不存在")))?;
    let mut covered = vec![agency.clone()];
    if agency.kind == "government" {
        covered.extend(
            crate::org::agencies_in_division(db, agency.division_id)
                .await?
                .into_iter()
                .filter(|other| other.parent_id == Some(agency.id)),
        );
    }
    Ok(covered)
}

/// The facts section 三 counts for every request of `agency_ids` received up to the end of
/// `year`: applicant type, first receipt date, and closing date with its report row (by the
/// outcome → row table for handled requests, as written for ledger requests).
pub async fn case_facts(
    db: &Db,
    agency_ids: &[i64],
    year: i32,
) -> Result<Vec<fazhi_core::foi::report::CaseFacts>> {
    use fazhi_core::foi::report::{BUILTIN_OUTCOME_ROWS, CaseFacts, parse_outcome_rows, row_of};
    let table = parse_outcome_rows(BUILTIN_OUTCOME_ROWS).map_err(DbError::Invalid)?;
    let (start, end) = NaiveDate::from_ymd_opt(year, 1, 1)
        .zip(NaiveDate::from_ymd_opt(year, 12, 31))
        .ok_or_else(|| DbError::Invalid(format!("年份{year}无效")))?;
    if agency_ids.is_empty() {
        return Ok(Vec::new());
    }
    type FactRow = (
        i64,
        String,
        NaiveDate,
        String,
        Option<NaiveDate>,
        Option<String>,
    );
    let rows: Vec<FactRow> = on_pool!(db, pool => {
        let mut query = sqlx::QueryBuilder::new(
            "SELECT r.id, r.applicant_type, r.received_on, r.origin, r.ledger_closed_on, r.ledger_row \
             FROM foi_requests r WHERE r.received_on <= ",
        );
        query.push_bind(end);
        // Requests closed before the year count in none of its rows.
        query.push(" AND (r.closed_on IS NULL OR r.closed_on >= ");
        query.push_bind(start);
        query.push(") AND r.agency_id IN (");
        let mut list = query.separated(", ");
        for id in agency_ids {
            list.push_bind(*id);
        }
        query.push(") ORDER BY r.id");
        query.build_query_as().fetch_all(pool).await
    })?;
    let handled: Vec<i64> = rows
        .iter()
        .filter(|row| row.3 == "case")
        .map(|row| row.0)
        .collect();
    let timelines = events_of(db, &handled).await?;
    let mut facts = Vec::with_capacity(rows.len());
    for (id, applicant_type, received_on, origin, ledger_closed_on, ledger_row) in rows {
        let closed = if origin == "ledger" {
            ledger_closed_on.zip(ledger_row)
        } else {
            match timelines.get(&id).and_then(|events| events.last()) {
                Some(ClockEvent::Answered { on, outcome }) => {
                    Some((*on, row_of(outcome, &table).map_err(DbError::Invalid)?))
                }
                _ => None,
            }
        };
        facts.push(CaseFacts {
            id,
            applicant_type,
            received_on,
            closed,
        });
    }
    Ok(facts)
}

/// A reconsideration or suit about a request.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct DisputeRow {
    pub id: i64,
    pub request_id: i64,
    pub route: String,
    pub filed_on: NaiveDate,
    pub concluded_on: Option<NaiveDate>,
    pub result: Option<String>,
}

impl DisputeRow {
    pub fn route_zh(&self) -> &'static str {
        Route::parse(&self.route).map_or("", Route::zh)
    }

    pub fn result_zh(&self) -> &'static str {
        self.result
            .as_deref()
            .and_then(Decision::parse)
            .map_or("尚未审结", Decision::zh)
    }
}

/// A reconsideration or suit as staff record it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDispute {
    pub route: Route,
    pub filed_on: NaiveDate,
    pub concluded: Option<(NaiveDate, Decision)>,
}

/// Checks a dispute's dates against its request and today.
fn check_dispute(request: &RequestRow, dispute: &NewDispute, today: NaiveDate) -> Result<()> {
    if dispute.filed_on < request.received_on {
        return Err(DbError::Invalid(format!(
            "受理日期{}早于收到申请之日{}",
            dispute.filed_on, request.received_on
        )));
    }
    if dispute.filed_on > today {
        return Err(DbError::Invalid(format!(
            "受理日期{}晚于今天",
            dispute.filed_on
        )));
    }
    if let Some((on, _)) = dispute.concluded {
        if on < dispute.filed_on {
            return Err(DbError::Invalid(format!(
                "审结日期{on}早于受理日期{}",
                dispute.filed_on
            )));
        }
        if on > today {
            return Err(DbError::Invalid(format!("审结日期{on}晚于今天")));
        }
    }
    Ok(())
}

async fn insert_dispute(
    tx: &mut Tx,
    actor: &Actor,
    now: DateTime<Utc>,
    request_id: i64,
    dispute: &NewDispute,
) -> Result<i64> {
    let id: i64 = on_tx!(tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO foi_disputes (request_id, route, filed_on, concluded_on, result, recorded_by, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(request_id)
        .bind(dispute.route.as_str())
        .bind(dispute.filed_on)
        .bind(dispute.concluded.map(|(on, _)| on))
        .bind(dispute.concluded.map(|(_, decision)| decision.as_str()))
        .bind(actor.user_id)
        .bind(now)
        .fetch_one(&mut *conn)
        .await
    })?;
    Ok(id)
}

/// Records a reconsideration or suit about request `request_id`.
pub async fn add_dispute(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    request_id: i64,
    dispute: &NewDispute,
    today: NaiveDate,
) -> Result<i64> {
    let request = request(db, request_id).await?.ok_or(DbError::NotFound)?;
    check_dispute(&request, dispute, today)?;
    let mut tx = db.begin().await?;
    let id = insert_dispute(&mut tx, actor, now, request_id, dispute).await?;
    let logged = serde_json::json!({
        "route": dispute.route.as_str(),
        "filed_on": dispute.filed_on,
        "concluded_on": dispute.concluded.map(|(on, _)| on),
        "result": dispute.concluded.map(|(_, decision)| decision.as_str()),
    });
    audit::append(
        &mut tx,
        actor,
        now,
        Change::<(), _> {
            action: "foi_dispute.create",
            entity_type: "foi_request",
            entity_id: request_id.to_string(),
            summary: format!(
                "{}：登记{}（{}）",
                request.case_number,
                dispute.route.zh(),
                dispute.filed_on
            ),
            before: None,
            after: Some(&logged),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Records the result of a pending dispute.
pub async fn conclude_dispute(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    dispute_id: i64,
    (on, decision): (NaiveDate, Decision),
    today: NaiveDate,
) -> Result<()> {
    let dispute: DisputeRow = on_pool!(db, pool => {
        sqlx::query_as("SELECT id, request_id, route, filed_on, concluded_on, result FROM foi_disputes WHERE id = $1")
            .bind(dispute_id)
            .fetch_optional(pool)
            .await
    })?
    .ok_or(DbError::NotFound)?;
    if dispute.result.is_some() {
        return Err(DbError::Invalid("该复议诉讼已有结果，不能再次登记".into()));
    }
    let request = request(db, dispute.request_id)
        .await?
        .ok_or(DbError::NotFound)?;
    let route = Route::parse(&dispute.route)
        .ok_or_else(|| DbError::Invalid(format!("途径“{}”无法识别", dispute.route)))?;
    check_dispute(
        &request,
        &NewDispute {
            route,
            filed_on: dispute.filed_on,
            concluded: Some((on, decision)),
        },
        today,
    )?;
    let mut tx = db.begin().await?;
    let changed = on_tx!(&mut tx, conn => {
        sqlx::query("UPDATE foi_disputes SET concluded_on = $1, result = $2 WHERE id = $3 AND result IS NULL")
            .bind(on)
            .bind(decision.as_str())
            .bind(dispute_id)
            .execute(&mut *conn)
            .await
            .map(|done| done.rows_affected())
    })?;
    if changed != 1 {
        return Err(DbError::Invalid("该复议诉讼已有结果，不能再次登记".into()));
    }
    audit::append(
        &mut tx,
        actor,
        now,
        Change::<(), _> {
            action: "foi_dispute.conclude",
            entity_type: "foi_request",
            entity_id: request.id.to_string(),
            summary: format!("{}：{}审结，结果{}（{on}）", request.case_number, route.zh(), decision.zh()),
            before: None,
            after: Some(&serde_json::json!({"dispute": dispute_id, "concluded_on": on, "result": decision.as_str()})),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The disputes of a request, in the order recorded.
pub async fn disputes(db: &Db, request_id: i64) -> Result<Vec<DisputeRow>> {
    on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT id, request_id, route, filed_on, concluded_on, result FROM foi_disputes WHERE request_id = $1 ORDER BY id",
        )
        .bind(request_id)
        .fetch_all(pool)
        .await
    })
    .map_err(Into::into)
}

/// What section 四 counts: the disputes about requests of `agency_ids` filed up to the end of
/// `year`.
pub async fn dispute_facts(db: &Db, agency_ids: &[i64], year: i32) -> Result<Vec<DisputeFacts>> {
    let end = NaiveDate::from_ymd_opt(year, 12, 31)
        .ok_or_else(|| DbError::Invalid(format!("年份{year}无效")))?;
    if agency_ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<DisputeRow> = on_pool!(db, pool => {
        let mut query = sqlx::QueryBuilder::new(
            "SELECT s.id, s.request_id, s.route, s.filed_on, s.concluded_on, s.result FROM foi_disputes s \
             JOIN foi_requests r ON r.id = s.request_id WHERE s.filed_on <= ",
        );
        query.push_bind(end);
        query.push(" AND r.agency_id IN (");
        let mut list = query.separated(", ");
        for id in agency_ids {
            list.push_bind(*id);
        }
        query.push(") ORDER BY s.id");
        query.build_query_as().fetch_all(pool).await
    })?;
    rows.into_iter()
        .map(|row| {
            let route = Route::parse(&row.route)
                .ok_or_else(|| DbError::Invalid(format!("途径“{}”无法识别", row.route)))?;
            let concluded = match (row.concluded_on, row.result.as_deref()) {
                (Some(on), Some(result)) => Some((
                    on,
                    Decision::parse(result)
                        .ok_or_else(|| DbError::Invalid(format!("结果“{result}”无法识别")))?,
                )),
                _ => None,
            };
            Ok(DisputeFacts {
                id: row.id,
                route,
                filed_on: row.filed_on,
                concluded,
            })
        })
        .collect()
}

/// Loads a ledger read by `fazhi_core::foi::ledger::parse_ledger`: every agency must exist and
/// no case number may be taken. All or nothing; returns the number of requests loaded.
pub async fn import_ledger(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    rows: &[LedgerRow],
) -> std::result::Result<usize, ImportError> {
    let mut issues = Vec::new();
    let mut agencies: std::collections::HashMap<&str, Option<i64>> =
        std::collections::HashMap::new();
    for row in rows {
        if !agencies.contains_key(row.agency_code.as_str()) {
            let found = crate::org::agency_by_code(db, &row.agency_code).await?;
            agencies.insert(&row.agency_code, found.map(|a| a.id));
        }
        if agencies
            .get(row.agency_code.as_str())
            .copied()
            .flatten()
            .is_none()
        {
            issues.push(ImportIssue {
                row: row.row,
                column: "机构代码".into(),
                reason: format!("机构“{}”不存在", row.agency_code),
            });
        }
        let taken: i64 = on_pool!(db, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM foi_requests WHERE case_number = $1")
                .bind(&row.case_number)
                .fetch_one(pool)
                .await
        })
        .map_err(DbError::from)?;
        if taken > 0 {
            issues.push(ImportIssue {
                row: row.row,
                column: "案件编号".into(),
                reason: format!("案件编号“{}”已存在", row.case_number),
            });
        }
    }
    if !issues.is_empty() {
        return Err(ImportError::Issues(issues));
    }
    let mut tx = db.begin().await?;
    for row in rows {
        let agency_id = agencies
            .get(row.agency_code.as_str())
            .copied()
            .flatten()
            .ok_or(DbError::NotFound)?;
        let id: i64 = on_tx!(&mut tx, conn => {
            sqlx::query_scalar(
                "INSERT INTO foi_requests (case_number, agency_id, channel, arrived_on, received_on, applicant_type, \
                 applicant_name, contact, description, purpose, form_requested, created_by, created_at, origin, \
                 ledger_closed_on, ledger_row, closed_on) \
                 VALUES ($1, $2, $3, $4, $4, $5, '', '', '', '', '', $6, $7, 'ledger', $8, $9, $8) RETURNING id",
            )
            .bind(&row.case_number)
            .bind(agency_id)
            .bind(row.channel.as_str())
            .bind(row.received_on)
            .bind(&row.applicant_type)
            .bind(actor.user_id)
            .bind(now)
            .bind(row.closed.as_ref().map(|(on, _)| *on))
            .bind(row.closed.as_ref().map(|(_, code)| code.as_str()))
            .fetch_one(&mut *conn)
            .await
        })
        .map_err(DbError::from)?;
        for dispute in &row.disputes {
            let new = NewDispute {
                route: dispute.route,
                filed_on: dispute.filed_on,
                concluded: dispute.concluded,
            };
            insert_dispute(&mut tx, actor, now, id, &new).await?;
        }
    }
    let logged = serde_json::json!({
        "requests": rows.len(),
        "case_numbers": rows.iter().map(|r| r.case_number.as_str()).collect::<Vec<_>>(),
    });
    audit::append(
        &mut tx,
        actor,
        now,
        Change::<(), _> {
            action: "foi_request.import_ledger",
            entity_type: "foi_request",
            entity_id: String::new(),
            summary: format!("导入政府信息公开申请台账{}件", rows.len()),
            before: None,
            after: Some(&logged),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(rows.len())
}

/// The requests that disputes `dispute_ids` are about, each once, in id order.
pub async fn requests_of_disputes(db: &Db, dispute_ids: &[i64]) -> Result<Vec<i64>> {
    if dispute_ids.is_empty() {
        return Ok(Vec::new());
    }
    on_pool!(db, pool => {
        let mut query = sqlx::QueryBuilder::new("SELECT DISTINCT request_id FROM foi_disputes WHERE id IN (");
        let mut list = query.separated(", ");
        for id in dispute_ids {
            list.push_bind(*id);
        }
        query.push(") ORDER BY request_id");
        query.build_query_scalar().fetch_all(pool).await
    })
    .map_err(Into::into)
}

async fn set_acknowledged_due(tx: &mut Tx, id: i64, due: NaiveDate) -> Result<()> {
    on_tx!(tx, conn => {
        sqlx::query("UPDATE foi_requests SET acknowledged_due = $1 WHERE id = $2")
            .bind(due)
            .bind(id)
            .execute(&mut *conn)
            .await
            .map(|done| done.rows_affected())
    })?;
    Ok(())
}

/// A person confirms the due date the clock now gives, after the calendar (or a parameter)
/// changed it: the change is audited with both dates. Returns the clock.
pub async fn confirm_due(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i64,
    today: NaiveDate,
) -> Result<Clock> {
    let request = request(db, id).await?.ok_or(DbError::NotFound)?;
    let clock = derive(db, &request.division_path, &events(db, id).await?, today).await?;
    let Some((seen, derived)) = request.changed_due(&clock) else {
        return Err(DbError::Invalid("答复期限没有变化，无须确认".into()));
    };
    let mut tx = db.begin().await?;
    set_acknowledged_due(&mut tx, id, derived).await?;
    audit::append(
        &mut tx,
        actor,
        now,
        Change {
            action: "foi_request.confirm_due",
            entity_type: "foi_request",
            entity_id: id.to_string(),
            summary: format!(
                "{}：节假日安排或参数变更，答复期限由{seen}变为{derived}，已确认",
                request.case_number
            ),
            before: Some(&serde_json::json!({"due": seen})),
            after: Some(&serde_json::json!({"due": derived, "explanation": clock.due.explain()})),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(clock)
}

async fn set_closed_on(tx: &mut Tx, id: i64, on: NaiveDate) -> Result<()> {
    on_tx!(tx, conn => {
        sqlx::query("UPDATE foi_requests SET closed_on = $1 WHERE id = $2")
            .bind(on)
            .bind(id)
            .execute(&mut *conn)
            .await
            .map(|done| done.rows_affected())
    })?;
    Ok(())
}
