//! Public pages: the portal home, login and logout, and the working-day calculator.

use crate::AppState;
use crate::error::AppError;
use crate::session::{CsrfForm, Staff, Visitor, expired_session_cookie, session_cookie};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::{Datelike, NaiveDate};
use fazhi_core::calendar::{Calendar, DayReason, Due, weekday_zh};
use fazhi_core::org::Action;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/login", get(login_page).post(login))
        .route("/logout", axum::routing::post(logout))
        .route("/calendar", get(calendar_page))
        .route("/static/fazhi.css", get(stylesheet))
}

/// What every page's frame needs: title, who is logged in, the menu, the logout form's token.
pub struct Layout {
    pub title: String,
    pub user_name: Option<String>,
    pub nav: Vec<NavItem>,
    pub csrf: String,
}

pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

impl Layout {
    /// The menu shows only what the user may open; modules not built yet are not listed.
    pub fn new(title: &str, current: &str, staff: Option<&Staff>) -> Layout {
        let mut entries: Vec<(&'static str, &'static str)> = vec![
            ("/", "首页"),
            ("/powers", "权责清单"),
            ("/calendar", "工作日计算"),
            ("/documents", "政府文件"),
            ("/interpretations", "政策解读"),
            ("/consultations", "意见征集"),
            ("/catalogues", "标准目录"),
            ("/messages", "网民留言"),
            ("/gazette", "政府公报"),
            ("/search", "全文检索"),
            ("/foi/apply", "申请公开"),
            ("/foi/reports", "信息公开年报"),
        ];
        if let Some(staff) = staff {
            entries.push(("/admin", "工作台"));
            entries.push(("/admin/org", "组织机构"));
            if staff.may_somewhere(Action::ManageUsers) {
                entries.push(("/admin/users", "用户管理"));
            }
            if staff.may_somewhere(Action::ViewAudit) {
                entries.push(("/admin/audit", "审计日志"));
            }
            if staff.may_somewhere(Action::Draft) || staff.may_somewhere(Action::Review) {
                entries.push(("/admin/powers", "权责调整"));
            }
            entries.push(("/admin/documents", "主动公开"));
            entries.push(("/admin/interpretations", "解读管理"));
            entries.push(("/admin/consultations", "征集管理"));
            entries.push(("/admin/catalogues", "目录编制"));
            entries.push(("/admin/messages", "留言办理"));
            entries.push(("/admin/gazette", "公报编辑"));
            entries.push(("/admin/openness/figures", "公开数据"));
            entries.push(("/admin/foi", "依申请公开"));
            entries.push(("/admin/calendar", "节假日数据"));
            entries.push(("/admin/parameters", "法定参数"));
            entries.push(("/admin/tokens", "API令牌"));
        }
        Layout {
            title: title.to_string(),
            user_name: staff.map(|s| s.user.display_name.clone()),
            nav: entries
                .into_iter()
                .map(|(href, label)| NavItem {
                    href,
                    label,
                    current: href == current,
                })
                .collect(),
            csrf: staff.map(|s| s.csrf().to_string()).unwrap_or_default(),
        }
    }
}

/// A page that shows why the input was refused answers 422 (Unprocessable Entity).
pub fn mark_refused(response: &mut Response, refused: bool) {
    if refused {
        *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
}

/// The general office of the home division: it receives the 市长信箱 and edits the gazette.
pub async fn home_office(state: &crate::AppState) -> Result<fazhi_db::org::AgencyRow, AppError> {
    let division = fazhi_db::org::division_by_code(&state.db, &state.config.home_division)
        .await?
        .ok_or(AppError::NotFound)?;
    fazhi_db::org::agencies_in_division(&state.db, division.id)
        .await?
        .into_iter()
        .find(|a| a.kind == "general_office")
        .ok_or_else(|| AppError::Internal("本级政府办公室未登记".into()))
}

pub fn html<T: Template>(page: T) -> Result<Response, AppError> {
    Ok(Html(page.render()?).into_response())
}

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/fazhi.css"),
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
}

async fn home(visitor: Visitor) -> Result<Response, AppError> {
    html(HomePage {
        layout: Layout::new("梅州市法治政府建设平台", "/", visitor.staff.as_ref()),
    })
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    login_csrf: String,
    next: String,
    username: String,
    error: Option<String>,
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

/// Only paths on this site are followed after login (no open redirect): one leading `/`, and
/// only plain URL characters, so that no tab, newline or backslash can turn it into `//host`.
fn safe_next(next: Option<&str>) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "/_.~%?=&-".contains(c);
    match next {
        Some(path)
            if path.starts_with('/') && !path.starts_with("//") && path.chars().all(plain) =>
        {
            path.to_string()
        }
        _ => "/admin".to_string(),
    }
}

/// The login form needs a CSRF token before anyone is logged in, so it opens an anonymous session.
async fn login_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(query): Query<NextQuery>,
) -> Result<Response, AppError> {
    let next = safe_next(query.next.as_deref());
    if visitor.staff.is_some() {
        return Ok(Redirect::to(&next).into_response());
    }
    let (cookie, csrf) = crate::session::visitor_csrf(&state, &visitor).await?;
    let page = LoginPage {
        layout: Layout::new("登录", "/login", None),
        login_csrf: csrf,
        next,
        username: String::new(),
        error: None,
    };
    let mut response = html(page)?;
    crate::session::set_cookie(&mut response, cookie);
    Ok(response)
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    next: String,
}

/// The same message for an unknown name, a wrong password and a disabled account.
const LOGIN_FAILED: &str = "用户名或密码错误";

async fn login(
    State(state): State<AppState>,
    visitor: Visitor,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> Result<Response, AppError> {
    let now = fazhi_core::clock::now();
    let username = form.username.trim().to_lowercase();
    let next = safe_next(Some(&form.next));
    let fail = |message: String| {
        let page = LoginPage {
            layout: Layout::new("登录", "/login", None),
            login_csrf: visitor.csrf_token.clone().unwrap_or_default(),
            next: next.clone(),
            username: username.clone(),
            error: Some(message),
        };
        html(page).map(|mut response| {
            *response.status_mut() = axum::http::StatusCode::UNAUTHORIZED;
            response
        })
    };
    if username.is_empty() || username.len() > 64 || form.password.len() > 256 {
        return fail(LOGIN_FAILED.to_string());
    }
    let lockout = state.config.lockout;
    let locked_message = format!(
        "登录失败次数过多，请{}分钟后再试",
        lockout.lock_for.num_minutes()
    );
    if fazhi_db::auth::is_locked(&state.db, &username, now).await? {
        return fail(locked_message);
    }
    let record = fazhi_db::users::login_record(&state.db, &username).await?;
    let account_exists = record.is_some();
    let hash = record
        .as_ref()
        .map(|(_, hash, _)| hash.as_str())
        .unwrap_or(fazhi_core::auth::DUMMY_PASSWORD_HASH);
    let password_ok = fazhi_core::auth::verify_password(&form.password, hash);
    let user_id = match record {
        Some((id, _, false)) if password_ok => id,
        _ => {
            let locked_now = fazhi_db::auth::record_login_failure(
                &state.db,
                &username,
                account_exists,
                now,
                lockout,
            )
            .await?;
            return fail(if locked_now {
                locked_message
            } else {
                LOGIN_FAILED.to_string()
            });
        }
    };
    let session = fazhi_db::auth::begin_user_session(
        &state.db,
        user_id,
        &username,
        visitor.token.as_deref(),
        now,
        state.config.session_ttl,
    )
    .await?;
    let mut response = Redirect::to(&next).into_response();
    if let Ok(value) = header::HeaderValue::from_str(&session_cookie(&state, &session.token)) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(response)
}

async fn logout(
    State(state): State<AppState>,
    visitor: Visitor,
    CsrfForm(_): CsrfForm<crate::session::NoFields>,
) -> Result<Response, AppError> {
    if let Some(token) = &visitor.token {
        let user = visitor
            .staff
            .as_ref()
            .map(|staff| (staff.user.id, staff.user.username.as_str()));
        fazhi_db::auth::end_session(&state.db, token, user, fazhi_core::clock::now()).await?;
    }
    let mut response = Redirect::to("/").into_response();
    if let Ok(value) = header::HeaderValue::from_str(&expired_session_cookie(&state)) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(response)
}

// ---------------------------------------------------------------------------------------------
// Working-day calendar: month view and due-date calculator (public: the schedule is public law).

pub struct MonthView {
    pub year: i32,
    pub month: u32,
    pub title: String,
    pub weeks: Vec<Vec<Option<DayCell>>>,
    pub prev: String,
    pub next: String,
}

pub struct DayCell {
    pub day: u32,
    /// The due date just computed is marked in the month.
    pub is_due: bool,
    pub class: &'static str,
    pub label: String,
}

pub fn month_view(
    calendar: &Calendar,
    year: i32,
    month: u32,
    due: Option<NaiveDate>,
) -> Option<MonthView> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let next_month = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    let prev_month = first.pred_opt()?;
    let mut weeks = Vec::new();
    let mut week: Vec<Option<DayCell>> = vec![];
    for _ in 0..first.weekday().num_days_from_monday() {
        week.push(None);
    }
    let mut date = first;
    while date < next_month {
        let info = calendar.day(date);
        let (class, label) = match &info.reason {
            DayReason::Weekday => ("workday", "工作日".to_string()),
            DayReason::RestDay => ("restday", "休息日".to_string()),
            DayReason::Holiday(name) => ("holiday", format!("放假：{name}")),
            DayReason::AdjustedWorkday(name) => ("adjusted", format!("上班：{name}")),
        };
        let label = if info.covered {
            label
        } else {
            format!("{label}（该年度节假日安排未导入，仅按周末推定）")
        };
        week.push(Some(DayCell {
            day: date.day(),
            is_due: due == Some(date),
            class: if info.covered { class } else { "uncovered" },
            label,
        }));
        if week.len() == 7 {
            weeks.push(std::mem::take(&mut week));
        }
        date = date.succ_opt()?;
    }
    if !week.is_empty() {
        while week.len() < 7 {
            week.push(None);
        }
        weeks.push(week);
    }
    Some(MonthView {
        year,
        month,
        title: format!("{year}年{month}月"),
        weeks,
        prev: format!("year={}&month={}", prev_month.year(), prev_month.month()),
        next: format!("year={}&month={}", next_month.year(), next_month.month()),
    })
}

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarPage {
    layout: Layout,
    view: MonthView,
    from: String,
    working_days: String,
    due: Option<DueView>,
    error: Option<String>,
    version: String,
}

pub struct DueView {
    pub date: String,
    pub weekday: &'static str,
    pub provisional: bool,
    pub explanation: String,
}

impl DueView {
    pub fn from_due(due: &Due) -> DueView {
        DueView {
            date: due.date.to_string(),
            weekday: weekday_zh(due.date),
            provisional: due.provisional,
            explanation: due.explain(),
        }
    }
}

#[derive(Deserialize)]
struct CalendarQuery {
    year: Option<i32>,
    month: Option<u32>,
    from: Option<String>,
    working_days: Option<String>,
}

pub const MAX_WORKING_DAYS_INPUT: u32 = 1000;

/// Parses the calculator's inputs with messages a clerk understands.
pub fn parse_due_input(from: &str, working_days: &str) -> Result<(NaiveDate, u32), String> {
    let start = NaiveDate::parse_from_str(from.trim(), "%Y-%m-%d")
        .map_err(|_| format!("起算日“{from}”格式错误，应为YYYY-MM-DD"))?;
    let count: u32 = working_days
        .trim()
        .parse()
        .map_err(|_| format!("工作日数“{working_days}”应为0至{MAX_WORKING_DAYS_INPUT}的整数"))?;
    if count > MAX_WORKING_DAYS_INPUT {
        return Err(format!("工作日数不能超过{MAX_WORKING_DAYS_INPUT}"));
    }
    Ok((start, count))
}

async fn calendar_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(query): Query<CalendarQuery>,
) -> Result<Response, AppError> {
    let calendar = state.calendar();
    let today = fazhi_core::clock::beijing_today();
    let (mut year, mut month) = (
        query.year.unwrap_or(today.year()),
        query.month.unwrap_or(today.month()),
    );
    let mut due = None;
    let mut due_date = None;
    let mut error = None;
    let from = query.from.clone().unwrap_or_default();
    let working_days = query.working_days.clone().unwrap_or_default();
    if !from.is_empty() || !working_days.is_empty() {
        match parse_due_input(&from, &working_days)
            .and_then(|(start, n)| calendar.due_date(start, n).map_err(|e| e.to_string()))
        {
            Ok(result) => {
                if query.year.is_none() {
                    (year, month) = (result.date.year(), result.date.month());
                }
                due_date = Some(result.date);
                due = Some(DueView::from_due(&result));
            }
            Err(message) => error = Some(message),
        }
    }
    let view = month_view(&calendar, year, month, due_date)
        .ok_or_else(|| AppError::Invalid("年月无效".into()))?;
    html(CalendarPage {
        layout: Layout::new("工作日计算", "/calendar", visitor.staff.as_ref()),
        view,
        from,
        working_days,
        due,
        error,
        version: calendar.version(),
    })
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(
            safe_next(Some("/admin/org?division=441402")),
            "/admin/org?division=441402"
        );
        for hostile in [
            "//evil.example",
            "/\t/evil.example",
            "/\\evil.example",
            "https://evil.example",
            "/\n/evil",
            "/%0A",
        ] {
            let expected = if hostile == "/%0A" { "/%0A" } else { "/admin" };
            assert_eq!(safe_next(Some(hostile)), expected, "{hostile:?}");
        }
        assert_eq!(safe_next(Some("/\u{3000}")), "/admin");
        assert_eq!(safe_next(None), "/admin");
    }
}
