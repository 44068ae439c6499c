//! Who is asking: the session cookie (browser) or a bearer token (API), the CSRF token of forms,
//! and the Origin check on every state-changing request.

use crate::AppState;
use crate::error::{ApiError, AppError};
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::Response;
use chrono::{DateTime, Utc};
use fazhi_core::auth::tokens_equal;
use fazhi_core::org::{Action, Grant, Target, authorize};
use fazhi_db::Actor;
use fazhi_db::users::UserRow;
use serde::de::DeserializeOwned;

pub const SESSION_COOKIE: &str = "fazhi_session";

/// How often an active session's expiry is pushed forward (one write per interval, not per request).
const TOUCH_INTERVAL_MINUTES: i64 = 5;

/// The cookie value of the request's session, if any.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_string())
        .filter(|value| value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A browser-session cookie: the idle timeout is enforced on the server (sliding `expires_at`),
/// so the cookie itself carries no Max-Age that would cut off an active user.
pub fn session_cookie(state: &AppState, token: &str) -> String {
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax{secure}")
}

pub fn expired_session_cookie(state: &AppState) -> String {
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}")
}

/// A logged-in user with the grants that decide what they may do.
#[derive(Debug, Clone)]
pub struct Staff {
    pub user: UserRow,
    pub grants: Vec<Grant>,
    /// The session's CSRF token (`None` for API token clients, which send no cookies).
    pub csrf_token: Option<String>,
}

impl Staff {
    /// The agency `code`, after the permission check for `action` on it; an unknown code is
    /// a clear refusal.
    pub async fn agency(
        &self,
        state: &AppState,
        code: &str,
        action: Action,
    ) -> Result<fazhi_db::org::AgencyRow, AppError> {
        let agency = fazhi_db::org::agency_by_code(&state.db, code.trim())
            .await?
            .ok_or_else(|| AppError::Invalid(format!("机构“{}”不存在", code.trim())))?;
        self.require(action, &agency.target())?;
        Ok(agency)
    }

    /// The one permission check, as every route calls it.
    pub fn require(&self, action: Action, target: &Target) -> Result<(), AppError> {
        if authorize(&self.grants, action, target) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    pub fn may(&self, action: Action, target: &Target) -> bool {
        authorize(&self.grants, action, target)
    }

    /// Whether any grant allows `action` somewhere (decides which menu entries to show).
    pub fn may_somewhere(&self, action: Action) -> bool {
        self.grants.iter().any(|grant| grant.role.allows(action))
    }

    pub fn actor(&self) -> Actor {
        Actor {
            user_id: Some(self.user.id),
            name: self.user.username.clone(),
        }
    }

    pub fn csrf(&self) -> &str {
        self.csrf_token.as_deref().unwrap_or("")
    }
}

pub async fn load_staff(
    state: &AppState,
    user_id: i64,
    csrf_token: Option<String>,
) -> Result<Option<Staff>, AppError> {
    let Some(user) = fazhi_db::users::user_by_id(&state.db, user_id).await? else {
        return Ok(None);
    };
    if user.disabled {
        return Ok(None);
    }
    let grants = fazhi_db::users::grants_of(&state.db, user_id)
        .await?
        .iter()
        .filter_map(|row| row.to_grant())
        .collect();
    Ok(Some(Staff {
        user,
        grants,
        csrf_token,
    }))
}

/// The browser's session, logged in or not.
#[derive(Debug, Clone)]
pub struct Visitor {
    pub token: Option<String>,
    pub csrf_token: Option<String>,
    pub staff: Option<Staff>,
}

impl FromRequestParts<AppState> for Visitor {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(visitor) = parts.extensions.get::<Visitor>() {
            return Ok(visitor.clone());
        }
        let visitor = visitor_from_cookie(&parts.headers, state, fazhi_core::clock::now()).await?;
        parts.extensions.insert(visitor.clone());
        Ok(visitor)
    }
}

async fn visitor_from_cookie(
    headers: &HeaderMap,
    state: &AppState,
    now: DateTime<Utc>,
) -> Result<Visitor, AppError> {
    let anonymous = Visitor {
        token: None,
        csrf_token: None,
        staff: None,
    };
    let Some(token) = session_token(headers) else {
        return Ok(anonymous);
    };
    let Some(session) = fazhi_db::auth::session(&state.db, &token, now).await? else {
        return Ok(anonymous);
    };
    if now - session.last_seen_at > chrono::Duration::minutes(TOUCH_INTERVAL_MINUTES) {
        fazhi_db::auth::touch_session(&state.db, &token, now, state.config.session_ttl).await?;
    }
    let staff = match session.user_id {
        Some(user_id) => load_staff(state, user_id, Some(session.csrf_token.clone())).await?,
        None => None,
    };
    Ok(Visitor {
        token: Some(token),
        csrf_token: Some(session.csrf_token),
        staff,
    })
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let visitor = Visitor::from_request_parts(parts, state).await?;
        let next = parts
            .uri
            .path_and_query()
            .map(|pq| pq.as_str())
            .unwrap_or("/admin")
            .to_string();
        visitor.staff.ok_or(AppError::LoginRequired { next })
    }
}

/// An API client: a bearer token, or a browser session (for same-site scripts).
#[derive(Debug, Clone)]
pub struct ApiClient(pub Staff);

impl FromRequestParts<AppState> for ApiClient {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(str::trim);
        let now = fazhi_core::clock::now();
        if let Some(secret) = bearer {
            let user_id = fazhi_db::auth::user_for_api_token(&state.db, secret, now)
                .await
                .map_err(AppError::from)?;
            let staff = match user_id {
                Some(user_id) => load_staff(state, user_id, None).await?,
                None => None,
            };
            return staff
                .map(ApiClient)
                .ok_or(ApiError(AppError::LoginRequired {
                    next: String::new(),
                }));
        }
        let visitor = Visitor::from_request_parts(parts, state).await?;
        visitor
            .staff
            .map(ApiClient)
            .ok_or(ApiError(AppError::LoginRequired {
                next: String::new(),
            }))
    }
}

/// The CSRF token for a form shown to `visitor`: the session's, or that of a new anonymous
/// session whose cookie must then be set on the response.
pub async fn visitor_csrf(
    state: &AppState,
    visitor: &Visitor,
) -> Result<(Option<String>, String), AppError> {
    if let (Some(_), Some(csrf)) = (&visitor.token, &visitor.csrf_token) {
        return Ok((None, csrf.clone()));
    }
    let session = fazhi_db::auth::create_session(
        &state.db,
        None,
        fazhi_core::clock::now(),
        state.config.session_ttl,
    )
    .await?;
    Ok((
        Some(session_cookie(state, &session.token)),
        session.csrf_token,
    ))
}

/// Sets a session cookie made by [`visitor_csrf`], if one was.
pub fn set_cookie(response: &mut Response, cookie: Option<String>) {
    if let Some(cookie) = cookie
        && let Ok(value) = axum::http::HeaderValue::from_str(&cookie)
    {
        response
            .headers_mut()
            .insert(axum::http::header::SET_COOKIE, value);
    }
}

/// A date typed in a form field labelled `label` (YYYY-MM-DD), or a clear refusal.
pub fn form_date(text: &str, label: &str) -> Result<chrono::NaiveDate, AppError> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::Invalid(format!("{label}应为YYYY-MM-DD格式的日期")))
}

/// A date field that may be left empty.
pub fn form_optional_date(text: &str, label: &str) -> Result<Option<chrono::NaiveDate>, AppError> {
    match text.trim() {
        "" => Ok(None),
        text => form_date(text, label).map(Some),
    }
}

/// The fields of a form that is only a button (besides its CSRF token).
#[derive(serde::Deserialize)]
pub struct NoFields {}

/// A form whose `csrf_token` field must match the session's token. Every POST handler takes one.
pub struct CsrfForm<T>(pub T);

#[derive(serde::Deserialize)]
struct WithCsrf<T> {
    #[serde(default)]
    csrf_token: String,
    #[serde(flatten)]
    fields: T,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let visitor = Visitor::from_request_parts(&mut parts, state).await?;
        let request = Request::from_parts(parts, body);
        let axum::Form(form) = axum::Form::<WithCsrf<T>>::from_request(request, state)
            .await
            .map_err(|rejection| {
                AppError::Invalid(format!("表单内容无法识别：{}", rejection.body_text()))
            })?;
        let expected = visitor.csrf_token.ok_or(AppError::Csrf)?;
        if form.csrf_token.is_empty() || !tokens_equal(&form.csrf_token, &expected) {
            return Err(AppError::Csrf);
        }
        Ok(CsrfForm(form.fields))
    }
}

/// Refuses a state-changing request whose `Origin` (or, without it, `Referer`) names another site.
/// Requests with neither header (non-browser clients) pass on to the CSRF or bearer check.
pub async fn check_origin(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, AppError> {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if !safe && !origin_allowed(request.headers(), &state.config.allowed_origins) {
        tracing::warn!(uri = %request.uri(), "refused cross-origin request");
        return Err(AppError::Csrf);
    }
    Ok(next.run(request).await)
}

fn origin_allowed(headers: &HeaderMap, allowed: &[String]) -> bool {
    let claimed = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| {
            headers
                .get(header::REFERER)
                .and_then(|v| v.to_str().ok())
                .and_then(origin_of_url)
        });
    let Some(claimed) = claimed else { return true };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let own = [format!("http://{host}"), format!("https://{host}")];
    own.iter()
        .chain(allowed.iter())
        .any(|origin| origin.eq_ignore_ascii_case(&claimed))
}

fn origin_of_url(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split('/').next()?;
    Some(format!("{scheme}://{authority}"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(name.clone(), HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn same_host_origin_passes_and_foreign_origin_fails() {
        let same = headers(&[
            (header::HOST, "127.0.0.1:8080"),
            (header::ORIGIN, "http://127.0.0.1:8080"),
        ]);
        let foreign = headers(&[
            (header::HOST, "127.0.0.1:8080"),
            (header::ORIGIN, "http://evil.example"),
        ]);
        assert!(origin_allowed(&same, &[]));
        assert!(!origin_allowed(&foreign, &[]));
        assert!(origin_allowed(
            &foreign,
            &["http://evil.example".to_string()]
        ));
    }

    #[test]
    fn referer_is_used_when_origin_is_missing() {
        let foreign = headers(&[
            (header::HOST, "a.gov.cn"),
            (header::REFERER, "https://b.example/page"),
        ]);
        let own = headers(&[
            (header::HOST, "a.gov.cn"),
            (header::REFERER, "https://a.gov.cn/login?x=1"),
        ]);
        assert!(!origin_allowed(&foreign, &[]));
        assert!(origin_allowed(&own, &[]));
    }

    #[test]
    fn malformed_session_cookies_are_ignored() {
        let good = "a".repeat(64);
        let map = headers(&[(header::COOKIE, &format!("x=1; {SESSION_COOKIE}={good}"))]);
        assert_eq!(session_token(&map), Some(good));
        let bad = headers(&[(header::COOKIE, &format!("{SESSION_COOKIE}=../etc"))]);
        assert_eq!(session_token(&bad), None);
    }
}
