//! The staff console: dashboard, organisation tree, users, audit log, holiday data, API tokens.
//! Every handler asks `Staff::require` (one permission function) before it reads or writes.

use crate::AppState;
use crate::error::AppError;
use crate::portal::{Layout, html};
use crate::session::{CsrfForm, Staff};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use fazhi_core::calendar::Notice;
use fazhi_core::org::{
    Action, Grant, Role, Scope, Target, may_assign, may_manage_account, scopes_allowing,
};
use fazhi_db::Page;
use fazhi_db::audit::{AuditFilter, AuditRow, Verification};
use fazhi_db::org::{AgencyRow, DivisionRow};
use fazhi_db::users::{GrantRow, NewGrant, NewScope, NewUser, UserRow};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin", get(dashboard))
        .route("/admin/org", get(org_page))
        .route("/admin/users", get(users_page))
        .route("/admin/users/new", get(new_user_page).post(create_user))
        .route("/admin/users/{id}", get(user_page))
        .route("/admin/users/{id}/grants", post(add_grant))
        .route(
            "/admin/users/{id}/grants/{grant_id}/remove",
            post(remove_grant),
        )
        .route("/admin/users/{id}/disabled", post(set_disabled))
        .route("/admin/users/{id}/password", post(set_password))
        .route("/admin/audit", get(audit_page))
        .route("/admin/audit/verify", get(audit_verify))
        .route("/admin/calendar", get(calendar_admin).post(import_notice))
        .route("/admin/parameters", get(parameters_page))
        .route("/admin/tokens", get(tokens_page).post(create_token))
        .route("/admin/tokens/{id}/revoke", post(revoke_token))
}

/// Page numbers and links for a list.
pub struct Pager {
    pub number: u32,
    pub pages: u32,
    pub total: i64,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    pub fn new(page: Page, total: i64, query_without_page: &str) -> Pager {
        let pages = (total.max(0) as u64).div_ceil(u64::from(page.size)).max(1) as u32;
        let link = |n: u32| format!("?{query_without_page}page={n}");
        Pager {
            number: page.number,
            pages,
            total,
            prev: (page.number > 1).then(|| link(page.number - 1)),
            next: (page.number < pages).then(|| link(page.number + 1)),
        }
    }
}

/// The warning of [`calendar_warning`] for today and the calendar in force.
async fn current_calendar_warning(state: &AppState) -> Result<Option<String>, AppError> {
    let today = fazhi_core::clock::beijing_today();
    let alert_from = fazhi_db::params::next_year_alert_from(&state.db, today).await?;
    Ok(calendar_warning(&state.calendar(), today, alert_from))
}

fn page_of(number: Option<u32>) -> Page {
    Page::new(number.unwrap_or(1), Page::DEFAULT_SIZE)
}

fn non_empty(text: &Option<String>) -> Option<String> {
    text.as_ref()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
}

fn query_escape(text: &str) -> String {
    crate::error::percent_encode(text)
}

// ---------------------------------------------------------------------------------------------
// Dashboard

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    layout: Layout,
    divisions: Vec<(String, i64)>,
    agencies: usize,
    users: i64,
    grants: Vec<String>,
    covered_years: Vec<i32>,
    calendar_warning: Option<String>,
}

/// §7 of spec/calendar.md: from `alert_from` (parameter `calendar.next_year_alert_from`) warn
/// when next year's notice is not loaded.
pub fn calendar_warning(
    calendar: &fazhi_core::calendar::Calendar,
    today: NaiveDate,
    alert_from: (u32, u32),
) -> Option<String> {
    let this_year = today.year();
    if !calendar.is_year_covered(this_year) {
        return Some(format!(
            "{this_year}年的节假日安排尚未导入，期限计算只能按周末推定，结果为暂定。"
        ));
    }
    let alert_from = NaiveDate::from_ymd_opt(this_year, alert_from.0, alert_from.1)?;
    (today >= alert_from && !calendar.is_year_covered(this_year + 1)).then(|| {
        format!(
            "{}年的节假日安排尚未导入：跨入{}年的期限为暂定结果。国务院办公厅通知发布后，请在“节假日数据”中导入。",
            this_year + 1,
            this_year + 1
        )
    })
}

async fn dashboard(State(state): State<AppState>, staff: Staff) -> Result<Response, AppError> {
    let calendar = state.calendar();
    let covered_years = (2000..=2100)
        .filter(|y| calendar.is_year_covered(*y))
        .collect();
    let grants = fazhi_db::users::grants_of(&state.db, staff.user.id)
        .await?
        .iter()
        .map(|g| format!("{}（{}）", g.role_zh(), g.scope_name))
        .collect();
    let divisions = fazhi_db::org::count_divisions_by_level(&state.db)
        .await?
        .into_iter()
        .map(|(level, count)| {
            let zh = fazhi_core::org::DivisionLevel::parse(&level)
                .map(|l| l.zh())
                .unwrap_or("");
            (zh.to_string(), count)
        })
        .collect();
    html(DashboardPage {
        layout: Layout::new("工作台", "/admin", Some(&staff)),
        divisions,
        agencies: fazhi_db::org::agencies(&state.db, None).await?.len(),
        users: fazhi_db::users::count_users(&state.db).await?,
        grants,
        covered_years,
        calendar_warning: current_calendar_warning(&state).await?,
    })
}

// ---------------------------------------------------------------------------------------------
// Organisation tree

#[derive(Template)]
#[template(path = "org.html")]
struct OrgPage {
    layout: Layout,
    trail: Vec<DivisionRow>,
    current: Option<DivisionRow>,
    children: Vec<DivisionRow>,
    agencies: Vec<AgencyRow>,
}

#[derive(Deserialize)]
struct OrgQuery {
    division: Option<String>,
}

/// The tree is shown one level at a time (Meizhou alone has 2 396 divisions). Divisions and
/// agencies are public facts, so every staff member may browse the whole tree.
async fn org_page(
    State(state): State<AppState>,
    staff: Staff,
    Query(query): Query<OrgQuery>,
) -> Result<Response, AppError> {
    let current = match non_empty(&query.division) {
        Some(code) => Some(
            fazhi_db::org::division_by_code(&state.db, &code)
                .await?
                .ok_or(AppError::NotFound)?,
        ),
        None => None,
    };
    let (trail, children, agencies) = match &current {
        Some(division) => (
            fazhi_db::org::division_ancestry(&state.db, &division.path).await?,
            fazhi_db::org::child_divisions(&state.db, Some(division.id)).await?,
            fazhi_db::org::agencies_in_division(&state.db, division.id).await?,
        ),
        None => (
            Vec::new(),
            fazhi_db::org::child_divisions(&state.db, None).await?,
            Vec::new(),
        ),
    };
    html(OrgPage {
        layout: Layout::new("组织机构", "/admin/org", Some(&staff)),
        trail,
        current,
        children,
        agencies,
    })
}

// ---------------------------------------------------------------------------------------------
// Users

/// Where `staff` may manage users: `None` = everywhere.
fn user_scopes(staff: &Staff) -> Option<Vec<Scope>> {
    if staff.may(Action::ManageUsers, &Target::Global) {
        None
    } else {
        Some(scopes_allowing(&staff.grants, Action::ManageUsers))
    }
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    layout: Layout,
    users: Vec<UserRow>,
    q: String,
    pager: Pager,
}

#[derive(Deserialize)]
struct ListQuery {
    q: Option<String>,
    page: Option<u32>,
}

async fn users_page(
    State(state): State<AppState>,
    staff: Staff,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    if !staff.may_somewhere(Action::ManageUsers) {
        return Err(AppError::Forbidden);
    }
    let scopes = user_scopes(&staff);
    let search = non_empty(&query.q);
    let page = page_of(query.page);
    let (users, total) =
        fazhi_db::users::list_users(&state.db, scopes.as_deref(), search.as_deref(), page).await?;
    let q = search.unwrap_or_default();
    let pager = Pager::new(page, total, &format!("q={}&", query_escape(&q)));
    html(UsersPage {
        layout: Layout::new("用户管理", "/admin/users", Some(&staff)),
        users,
        q,
        pager,
    })
}

#[derive(Template)]
#[template(path = "user_new.html")]
struct NewUserPage {
    layout: Layout,
    /// Platform administrators may also give platform-wide grants.
    may_grant_platform: bool,
    agencies: Vec<AgencyRow>,
    roles: Vec<(&'static str, &'static str)>,
    form: NewUserForm,
    error: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
struct NewUserForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    agency_code: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    role: String,
    /// `agency` (the user's own agency) or `division` (the agency's division and below).
    #[serde(default)]
    scope: String,
}

/// Agencies whose users `staff` may manage.
async fn manageable_agencies(state: &AppState, staff: &Staff) -> Result<Vec<AgencyRow>, AppError> {
    Ok(fazhi_db::org::agencies(&state.db, None)
        .await?
        .into_iter()
        .filter(|agency| staff.may(Action::ManageUsers, &agency.target()))
        .collect())
}

fn assignable_roles(staff: &Staff) -> Vec<(&'static str, &'static str)> {
    Role::ALL
        .into_iter()
        .filter(|role| *role != Role::SystemAdmin || staff.may(Action::ManageOrg, &Target::Global))
        .map(|role| (role.as_str(), role.zh()))
        .collect()
}

async fn new_user_page(State(state): State<AppState>, staff: Staff) -> Result<Response, AppError> {
    if !staff.may_somewhere(Action::ManageUsers) {
        return Err(AppError::Forbidden);
    }
    let form = NewUserForm {
        role: "clerk".into(),
        scope: "agency".into(),
        ..NewUserForm::default()
    };
    html(NewUserPage {
        may_grant_platform: staff.may(Action::ManageOrg, &Target::Global),
        layout: Layout::new("新建用户", "/admin/users", Some(&staff)),
        agencies: manageable_agencies(&state, &staff).await?,
        roles: assignable_roles(&staff),
        form,
        error: None,
    })
}

/// Turns "role + own agency / own division" into a grant, checking the actor may give it.
fn grant_for(
    staff: &Staff,
    agency: &AgencyRow,
    role: &str,
    scope: &str,
) -> Result<(NewGrant, Grant), AppError> {
    let role = Role::parse(role).ok_or_else(|| AppError::Invalid("请选择角色".into()))?;
    let (new_scope, scope) = match scope {
        "platform" => (NewScope::Platform, Scope::Platform),
        "agency" => (
            NewScope::Agency(agency.code.clone()),
            Scope::Agency {
                agency_id: agency.id,
            },
        ),
        "division" => (
            NewScope::Division(agency.division_code.clone()),
            Scope::Division {
                path: agency.division_path.clone(),
            },
        ),
        _ => return Err(AppError::Invalid("请选择授权范围".into())),
    };
    let grant = Grant { role, scope };
    if !may_assign(&staff.grants, &grant, &agency.target()) {
        return Err(AppError::Forbidden);
    }
    Ok((
        NewGrant {
            role,
            scope: new_scope,
        },
        grant,
    ))
}

async fn create_user(
    State(state): State<AppState>,
    staff: Staff,
    CsrfForm(form): CsrfForm<NewUserForm>,
) -> Result<Response, AppError> {
    let agency = fazhi_db::org::agency_by_code(&state.db, &form.agency_code)
        .await?
        .ok_or_else(|| AppError::Invalid("请选择所属单位".into()))?;
    staff.require(Action::ManageUsers, &agency.target())?;
    let result = match grant_for(&staff, &agency, &form.role, &form.scope) {
        Ok((grant, _)) => {
            let new = NewUser {
                username: form.username.trim().to_string(),
                display_name: form.display_name.trim().to_string(),
                agency_code: agency.code.clone(),
                password: form.password.clone(),
                grants: vec![grant],
            };
            fazhi_db::users::create_user(&state.db, &staff.actor(), fazhi_core::clock::now(), &new)
                .await
                .map_err(AppError::from)
        }
        Err(error) => Err(error),
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/admin/users/{id}")).into_response()),
        Err(AppError::Invalid(message)) => {
            let mut response = html(NewUserPage {
                may_grant_platform: staff.may(Action::ManageOrg, &Target::Global),
                layout: Layout::new("新建用户", "/admin/users", Some(&staff)),
                agencies: manageable_agencies(&state, &staff).await?,
                roles: assignable_roles(&staff),
                form: NewUserForm {
                    password: String::new(),
                    ..form
                },
                error: Some(message),
            })?;
            *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(other) => Err(other),
    }
}

#[derive(Template)]
#[template(path = "user.html")]
struct UserPage {
    layout: Layout,
    may_grant_platform: bool,
    user: UserRow,
    grants: Vec<GrantRow>,
    roles: Vec<(&'static str, &'static str)>,
    notice: Option<String>,
}

/// The user, after checking that `staff` may manage users of the user's agency.
async fn managed_user(state: &AppState, staff: &Staff, id: i64) -> Result<UserRow, AppError> {
    let user = fazhi_db::users::user_by_id(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    staff.require(Action::ManageUsers, &user.target())?;
    Ok(user)
}

/// A stored grant with the target its scope is judged on (the agency of an agency grant).
async fn grant_with_target(state: &AppState, row: &GrantRow) -> Result<(Grant, Target), AppError> {
    let grant = row.to_grant().ok_or(AppError::NotFound)?;
    let target = match row.agency_id {
        Some(agency_id) => fazhi_db::org::agency_by_id(&state.db, agency_id)
            .await?
            .ok_or(AppError::NotFound)?
            .target(),
        None => Target::Global,
    };
    Ok((grant, target))
}

/// The user, after checking that `staff` may change the account: manage users where it lives,
/// be able to give every grant it holds (no taking over a stronger account), and not be the
/// account itself (nobody widens or unlocks their own rights).
async fn changeable_user(state: &AppState, staff: &Staff, id: i64) -> Result<UserRow, AppError> {
    let user = managed_user(state, staff, id).await?;
    if id == staff.user.id {
        return Err(AppError::Invalid(
            "不能在此修改自己的账号、角色或状态，请由其他管理员办理".into(),
        ));
    }
    let mut held = Vec::new();
    for row in fazhi_db::users::grants_of(&state.db, id).await? {
        held.push(grant_with_target(state, &row).await?);
    }
    if !may_manage_account(&staff.grants, &user.target(), &held) {
        return Err(AppError::Forbidden);
    }
    Ok(user)
}

#[derive(Deserialize)]
struct NoticeQuery {
    done: Option<String>,
}

async fn user_page(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let user = managed_user(&state, &staff, id).await?;
    let grants = fazhi_db::users::grants_of(&state.db, id).await?;
    let notice = query.done.as_deref().map(|done| match done {
        "grant" => "已添加角色。",
        "revoke" => "已撤销角色。",
        "disabled" => "已停用该用户，其登录会话和API令牌均已失效。",
        "enabled" => "已启用该用户。",
        "password" => "已重设密码，该用户须重新登录。",
        _ => "已保存。",
    });
    html(UserPage {
        may_grant_platform: staff.may(Action::ManageOrg, &Target::Global),
        layout: Layout::new(
            &format!("用户：{}", user.display_name),
            "/admin/users",
            Some(&staff),
        ),
        user,
        grants,
        roles: assignable_roles(&staff),
        notice: notice.map(str::to_string),
    })
}

#[derive(Deserialize)]
struct GrantForm {
    role: String,
    scope: String,
}

async fn add_grant(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<GrantForm>,
) -> Result<Response, AppError> {
    let user = changeable_user(&state, &staff, id).await?;
    let agency = fazhi_db::org::agency_by_id(&state.db, user.agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (grant, _) = grant_for(&staff, &agency, &form.role, &form.scope)?;
    fazhi_db::users::add_grant(
        &state.db,
        &staff.actor(),
        fazhi_core::clock::now(),
        id,
        &grant,
    )
    .await?;
    Ok(Redirect::to(&format!("/admin/users/{id}?done=grant")).into_response())
}

async fn remove_grant(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, grant_id)): Path<(i64, i64)>,
    CsrfForm(_): CsrfForm<crate::session::NoFields>,
) -> Result<Response, AppError> {
    changeable_user(&state, &staff, id).await?;
    let grant = fazhi_db::users::grant_by_id(&state.db, grant_id)
        .await?
        .filter(|g| g.user_id == id)
        .ok_or(AppError::NotFound)?;
    // Removing a grant needs the same power as giving it, judged on the grant's own scope.
    let (existing, scope_target) = grant_with_target(&state, &grant).await?;
    if !may_assign(&staff.grants, &existing, &scope_target) {
        return Err(AppError::Forbidden);
    }
    fazhi_db::users::remove_grant(&state.db, &staff.actor(), fazhi_core::clock::now(), &grant)
        .await?;
    Ok(Redirect::to(&format!("/admin/users/{id}?done=revoke")).into_response())
}

#[derive(Deserialize)]
struct DisabledForm {
    disabled: String,
}

async fn set_disabled(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<DisabledForm>,
) -> Result<Response, AppError> {
    changeable_user(&state, &staff, id).await?;
    let disabled = form.disabled == "true";
    fazhi_db::users::set_disabled(
        &state.db,
        &staff.actor(),
        fazhi_core::clock::now(),
        id,
        disabled,
    )
    .await?;
    let done = if disabled { "disabled" } else { "enabled" };
    Ok(Redirect::to(&format!("/admin/users/{id}?done={done}")).into_response())
}

#[derive(Deserialize)]
struct PasswordForm {
    password: String,
}

async fn set_password(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> Result<Response, AppError> {
    changeable_user(&state, &staff, id).await?;
    fazhi_db::users::set_password(
        &state.db,
        &staff.actor(),
        fazhi_core::clock::now(),
        id,
        &form.password,
    )
    .await?;
    Ok(Redirect::to(&format!("/admin/users/{id}?done=password")).into_response())
}

// ---------------------------------------------------------------------------------------------
// Audit log

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    layout: Layout,
    rows: Vec<AuditRow>,
    actor: String,
    entity_type: String,
    entity_id: String,
    from: String,
    until: String,
    pager: Pager,
    may_verify: bool,
}

#[derive(Deserialize)]
struct AuditQuery {
    actor: Option<String>,
    entity_type: Option<String>,
    entity_id: Option<String>,
    from: Option<String>,
    until: Option<String>,
    page: Option<u32>,
}

fn parse_day(text: &Option<String>, label: &str) -> Result<Option<NaiveDate>, AppError> {
    match non_empty(text) {
        None => Ok(None),
        Some(day) => NaiveDate::parse_from_str(&day, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| AppError::Invalid(format!("{label}“{day}”格式错误，应为YYYY-MM-DD"))),
    }
}

/// Dates are Beijing days (UTC+8): [from 00:00, until+1 00:00).
fn beijing_midnight(day: NaiveDate) -> Option<chrono::DateTime<Utc>> {
    let offset = chrono::FixedOffset::east_opt(8 * 3600)?;
    offset
        .from_local_datetime(&day.and_hms_opt(0, 0, 0)?)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

async fn audit_page(
    State(state): State<AppState>,
    staff: Staff,
    Query(query): Query<AuditQuery>,
) -> Result<Response, AppError> {
    if !staff.may_somewhere(Action::ViewAudit) {
        return Err(AppError::Forbidden);
    }
    let from = parse_day(&query.from, "起始日期")?;
    let until = parse_day(&query.until, "截止日期")?;
    let actor_scopes = if staff.may(Action::ViewAudit, &Target::Global) {
        None
    } else {
        Some(scopes_allowing(&staff.grants, Action::ViewAudit))
    };
    let filter = AuditFilter {
        actor: non_empty(&query.actor),
        entity_type: non_empty(&query.entity_type),
        entity_id: non_empty(&query.entity_id),
        from: from.and_then(beijing_midnight),
        until: until.and_then(|d| d.succ_opt()).and_then(beijing_midnight),
        actor_scopes,
    };
    let page = page_of(query.page);
    let (rows, total) = fazhi_db::audit::list(&state.db, &filter, page).await?;
    let text = |v: &Option<String>| non_empty(v).unwrap_or_default();
    let query_string = format!(
        "actor={}&entity_type={}&entity_id={}&from={}&until={}&",
        query_escape(&text(&query.actor)),
        query_escape(&text(&query.entity_type)),
        query_escape(&text(&query.entity_id)),
        query_escape(&text(&query.from)),
        query_escape(&text(&query.until)),
    );
    html(AuditPage {
        layout: Layout::new("审计日志", "/admin/audit", Some(&staff)),
        rows,
        actor: text(&query.actor),
        entity_type: text(&query.entity_type),
        entity_id: text(&query.entity_id),
        from: text(&query.from),
        until: text(&query.until),
        pager: Pager::new(page, total, &query_string),
        may_verify: staff.may(Action::ViewAudit, &Target::Global),
    })
}

#[derive(Template)]
#[template(path = "audit_verify.html")]
struct AuditVerifyPage {
    layout: Layout,
    intact: bool,
    entries: u64,
    /// The head hash when intact, the description of the break otherwise.
    detail: String,
}

async fn audit_verify(State(state): State<AppState>, staff: Staff) -> Result<Response, AppError> {
    staff.require(Action::ViewAudit, &Target::Global)?;
    let (intact, entries, detail) = match fazhi_db::audit::verify(&state.db).await? {
        Verification::Intact { entries, head } => (true, entries, head),
        Verification::Broken {
            entries_checked,
            at,
        } => (false, entries_checked, at.describe()),
    };
    html(AuditVerifyPage {
        layout: Layout::new("审计链校验", "/admin/audit", Some(&staff)),
        intact,
        entries,
        detail,
    })
}

// ---------------------------------------------------------------------------------------------
// Holiday data

#[derive(Template)]
#[template(path = "calendar_admin.html")]
struct CalendarAdminPage {
    layout: Layout,
    notices: Vec<fazhi_db::calendar::NoticeRow>,
    version: String,
    warning: Option<String>,
    may_import: bool,
    form: NoticeForm,
    message: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
struct NoticeForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    doc_number: String,
    #[serde(default)]
    issued: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    amends: String,
    #[serde(default)]
    rows: String,
}

impl NoticeForm {
    fn to_notice(&self) -> Result<Notice, AppError> {
        let year: i32 = self
            .year
            .trim()
            .parse()
            .map_err(|_| AppError::Invalid("年度应为四位数字".into()))?;
        if !(2000..=2100).contains(&year) {
            return Err(AppError::Invalid("年度应在2000至2100之间".into()));
        }
        let title = self.title.trim().to_string();
        if title.is_empty() || title.chars().count() > 200 {
            return Err(AppError::Invalid("通知标题须为1至200个字符".into()));
        }
        let issued = NaiveDate::parse_from_str(self.issued.trim(), "%Y-%m-%d")
            .map_err(|_| AppError::Invalid("发布日期格式错误，应为YYYY-MM-DD".into()))?;
        let url = Some(self.url.trim().to_string()).filter(|u| !u.is_empty());
        if url
            .as_deref()
            .is_some_and(|u| !(u.starts_with("https://") || u.starts_with("http://")))
        {
            return Err(AppError::Invalid(
                "网址须以 http:// 或 https:// 开头".into(),
            ));
        }
        let amends = match self.amends.trim() {
            "" => None,
            text => Some(
                text.parse()
                    .map_err(|_| AppError::Invalid("被修改的年度应为四位数字".into()))?,
            ),
        };
        Ok(Notice {
            year,
            title,
            doc_number: Some(self.doc_number.trim().to_string()).filter(|d| !d.is_empty()),
            issued,
            url,
            amends,
        })
    }
}

async fn render_calendar_admin(
    state: &AppState,
    staff: &Staff,
    form: NoticeForm,
    message: Option<String>,
    error: Option<String>,
) -> Result<Response, AppError> {
    let calendar = state.calendar();
    html(CalendarAdminPage {
        layout: Layout::new("节假日数据", "/admin/calendar", Some(staff)),
        notices: fazhi_db::calendar::notices(&state.db).await?,
        version: calendar.version(),
        warning: current_calendar_warning(state).await?,
        may_import: staff.may(Action::ManageCalendar, &Target::Global),
        form,
        message,
        error,
    })
}

async fn calendar_admin(State(state): State<AppState>, staff: Staff) -> Result<Response, AppError> {
    let form = NoticeForm {
        rows: "date,kind,name\n".into(),
        ..NoticeForm::default()
    };
    render_calendar_admin(&state, &staff, form, None, None).await
}

async fn import_notice(
    State(state): State<AppState>,
    staff: Staff,
    CsrfForm(form): CsrfForm<NoticeForm>,
) -> Result<Response, AppError> {
    staff.require(Action::ManageCalendar, &Target::Global)?;
    let imported = match form.to_notice() {
        Ok(notice) => fazhi_db::calendar::import_notice(
            &state.db,
            &staff.actor(),
            fazhi_core::clock::now(),
            notice,
            &form.rows,
        )
        .await
        .map_err(AppError::from),
        Err(error) => Err(error),
    };
    match imported {
        Ok(imported) => {
            let message = imported.describe();
            state.replace_calendar(imported.calendar);
            render_calendar_admin(&state, &staff, NoticeForm::default(), Some(message), None).await
        }
        Err(AppError::Invalid(message)) => {
            let mut response =
                render_calendar_admin(&state, &staff, form, None, Some(message)).await?;
            *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(other) => Err(other),
    }
}

// ---------------------------------------------------------------------------------------------
// Parameters

#[derive(Template)]
#[template(path = "parameters.html")]
struct ParametersPage {
    layout: Layout,
    parameters: Vec<fazhi_core::params::Parameter>,
    unconfirmed: usize,
}

/// Read-only list of the parameters in the database; values still to be confirmed by the legal
/// office are flagged (spec/README.md §2.1, §3).
async fn parameters_page(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Response, AppError> {
    let parameters = fazhi_db::params::all(&state.db).await?;
    let unconfirmed = parameters
        .iter()
        .filter(|p| p.status == fazhi_core::params::ParamStatus::ToConfirm)
        .count();
    html(ParametersPage {
        layout: Layout::new("法定参数", "/admin/parameters", Some(&staff)),
        parameters,
        unconfirmed,
    })
}

// ---------------------------------------------------------------------------------------------
// API tokens

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    layout: Layout,
    tokens: Vec<fazhi_db::auth::ApiTokenRow>,
    new_secret: Option<String>,
    error: Option<String>,
}

async fn render_tokens(
    state: &AppState,
    staff: &Staff,
    new_secret: Option<String>,
    error: Option<String>,
) -> Result<Response, AppError> {
    html(TokensPage {
        layout: Layout::new("API令牌", "/admin/tokens", Some(staff)),
        tokens: fazhi_db::auth::api_tokens_of(&state.db, staff.user.id).await?,
        new_secret,
        error,
    })
}

async fn tokens_page(State(state): State<AppState>, staff: Staff) -> Result<Response, AppError> {
    render_tokens(&state, &staff, None, None).await
}

#[derive(Deserialize)]
struct TokenForm {
    name: String,
}

async fn create_token(
    State(state): State<AppState>,
    staff: Staff,
    CsrfForm(form): CsrfForm<TokenForm>,
) -> Result<Response, AppError> {
    match fazhi_db::auth::create_api_token(
        &state.db,
        &staff.actor(),
        fazhi_core::clock::now(),
        &form.name,
    )
    .await
    {
        Ok(secret) => render_tokens(&state, &staff, Some(secret), None).await,
        Err(fazhi_db::DbError::Invalid(message)) => {
            render_tokens(&state, &staff, None, Some(message)).await
        }
        Err(other) => Err(other.into()),
    }
}

async fn revoke_token(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<crate::session::NoFields>,
) -> Result<Response, AppError> {
    fazhi_db::auth::revoke_api_token(&state.db, &staff.actor(), fazhi_core::clock::now(), id)
        .await?;
    Ok(Redirect::to("/admin/tokens").into_response())
}
