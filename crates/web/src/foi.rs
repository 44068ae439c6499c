//! Staff pages of 依申请公开 (issue 5): the queue of requests with their due dates, entry of an
//! application received by letter, in person or by fax, and a request's timeline where events are
//! recorded. Every route asks the one permission function about the handling agency; the
//! applicant's name and contact appear only to staff with a grant on it.

use crate::AppState;
use crate::error::AppError;
use crate::portal::{Layout, html};
use crate::session::{CsrfForm, Staff, form_date, form_optional_date};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use fazhi_core::foi::dispute::{Decision, Route};
use fazhi_core::foi::{
    APPLICANT_TYPES, Channel, Clock, ClockEvent, Consulted, Ground, Outcome, OutcomeCode,
};
use fazhi_core::org::{Action, Target, scopes_allowing};
use fazhi_db::foi::{
    DisputeRow, FORMS, NewDispute, NewRequest, QueueQuery, QueueRow, RequestRow, Show,
};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/foi", get(queue_page))
        .route("/admin/foi/new", get(new_page).post(create))
        .route("/admin/foi/{id}", get(request_page))
        .route("/admin/foi/{id}/events", post(add_event))
        .route("/admin/foi/{id}/disputes", post(add_dispute))
        .route("/admin/foi/{id}/fee", post(decide_fee))
        .route("/admin/foi/{id}/due", post(confirm_due))
        .route("/admin/foi/{id}/reply.docx", get(reply_docx))
        .route("/admin/foi/{id}/deliveries", post(add_delivery))
        .route(
            "/admin/foi/{id}/disputes/{dispute}/conclude",
            post(conclude_dispute),
        )
}

fn channel_zh(stored: &str) -> &'static str {
    Channel::parse(stored).map_or("", Channel::zh)
}

struct QueueView {
    request: RequestRow,
    channel: &'static str,
    due: String,
    standing: String,
}

#[derive(Template)]
#[template(path = "foi_queue.html")]
struct QueuePage {
    layout: Layout,
    rows: Vec<QueueView>,
    /// Online applications waiting for the confirmation that makes them received.
    unconfirmed: Vec<(fazhi_db::foi_online::SubmissionRow, i64)>,
    may_draft: bool,
    show: Show,
    tabs: Vec<(&'static str, &'static str, bool)>,
    search: String,
    total: i64,
    pager: crate::admin::Pager,
    query: String,
}

/// Scopes in which `staff` may do `action`; `None` when everywhere.
fn scopes_for(staff: &Staff, action: Action) -> Option<Vec<fazhi_core::org::Scope>> {
    if staff.may(action, &Target::Global) {
        None
    } else {
        Some(scopes_allowing(&staff.grants, action))
    }
}

#[derive(Deserialize, Default)]
pub struct QueueParams {
    #[serde(default)]
    show: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: Option<u32>,
    #[serde(default)]
    format: String,
}

/// The columns of a queue download.
const QUEUE_HEADER: [&str; 7] = [
    "案件编号",
    "受理单位",
    "渠道",
    "申请人类型",
    "收到申请之日",
    "答复期限",
    "状态",
];

fn queue_view(row: QueueRow) -> QueueView {
    let QueueRow {
        request,
        clock,
        standing,
    } = row;
    let channel = channel_zh(&request.channel);
    match clock {
        Ok(clock) => {
            let standing = match request.changed_due(&clock) {
                Some((seen, now)) => format!("期限变更待确认：{seen} → {now}"),
                None => standing.map_or("", |s| s.zh()).to_string(),
            };
            QueueView {
                channel,
                due: clock.due.date.to_string(),
                standing,
                request,
            }
        }
        Err(problem) => QueueView {
            channel,
            due: "—".into(),
            standing: format!("无法计算：{problem}"),
            request,
        },
    }
}

async fn queue_page(
    State(state): State<AppState>,
    staff: Staff,
    Query(params): Query<QueueParams>,
) -> Result<Response, AppError> {
    let today = fazhi_core::clock::beijing_today();
    let scopes = scopes_for(&staff, Action::View);
    let show = match params.show.as_str() {
        "" => Show::Open,
        text => Show::parse(text).ok_or_else(|| AppError::Invalid(format!("队列“{text}”无效")))?,
    };
    let search = params.q.trim().to_string();
    if !params.format.is_empty() {
        let format = crate::powers::TableFormat::asked(&params.format)?;
        let wanted = QueueQuery {
            show,
            search: &search,
            page: None,
        };
        let (rows, _) = fazhi_db::foi::queue(&state.db, scopes.as_deref(), today, wanted).await?;
        let cells = rows
            .into_iter()
            .map(queue_view)
            .map(|view| {
                vec![
                    view.request.case_number,
                    view.request.agency_name,
                    view.channel.to_string(),
                    view.request.applicant_type,
                    view.request.received_on.to_string(),
                    view.due,
                    view.standing,
                ]
            })
            .collect();
        return crate::powers::table_download(
            format,
            &format!("foi-queue-{}-{today}", show.as_str()),
            &QUEUE_HEADER,
            cells,
        );
    }
    let page = fazhi_db::Page::new(params.page.unwrap_or(1), fazhi_db::Page::DEFAULT_SIZE);
    let wanted = QueueQuery {
        show,
        search: &search,
        page: Some(page),
    };
    let (rows, total) = fazhi_db::foi::queue(&state.db, scopes.as_deref(), today, wanted).await?;
    let unconfirmed = fazhi_db::foi_online::unconfirmed(&state.db, scopes.as_deref())
        .await?
        .into_iter()
        .map(|s| {
            let waiting = (today - s.submitted_on).num_days();
            (s, waiting)
        })
        .collect();
    let query = format!(
        "show={}&q={}",
        show.as_str(),
        crate::error::percent_encode(&search)
    );
    html(QueuePage {
        layout: Layout::new("依申请公开", "/admin/foi", Some(&staff)),
        rows: rows.into_iter().map(queue_view).collect(),
        unconfirmed,
        may_draft: staff.may_somewhere(Action::Draft),
        tabs: Show::ALL
            .iter()
            .map(|s| (s.as_str(), s.zh(), *s == show))
            .collect(),
        show,
        search,
        total,
        pager: crate::admin::Pager::new(page, total, &format!("{query}&")),
        query,
    })
}

#[derive(Deserialize, Default, Clone)]
pub struct RequestForm {
    #[serde(default)]
    agency_code: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    arrived_on: String,
    #[serde(default)]
    confirmed_on: String,
    #[serde(default)]
    applicant_type: String,
    #[serde(default)]
    applicant_name: String,
    #[serde(default)]
    contact: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    form_requested: String,
}

impl RequestForm {
    fn to_request(&self) -> Result<NewRequest, AppError> {
        Ok(NewRequest {
            agency_code: self.agency_code.trim().to_string(),
            channel: Channel::parse(self.channel.trim())
                .ok_or_else(|| AppError::Invalid("请选择申请渠道".into()))?,
            arrived_on: form_date(&self.arrived_on, "到达日期")?,
            confirmed_on: form_optional_date(&self.confirmed_on, "确认日期")?,
            applicant_type: self.applicant_type.trim().to_string(),
            applicant_name: self.applicant_name.clone(),
            contact: self.contact.clone(),
            description: self.description.clone(),
            purpose: self.purpose.clone(),
            form_requested: self.form_requested.trim().to_string(),
        })
    }
}

#[derive(Template)]
#[template(path = "foi_new.html")]
struct NewPage {
    layout: Layout,
    form: RequestForm,
    channels: Vec<(&'static str, &'static str)>,
    applicant_types: Vec<&'static str>,
    forms: Vec<&'static str>,
    error: Option<String>,
}

fn render_new(
    staff: &Staff,
    form: RequestForm,
    error: Option<String>,
) -> Result<Response, AppError> {
    let refused = error.is_some();
    let mut response = html(NewPage {
        layout: Layout::new("登记申请", "/admin/foi", Some(staff)),
        form,
        channels: Channel::ALL.iter().map(|c| (c.as_str(), c.zh())).collect(),
        applicant_types: APPLICANT_TYPES.to_vec(),
        forms: FORMS.to_vec(),
        error,
    })?;
    crate::portal::mark_refused(&mut response, refused);
    Ok(response)
}

async fn new_page(staff: Staff) -> Result<Response, AppError> {
    if !staff.may_somewhere(Action::Draft) {
        return Err(AppError::Forbidden);
    }
    let form = RequestForm {
        agency_code: staff.user.agency_code.clone(),
        ..RequestForm::default()
    };
    render_new(&staff, form, None)
}

async fn create(
    State(state): State<AppState>,
    staff: Staff,
    CsrfForm(form): CsrfForm<RequestForm>,
) -> Result<Response, AppError> {
    let outcome = async {
        let new = form.to_request()?;
        staff
            .agency(&state, &new.agency_code, Action::Draft)
            .await?;
        let created = fazhi_db::foi::create_request(
            &state.db,
            &staff.actor(),
            fazhi_core::clock::now(),
            &new,
        )
        .await?;
        Ok::<i64, AppError>(created.id)
    }
    .await;
    match outcome {
        Ok(id) => Ok(Redirect::to(&format!("/admin/foi/{id}")).into_response()),
        Err(AppError::Invalid(message)) => render_new(&staff, form, Some(message)),
        Err(other) => Err(other),
    }
}

#[derive(Template)]
#[template(path = "foi_request.html")]
struct RequestPage {
    layout: Layout,
    request: RequestRow,
    channel: &'static str,
    applicant_name: String,
    contact: String,
    events: Vec<(String, String)>,
    disputes: Vec<DisputeRow>,
    fee: Option<fazhi_db::foi_fees::FeeDecision>,
    deliveries: Vec<fazhi_db::foi_reply::Delivery>,
    delivery_methods: Vec<&'static str>,
    quote: Result<fazhi_db::foi_fees::Quote, String>,
    pages: String,
    routes: Vec<(&'static str, &'static str)>,
    decisions: Vec<(&'static str, &'static str)>,
    clock: Result<Clock, String>,
    derivation: String,
    may_draft: bool,
    may_extend: bool,
    outcomes: Vec<(&'static str, &'static str)>,
    grounds: Vec<(&'static str, &'static str)>,
    error: Option<String>,
}

/// The request, after checking that `staff` may `action` on its agency.
async fn allowed(
    state: &AppState,
    staff: &Staff,
    id: i64,
    action: Action,
) -> Result<RequestRow, AppError> {
    let request = fazhi_db::foi::request(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    staff.require(action, &request.target())?;
    Ok(request)
}

/// One line describing an event for the timeline.
fn event_line(event: &ClockEvent) -> String {
    match event {
        ClockEvent::ConsultationSent {
            delivered_on: Some(delivered),
            ..
        } => format!("送达：{delivered}"),
        ClockEvent::Extended {
            working_days,
            approved_by,
            reason,
            ..
        } => format!("延长{working_days}个工作日，{approved_by}批准；理由：{reason}"),
        ClockEvent::Answered { outcome, .. } => {
            let mut line = outcome.code.zh().to_string();
            if let Some(ground) = outcome.ground {
                line.push_str(&format!("：{}", ground.zh()));
            }
            if !outcome.note.is_empty() {
                line.push_str(&format!("（{}）", outcome.note));
            }
            line
        }
        _ => String::new(),
    }
}

async fn render_request(
    state: &AppState,
    staff: &Staff,
    request: RequestRow,
    error: Option<String>,
) -> Result<Response, AppError> {
    render_request_with(state, staff, request, error, None).await
}

/// The request page; `pages` asks for a 按量 fee estimate.
async fn render_request_with(
    state: &AppState,
    staff: &Staff,
    request: RequestRow,
    error: Option<String>,
    pages: Option<u32>,
) -> Result<Response, AppError> {
    let today = fazhi_core::clock::beijing_today();
    let events = fazhi_db::foi::events(&state.db, request.id).await?;
    let clock = fazhi_db::foi::clock(&state.db, request.id, today)
        .await
        .map_err(|e| e.to_string());
    let (applicant_name, contact) = fazhi_db::foi::applicant(&state.db, request.id)
        .await?
        .unwrap_or_default();
    let refused = error.is_some();
    let mut response = html(RequestPage {
        layout: Layout::new(
            &format!("申请 {}", request.case_number),
            "/admin/foi",
            Some(staff),
        ),
        channel: channel_zh(&request.channel),
        applicant_name,
        contact,
        events: events
            .iter()
            .map(|e| (format!("{} {}", e.date(), e.zh()), event_line(e)))
            .collect(),
        disputes: fazhi_db::foi::disputes(&state.db, request.id).await?,
        fee: fazhi_db::foi_fees::decision(&state.db, request.id).await?,
        deliveries: fazhi_db::foi_reply::deliveries(&state.db, request.id).await?,
        delivery_methods: fazhi_db::foi_reply::DELIVERY_METHODS.to_vec(),
        quote: fazhi_db::foi_fees::quote(&state.db, request.id, pages)
            .await
            .map_err(|e| e.to_string()),
        pages: pages.map(|p| p.to_string()).unwrap_or_default(),
        routes: Route::ALL.iter().map(|r| (r.as_str(), r.zh())).collect(),
        decisions: Decision::ALL.iter().map(|d| (d.as_str(), d.zh())).collect(),
        derivation: clock.as_ref().map(|c| c.due.explain()).unwrap_or_default(),
        clock,
        may_draft: staff.may(Action::Draft, &request.target()),
        may_extend: staff.may(Action::Review, &request.target()),
        outcomes: OutcomeCode::ALL
            .iter()
            .map(|o| (o.code(), o.zh()))
            .collect(),
        grounds: Ground::ALL.iter().map(|g| (g.as_str(), g.zh())).collect(),
        request,
        error,
    })?;
    crate::portal::mark_refused(&mut response, refused);
    Ok(response)
}

/// A page count for 按量 fees, or none when the field is empty.
fn optional_pages(text: &str) -> Result<Option<u32>, AppError> {
    match text.trim() {
        "" => Ok(None),
        text => text
            .parse()
            .map(Some)
            .map_err(|_| AppError::Invalid("页数应为非负整数".into())),
    }
}

#[derive(Deserialize, Default)]
pub struct RequestQuery {
    /// Pages for a 按量 fee estimate.
    #[serde(default)]
    pages: String,
}

async fn request_page(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Query(query): Query<RequestQuery>,
) -> Result<Response, AppError> {
    let request = allowed(&state, &staff, id, Action::View).await?;
    let pages = optional_pages(&query.pages)?;
    render_request_with(&state, &staff, request, None, pages).await
}

#[derive(Deserialize, Default)]
pub struct EventForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    on: String,
    #[serde(default)]
    delivered_on: String,
    #[serde(default)]
    working_days: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    ground: String,
    #[serde(default)]
    note: String,
}

impl EventForm {
    /// The event the form describes; an extension is approved by `staff` themselves.
    fn to_event(&self, staff: &Staff) -> Result<ClockEvent, AppError> {
        let on = form_date(&self.on, "日期")?;
        Ok(match self.kind.as_str() {
            "correction_requested" => ClockEvent::CorrectionRequested { on },
            "correction_received" => ClockEvent::CorrectionReceived { on },
            "third_party" | "other_agency" => ClockEvent::ConsultationSent {
                on,
                consulted: if self.kind == "third_party" {
                    Consulted::ThirdParty
                } else {
                    Consulted::OtherAgency
                },
                delivered_on: form_optional_date(&self.delivered_on, "送达日期")?,
            },
            "consultation_answered" => ClockEvent::ConsultationAnswered { on },
            "fee_notice_sent" => ClockEvent::FeeNoticeSent { on },
            "fee_paid" => ClockEvent::FeePaid { on },
            "extended" => ClockEvent::Extended {
                approved_on: on,
                working_days: self
                    .working_days
                    .trim()
                    .parse()
                    .map_err(|_| AppError::Invalid("延长的工作日数应为整数".into()))?,
                approved_by: staff.user.display_name.clone(),
                reason: self.reason.trim().to_string(),
            },
            "answered" => ClockEvent::Answered {
                on,
                outcome: Outcome {
                    code: OutcomeCode::parse(self.outcome.trim())
                        .ok_or_else(|| AppError::Invalid("办结须选择办理结果".into()))?,
                    ground: match self.ground.trim() {
                        "" => None,
                        text => Some(
                            Ground::parse(text)
                                .ok_or_else(|| AppError::Invalid("不予公开的理由无效".into()))?,
                        ),
                    },
                    note: self.note.trim().chars().take(500).collect(),
                },
            },
            _ => return Err(AppError::Invalid("请选择事件类型".into())),
        })
    }
}

async fn add_event(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<EventForm>,
) -> Result<Response, AppError> {
    // An extension needs the approval of the head of the disclosure office (Art 33): a reviewer.
    let action = if form.kind == "extended" {
        Action::Review
    } else {
        Action::Draft
    };
    let request = allowed(&state, &staff, id, action).await?;
    let outcome = async {
        let event = form.to_event(&staff)?;
        fazhi_db::foi::add_event(
            &state.db,
            &staff.actor(),
            fazhi_core::clock::now(),
            id,
            &event,
            fazhi_core::clock::beijing_today(),
        )
        .await?;
        Ok::<(), AppError>(())
    }
    .await;
    on_request_page(&state, &staff, request, outcome).await
}

#[derive(Deserialize, Default)]
pub struct DisputeForm {
    #[serde(default)]
    route: String,
    #[serde(default)]
    filed_on: String,
    #[serde(default)]
    concluded_on: String,
    #[serde(default)]
    result: String,
}

/// A result with its date from a form: both or neither (pending).
fn conclusion(on: &str, result: &str) -> Result<Option<(NaiveDate, Decision)>, AppError> {
    match (form_optional_date(on, "审结日期")?, result.trim()) {
        (None, "") => Ok(None),
        (Some(on), result) if !result.is_empty() => {
            let decision = Decision::parse(result)
                .ok_or_else(|| AppError::Invalid("结果应为维持、纠正或其他".into()))?;
            Ok(Some((on, decision)))
        }
        _ => Err(AppError::Invalid(
            "已审结的须同时填写审结日期和结果；尚未审结的两项都不填".into(),
        )),
    }
}

/// Runs a change on a request's page: back to the page when done, the page with the message when
/// the input is refused.
async fn on_request_page(
    state: &AppState,
    staff: &Staff,
    request: RequestRow,
    change: Result<(), AppError>,
) -> Result<Response, AppError> {
    match change {
        Ok(()) => Ok(Redirect::to(&format!("/admin/foi/{}", request.id)).into_response()),
        Err(AppError::Invalid(message)) => {
            render_request(state, staff, request, Some(message)).await
        }
        Err(other) => Err(other),
    }
}

async fn add_dispute(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<DisputeForm>,
) -> Result<Response, AppError> {
    let request = allowed(&state, &staff, id, Action::Draft).await?;
    let change = async {
        let dispute = NewDispute {
            route: Route::parse(&form.route)
                .ok_or_else(|| AppError::Invalid("请选择复议或诉讼的途径".into()))?,
            filed_on: form_date(&form.filed_on, "受理日期")?,
            concluded: conclusion(&form.concluded_on, &form.result)?,
        };
        fazhi_db::foi::add_dispute(
            &state.db,
            &staff.actor(),
            fazhi_core::clock::now(),
            id,
            &dispute,
            fazhi_core::clock::beijing_today(),
        )
        .await?;
        Ok(())
    }
    .await;
    on_request_page(&state, &staff, request, change).await
}

async fn conclude_dispute(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, dispute)): Path<(i64, i64)>,
    CsrfForm(form): CsrfForm<DisputeForm>,
) -> Result<Response, AppError> {
    let request = allowed(&state, &staff, id, Action::Draft).await?;
    let change = async {
        if !fazhi_db::foi::disputes(&state.db, id)
            .await?
            .iter()
            .any(|d| d.id == dispute)
        {
            return Err(AppError::NotFound);
        }
        let concluded = conclusion(&form.concluded_on, &form.result)?
            .ok_or_else(|| AppError::Invalid("请填写审结日期和结果".into()))?;
        fazhi_db::foi::conclude_dispute(
            &state.db,
            &staff.actor(),
            fazhi_core::clock::now(),
            dispute,
            concluded,
            fazhi_core::clock::beijing_today(),
        )
        .await?;
        Ok(())
    }
    .await;
    on_request_page(&state, &staff, request, change).await
}

#[derive(Deserialize, Default)]
pub struct FeeForm {
    #[serde(default)]
    method: String,
    #[serde(default)]
    pages: String,
    #[serde(default)]
    decided_on: String,
}

/// The decision to charge the 信息处理费: taken by the head of the disclosure office (a
/// reviewer), who is recorded as its approver.
async fn decide_fee(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<FeeForm>,
) -> Result<Response, AppError> {
    let request = allowed(&state, &staff, id, Action::Review).await?;
    let change = async {
        let method = fazhi_core::foi::fees::Method::parse(form.method.trim())
            .ok_or_else(|| AppError::Invalid("请选择计收方式".into()))?;
        let pages = optional_pages(&form.pages)?;
        let charge = fazhi_db::foi_fees::Charge {
            method,
            pages,
            decided_on: form_date(&form.decided_on, "决定日期")?,
        };
        fazhi_db::foi_fees::decide(
            &state.db,
            &staff.actor(),
            fazhi_core::clock::now(),
            id,
            charge,
            fazhi_core::clock::beijing_today(),
        )
        .await?;
        Ok(())
    }
    .await;
    on_request_page(&state, &staff, request, change).await
}

/// The reply letter as a Word document for staff to check, edit and sign.
async fn reply_docx(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let request = allowed(&state, &staff, id, Action::View).await?;
    let letter = fazhi_db::foi_reply::letter(&state.db, id).await?;
    let mut doc = crate::docx::Docx::new();
    doc.title(&letter.title);
    let count = letter.paragraphs.len();
    for (index, paragraph) in letter.paragraphs.iter().enumerate() {
        match index {
            0 => doc.line(paragraph, false),
            // The last two lines are the signature block: the agency and the date.
            _ if index + 2 >= count => doc.line(paragraph, true),
            _ => doc.paragraph(paragraph),
        }
    }
    let body = doc.finish().map_err(AppError::Internal)?;
    let disposition = format!(
        "attachment; filename=\"foi-reply-{}.docx\"",
        request.case_number
    );
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                    .to_string(),
            ),
            (axum::http::header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

#[derive(Deserialize, Default)]
pub struct DeliveryForm {
    #[serde(default)]
    method: String,
    #[serde(default)]
    delivered_on: String,
    #[serde(default)]
    reference: String,
}

async fn add_delivery(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<DeliveryForm>,
) -> Result<Response, AppError> {
    let request = allowed(&state, &staff, id, Action::Draft).await?;
    let change = async {
        let delivery = fazhi_db::foi_reply::Delivery {
            method: form.method.trim().to_string(),
            delivered_on: form_date(&form.delivered_on, "送达日期")?,
            reference: form.reference.clone(),
        };
        fazhi_db::foi_reply::add_delivery(
            &state.db,
            &staff.actor(),
            fazhi_core::clock::now(),
            id,
            &delivery,
            fazhi_core::clock::beijing_today(),
        )
        .await?;
        Ok(())
    }
    .await;
    on_request_page(&state, &staff, request, change).await
}

/// A person confirms the due date after a calendar change moved it.
async fn confirm_due(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<crate::session::NoFields>,
) -> Result<Response, AppError> {
    let request = allowed(&state, &staff, id, Action::Draft).await?;
    let change = fazhi_db::foi::confirm_due(
        &state.db,
        &staff.actor(),
        fazhi_core::clock::now(),
        id,
        fazhi_core::clock::beijing_today(),
    )
    .await
    .map(|_| ())
    .map_err(AppError::from);
    on_request_page(&state, &staff, request, change).await
}
