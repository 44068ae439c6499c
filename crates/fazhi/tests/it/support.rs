//! Test databases and an in-process HTTP client that behaves like a browser (cookies, CSRF).

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use fazhi_db::Db;
use http_body_util::BodyExt;
use std::sync::atomic::{AtomicU64, Ordering};
use tower::ServiceExt;

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn unique_name(prefix: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{prefix}_{}_{n}_{nanos}", std::process::id())
}

/// A fresh, migrated SQLite database in a temporary folder.
pub async fn sqlite() -> Db {
    let dir = std::env::temp_dir().join("fazhi-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{}.db", unique_name("t")));
    let db = Db::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    db.migrate().await.unwrap();
    db
}

pub fn pg_url() -> Option<String> {
    std::env::var("FAZHI_TEST_PG_URL")
        .ok()
        .filter(|url| !url.is_empty())
}

/// A fresh, migrated PostgreSQL database on the server named by `FAZHI_TEST_PG_URL`.
pub async fn postgres(admin_url: &str) -> Db {
    let name = unique_name("t");
    let admin = Db::connect(admin_url).await.unwrap();
    if let Db::Postgres(pool) = &admin {
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(pool)
            .await
            .unwrap();
    }
    admin.close().await;
    let url = database_url_with_name(admin_url, &name);
    let db = Db::connect(&url).await.unwrap();
    db.migrate().await.unwrap();
    db
}

/// Replaces the database name in `postgres://user@host/NAME?params`.
fn database_url_with_name(url: &str, name: &str) -> String {
    let (before_query, query) = match url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (url, String::new()),
    };
    let (server, _) = before_query.rsplit_once('/').unwrap();
    format!("{server}/{name}{query}")
}

/// SQLite always, PostgreSQL when configured.
pub async fn backends() -> Vec<Db> {
    let mut dbs = vec![sqlite().await];
    if let Some(url) = pg_url() {
        dbs.push(postgres(&url).await);
    }
    dbs
}

/// A database with Meizhou's divisions, the demo agencies and the demo users.
pub async fn demo_backends() -> Vec<Db> {
    let mut dbs = backends().await;
    for db in &mut dbs {
        fazhi::demo::load(db).await.unwrap();
    }
    dbs
}

pub async fn count(db: &Db, table: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) FROM {table}");
    fazhi_db::on_pool!(db, pool => sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_one(pool).await).unwrap()
}

/// The application on `db`. Tests open several apps on one database (one per user), as several
/// processes would be; the page cache, which is per process, is off so that each sees the
/// others' changes at once (`cached_app` has it on).
pub async fn app(db: &Db) -> Router {
    let config = fazhi::config::Config {
        page_cache_seconds: 0,
        ..fazhi::config::Config::default()
    };
    let state = fazhi::server::app_state(db.clone(), &config).await.unwrap();
    fazhi_web::router(state)
}

/// The application with its page cache on, as `fazhi serve` runs it.
pub async fn cached_app(db: &Db) -> Router {
    let config = fazhi::config::Config::default();
    let state = fazhi::server::app_state(db.clone(), &config).await.unwrap();
    fazhi_web::router(state)
}

pub const ORIGIN: &str = "http://fazhi.test";

/// What a response looked like.
pub struct Reply {
    pub status: StatusCode,
    pub location: Option<String>,
    pub set_cookie: Option<String>,
    pub content_type: String,
    pub body: String,
    /// The body as sent (downloads are binary).
    pub bytes: Vec<u8>,
}

/// A browser: keeps the session cookie, sends same-site Origin on POST.
pub struct Browser {
    pub router: Router,
    pub cookie: Option<String>,
}

impl Browser {
    pub fn new(router: Router) -> Browser {
        Browser {
            router,
            cookie: None,
        }
    }

    pub async fn send(&mut self, request: Request<Body>) -> Reply {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let header_text = |name| {
            response
                .headers()
                .get(name)
                .map(|v: &header::HeaderValue| v.to_str().unwrap().to_string())
        };
        let location = header_text(header::LOCATION);
        let set_cookie = header_text(header::SET_COOKIE);
        let content_type = header_text(header::CONTENT_TYPE).unwrap_or_default();
        if let Some(cookie) = &set_cookie {
            let pair = cookie.split(';').next().unwrap().to_string();
            self.cookie = if pair.ends_with('=') {
                None
            } else {
                Some(pair)
            };
        }
        let bytes = response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        Reply {
            status,
            location,
            set_cookie,
            content_type,
            body: String::from_utf8_lossy(&bytes).to_string(),
            bytes,
        }
    }

    fn request(&self, method: &str, uri: &str) -> axum::http::request::Builder {
        let mut builder = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::HOST, "fazhi.test");
        if let Some(cookie) = &self.cookie {
            builder = builder.header(header::COOKIE, cookie);
        }
        builder
    }

    pub async fn get(&mut self, uri: &str) -> Reply {
        let request = self.request("GET", uri).body(Body::empty()).unwrap();
        self.send(request).await
    }

    /// POSTs a form as a same-site browser would (with Origin).
    pub async fn post(&mut self, uri: &str, fields: &[(&str, &str)]) -> Reply {
        let request = self
            .request("POST", uri)
            .header(header::ORIGIN, ORIGIN)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form_body(fields)))
            .unwrap();
        self.send(request).await
    }

    /// POSTs a file with a CSRF token as a multipart form (field `file`).
    pub async fn upload(&mut self, uri: &str, csrf: &str, file_name: &str, bytes: &[u8]) -> Reply {
        let boundary = "----fazhi-test-boundary";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{csrf}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let request = self
            .request("POST", uri)
            .header(header::ORIGIN, ORIGIN)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(body))
            .unwrap();
        self.send(request).await
    }

    /// Opens the login page, then logs in with its CSRF token.
    pub async fn login(&mut self, username: &str, password: &str) -> Reply {
        let page = self.get("/login").await;
        let csrf = csrf_of(&page.body);
        self.post(
            "/login",
            &[
                ("csrf_token", &csrf),
                ("username", username),
                ("password", password),
                ("next", "/admin"),
            ],
        )
        .await
    }

    /// The CSRF token shown on `uri` (every staff page carries one in its logout form).
    pub async fn csrf(&mut self, uri: &str) -> String {
        csrf_of(&self.get(uri).await.body)
    }
}

pub fn form_body(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                fazhi_web::error::percent_encode(k),
                fazhi_web::error::percent_encode(v)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html
        .find(marker)
        .map(|i| i + marker.len())
        .unwrap_or_else(|| panic!("no CSRF token in page: {html}"));
    html[start..].split('"').next().unwrap().to_string()
}

/// A date written YYYY-MM-DD.
pub fn date(text: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// Asserts that `outcome` was refused as invalid with a message containing `fragment`.
pub fn refused_with<T: std::fmt::Debug>(outcome: Result<T, fazhi_db::DbError>, fragment: &str) {
    match outcome {
        Err(fazhi_db::DbError::Invalid(message)) => assert!(
            message.contains(fragment),
            "expected “{fragment}” in “{message}”"
        ),
        other => panic!("expected “{fragment}”, got {other:?}"),
    }
}

/// The value of the hidden input `name` on a page.
pub fn hidden_value(html: &str, name: &str) -> String {
    html.split(&format!("name=\"{name}\" value=\""))
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string()
}
