//! 意见征集 on the web (issue 4 part 4, spec/openness.md §5): staff set up and publish a
//! consultation, enter comments from other channels, moderate, group and decide them, and
//! publish the feedback; the public reads the draft, comments while the window is open, and
//! reads the shown comments and the feedback. Commenters' names and contacts are never public.

use crate::AppState;
use crate::admin::Pager;
use crate::documents::{ListQuery, scopes_of};
use crate::error::AppError;
use crate::portal::{Layout, html};
use crate::session::{CsrfForm, NoFields, Staff, Visitor, form_date, set_cookie, visitor_csrf};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use fazhi_core::consultation::{Disposition, DraftKind, FeedbackReport};
use fazhi_core::org::Action;
use fazhi_db::Page;
use fazhi_db::consultations::{
    CHANNELS, COMMENTER_TYPES, CommentRow, ConsultationRow, NewComment, NewConsultation,
    ShownComment, WEBSITE,
};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/consultations", get(admin_list))
        .route("/admin/consultations/new", get(new_page).post(create))
        .route("/admin/consultations/{id}", get(admin_page))
        .route("/admin/consultations/{id}/publish", post(publish))
        .route("/admin/consultations/{id}/comments", post(enter_comment))
        .route(
            "/admin/consultations/{id}/comments/{comment}/moderate",
            post(moderate),
        )
        .route(
            "/admin/consultations/{id}/comments/{comment}/dispose",
            post(dispose),
        )
        .route("/admin/consultations/{id}/feedback", post(publish_feedback))
        .route("/consultations", get(public_list))
        .route("/consultations/{id}", get(public_page).post(comment))
}

fn status_zh(row: &ConsultationRow, today: NaiveDate) -> &'static str {
    if row.status == "draft" {
        "草稿"
    } else if row.feedback.is_some() {
        "已反馈"
    } else if today < row.opens_on {
        "尚未开始"
    } else if today <= row.closes_on {
        "正在征求意见"
    } else {
        "已截止，待反馈"
    }
}

#[derive(Template)]
#[template(path = "consultations_admin.html")]
struct AdminListPage {
    layout: Layout,
    rows: Vec<ConsultationRow>,
    today: NaiveDate,
    may_draft: bool,
    pager: Pager,
}

impl AdminListPage {
    fn status(&self, row: &ConsultationRow) -> &'static str {
        status_zh(row, self.today)
    }
}

async fn admin_list(
    State(state): State<AppState>,
    staff: Staff,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    let scopes = scopes_of(&staff);
    let page = Page::new(query.page.unwrap_or(1), Page::DEFAULT_SIZE);
    let (rows, total) =
        fazhi_db::consultations::list(&state.db, scopes.as_deref(), false, page).await?;
    html(AdminListPage {
        layout: Layout::new("意见征集", "/admin/consultations", Some(&staff)),
        rows,
        today: fazhi_core::clock::beijing_today(),
        may_draft: staff.may_somewhere(Action::Draft),
        pager: Pager::new(page, total, ""),
    })
}

#[derive(Deserialize, Default, Clone)]
pub struct ConsultationForm {
    #[serde(default)]
    agency_code: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    opens_on: String,
    #[serde(default)]
    closes_on: String,
    #[serde(default)]
    short_reason: String,
    #[serde(default)]
    draft_text: String,
}

impl ConsultationForm {
    fn to_consultation(&self) -> Result<NewConsultation, AppError> {
        Ok(NewConsultation {
            agency_code: self.agency_code.trim().to_string(),
            title: self.title.clone(),
            kind: DraftKind::parse(&self.kind)
                .ok_or_else(|| AppError::Invalid("请选择草案类别".into()))?,
            draft_text: self.draft_text.clone(),
            opens_on: form_date(&self.opens_on, "开始日期")?,
            closes_on: form_date(&self.closes_on, "截止日期")?,
            short_reason: self.short_reason.clone(),
        })
    }
}

#[derive(Template)]
#[template(path = "consultation_new.html")]
struct NewPage {
    layout: Layout,
    form: ConsultationForm,
    kinds: Vec<(&'static str, &'static str)>,
    error: Option<String>,
}

fn render_new(
    staff: &Staff,
    form: ConsultationForm,
    error: Option<String>,
) -> Result<Response, AppError> {
    let refused = error.is_some();
    let mut response = html(NewPage {
        layout: Layout::new("发起意见征集", "/admin/consultations", Some(staff)),
        form,
        kinds: DraftKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.zh()))
            .collect(),
        error,
    })?;
    crate::portal::mark_refused(&mut response, refused);
    Ok(response)
}

async fn new_page(staff: Staff) -> Result<Response, AppError> {
    if !staff.may_somewhere(Action::Draft) {
        return Err(AppError::Forbidden);
    }
    let form = ConsultationForm {
        agency_code: staff.user.agency_code.clone(),
        kind: DraftKind::Normative.as_str().into(),
        ..ConsultationForm::default()
    };
    render_new(&staff, form, None)
}

async fn create(
    State(state): State<AppState>,
    staff: Staff,
    CsrfForm(form): CsrfForm<ConsultationForm>,
) -> Result<Response, AppError> {
    let outcome = async {
        let new = form.to_consultation()?;
        staff
            .agency(&state, &new.agency_code, Action::Draft)
            .await?;
        Ok::<i64, AppError>(
            fazhi_db::consultations::create(
                &state.db,
                &staff.actor(),
                fazhi_core::clock::now(),
                &new,
            )
            .await?,
        )
    }
    .await;
    match outcome {
        Ok(id) => Ok(Redirect::to(&format!("/admin/consultations/{id}")).into_response()),
        Err(AppError::Invalid(message)) => render_new(&staff, form, Some(message)),
        Err(other) => Err(other),
    }
}

/// A group of comments on the staff page: its first comment and the ones grouped under it.
struct Group {
    leader: CommentRow,
    members: Vec<CommentRow>,
}

#[derive(Template)]
#[template(path = "consultation_admin.html")]
struct AdminPage {
    layout: Layout,
    consultation: ConsultationRow,
    status: &'static str,
    groups: Vec<Group>,
    comments: usize,
    sections: Vec<String>,
    channels: Vec<&'static str>,
    commenter_types: Vec<&'static str>,
    dispositions: Vec<(&'static str, &'static str)>,
    feedback: Result<FeedbackReport, String>,
    feedback_due: NaiveDate,
    today: NaiveDate,
    may_draft: bool,
    may_review: bool,
    error: Option<String>,
}

async fn allowed(
    state: &AppState,
    staff: &Staff,
    id: i64,
    action: Action,
) -> Result<ConsultationRow, AppError> {
    let consultation = fazhi_db::consultations::consultation(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    staff.require(action, &consultation.target())?;
    Ok(consultation)
}

fn groups_of(comments: Vec<CommentRow>) -> Vec<Group> {
    let (leaders, members): (Vec<CommentRow>, Vec<CommentRow>) =
        comments.into_iter().partition(|c| c.cluster_id.is_none());
    leaders
        .into_iter()
        .map(|leader| Group {
            members: members
                .iter()
                .filter(|m| m.cluster_id == Some(leader.id))
                .cloned()
                .collect(),
            leader,
        })
        .collect()
}

async fn render_admin(
    state: &AppState,
    staff: &Staff,
    consultation: ConsultationRow,
    error: Option<String>,
) -> Result<Response, AppError> {
    let today = fazhi_core::clock::beijing_today();
    let comments = fazhi_db::consultations::comments(&state.db, consultation.id).await?;
    let feedback = match consultation.feedback_report() {
        Some(report) => Ok(report),
        None => match fazhi_db::consultations::draft_feedback(&state.db, &consultation).await {
            Ok(report) => Ok(report),
            Err(fazhi_db::DbError::Invalid(message)) => Err(message),
            Err(other) => return Err(other.into()),
        },
    };
    let refused = error.is_some();
    let mut response = html(AdminPage {
        layout: Layout::new(&consultation.title, "/admin/consultations", Some(staff)),
        status: status_zh(&consultation, today),
        comments: comments.len(),
        groups: groups_of(comments),
        sections: consultation.sections(),
        channels: CHANNELS.to_vec(),
        commenter_types: COMMENTER_TYPES.to_vec(),
        dispositions: Disposition::ALL
            .iter()
            .map(|d| (d.as_str(), d.zh()))
            .collect(),
        feedback,
        feedback_due: fazhi_db::consultations::feedback_due(&state.db, &consultation).await?,
        today,
        may_draft: staff.may(Action::Draft, &consultation.target()),
        may_review: staff.may(Action::Review, &consultation.target()),
        consultation,
        error,
    })?;
    crate::portal::mark_refused(&mut response, refused);
    Ok(response)
}

async fn admin_page(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let consultation = allowed(&state, &staff, id, Action::View).await?;
    render_admin(&state, &staff, consultation, None).await
}

/// Back to the consultation's page when `change` was done; the page with the reason when
/// refused.
async fn after<T>(
    state: &AppState,
    staff: &Staff,
    consultation: ConsultationRow,
    change: Result<T, fazhi_db::DbError>,
) -> Result<Response, AppError> {
    match change {
        Ok(_) => {
            Ok(Redirect::to(&format!("/admin/consultations/{}", consultation.id)).into_response())
        }
        Err(fazhi_db::DbError::Invalid(message)) => {
            render_admin(state, staff, consultation, Some(message)).await
        }
        Err(other) => Err(other.into()),
    }
}

async fn publish(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let consultation = allowed(&state, &staff, id, Action::Review).await?;
    let change = fazhi_db::consultations::publish(
        &state.db,
        &staff.actor(),
        fazhi_core::clock::now(),
        id,
        fazhi_core::clock::beijing_today(),
    )
    .await;
    after(&state, &staff, consultation, change).await
}

#[derive(Deserialize, Default, Clone)]
pub struct CommentForm {
    /// From the public form: makes a second send find the first.
    #[serde(default)]
    key: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    received_on: String,
    #[serde(default)]
    commenter_type: String,
    #[serde(default)]
    commenter_name: String,
    #[serde(default)]
    commenter_contact: String,
    #[serde(default)]
    section: String,
    #[serde(default)]
    content: String,
}

impl CommentForm {
    fn to_comment(&self, channel: &str, received_on: NaiveDate) -> NewComment {
        NewComment {
            channel: channel.to_string(),
            received_on,
            commenter_type: self.commenter_type.trim().to_string(),
            commenter_name: self.commenter_name.clone(),
            commenter_contact: self.commenter_contact.clone(),
            section: self.section.trim().to_string(),
            content: self.content.clone(),
        }
    }
}

async fn enter_comment(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<CommentForm>,
) -> Result<Response, AppError> {
    let consultation = allowed(&state, &staff, id, Action::Draft).await?;
    let received_on = match form_date(&form.received_on, "收到日期") {
        Ok(day) => day,
        Err(AppError::Invalid(message)) => {
            return render_admin(&state, &staff, consultation, Some(message)).await;
        }
        Err(other) => return Err(other),
    };
    let change = fazhi_db::consultations::add_comment(
        &state.db,
        &staff.actor(),
        fazhi_core::clock::now(),
        fazhi_core::clock::beijing_today(),
        id,
        &form.to_comment(form.channel.trim(), received_on),
        None,
    )
    .await;
    after(&state, &staff, consultation, change).await
}

/// The consultation and one of its comments, for a staff member allowed `action` on it.
async fn allowed_comment(
    state: &AppState,
    staff: &Staff,
    id: i64,
    comment: i64,
    action: Action,
) -> Result<ConsultationRow, AppError> {
    let consultation = allowed(state, staff, id, action).await?;
    fazhi_db::consultations::comment(&state.db, comment)
        .await?
        .filter(|c| c.consultation_id == id)
        .ok_or(AppError::NotFound)?;
    Ok(consultation)
}

#[derive(Deserialize, Default)]
pub struct ModerateForm {
    #[serde(default)]
    public_text: String,
    /// `show` or `withhold`.
    #[serde(default)]
    decision: String,
}

async fn moderate(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, comment)): Path<(i64, i64)>,
    CsrfForm(form): CsrfForm<ModerateForm>,
) -> Result<Response, AppError> {
    let consultation = allowed_comment(&state, &staff, id, comment, Action::Draft).await?;
    let shown = match form.decision.as_str() {
        "show" => true,
        "withhold" => false,
        _ => return Err(AppError::Invalid("请选择公开或不公开".into())),
    };
    let change = fazhi_db::consultations::moderate(
        &state.db,
        &staff.actor(),
        fazhi_core::clock::now(),
        comment,
        shown,
        &form.public_text,
    )
    .await;
    after(&state, &staff, consultation, change).await
}

#[derive(Deserialize, Default)]
pub struct DisposeForm {
    #[serde(default)]
    disposition: String,
    #[serde(default)]
    reason: String,
}

async fn dispose(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, comment)): Path<(i64, i64)>,
    CsrfForm(form): CsrfForm<DisposeForm>,
) -> Result<Response, AppError> {
    let consultation = allowed_comment(&state, &staff, id, comment, Action::Draft).await?;
    let Some(disposition) = Disposition::parse(&form.disposition) else {
        return render_admin(
            &state,
            &staff,
            consultation,
            Some("请选择采纳、部分采纳或未采纳".into()),
        )
        .await;
    };
    let change = fazhi_db::consultations::dispose(
        &state.db,
        &staff.actor(),
        fazhi_core::clock::now(),
        comment,
        disposition,
        &form.reason,
    )
    .await;
    after(&state, &staff, consultation, change).await
}

async fn publish_feedback(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let consultation = allowed(&state, &staff, id, Action::Review).await?;
    let change = fazhi_db::consultations::publish_feedback(
        &state.db,
        &staff.actor(),
        fazhi_core::clock::now(),
        id,
        fazhi_core::clock::beijing_today(),
    )
    .await;
    after(&state, &staff, consultation, change).await
}

#[derive(Template)]
#[template(path = "consultations.html")]
struct PublicListPage {
    layout: Layout,
    rows: Vec<ConsultationRow>,
    today: NaiveDate,
    pager: Pager,
}

impl PublicListPage {
    fn status(&self, row: &ConsultationRow) -> &'static str {
        status_zh(row, self.today)
    }
}

async fn public_list(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    let page = Page::new(query.page.unwrap_or(1), Page::DEFAULT_SIZE);
    let (rows, total) = fazhi_db::consultations::list(&state.db, None, true, page).await?;
    html(PublicListPage {
        layout: Layout::new("意见征集", "/consultations", visitor.staff.as_ref()),
        rows,
        today: fazhi_core::clock::beijing_today(),
        pager: Pager::new(page, total, ""),
    })
}

#[derive(Template)]
#[template(path = "consultation.html")]
struct PublicPage {
    layout: Layout,
    consultation: ConsultationRow,
    status: &'static str,
    open: bool,
    csrf: String,
    form: CommentForm,
    sections: Vec<String>,
    commenter_types: Vec<&'static str>,
    shown: Vec<ShownComment>,
    feedback: Option<FeedbackReport>,
    sent: bool,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct SentQuery {
    #[serde(default)]
    sent: String,
}

async fn render_public(
    state: &AppState,
    visitor: &Visitor,
    id: i64,
    form: CommentForm,
    sent: bool,
    error: Option<String>,
) -> Result<Response, AppError> {
    let consultation = fazhi_db::consultations::consultation(&state.db, id)
        .await?
        .filter(|c| c.status == "published")
        .ok_or(AppError::NotFound)?;
    let today = fazhi_core::clock::beijing_today();
    let (cookie, csrf) = visitor_csrf(state, visitor).await?;
    let refused = error.is_some();
    let mut response = html(PublicPage {
        layout: Layout::new(
            &consultation.title,
            "/consultations",
            visitor.staff.as_ref(),
        ),
        status: status_zh(&consultation, today),
        open: consultation.is_open(today),
        csrf,
        form,
        sections: consultation.sections(),
        commenter_types: COMMENTER_TYPES.to_vec(),
        shown: fazhi_db::consultations::shown(&state.db, id).await?,
        feedback: consultation.feedback_report(),
        sent,
        error,
        consultation,
    })?;
    crate::portal::mark_refused(&mut response, refused);
    set_cookie(&mut response, cookie);
    Ok(response)
}

fn fresh_form() -> CommentForm {
    CommentForm {
        key: fazhi_core::auth::new_secret(),
        commenter_type: COMMENTER_TYPES[0].into(),
        section: fazhi_core::consultation::WHOLE_DRAFT.into(),
        ..CommentForm::default()
    }
}

async fn public_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    Query(query): Query<SentQuery>,
) -> Result<Response, AppError> {
    render_public(
        &state,
        &visitor,
        id,
        fresh_form(),
        !query.sent.is_empty(),
        None,
    )
    .await
}

async fn comment(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<CommentForm>,
) -> Result<Response, AppError> {
    if form.key.len() != 64 || !form.key.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::Invalid("表单已失效，请刷新页面后重新填写".into()));
    }
    let today = fazhi_core::clock::beijing_today();
    let change = fazhi_db::consultations::add_comment(
        &state.db,
        &fazhi_db::Actor {
            user_id: None,
            name: "公众网上意见".into(),
        },
        fazhi_core::clock::now(),
        today,
        id,
        &form.to_comment(WEBSITE, today),
        Some(&form.key),
    )
    .await;
    match change {
        Ok(_) => Ok(Redirect::to(&format!("/consultations/{id}?sent=1")).into_response()),
        Err(fazhi_db::DbError::Invalid(message)) => {
            render_public(&state, &visitor, id, form, false, Some(message)).await
        }
        Err(fazhi_db::DbError::NotFound) => Err(AppError::NotFound),
        Err(other) => Err(other.into()),
    }
}
