//! The HTTP side of fazhi: one `AppState`, one router per area, server-rendered zh-CN pages that
//! work without JavaScript, and the JSON API under `/api/v1`.

use axum::Router;
use axum::http::{HeaderValue, header};
use fazhi_core::calendar::Calendar;
use fazhi_db::Db;
use fazhi_db::auth::LockoutPolicy;
use std::sync::{Arc, RwLock};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;

pub mod admin;
pub mod api;
pub mod catalogues;
pub mod consultations;
pub mod documents;
pub mod docx;
pub mod error;
pub mod foi;
pub mod foi_online;
pub mod foi_report;
pub mod gazette;
pub mod interpretations;
pub mod messages;
pub mod metrics;
pub mod openness_figures;
pub mod page_cache;
pub mod portal;
pub mod power_drafts;
pub mod powers;
pub mod search;
pub mod session;
pub mod upload;

/// Largest request body accepted at all: a spreadsheet upload. Forms and JSON are held to
/// axum's 2 MB default by their extractors; upload routes raise it to this.
pub const MAX_BODY_BYTES: usize = upload::UPLOAD_BODY_MAX;

#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` (set when served behind HTTPS).
    pub secure_cookies: bool,
    /// Origins accepted on non-GET requests besides the request's own host, e.g. `https://fazhi.meizhou.gov.cn`.
    pub allowed_origins: Vec<String>,
    /// Idle lifetime of a session.
    pub session_ttl: chrono::Duration,
    pub lockout: LockoutPolicy,
    /// The division whose lists the public pages show first (梅州市 for the model user).
    pub home_division: String,
    /// How long a public page is served from memory to anonymous readers (0: never).
    pub page_cache_ttl: std::time::Duration,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: false,
            allowed_origins: Vec::new(),
            session_ttl: chrono::Duration::hours(2),
            lockout: LockoutPolicy::default(),
            home_division: "441400".to_string(),
            page_cache_ttl: std::time::Duration::from_secs(10),
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<WebConfig>,
    calendar: Arc<RwLock<Arc<Calendar>>>,
    pub metrics: Arc<metrics::Metrics>,
    /// Public pages as anonymous readers get them, for a few seconds.
    pub page_cache: Arc<page_cache::PageCache>,
}

impl AppState {
    pub fn new(db: Db, calendar: Calendar, config: WebConfig) -> AppState {
        AppState {
            db,
            config: Arc::new(config.clone()),
            calendar: Arc::new(RwLock::new(Arc::new(calendar))),
            metrics: Arc::new(metrics::Metrics::default()),
            page_cache: Arc::new(page_cache::PageCache::new(config.page_cache_ttl)),
        }
    }

    /// The calendar in force.
    pub fn calendar(&self) -> Arc<Calendar> {
        match self.calendar.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    pub fn replace_calendar(&self, calendar: Calendar) {
        let mut guard = match self.calendar.write() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        *guard = Arc::new(calendar);
    }
}

async fn not_found(uri: axum::http::Uri) -> axum::response::Response {
    use axum::response::IntoResponse;
    if uri.path().starts_with("/api/") {
        error::ApiError(error::AppError::NotFound).into_response()
    } else {
        error::AppError::NotFound.into_response()
    }
}

/// Any change made through the site may change a public page: the cached ones are dropped.
async fn forget_cached_pages(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let changes = !matches!(
        *request.method(),
        axum::http::Method::GET | axum::http::Method::HEAD | axum::http::Method::OPTIONS
    );
    let response = next.run(request).await;
    if changes {
        state.page_cache.clear();
    }
    response
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(portal::router())
        .merge(admin::router())
        .merge(api::router())
        .merge(powers::router())
        .merge(power_drafts::router())
        .merge(foi::router())
        .merge(foi_report::router())
        .merge(foi_online::router())
        .merge(documents::router())
        .merge(interpretations::router())
        .merge(consultations::router())
        .merge(catalogues::router())
        .merge(search::router())
        .merge(messages::router())
        .merge(gazette::router())
        .merge(openness_figures::router())
        .merge(metrics::router())
        .fallback(not_found)
        .layer(axum::middleware::from_fn(error::localize_rejections))
        .layer(axum::middleware::from_fn_with_state(state.clone(), forget_cached_pages))
        .layer(axum::middleware::from_fn_with_state(state.clone(), session::check_origin))
        .layer(axum::middleware::from_fn_with_state(state.clone(), metrics::count_requests))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        // Pages carry personal data and one-time secrets: never cached unless a route says so.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'"),
        ))
        .with_state(state)
}
