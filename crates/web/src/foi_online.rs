//! 依申请公开 on the public side (issue 5 part 1): the online application form, the applicant's
//! secret tracking page, and the staff's confirmation of an online application, which is when it
//! counts as received (Art 31).

use crate::AppState;
use crate::error::AppError;
use crate::portal::{Layout, html};
use crate::session::{CsrfForm, Staff, Visitor, set_cookie, visitor_csrf};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use fazhi_core::foi::{APPLICANT_TYPES, Clock, ClockState};
use fazhi_core::org::Action;
use fazhi_db::foi::{FORMS, RequestRow};
use fazhi_db::foi_online::{CONFIRMATION_METHODS, NewSubmission, SubmissionRow};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/foi/apply", get(apply_page).post(apply))
        .route("/foi/track/{key}", get(track_page))
        .route("/admin/foi/submissions/{id}", get(submission_page))
        .route("/admin/foi/submissions/{id}/confirm", post(confirm))
}

#[derive(Deserialize, Default, Clone)]
pub struct ApplyForm {
    #[serde(default)]
    key: String,
    #[serde(default)]
    agency_code: String,
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

#[derive(Template)]
#[template(path = "foi_apply.html")]
struct ApplyPage {
    layout: Layout,
    csrf: String,
    form: ApplyForm,
    agencies: Vec<(String, String)>,
    applicant_types: Vec<&'static str>,
    forms: Vec<&'static str>,
    error: Option<String>,
}

async fn render_apply(
    state: &AppState,
    visitor: &Visitor,
    form: ApplyForm,
    error: Option<String>,
) -> Result<Response, AppError> {
    let (cookie, csrf) = visitor_csrf(state, visitor).await?;
    let agencies = fazhi_db::org::agencies(&state.db, None)
        .await?
        .into_iter()
        .map(|a| (a.code, a.name))
        .collect();
    let refused = error.is_some();
    let mut response = html(ApplyPage {
        layout: Layout::new("政府信息公开申请", "/foi/apply", visitor.staff.as_ref()),
        csrf,
        form,
        agencies,
        applicant_types: APPLICANT_TYPES.to_vec(),
        forms: FORMS.to_vec(),
        error,
    })?;
    crate::portal::mark_refused(&mut response, refused);
    set_cookie(&mut response, cookie);
    Ok(response)
}

async fn apply_page(State(state): State<AppState>, visitor: Visitor) -> Result<Response, AppError> {
    // The secret travels with the form, so that sending it twice finds the first submission.
    let form = ApplyForm {
        key: fazhi_core::auth::new_secret(),
        form_requested: "电子邮件".into(),
        ..ApplyForm::default()
    };
    render_apply(&state, &visitor, form, None).await
}

async fn apply(
    State(state): State<AppState>,
    visitor: Visitor,
    CsrfForm(form): CsrfForm<ApplyForm>,
) -> Result<Response, AppError> {
    let new = NewSubmission {
        agency_code: form.agency_code.trim().to_string(),
        applicant_type: form.applicant_type.trim().to_string(),
        applicant_name: form.applicant_name.clone(),
        contact: form.contact.clone(),
        description: form.description.clone(),
        purpose: form.purpose.clone(),
        form_requested: form.form_requested.trim().to_string(),
    };
    match fazhi_db::foi_online::submit(
        &state.db,
        fazhi_core::clock::now(),
        fazhi_core::clock::beijing_today(),
        &new,
        &form.key,
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/foi/track/{}?new=1", form.key)).into_response()),
        Err(fazhi_db::DbError::Invalid(message)) => {
            render_apply(&state, &visitor, form, Some(message)).await
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Deserialize, Default)]
pub struct TrackQuery {
    #[serde(default)]
    new: String,
}

#[derive(Template)]
#[template(path = "foi_track.html")]
struct TrackPage {
    layout: Layout,
    just_submitted: bool,
    submission: SubmissionRow,
    request: Option<RequestRow>,
    clock: Option<Clock>,
    status: String,
    events: Vec<String>,
}

/// What the applicant is told of the state of the request.
fn status_of(clock: &Clock) -> String {
    match clock.state {
        ClockState::Answered => "已办结".into(),
        ClockState::Paused => match &clock.waiting_since {
            Some((what, since)) => format!("暂停计时：自{since}起{what}"),
            None => "暂停计时".into(),
        },
        ClockState::Running => "办理中".into(),
    }
}

async fn track_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(key): Path<String>,
    Query(query): Query<TrackQuery>,
) -> Result<Response, AppError> {
    let submission = fazhi_db::foi_online::by_tracking_key(&state.db, &key)
        .await?
        .ok_or(AppError::NotFound)?;
    let today = fazhi_core::clock::beijing_today();
    let (request, clock, events) = match submission.request_id {
        Some(id) => {
            let request = fazhi_db::foi::request(&state.db, id).await?;
            let clock = fazhi_db::foi::clock(&state.db, id, today).await.ok();
            let events = fazhi_db::foi::events(&state.db, id)
                .await?
                .iter()
                .map(|e| format!("{} {}", e.date(), e.zh()))
                .collect();
            (request, clock, events)
        }
        None => (None, None, Vec::new()),
    };
    let status = match (&submission.request_id, &clock) {
        (None, _) => {
            "已提交，待工作人员与您确认。确认之日为收到申请之日，答复期限自该日起算。".into()
        }
        (Some(_), Some(clock)) => status_of(clock),
        (Some(_), None) => "办理中".into(),
    };
    let mut response = html(TrackPage {
        layout: Layout::new(
            &format!("申请查询 {}", submission.number()),
            "/foi/apply",
            visitor.staff.as_ref(),
        ),
        just_submitted: query.new == "1",
        submission,
        request,
        clock,
        status,
        events,
    })?;
    // The address is the secret: never sent on to another page or site.
    response.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    Ok(response)
}

#[derive(Template)]
#[template(path = "foi_submission.html")]
struct SubmissionPage {
    layout: Layout,
    submission: SubmissionRow,
    may_confirm: bool,
    methods: Vec<&'static str>,
    today: NaiveDate,
    error: Option<String>,
}

async fn allowed_submission(
    state: &AppState,
    staff: &Staff,
    id: i64,
    action: Action,
) -> Result<SubmissionRow, AppError> {
    let submission = fazhi_db::foi_online::submission(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    staff.require(action, &submission.target())?;
    Ok(submission)
}

fn render_submission(
    staff: &Staff,
    submission: SubmissionRow,
    error: Option<String>,
) -> Result<Response, AppError> {
    let refused = error.is_some();
    let mut response = html(SubmissionPage {
        layout: Layout::new(
            &format!("网上申请 {}", submission.number()),
            "/admin/foi",
            Some(staff),
        ),
        may_confirm: staff.may(Action::Draft, &submission.target()),
        submission,
        methods: CONFIRMATION_METHODS.to_vec(),
        today: fazhi_core::clock::beijing_today(),
        error,
    })?;
    crate::portal::mark_refused(&mut response, refused);
    Ok(response)
}

async fn submission_page(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let submission = allowed_submission(&state, &staff, id, Action::View).await?;
    if let Some(request) = submission.request_id {
        return Ok(Redirect::to(&format!("/admin/foi/{request}")).into_response());
    }
    render_submission(&staff, submission, None)
}

#[derive(Deserialize, Default)]
pub struct ConfirmForm {
    #[serde(default)]
    confirmed_on: String,
    #[serde(default)]
    method: String,
}

async fn confirm(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ConfirmForm>,
) -> Result<Response, AppError> {
    let submission = allowed_submission(&state, &staff, id, Action::Draft).await?;
    let outcome = match crate::session::form_date(&form.confirmed_on, "确认日期") {
        Err(AppError::Invalid(message)) => Err(fazhi_db::DbError::Invalid(message)),
        Err(other) => return Err(other),
        Ok(on) => {
            fazhi_db::foi_online::confirm(
                &state.db,
                &staff.actor(),
                fazhi_core::clock::now(),
                id,
                on,
                form.method.trim(),
                fazhi_core::clock::beijing_today(),
            )
            .await
        }
    };
    match outcome {
        Ok(request) => Ok(Redirect::to(&format!("/admin/foi/{}", request.id)).into_response()),
        Err(fazhi_db::DbError::Invalid(message)) => {
            render_submission(&staff, submission, Some(message))
        }
        Err(other) => Err(other.into()),
    }
}
