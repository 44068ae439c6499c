//! 网民留言 on the web (issue 4 part 5, spec/openness.md §6): the 市长信箱 form with a secret
//! link to follow the message and rate the reply; the public questions and answers; and the
//! staff queue where messages (also those forwarded from other platforms) are judged,
//! transferred, answered and published without personal data.

use crate::AppState;
use crate::admin::Pager;
use crate::documents::scopes_of;
use crate::error::AppError;
use crate::portal::{Layout, html};
use crate::session::{CsrfForm, Staff, Visitor, form_date, set_cookie, visitor_csrf};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use fazhi_core::messages::{CATEGORIES, Channel, SATISFACTION, Validity};
use fazhi_core::org::Action;
use fazhi_db::Page;
use fazhi_db::messages::{MessageRow, NewMessage, Reply, Show, Transfer};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/messages", get(public_list))
        .route("/messages/new", get(new_public).post(submit_public))
        .route("/messages/track/{key}", get(track_page).post(rate_public))
        .route("/messages/{id}", get(public_page))
        .route("/admin/messages", get(admin_queue))
        .route("/admin/messages/new", get(new_staff).post(create_staff))
        .route("/admin/messages/{id}", get(admin_page))
        .route("/admin/messages/{id}/transfer", post(transfer))
        .route("/admin/messages/{id}/validity", post(judge))
        .route("/admin/messages/{id}/reply", post(reply))
        .route("/admin/messages/{id}/rating", post(rate_staff))
}

#[derive(Deserialize, Default, Clone)]
pub struct MessageForm {
    #[serde(default)]
    key: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    source_ref: String,
    #[serde(default)]
    received_on: String,
    #[serde(default)]
    agency_code: String,
    #[serde(default)]
    sender_name: String,
    #[serde(default)]
    sender_contact: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
}

impl MessageForm {
    fn to_message(
        &self,
        channel: Channel,
        received_on: NaiveDate,
        agency_code: &str,
    ) -> NewMessage {
        NewMessage {
            channel,
            source_ref: self.source_ref.clone(),
            received_on,
            sender_name: self.sender_name.clone(),
            sender_contact: self.sender_contact.clone(),
            category: self.category.clone(),
            title: self.title.clone(),
            body: self.body.clone(),
            agency_code: agency_code.to_string(),
        }
    }
}

#[derive(Template)]
#[template(path = "message_new.html")]
struct NewPage {
    layout: Layout,
    csrf: String,
    form: MessageForm,
    staff_entry: bool,
    channels: Vec<(&'static str, &'static str)>,
    categories: Vec<&'static str>,
    error: Option<String>,
}

async fn render_public_form(
    state: &AppState,
    visitor: &Visitor,
    form: MessageForm,
    error: Option<String>,
) -> Result<Response, AppError> {
    let (cookie, csrf) = visitor_csrf(state, visitor).await?;
    let refused = error.is_some();
    let mut response = html(NewPage {
        layout: Layout::new("市长信箱", "/messages", visitor.staff.as_ref()),
        csrf,
        form,
        staff_entry: false,
        channels: Vec::new(),
        categories: CATEGORIES.to_vec(),
        error,
    })?;
    crate::portal::mark_refused(&mut response, refused);
    set_cookie(&mut response, cookie);
    Ok(response)
}

async fn new_public(State(state): State<AppState>, visitor: Visitor) -> Result<Response, AppError> {
    let form = MessageForm {
        key: fazhi_core::auth::new_secret(),
        category: CATEGORIES[0].into(),
        ..MessageForm::default()
    };
    render_public_form(&state, &visitor, form, None).await
}

async fn submit_public(
    State(state): State<AppState>,
    visitor: Visitor,
    CsrfForm(form): CsrfForm<MessageForm>,
) -> Result<Response, AppError> {
    if form.key.len() != 64 || !form.key.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::Invalid("表单已失效，请刷新页面后重新填写".into()));
    }
    let office = crate::portal::home_office(&state).await?;
    let today = fazhi_core::clock::beijing_today();
    let new = form.to_message(Channel::MayorMailbox, today, &office.code);
    let actor = fazhi_db::Actor {
        user_id: None,
        name: "公众网上留言".into(),
    };
    match fazhi_db::messages::create(
        &state.db,
        &actor,
        fazhi_core::clock::now(),
        today,
        &new,
        Some(&form.key),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/messages/track/{}?new=1", form.key)).into_response()),
        Err(fazhi_db::DbError::Invalid(message)) => {
            render_public_form(&state, &visitor, form, Some(message)).await
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
#[template(path = "message_track.html")]
struct TrackPage {
    layout: Layout,
    csrf: String,
    key: String,
    message: MessageRow,
    status: &'static str,
    just_sent: bool,
    ratings: Vec<&'static str>,
    error: Option<String>,
}

async fn render_track(
    state: &AppState,
    visitor: &Visitor,
    key: String,
    just_sent: bool,
    error: Option<String>,
) -> Result<Response, AppError> {
    let message = fazhi_db::messages::by_tracking_key(&state.db, &key)
        .await?
        .ok_or(AppError::NotFound)?;
    let (cookie, csrf) = visitor_csrf(state, visitor).await?;
    let refused = error.is_some();
    let mut response = html(TrackPage {
        layout: Layout::new("留言办理进度", "/messages", visitor.staff.as_ref()),
        csrf,
        key,
        status: message.status_zh(fazhi_core::clock::beijing_today()),
        message,
        just_sent,
        ratings: SATISFACTION.to_vec(),
        error,
    })?;
    crate::portal::mark_refused(&mut response, refused);
    set_cookie(&mut response, cookie);
    response.headers_mut().insert(
        axum::http::header::REFERRER_POLICY,
        axum::http::HeaderValue::from_static("no-referrer"),
    );
    Ok(response)
}

async fn track_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(key): Path<String>,
    Query(query): Query<TrackQuery>,
) -> Result<Response, AppError> {
    render_track(&state, &visitor, key, !query.new.is_empty(), None).await
}

#[derive(Deserialize, Default)]
pub struct RatingForm {
    #[serde(default)]
    satisfaction: String,
}

async fn rate_public(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(key): Path<String>,
    CsrfForm(form): CsrfForm<RatingForm>,
) -> Result<Response, AppError> {
    let message = fazhi_db::messages::by_tracking_key(&state.db, &key)
        .await?
        .ok_or(AppError::NotFound)?;
    let actor = fazhi_db::Actor {
        user_id: None,
        name: "留言人".into(),
    };
    match fazhi_db::messages::rate(
        &state.db,
        &actor,
        fazhi_core::clock::now(),
        message.id,
        form.satisfaction.trim(),
    )
    .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/messages/track/{key}")).into_response()),
        Err(fazhi_db::DbError::Invalid(reason)) => {
            render_track(&state, &visitor, key, false, Some(reason)).await
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template)]
#[template(path = "messages.html")]
struct PublicListPage {
    layout: Layout,
    rows: Vec<MessageRow>,
    pager: Pager,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    page: Option<u32>,
    #[serde(default)]
    show: String,
}

async fn public_list(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    let page = Page::new(query.page.unwrap_or(1), Page::DEFAULT_SIZE);
    let (rows, total) = fazhi_db::messages::published(&state.db, page).await?;
    html(PublicListPage {
        layout: Layout::new("网民留言", "/messages", visitor.staff.as_ref()),
        rows,
        pager: Pager::new(page, total, ""),
    })
}

#[derive(Template)]
#[template(path = "message.html")]
struct PublicPage {
    layout: Layout,
    message: MessageRow,
}

async fn public_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let message = fazhi_db::messages::message(&state.db, id)
        .await?
        .filter(|m| m.published && m.replied_on.is_some())
        .ok_or(AppError::NotFound)?;
    html(PublicPage {
        layout: Layout::new(&message.public_title, "/messages", visitor.staff.as_ref()),
        message,
    })
}

#[derive(Template)]
#[template(path = "messages_admin.html")]
struct QueuePage {
    layout: Layout,
    rows: Vec<MessageRow>,
    tabs: Vec<(&'static str, &'static str, bool)>,
    today: NaiveDate,
    overdue: i64,
    may_draft: bool,
    pager: Pager,
}

async fn admin_queue(
    State(state): State<AppState>,
    staff: Staff,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    let show = Show::parse(&query.show).unwrap_or(Show::Open);
    let scopes = scopes_of(&staff);
    let today = fazhi_core::clock::beijing_today();
    let page = Page::new(query.page.unwrap_or(1), Page::DEFAULT_SIZE);
    let (rows, total) =
        fazhi_db::messages::queue(&state.db, scopes.as_deref(), show, today, page).await?;
    let (_, overdue) = fazhi_db::messages::queue(
        &state.db,
        scopes.as_deref(),
        Show::Overdue,
        today,
        Page::new(1, 1),
    )
    .await?;
    html(QueuePage {
        layout: Layout::new("网民留言办理", "/admin/messages", Some(&staff)),
        rows,
        tabs: Show::ALL
            .iter()
            .map(|s| (s.as_str(), s.zh(), *s == show))
            .collect(),
        today,
        overdue,
        may_draft: staff.may_somewhere(Action::Draft),
        pager: Pager::new(page, total, &format!("show={}&", show.as_str())),
    })
}

async fn render_staff_form(
    staff: &Staff,
    form: MessageForm,
    error: Option<String>,
) -> Result<Response, AppError> {
    let refused = error.is_some();
    let mut response = html(NewPage {
        layout: Layout::new("登记转办留言", "/admin/messages", Some(staff)),
        csrf: staff.csrf().to_string(),
        form,
        staff_entry: true,
        channels: Channel::ALL.iter().map(|c| (c.as_str(), c.zh())).collect(),
        categories: CATEGORIES.to_vec(),
        error,
    })?;
    crate::portal::mark_refused(&mut response, refused);
    Ok(response)
}

async fn new_staff(staff: Staff) -> Result<Response, AppError> {
    if !staff.may_somewhere(Action::Draft) {
        return Err(AppError::Forbidden);
    }
    let form = MessageForm {
        channel: Channel::GovernorForwarded.as_str().into(),
        agency_code: staff.user.agency_code.clone(),
        received_on: fazhi_core::clock::beijing_today().to_string(),
        category: CATEGORIES[0].into(),
        ..MessageForm::default()
    };
    render_staff_form(&staff, form, None).await
}

async fn create_staff(
    State(state): State<AppState>,
    staff: Staff,
    CsrfForm(form): CsrfForm<MessageForm>,
) -> Result<Response, AppError> {
    let outcome = async {
        let channel = Channel::parse(&form.channel)
            .ok_or_else(|| AppError::Invalid("请选择留言渠道".into()))?;
        let received_on = form_date(&form.received_on, "收到日期")?;
        staff
            .agency(&state, &form.agency_code, Action::Draft)
            .await?;
        let new = form.to_message(channel, received_on, form.agency_code.trim());
        Ok::<i64, AppError>(
            fazhi_db::messages::create(
                &state.db,
                &staff.actor(),
                fazhi_core::clock::now(),
                fazhi_core::clock::beijing_today(),
                &new,
                None,
            )
            .await?,
        )
    }
    .await;
    match outcome {
        Ok(id) => Ok(Redirect::to(&format!("/admin/messages/{id}")).into_response()),
        Err(AppError::Invalid(message)) => render_staff_form(&staff, form, Some(message)).await,
        Err(other) => Err(other),
    }
}

#[derive(Template)]
#[template(path = "message_admin.html")]
struct AdminPage {
    layout: Layout,
    message: MessageRow,
    status: &'static str,
    transfers: Vec<Transfer>,
    validities: Vec<(&'static str, &'static str)>,
    ratings: Vec<&'static str>,
    may_draft: bool,
    error: Option<String>,
}

async fn allowed(
    state: &AppState,
    staff: &Staff,
    id: i64,
    action: Action,
) -> Result<MessageRow, AppError> {
    let message = fazhi_db::messages::message(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    staff.require(action, &message.target())?;
    Ok(message)
}

async fn render_admin(
    state: &AppState,
    staff: &Staff,
    message: MessageRow,
    error: Option<String>,
) -> Result<Response, AppError> {
    let refused = error.is_some();
    let mut response = html(AdminPage {
        layout: Layout::new(&message.title, "/admin/messages", Some(staff)),
        status: message.status_zh(fazhi_core::clock::beijing_today()),
        transfers: fazhi_db::messages::transfers(&state.db, message.id).await?,
        validities: Validity::ALL.iter().map(|v| (v.as_str(), v.zh())).collect(),
        ratings: SATISFACTION.to_vec(),
        may_draft: staff.may(Action::Draft, &message.target()),
        message,
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
    let message = allowed(&state, &staff, id, Action::View).await?;
    render_admin(&state, &staff, message, None).await
}

async fn after(
    state: &AppState,
    staff: &Staff,
    message: MessageRow,
    change: Result<(), fazhi_db::DbError>,
) -> Result<Response, AppError> {
    match change {
        Ok(()) => Ok(Redirect::to(&format!("/admin/messages/{}", message.id)).into_response()),
        Err(fazhi_db::DbError::Invalid(reason)) => {
            render_admin(state, staff, message, Some(reason)).await
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Deserialize, Default)]
pub struct TransferForm {
    #[serde(default)]
    agency_code: String,
    #[serde(default)]
    reason: String,
}

async fn transfer(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<TransferForm>,
) -> Result<Response, AppError> {
    let message = allowed(&state, &staff, id, Action::Draft).await?;
    let change = fazhi_db::messages::transfer(
        &state.db,
        &staff.actor(),
        fazhi_core::clock::now(),
        fazhi_core::clock::beijing_today(),
        id,
        &form.agency_code,
        &form.reason,
    )
    .await;
    after(&state, &staff, message, change).await
}

#[derive(Deserialize, Default)]
pub struct ValidityForm {
    #[serde(default)]
    validity: String,
    #[serde(default)]
    reason: String,
}

async fn judge(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ValidityForm>,
) -> Result<Response, AppError> {
    let message = allowed(&state, &staff, id, Action::Draft).await?;
    let Some(validity) = Validity::parse(&form.validity) else {
        return render_admin(&state, &staff, message, Some("请选择认定结果".into())).await;
    };
    let change = fazhi_db::messages::judge(
        &state.db,
        &staff.actor(),
        fazhi_core::clock::now(),
        id,
        validity,
        &form.reason,
    )
    .await;
    after(&state, &staff, message, change).await
}

#[derive(Deserialize, Default)]
pub struct ReplyForm {
    #[serde(default)]
    text: String,
    #[serde(default)]
    publish: String,
    #[serde(default)]
    public_title: String,
    #[serde(default)]
    public_body: String,
}

async fn reply(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ReplyForm>,
) -> Result<Response, AppError> {
    let message = allowed(&state, &staff, id, Action::Draft).await?;
    let answer = Reply {
        text: form.text.clone(),
        publish: !form.publish.is_empty(),
        public_title: form.public_title.clone(),
        public_body: form.public_body.clone(),
    };
    let change = fazhi_db::messages::reply(
        &state.db,
        &staff.actor(),
        fazhi_core::clock::now(),
        fazhi_core::clock::beijing_today(),
        id,
        &answer,
    )
    .await;
    after(&state, &staff, message, change).await
}

async fn rate_staff(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<RatingForm>,
) -> Result<Response, AppError> {
    let message = allowed(&state, &staff, id, Action::Draft).await?;
    let change = fazhi_db::messages::rate(
        &state.db,
        &staff.actor(),
        fazhi_core::clock::now(),
        id,
        form.satisfaction.trim(),
    )
    .await;
    after(&state, &staff, message, change).await
}
