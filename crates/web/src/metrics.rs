//! `/healthz` and Prometheus `/metrics`: request counts and latency by route and status.

use crate::AppState;
use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Instant;

/// (method, route, status)
type RequestKey = (String, String, u16);

#[derive(Default)]
pub struct Metrics {
    /// Count and total seconds per request kind.
    requests: Mutex<BTreeMap<RequestKey, (u64, f64)>>,
}

impl Metrics {
    fn record(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let mut requests = match self.requests.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        let entry = requests
            .entry((method.to_string(), route.to_string(), status))
            .or_insert((0, 0.0));
        entry.0 += 1;
        entry.1 += seconds;
    }

    pub fn render(&self) -> String {
        let requests = match self.requests.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        let mut out = String::from(
            "# HELP fazhi_http_requests_total HTTP requests by method, route and status.\n\
             # TYPE fazhi_http_requests_total counter\n",
        );
        for ((method, route, status), (count, _)) in requests.iter() {
            out.push_str(&format!(
                "fazhi_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {count}\n"
            ));
        }
        out.push_str(
            "# HELP fazhi_http_request_seconds_sum Total time spent answering, by method and route.\n\
             # TYPE fazhi_http_request_seconds_sum counter\n",
        );
        for ((method, route, status), (_, seconds)) in requests.iter() {
            out.push_str(&format!(
                "fazhi_http_request_seconds_sum{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {seconds:.6}\n"
            ));
        }
        out
    }
}

pub async fn count_requests(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|path| path.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let method = request.method().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    state.metrics.record(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
}

async fn healthz(State(state): State<AppState>) -> Response {
    match fazhi_db::users::count_users(&state.db).await {
        Ok(_) => "ok\n".into_response(),
        Err(error) => {
            tracing::error!(?error, "health check failed");
            (
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "database unavailable\n",
            )
                .into_response()
        }
    }
}

async fn metrics(State(state): State<AppState>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
        .into_response()
}
