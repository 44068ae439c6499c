//! Errors as users see them: Chinese pages for the browser, problem details for the API.
//! Internal details go to the log only.

use askama::Template;
use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use fazhi_db::DbError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Not logged in: the browser goes to the login page, then back to `next`.
    #[error("请先登录")]
    LoginRequired { next: String },
    #[error("您没有权限执行此操作")]
    Forbidden,
    #[error("页面或记录不存在")]
    NotFound,
    /// Invalid input, with a message meant for the user.
    #[error("{0}")]
    Invalid(String),
    #[error("表单已过期或来源不明，请刷新页面后重试")]
    Csrf,
    #[error("系统内部错误，请稍后重试；如问题持续，请联系系统管理员")]
    Internal(String),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::LoginRequired { .. } => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn log_if_internal(&self) {
        if let AppError::Internal(detail) = self {
            tracing::error!(%detail, "internal error");
        }
    }
}

impl From<DbError> for AppError {
    fn from(error: DbError) -> Self {
        match error {
            DbError::Invalid(message) => AppError::Invalid(message),
            DbError::NotFound => AppError::NotFound,
            DbError::Duplicate(_) => AppError::Invalid("记录已存在，请勿重复提交".into()),
            other => AppError::Internal(format!("{other:?}")),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(error: askama::Error) -> Self {
        AppError::Internal(format!("template: {error}"))
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    message: String,
    status: u16,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log_if_internal();
        if let AppError::LoginRequired { next } = &self {
            let target = format!("/login?next={}", percent_encode(next));
            return Redirect::to(&target).into_response();
        }
        let status = self.status();
        let page = ErrorPage {
            title: status.canonical_reason().map(zh_status).unwrap_or("出错了"),
            message: self.to_string(),
            status: status.as_u16(),
        };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (
                status,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                self.to_string(),
            )
                .into_response(),
        }
    }
}

fn zh_status(reason: &str) -> &'static str {
    match reason {
        "Forbidden" => "无权访问",
        "Not Found" => "未找到",
        "Unprocessable Entity" => "输入有误",
        "Unauthorized" => "需要登录",
        _ => "出错了",
    }
}

/// Percent-encodes a path for a query parameter (only same-site paths are ever passed).
pub fn percent_encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'/' | b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// An API error as RFC 9457 problem details.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(error: E) -> Self {
        ApiError(error.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.log_if_internal();
        let status = match self.0 {
            AppError::LoginRequired { .. } => StatusCode::UNAUTHORIZED,
            ref other => other.status(),
        };
        let body = serde_json::json!({
            "type": "about:blank",
            "title": status.canonical_reason().unwrap_or("Error"),
            "status": status.as_u16(),
            "detail": self.0.to_string(),
        });
        let mut response = (status, Json(body)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("application/problem+json"),
        );
        response
    }
}

/// Rejections produced by axum's extractors (a malformed query, path or form) arrive as English
/// `text/plain`; this turns every such 4xx into a Chinese page, or problem details under `/api`.
pub async fn localize_rejections(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    let status = response.status();
    let plain_text = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("text/plain"));
    if !status.is_client_error() || !plain_text {
        return response;
    }
    let bytes = axum::body::to_bytes(response.into_body(), 64 * 1024)
        .await
        .unwrap_or_default();
    tracing::debug!(%status, detail = %String::from_utf8_lossy(&bytes), "request rejected");
    let message = match status {
        StatusCode::METHOD_NOT_ALLOWED => "不支持此请求方式".to_string(),
        StatusCode::PAYLOAD_TOO_LARGE => "提交的内容过大".to_string(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "提交的内容格式不受支持".to_string(),
        StatusCode::NOT_FOUND => "页面或记录不存在".to_string(),
        _ => "请求参数缺失或格式错误，请检查后重试".to_string(),
    };
    let error = AppError::Invalid(message);
    let mut localized = if is_api {
        ApiError(error).into_response()
    } else {
        error.into_response()
    };
    *localized.status_mut() = status;
    localized
}
