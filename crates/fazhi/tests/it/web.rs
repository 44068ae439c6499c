//! The web shell as a browser and an API client use it: login, sessions, CSRF, Origin, the
//! permission matrix, error pages, escaping, the JSON API and its OpenAPI document.

use crate::support::{self, Browser, count, form_body};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use fazhi::demo::DEMO_PASSWORD;
use fazhi_core::org::Role;
use fazhi_db::users::{NewGrant, NewScope, NewUser};
use fazhi_db::{Actor, Db};
use tower::ServiceExt;

async fn logged_in(db: &Db, username: &str) -> Browser {
    let mut browser = Browser::new(support::app(db).await);
    let reply = browser.login(username, DEMO_PASSWORD).await;
    assert_eq!(
        reply.status,
        StatusCode::SEE_OTHER,
        "login of {username}: {}",
        reply.body
    );
    browser
}

#[tokio::test]
async fn login_rotates_the_session_and_logout_ends_it() {
    for db in support::demo_backends().await {
        let mut browser = Browser::new(support::app(&db).await);
        let page = browser.get("/login").await;
        let anonymous_cookie = browser
            .cookie
            .clone()
            .expect("login page opens a session for its CSRF token");
        assert!(page.set_cookie.unwrap().contains("HttpOnly; SameSite=Lax"));
        let csrf = support::csrf_of(&page.body);
        let reply = browser
            .post(
                "/login",
                &[
                    ("csrf_token", &csrf),
                    ("username", "admin"),
                    ("password", DEMO_PASSWORD),
                    ("next", "/admin/org"),
                ],
            )
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER);
        assert_eq!(reply.location.as_deref(), Some("/admin/org"));
        assert_ne!(
            browser.cookie.as_ref(),
            Some(&anonymous_cookie),
            "session id must change at login"
        );
        assert_eq!(browser.get("/admin").await.status, StatusCode::OK);
        let csrf = browser.csrf("/admin").await;
        assert_eq!(
            browser
                .post("/logout", &[("csrf_token", &csrf)])
                .await
                .status,
            StatusCode::SEE_OTHER
        );
        let after = browser.get("/admin").await;
        assert_eq!(after.status, StatusCode::SEE_OTHER);
        assert_eq!(after.location.as_deref(), Some("/login?next=/admin"));
    }
}

#[tokio::test]
async fn the_old_anonymous_session_is_worthless_after_login() {
    for db in support::demo_backends().await {
        let mut browser = Browser::new(support::app(&db).await);
        browser.get("/login").await;
        let fixed = browser.cookie.clone();
        browser.login("admin", DEMO_PASSWORD).await;
        let mut attacker = Browser {
            router: browser.router.clone(),
            cookie: fixed,
        };
        assert_eq!(attacker.get("/admin").await.status, StatusCode::SEE_OTHER);
    }
}

#[tokio::test]
async fn wrong_password_and_unknown_user_look_the_same_and_repeated_failures_lock() {
    for db in support::demo_backends().await {
        let mut browser = Browser::new(support::app(&db).await);
        let wrong = browser.login("admin", "not-the-password-1").await;
        let unknown = browser.login("nobody", "not-the-password-1").await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
        assert!(
            wrong.body.contains("用户名或密码错误") && unknown.body.contains("用户名或密码错误")
        );
        for _ in 0..4 {
            browser.login("admin", "not-the-password-1").await;
            browser.login("nobody", "not-the-password-1").await;
        }
        let locked = browser.login("admin", DEMO_PASSWORD).await;
        assert_eq!(
            locked.status,
            StatusCode::UNAUTHORIZED,
            "locked even with the right password"
        );
        assert!(locked.body.contains("登录失败次数过多"));
        let locked_unknown = browser.login("nobody", "x").await;
        assert!(
            locked_unknown.body.contains("登录失败次数过多"),
            "an unknown name is locked the same way"
        );
        assert_eq!(
            logged_in(&db, "leader").await.get("/admin").await.status,
            StatusCode::OK,
            "others are not affected"
        );
    }
}

#[tokio::test]
async fn a_lockout_of_an_unknown_name_keeps_only_a_digest_of_it() {
    for db in support::demo_backends().await {
        let mut browser = Browser::new(support::app(&db).await);
        let typed = "mypassword123";
        for _ in 0..5 {
            browser.login(typed, "x-123456789").await;
        }
        for _ in 0..5 {
            browser.login("admin", "x-123456789").await;
        }
        let lockouts = fazhi_db::audit::AuditFilter {
            entity_type: Some("login".into()),
            ..Default::default()
        };
        let (rows, total) = fazhi_db::audit::list(&db, &lockouts, fazhi_db::Page::new(1, 10))
            .await
            .unwrap();
        assert_eq!(total, 2);
        assert!(
            rows.iter()
                .all(|r| !r.summary.contains(typed) && !r.entity_id.contains(typed))
        );
        assert!(rows.iter().any(|r| r.entity_id.starts_with("未知用户名#")));
        assert!(
            rows.iter().any(|r| r.entity_id == "admin"),
            "a real account is named"
        );
    }
}

#[tokio::test]
async fn malformed_requests_get_chinese_answers_and_pages_are_not_cached() {
    for db in support::demo_backends().await {
        let mut browser = logged_in(&db, "admin").await;
        let page = browser.get("/admin/users/abc").await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST);
        assert!(
            page.content_type.starts_with("text/html")
                && page.body.contains("请求参数缺失或格式错误"),
            "{}",
            page.body
        );
        let api = browser.get("/api/v1/calendar/due?from=2020-09-28").await;
        assert_eq!(api.status, StatusCode::BAD_REQUEST);
        assert_eq!(api.content_type, "application/problem+json");
        assert!(api.body.contains("请求参数缺失或格式错误"));
        let request = Request::builder()
            .uri("/admin")
            .header(header::HOST, "fazhi.test")
            .header(header::COOKIE, browser.cookie.clone().unwrap())
            .body(Body::empty())
            .unwrap();
        let response = browser.router.clone().oneshot(request).await.unwrap();
        assert_eq!(
            response.headers().get(header::CACHE_CONTROL).unwrap(),
            "no-store"
        );
    }
}

#[tokio::test]
async fn an_expired_session_sends_the_user_to_login() {
    for db in support::demo_backends().await {
        let user = fazhi_db::users::user_by_username(&db, "admin")
            .await
            .unwrap()
            .unwrap();
        let long_ago = fazhi_core::clock::now() - chrono::Duration::hours(3);
        let session = fazhi_db::auth::create_session(
            &db,
            Some(user.id),
            long_ago,
            chrono::Duration::hours(2),
        )
        .await
        .unwrap();
        let mut browser = Browser {
            router: support::app(&db).await,
            cookie: Some(format!("fazhi_session={}", session.token)),
        };
        assert_eq!(browser.get("/admin").await.status, StatusCode::SEE_OTHER);
    }
}

#[tokio::test]
async fn forms_without_the_right_csrf_token_or_from_another_origin_are_refused() {
    for db in support::demo_backends().await {
        let mut browser = logged_in(&db, "admin").await;
        let tokens = count(&db, "api_tokens").await;
        let missing = browser.post("/admin/tokens", &[("name", "脚本")]).await;
        assert_eq!(missing.status, StatusCode::FORBIDDEN);
        assert!(missing.body.contains("表单已过期或来源不明"));
        let wrong = browser
            .post(
                "/admin/tokens",
                &[("csrf_token", &"0".repeat(64)), ("name", "脚本")],
            )
            .await;
        assert_eq!(wrong.status, StatusCode::FORBIDDEN);
        let csrf = browser.csrf("/admin/tokens").await;
        let cross_site = Request::builder()
            .method("POST")
            .uri("/admin/tokens")
            .header(header::HOST, "fazhi.test")
            .header(header::ORIGIN, "http://evil.example")
            .header(header::COOKIE, browser.cookie.clone().unwrap())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form_body(&[
                ("csrf_token", &csrf),
                ("name", "脚本"),
            ])))
            .unwrap();
        assert_eq!(browser.send(cross_site).await.status, StatusCode::FORBIDDEN);
        assert_eq!(count(&db, "api_tokens").await, tokens, "nothing created");
        let ok = browser
            .post("/admin/tokens", &[("csrf_token", &csrf), ("name", "脚本")])
            .await;
        assert_eq!(ok.status, StatusCode::OK);
        assert_eq!(count(&db, "api_tokens").await, tokens + 1);
    }
}

/// Adds a user of `agency` with one grant.
async fn add_user(db: &Db, username: &str, agency: &str, role: Role, scope: NewScope) -> i64 {
    let new = NewUser {
        username: username.into(),
        display_name: "测试用户".into(),
        agency_code: agency.into(),
        password: "test-user-2026".into(),
        grants: vec![NewGrant { role, scope }],
    };
    fazhi_db::users::create_user(db, &Actor::cli("test"), fazhi_core::clock::now(), &new)
        .await
        .unwrap()
}

async fn add_clerk(db: &Db, username: &str, agency: &str, division: &str) -> i64 {
    add_user(
        db,
        username,
        agency,
        Role::Clerk,
        NewScope::Division(division.into()),
    )
    .await
}

const OK: u16 = 200;
const DENIED: u16 = 403;
const REDIRECT: u16 = 303;
const INVALID: u16 = 422;

/// role × route × division: who may open or change what. `{mj}` and `{mjx}` are 梅江区 users,
/// `{dabu}` a 大埔县 user. POST rows send a valid CSRF token, so 403 means the permission check said no.
#[tokio::test]
async fn permission_matrix() {
    let users = [
        "admin",
        "sfj.admin",
        "fb.clerk",
        "fb.reviewer",
        "leader",
        "mj.admin",
        "mj.clerk",
    ];
    #[rustfmt::skip]
    let rows: &[(&str, [u16; 7])] = &[
        //                                      admin   sfj.adm fb.clerk fb.rev leader  mj.adm  mj.clerk
        ("GET /admin",                          [OK,    OK,     OK,      OK,    OK,     OK,     OK]),
        ("GET /admin/org?division=441402",      [OK,    OK,     OK,      OK,    OK,     OK,     OK]),
        ("GET /admin/users",                    [OK,    OK,     DENIED,  DENIED, DENIED, OK,    DENIED]),
        ("GET /admin/users/{mj}",               [OK,    DENIED, DENIED,  DENIED, DENIED, OK,    DENIED]),
        ("GET /admin/users/{dabu}",             [OK,    DENIED, DENIED,  DENIED, DENIED, DENIED, DENIED]),
        ("POST /admin/users/{dabu}/password",   [REDIRECT, DENIED, DENIED, DENIED, DENIED, DENIED, DENIED]),
        ("POST /admin/users/new dabu",          [REDIRECT, DENIED, DENIED, DENIED, DENIED, DENIED, DENIED]),
        ("POST /admin/users/new mj",            [REDIRECT, DENIED, DENIED, DENIED, DENIED, REDIRECT, DENIED]),
        // 市司法局's admin may reset its own clerk, but not a colleague who leads the whole city.
        ("POST /admin/users/{sfjc}/password",   [REDIRECT, REDIRECT, DENIED, DENIED, DENIED, DENIED, DENIED]),
        ("POST /admin/users/{sfjl}/password",   [REDIRECT, DENIED, DENIED, DENIED, DENIED, DENIED, DENIED]),
        ("POST /admin/users/{sfjl}/disabled",   [REDIRECT, DENIED, DENIED, DENIED, DENIED, DENIED, DENIED]),
        ("POST /admin/users/{self}/grants clerk", [INVALID, INVALID, DENIED, DENIED, DENIED, INVALID, DENIED]),
        ("POST /admin/users/{mjx}/grants admin", [REDIRECT, DENIED, DENIED, DENIED, DENIED, DENIED, DENIED]),
        ("GET /admin/audit",                    [OK,    OK,     DENIED,  DENIED, OK,    OK,     DENIED]),
        ("GET /admin/audit/verify",             [OK,    DENIED, DENIED,  DENIED, DENIED, DENIED, DENIED]),
        ("GET /admin/calendar",                 [OK,    OK,     OK,      OK,    OK,     OK,     OK]),
        ("GET /admin/parameters",               [OK,    OK,     OK,      OK,    OK,     OK,     OK]),
        ("GET /admin/powers",                   [OK,    DENIED, OK,      OK,    DENIED, DENIED, OK]),
        ("GET /admin/foi",                      [OK,    OK,     OK,      OK,    OK,     OK,     OK]),
        ("GET /admin/foi/new",                  [OK,    DENIED, OK,      DENIED, DENIED, DENIED, OK]),
        ("GET /admin/documents",                [OK,    OK,     OK,      OK,    OK,     OK,     OK]),
        ("GET /admin/documents/new",            [OK,    DENIED, OK,      DENIED, DENIED, DENIED, OK]),
        ("GET /admin/interpretations",          [OK,    OK,     OK,      OK,    OK,     OK,     OK]),
        ("GET /admin/interpretations/new",      [OK,    DENIED, OK,      DENIED, DENIED, DENIED, OK]),
        ("GET /admin/interpretations/check",    [OK,    OK,     OK,      OK,    OK,     OK,     OK]),
        ("GET /admin/consultations",            [OK,    OK,     OK,      OK,    OK,     OK,     OK]),
        ("GET /admin/consultations/new",        [OK,    DENIED, OK,      DENIED, DENIED, DENIED, OK]),
        ("GET /admin/catalogues?division=441402", [OK,  OK,     OK,      OK,    OK,     OK,     OK]),
        ("GET /admin/messages",                 [OK,    OK,     OK,      OK,    OK,     OK,     OK]),
        ("GET /admin/messages/new",             [OK,    DENIED, OK,      DENIED, DENIED, DENIED, OK]),
        ("GET /admin/gazette",                  [OK,    OK,     OK,      OK,    OK,     OK,     OK]),
        ("GET /admin/openness/figures?year=2020", [OK,  OK,     OK,      OK,    OK,     OK,     OK]),
        // A catalogue for 梅江区's 江南街道: the county's clerk, the platform admin.
        ("POST /admin/catalogues/new jiangnan",  [REDIRECT, DENIED, DENIED, DENIED, DENIED, DENIED, REDIRECT]),
        // The city office's annual report: its own staff and the city-wide roles.
        ("GET /admin/foi/report?agency=G441400-002&year=2021", [OK, DENIED, OK, OK, OK, DENIED, DENIED]),
        ("GET /admin/foi/report/download?agency=G441400-002&year=2021&format=json", [OK, DENIED, OK, OK, OK, DENIED, DENIED]),
        ("POST /admin/foi/report/entries office", [REDIRECT, DENIED, REDIRECT, DENIED, DENIED, DENIED, DENIED]),
        // Allowed publishers are refused for the missing figures (422), the others by permission.
        ("POST /admin/foi/report/publish office", [INVALID, DENIED, DENIED, INVALID, DENIED, DENIED, DENIED]),
        ("GET /admin/powers/item?code=DEMO-XK-QS", [OK, DENIED, OK,      DENIED, DENIED, DENIED, OK]),
        // A new item proposed for 梅江区水务局: its county's clerk, not the city office's.
        ("POST /admin/powers/item mj",          [OK,    DENIED, DENIED,  DENIED, DENIED, DENIED, OK]),
        ("POST /admin/calendar",                [INVALID, DENIED, DENIED, DENIED, DENIED, DENIED, DENIED]),
    ];
    for db in support::demo_backends().await {
        let dabu = add_clerk(&db, "dabu.clerk", "G441422-002", "441422").await;
        let mj = fazhi_db::users::user_by_username(&db, "mj.clerk")
            .await
            .unwrap()
            .unwrap()
            .id;
        // A 梅江区 user outside the columns: granting it a role must not change any column's rights.
        let mjx = add_clerk(&db, "mj.extra", "G441402-002", "441402").await;
        let sfjc = add_user(
            &db,
            "sfj.clerk",
            "G441400-009",
            Role::Clerk,
            NewScope::Agency("G441400-009".into()),
        )
        .await;
        let sfjl = add_user(
            &db,
            "sfj.leader",
            "G441400-009",
            Role::Leader,
            NewScope::Division("441400".into()),
        )
        .await;
        for (column, username) in users.iter().enumerate() {
            let mut browser = logged_in(&db, username).await;
            let own_id = fazhi_db::users::user_by_username(&db, username)
                .await
                .unwrap()
                .unwrap()
                .id;
            for (serial, (route, expected)) in rows.iter().enumerate() {
                let route = route
                    .replace("{mjx}", &mjx.to_string())
                    .replace("{sfjc}", &sfjc.to_string())
                    .replace("{sfjl}", &sfjl.to_string())
                    .replace("{self}", &own_id.to_string())
                    .replace("{mj}", &mj.to_string())
                    .replace("{dabu}", &dabu.to_string());
                let status =
                    request_route(&mut browser, &route, &format!("{username}{serial}")).await;
                assert_eq!(
                    status,
                    expected[column],
                    "{} {username}: {route}",
                    db.backend_name()
                );
            }
        }
        let anonymous = Browser::new(support::app(&db).await)
            .get("/admin/users")
            .await;
        assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    }
}

/// Sends one matrix row; `unique` keeps created usernames distinct.
async fn request_route(browser: &mut Browser, route: &str, unique: &str) -> u16 {
    let (method, rest) = route.split_once(' ').unwrap();
    if method == "GET" {
        return browser.get(rest).await.status.as_u16();
    }
    let csrf = browser.csrf("/admin").await;
    let username = format!("u{}", unique.replace('.', "")).to_lowercase();
    let (path, fields): (&str, Vec<(&str, String)>) = match rest {
        "/admin/users/new dabu" => (
            "/admin/users/new",
            new_user_fields(&username, "G441422-002"),
        ),
        "/admin/users/new mj" => (
            "/admin/users/new",
            new_user_fields(&username, "G441402-002"),
        ),
        "/admin/calendar" => ("/admin/calendar", vec![("year", "2027".into())]),
        "/admin/catalogues/new jiangnan" => (
            "/admin/catalogues/new",
            vec![
                ("division", "441402004".into()),
                // A different area for each user allowed, as each creates a draft.
                (
                    "area",
                    if unique.starts_with("admin") {
                        "扶贫"
                    } else {
                        "救灾"
                    }
                    .into(),
                ),
                ("agency_code", "G441402004-001".into()),
            ],
        ),
        "/admin/foi/report/entries office" => (
            "/admin/foi/report/entries",
            vec![
                ("agency", "G441400-002".into()),
                ("year", "2021".into()),
                ("一", format!("总体情况{unique}")),
            ],
        ),
        "/admin/foi/report/publish office" => (
            "/admin/foi/report/publish",
            vec![("agency", "G441400-002".into()), ("year", "2021".into())],
        ),
        "/admin/powers/item mj" => (
            "/admin/powers/item",
            vec![
                ("code", format!("MX-{unique}")),
                ("name", format!("梅江区新设事项{unique}")),
                ("category", "XK".into()),
                ("basis", "《中华人民共和国水法》第四十八条".into()),
                ("owner", "G441402-005".into()),
            ],
        ),
        other if other.ends_with("/password") => {
            (other, vec![("password", "new-password-2026".into())])
        }
        other if other.ends_with("/grants clerk") => (
            other.trim_end_matches(" clerk"),
            vec![("role", "clerk".into()), ("scope", "agency".into())],
        ),
        other if other.ends_with("/disabled") => (other, vec![("disabled", "true".into())]),
        other if other.ends_with("/grants admin") => (
            other.trim_end_matches(" admin"),
            vec![("role", "system_admin".into()), ("scope", "agency".into())],
        ),
        other => panic!("unknown route {other}"),
    };
    let mut all: Vec<(&str, &str)> = vec![("csrf_token", &csrf)];
    all.extend(fields.iter().map(|(k, v)| (*k, v.as_str())));
    browser.post(path, &all).await.status.as_u16()
}

fn new_user_fields(username: &str, agency: &str) -> Vec<(&'static str, String)> {
    vec![
        ("username", username.to_string()),
        ("display_name", "新用户".into()),
        ("agency_code", agency.into()),
        ("password", "new-user-2026".into()),
        ("role", "clerk".into()),
        ("scope", "agency".into()),
    ]
}

#[tokio::test]
async fn a_county_admin_revokes_grants_in_the_county_only() {
    for db in support::demo_backends().await {
        let dabu = add_clerk(&db, "dabu.clerk", "G441422-002", "441422").await;
        let mjx = add_clerk(&db, "mj.extra", "G441402-002", "441402").await;
        let grant_of = |user: i64| {
            let db = db.clone();
            async move { fazhi_db::users::grants_of(&db, user).await.unwrap()[0].id }
        };
        let mut browser = logged_in(&db, "mj.admin").await;
        let csrf = browser.csrf("/admin").await;
        let foreign = format!("/admin/users/{dabu}/grants/{}/remove", grant_of(dabu).await);
        assert_eq!(
            browser
                .post(&foreign, &[("csrf_token", &csrf)])
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        let mismatched = format!("/admin/users/{mjx}/grants/{}/remove", grant_of(dabu).await);
        assert_eq!(
            browser
                .post(&mismatched, &[("csrf_token", &csrf)])
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let own = format!("/admin/users/{mjx}/grants/{}/remove", grant_of(mjx).await);
        assert_eq!(
            browser.post(&own, &[("csrf_token", &csrf)]).await.status,
            StatusCode::SEE_OTHER
        );
        assert!(
            fazhi_db::users::grants_of(&db, mjx)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            fazhi_db::users::grants_of(&db, dabu).await.unwrap().len(),
            1
        );
    }
}

#[tokio::test]
async fn user_input_is_escaped_on_pages() {
    for db in support::demo_backends().await {
        let mut browser = logged_in(&db, "admin").await;
        let csrf = browser.csrf("/admin/users/new").await;
        let fields = [
            ("csrf_token", csrf.as_str()),
            ("username", "xss.test"),
            ("display_name", "<script>alert(1)</script>"),
            ("agency_code", "G441400-002"),
            ("password", "xss-test-2026"),
            ("role", "clerk"),
            ("scope", "agency"),
        ];
        assert_eq!(
            browser.post("/admin/users/new", &fields).await.status,
            StatusCode::SEE_OTHER
        );
        let page = browser.get("/admin/users?q=xss").await;
        assert!(
            page.body
                .contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
            "{}",
            page.body
        );
        assert!(!page.body.contains("<script>alert(1)"));
    }
}

#[tokio::test]
async fn a_bad_new_user_form_shows_the_reason_and_keeps_the_input() {
    for db in support::demo_backends().await {
        let mut browser = logged_in(&db, "admin").await;
        let users = count(&db, "users").await;
        let csrf = browser.csrf("/admin/users/new").await;
        let fields = [
            ("csrf_token", csrf.as_str()),
            ("username", "fb.clerk"),
            ("display_name", "重名用户"),
            ("agency_code", "G441400-002"),
            ("password", "another-user-2026"),
            ("role", "clerk"),
            ("scope", "agency"),
        ];
        let reply = browser.post("/admin/users/new", &fields).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(reply.body.contains("用户名“fb.clerk”已被使用"));
        assert!(
            reply.body.contains("重名用户"),
            "the form keeps what was typed"
        );
        assert_eq!(count(&db, "users").await, users);
    }
}

#[tokio::test]
async fn unknown_pages_and_records_get_chinese_error_pages() {
    for db in support::demo_backends().await {
        let mut browser = logged_in(&db, "admin").await;
        let missing = browser.get("/no-such-page").await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        assert!(
            missing.body.contains("lang=\"zh-CN\"") && missing.body.contains("页面或记录不存在")
        );
        assert_eq!(
            browser.get("/admin/users/999999").await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            browser.get("/admin/org?division=999999").await.status,
            StatusCode::NOT_FOUND
        );
        let bad_date = browser.get("/admin/audit?from=2026-13-01").await;
        assert_eq!(bad_date.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad_date.body.contains("格式错误"));
    }
}

#[tokio::test]
async fn pages_show_the_organisation_tree_and_the_calendar_month() {
    for db in support::demo_backends().await {
        let mut browser = logged_in(&db, "leader").await;
        let org = browser.get("/admin/org?division=441400").await;
        assert!(
            org.body.contains("梅州市人民政府办公室") && org.body.contains("梅江区"),
            "{}",
            org.body
        );
        let calendar = browser.get("/calendar?year=2024&month=10").await;
        assert!(
            calendar.body.contains("放假：国庆节")
                && calendar.body.contains("上班：国庆节调休上班")
        );
        let due = browser
            .get("/calendar?from=2024-09-20&working_days=20")
            .await;
        assert!(due.body.contains("2024-10-23（周三）"), "{}", due.body);
        let menu = browser.get("/admin").await.body;
        assert!(
            menu.contains("审计日志") && !menu.contains("用户管理"),
            "the menu shows only what the leader may open"
        );
    }
}

#[tokio::test]
async fn parameters_show_their_source_and_flag_values_to_confirm() {
    for db in support::demo_backends().await {
        let page = logged_in(&db, "fb.clerk")
            .await
            .get("/admin/parameters")
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("calendar.cutoff") && page.body.contains("民法典"),
            "{}",
            page.body
        );
        let to_confirm =
            fazhi_core::params::parse_parameters_csv(fazhi_core::params::BUILTIN_PARAMETERS)
                .unwrap()
                .iter()
                .filter(|p| p.status == fazhi_core::params::ParamStatus::ToConfirm)
                .count();
        assert!(to_confirm >= 4, "the calendar's and the FOI clock's");
        assert!(
            page.body
                .contains(&format!("有 {to_confirm} 项参数的取值尚待法制部门核实"))
        );
        let records = fazhi_db::params::all(&db).await.unwrap();
        db.migrate().await.unwrap();
        assert_eq!(
            fazhi_db::params::all(&db).await.unwrap(),
            records,
            "seeding twice adds nothing"
        );
    }
}

#[tokio::test]
async fn calendar_due_api_answers_with_json_and_problem_details() {
    for db in support::backends().await {
        let mut client = Browser::new(support::app(&db).await);
        let reply = client
            .get("/api/v1/calendar/due?from=2020-09-28&working_days=20")
            .await;
        assert_eq!(reply.status, StatusCode::OK);
        let json: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
        assert_eq!(json["due"], "2020-11-02");
        assert_eq!(json["provisional"], false);
        assert_eq!(
            json["steps"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|s| s["count"].is_number())
                .count(),
            20
        );
        let bad = client
            .get("/api/v1/calendar/due?from=2020-02-30&working_days=5")
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad.content_type, "application/problem+json");
        let problem: serde_json::Value = serde_json::from_str(&bad.body).unwrap();
        assert!(problem["detail"].as_str().unwrap().contains("起算日"));
        let too_many = client
            .get("/api/v1/calendar/due?from=2020-02-03&working_days=100000")
            .await;
        assert_eq!(too_many.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
}

#[tokio::test]
async fn api_tokens_authenticate_until_revoked() {
    for db in support::demo_backends().await {
        let user = fazhi_db::users::user_by_username(&db, "mj.clerk")
            .await
            .unwrap()
            .unwrap();
        let actor = Actor {
            user_id: Some(user.id),
            name: user.username.clone(),
        };
        let secret =
            fazhi_db::auth::create_api_token(&db, &actor, fazhi_core::clock::now(), "统计脚本")
                .await
                .unwrap();
        let router = support::app(&db).await;
        let mut client = Browser::new(router);
        let call = |path: &str, token: Option<&str>| {
            let mut builder = Request::builder()
                .uri(path)
                .header(header::HOST, "fazhi.test");
            if let Some(token) = token {
                builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
            }
            builder.body(Body::empty()).unwrap()
        };
        let anonymous = client.send(call("/api/v1/me", None)).await;
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
        assert_eq!(anonymous.content_type, "application/problem+json");
        let me = client.send(call("/api/v1/me", Some(&secret))).await;
        assert_eq!(me.status, StatusCode::OK);
        assert!(me.body.contains("\"username\":\"mj.clerk\""));
        let agencies = client
            .send(call("/api/v1/org/agencies", Some(&secret)))
            .await;
        let list: Vec<serde_json::Value> = serde_json::from_str(&agencies.body).unwrap();
        assert!(!list.is_empty());
        assert!(
            list.iter()
                .all(|a| a["division_code"].as_str().unwrap().starts_with("441402")),
            "only the clerk's county"
        );
        let token_id = fazhi_db::auth::api_tokens_of(&db, user.id).await.unwrap()[0].id;
        fazhi_db::auth::revoke_api_token(&db, &actor, fazhi_core::clock::now(), token_id)
            .await
            .unwrap();
        assert_eq!(
            client.send(call("/api/v1/me", Some(&secret))).await.status,
            StatusCode::UNAUTHORIZED
        );
    }
}

#[tokio::test]
async fn openapi_document_matches_the_snapshot() {
    let db = support::sqlite().await;
    let mut client = Browser::new(support::app(&db).await);
    let reply = client.get("/api/v1/openapi.json").await;
    assert_eq!(reply.status, StatusCode::OK);
    let actual: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    let pretty = serde_json::to_string_pretty(&actual).unwrap() + "\n";
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots/openapi.json");
    if std::env::var("UPDATE_SNAPSHOTS").is_ok() {
        std::fs::create_dir_all(std::path::Path::new(path).parent().unwrap()).unwrap();
        std::fs::write(path, &pretty).unwrap();
    }
    let expected = std::fs::read_to_string(path)
        .expect("snapshot missing: run the test with UPDATE_SNAPSHOTS=1 and review it");
    assert_eq!(
        pretty, expected,
        "OpenAPI changed: review, then UPDATE_SNAPSHOTS=1"
    );
    for path in [
        "/api/v1/calendar/due",
        "/api/v1/me",
        "/api/v1/org/agencies",
        "/api/v1/org/divisions/{code}",
    ] {
        assert!(actual["paths"].get(path).is_some(), "{path} missing");
    }
}

#[tokio::test]
async fn health_and_metrics_answer() {
    let db = support::sqlite().await;
    let mut client = Browser::new(support::app(&db).await);
    assert_eq!(client.get("/healthz").await.body, "ok\n");
    client.get("/calendar").await;
    let metrics = client.get("/metrics").await.body;
    assert!(
        metrics.contains(
            "fazhi_http_requests_total{method=\"GET\",route=\"/calendar\",status=\"200\"} 1"
        ),
        "{metrics}"
    );
}

fn entrust_form<'a>(csrf: &'a str, giver: &'a str, effective: &'a str) -> Vec<(&'a str, &'a str)> {
    entrust_to(csrf, giver, effective, "G441402004-001")
}

fn entrust_to<'a>(
    csrf: &'a str,
    giver: &'a str,
    effective: &'a str,
    receiver: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf_token", csrf),
        ("decision_title", "测试：取水许可委托街道实施"),
        ("decided_on", "2020-12-20"),
        ("kind", "entrust"),
        ("item_code", "DEMO-XK-QS"),
        ("effective", effective),
        ("from_agency", giver),
        ("to_agencies", receiver),
        ("term_end", "2022-01-01"),
    ]
}

#[tokio::test]
async fn a_clerk_drafts_and_a_reviewer_of_the_county_publishes() {
    for db in support::demo_backends().await {
        let mut clerk = logged_in(&db, "mj.clerk").await;
        let csrf = clerk.csrf("/admin/powers").await;
        let drafts_before = count(&db, "power_drafts").await;
        let outside = clerk
            .post(
                "/admin/powers",
                &entrust_form(&csrf, "G441422-004", "2021-01-01"),
            )
            .await;
        assert_eq!(
            outside.status,
            StatusCode::FORBIDDEN,
            "大埔县's bureau is outside the clerk's county"
        );
        let contradicting = clerk
            .post(
                "/admin/powers",
                &entrust_form(&csrf, "G441402-004", "2021-01-01"),
            )
            .await;
        assert_eq!(contradicting.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            contradicting
                .body
                .contains("“G441402-004”在2021-01-01未持有此事项"),
            "{}",
            contradicting.body
        );
        assert!(
            contradicting.body.contains("DEMO-XK-QS"),
            "the form keeps what was typed"
        );
        let before_decision = clerk
            .post(
                "/admin/powers",
                &entrust_form(&csrf, "G441402-005", "2020-12-01"),
            )
            .await;
        assert!(before_decision.body.contains("早于决定日期"));
        assert_eq!(
            count(&db, "power_drafts").await,
            drafts_before,
            "refused drafts are not saved"
        );
        let good = clerk
            .post(
                "/admin/powers",
                &entrust_form(&csrf, "G441402-005", "2021-01-01"),
            )
            .await;
        assert_eq!(good.status, StatusCode::OK, "{}", good.body);
        assert!(good.body.contains("已提交草稿"));
        assert_eq!(
            count(&db, "power_entrustments").await,
            0,
            "a draft changes nothing in the register"
        );
        let id: i64 = fazhi_db::on_pool!(&db, pool => sqlx::query_scalar("SELECT MAX(id) FROM power_drafts").fetch_one(pool).await).unwrap();
        let publish = format!("/admin/powers/drafts/{id}/publish");
        assert_eq!(
            clerk.post(&publish, &[("csrf_token", &csrf)]).await.status,
            StatusCode::FORBIDDEN,
            "a clerk cannot publish"
        );
        let mut city_reviewer = logged_in(&db, "fb.reviewer").await;
        let csrf_reviewer = city_reviewer.csrf("/admin/powers").await;
        assert_eq!(
            city_reviewer
                .post(&publish, &[("csrf_token", &csrf_reviewer)])
                .await
                .status,
            StatusCode::FORBIDDEN,
            "市府办's reviewer has no grant over 梅江区"
        );
        add_user(
            &db,
            "mj.reviewer",
            "G441402-002",
            Role::Reviewer,
            NewScope::Division("441402".into()),
        )
        .await;
        let mut reviewer = Browser::new(support::app(&db).await);
        assert_eq!(
            reviewer.login("mj.reviewer", "test-user-2026").await.status,
            StatusCode::SEE_OTHER
        );
        let csrf_mj = reviewer.csrf("/admin/powers").await;
        assert_eq!(
            reviewer
                .post(&publish, &[("csrf_token", &csrf_mj)])
                .await
                .status,
            StatusCode::SEE_OTHER
        );
        let answer = &fazhi_db::powers::holder_reports(
            &db,
            "DEMO-XK-QS",
            "441402004",
            chrono::NaiveDate::from_ymd_opt(2021, 6, 1).unwrap(),
            None,
        )
        .await
        .unwrap()[0];
        assert_eq!(answer.exercised_by, "江南街道办事处");
        let again = reviewer.post(&publish, &[("csrf_token", &csrf_mj)]).await;
        assert_eq!(
            again.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "published once only"
        );
        let second = clerk
            .post(
                "/admin/powers",
                &entrust_to(&csrf, "G441402-005", "2021-01-01", "G441402006-001"),
            )
            .await;
        assert_eq!(second.status, StatusCode::OK);
        let second_id: i64 = fazhi_db::on_pool!(&db, pool => sqlx::query_scalar("SELECT MAX(id) FROM power_drafts").fetch_one(pool).await).unwrap();
        let reject = format!("/admin/powers/drafts/{second_id}/reject");
        assert_eq!(
            reviewer
                .post(&reject, &[("csrf_token", &csrf_mj), ("note", "")])
                .await
                .status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
        assert_eq!(
            reviewer
                .post(
                    &reject,
                    &[("csrf_token", &csrf_mj), ("note", "委托协议尚未签订")]
                )
                .await
                .status,
            StatusCode::SEE_OTHER
        );
        let list = clerk.get("/admin/powers").await;
        assert!(list.body.contains("已退回：委托协议尚未签订") && list.body.contains("已发布"));
    }
}

#[tokio::test]
async fn the_staff_page_lists_entrustments_whose_term_ends_soon() {
    use fazhi_db::powers::{Giver, NewAdjustment, NewBatch, record_batch};
    for db in support::demo_backends().await {
        let today = fazhi_core::clock::beijing_today();
        let entrust = |receiver: &str, term_end: chrono::NaiveDate| NewAdjustment {
            kind: fazhi_core::powers::AdjustmentKind::Entrust,
            item_code: "DEMO-XK-QS".into(),
            effective: chrono::NaiveDate::from_ymd_opt(2021, 1, 1).unwrap(),
            from: Some(Giver::Agency("G441402-005".into())),
            to: vec![receiver.into()],
            term_end: Some(term_end),
            condition: None,
            giver_keeps_residual: false,
        };
        let batch = NewBatch {
            decision: fazhi_core::powers::Decision {
                title: "测试：取水许可委托街道实施".into(),
                doc_number: None,
                date: chrono::NaiveDate::from_ymd_opt(2020, 12, 20).unwrap(),
            },
            url: None,
            adjustments: vec![
                entrust("G441402004-001", today + chrono::Duration::days(30)),
                entrust("G441402006-001", today + chrono::Duration::days(120)),
            ],
        };
        record_batch(
            &db,
            &fazhi_db::Actor::cli("test"),
            fazhi_core::clock::now(),
            &batch,
        )
        .await
        .unwrap();
        let mut clerk = logged_in(&db, "mj.clerk").await;
        let page = clerk.get("/admin/powers").await.body;
        let section = page.split("即将到期的委托").nth(1).unwrap();
        assert!(section.contains("江南街道办事处"), "{section}");
        assert!(
            !section.contains("金山街道办事处"),
            "a term ending in 120 days is beyond the 90-day horizon"
        );
    }
}

fn item_form<'a>(
    csrf: &'a str,
    code: &'a str,
    name: &'a str,
    owner: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf_token", csrf),
        ("code", code),
        ("name", name),
        ("category", "XK"),
        (
            "basis",
            "《中华人民共和国水法》第四十八条；《取水许可和水资源费征收管理条例》第十四条",
        ),
        ("responsibilities", "受理、审查、决定"),
        ("accountability", "依法追责"),
        ("supervision", "上级监督"),
        ("note", ""),
        ("owner", owner),
    ]
}

fn with<'a>(
    mut form: Vec<(&'a str, &'a str)>,
    field: &'a str,
    value: &'a str,
) -> Vec<(&'a str, &'a str)> {
    for pair in &mut form {
        if pair.0 == field {
            pair.1 = value;
        }
    }
    form
}

/// A browser logged in as a new user with one role on one agency.
async fn logged_in_as_new(db: &Db, username: &str, agency: &str, role: Role) -> Browser {
    add_user(db, username, agency, role, NewScope::Agency(agency.into())).await;
    let mut browser = Browser::new(support::app(db).await);
    assert_eq!(
        browser.login(username, "test-user-2026").await.status,
        StatusCode::SEE_OTHER
    );
    browser
}

#[tokio::test]
async fn item_descriptions_are_drafted_by_a_holder_and_published_by_a_reviewer() {
    for db in support::demo_backends().await {
        let detail = fazhi_db::powers::item_detail(&db, "DEMO-XK-QS")
            .await
            .unwrap()
            .unwrap();
        let base = fazhi_core::powers::item_fingerprint(&detail.item);
        let with_base = |mut form: Vec<(String, String)>| {
            form.push(("base".into(), base.clone()));
            form
        };
        let owned = |form: Vec<(&str, &str)>| -> Vec<(String, String)> {
            form.into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let mut county_clerk = logged_in(&db, "mj.clerk").await;
        let form_page = county_clerk.get("/admin/powers/item?code=DEMO-XK-QS").await;
        assert_eq!(form_page.status, StatusCode::OK);
        assert!(form_page.body.contains("取水许可") && form_page.body.contains(&base));
        let csrf = county_clerk.csrf("/admin/powers/item").await;
        let drafts_before = count(&db, "power_drafts").await;
        let renamed = "取水许可（含延续、变更）";
        let refused = [
            (
                with_base(owned(item_form(
                    &csrf,
                    "DEMO-XK-QS",
                    renamed,
                    "G441402-004",
                ))),
                "今天未持有事项",
            ),
            (
                with_base(owned(item_form(
                    &csrf,
                    "DEMO-XK-QS",
                    renamed,
                    "G441402-005",
                ))),
                "还由梅江区以外的单位持有",
            ),
            (
                with_base(owned(with(
                    item_form(&csrf, "DEMO-XK-QS", renamed, "G441402-005"),
                    "basis",
                    "水法第四十八条",
                ))),
                "应以《法规名称》开头",
            ),
            (
                owned(with(
                    item_form(&csrf, "T-NEW-1", "新事项", "G441402-005"),
                    "category",
                    "ZZ",
                )),
                "不在事项类别表中",
            ),
        ];
        for (form, reason) in refused {
            let pairs: Vec<(&str, &str)> =
                form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let reply = county_clerk.post("/admin/powers/item", &pairs).await;
            assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{reason}");
            assert!(reply.body.contains(reason), "{reason}: {}", reply.body);
        }
        let outside = county_clerk
            .post(
                "/admin/powers/item",
                &item_form(&csrf, "T-NEW-1", "新事项", "G441422-004"),
            )
            .await;
        assert_eq!(
            outside.status,
            StatusCode::FORBIDDEN,
            "大埔 is outside 梅江区"
        );
        let long_note = "备".repeat(2001);
        let overlong = county_clerk
            .post(
                "/admin/powers/item",
                &with(
                    item_form(&csrf, "T-NEW-1", "新事项", "G441402-005"),
                    "note",
                    &long_note,
                ),
            )
            .await;
        assert_eq!(overlong.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(overlong.body.contains("备注不能超过2000个字符"));
        assert_eq!(
            count(&db, "power_drafts").await,
            drafts_before,
            "nothing saved"
        );

        // The city's water bureau holds the item for the whole city: its clerk may change it.
        let mut city_clerk = logged_in_as_new(&db, "sw.clerk", "G441400-016", Role::Clerk).await;
        let csrf_city = city_clerk.csrf("/admin/powers/item").await;
        let change_form = with_base(owned(item_form(
            &csrf_city,
            "DEMO-XK-QS",
            renamed,
            "G441400-016",
        )));
        let pairs: Vec<(&str, &str)> = change_form
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let change = city_clerk.post("/admin/powers/item", &pairs).await;
        assert_eq!(change.status, StatusCode::OK, "{}", change.body);
        assert!(
            change.body.contains("修改事项 DEMO-XK-QS：事项名称"),
            "{}",
            change.body
        );
        let new_item = county_clerk
            .post(
                "/admin/powers/item",
                &item_form(&csrf, "T-NEW-1", "梅江区新设事项", "G441402-005"),
            )
            .await;
        assert!(
            new_item.body.contains("新建事项 T-NEW-1"),
            "{}",
            new_item.body
        );
        assert!(
            fazhi_db::powers::item(&db, "T-NEW-1")
                .await
                .unwrap()
                .is_none(),
            "a draft writes nothing to the list"
        );
        assert!(
            !county_clerk
                .get("/powers/items/DEMO-XK-QS")
                .await
                .body
                .contains(renamed),
            "the public page keeps the published name"
        );

        let mut city_reviewer =
            logged_in_as_new(&db, "sw.reviewer", "G441400-016", Role::Reviewer).await;
        let list = city_reviewer.get("/admin/powers").await.body;
        assert!(
            list.contains("查看修改内容") && list.contains(&format!("新：{renamed}")),
            "the reviewer sees the proposed text"
        );
        add_user(
            &db,
            "mj.reviewer",
            "G441402-002",
            Role::Reviewer,
            NewScope::Division("441402".into()),
        )
        .await;
        let mut county_reviewer = Browser::new(support::app(&db).await);
        county_reviewer.login("mj.reviewer", "test-user-2026").await;
        let item_audit = || async {
            let n: i64 = fazhi_db::on_pool!(&db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action IN ('power_item.create', 'power_item.update') AND entity_id IN ('T-NEW-1', 'DEMO-XK-QS')").fetch_one(pool).await).unwrap();
            n
        };
        let audited_before = item_audit().await;
        let ids: Vec<i64> = fazhi_db::on_pool!(&db, pool => sqlx::query_scalar("SELECT id FROM power_drafts WHERE subject = 'item' ORDER BY id").fetch_all(pool).await).unwrap();
        assert_eq!(ids.len(), 2);
        for (id, reviewer) in ids.iter().zip([&mut city_reviewer, &mut county_reviewer]) {
            let csrf_reviewer = reviewer.csrf("/admin/powers").await;
            let reply = reviewer
                .post(
                    &format!("/admin/powers/drafts/{id}/publish"),
                    &[("csrf_token", &csrf_reviewer)],
                )
                .await;
            assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        }
        assert!(
            county_clerk
                .get("/powers/items/DEMO-XK-QS")
                .await
                .body
                .contains(renamed)
        );
        assert_eq!(
            fazhi_db::powers::item(&db, "T-NEW-1")
                .await
                .unwrap()
                .unwrap()
                .name,
            "梅江区新设事项"
        );
        assert_eq!(
            item_audit().await - audited_before,
            2,
            "each published item is audited"
        );

        // A form opened before that change is refused rather than undoing it.
        let stale = city_clerk.post("/admin/powers/item", &pairs).await;
        assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            stale.body.contains("在您打开表单后已有变化"),
            "{}",
            stale.body
        );
    }
}

#[tokio::test]
async fn a_clerk_registers_an_application_and_records_its_clock_on_the_staff_pages() {
    for db in support::demo_backends().await {
        let mut clerk = logged_in(&db, "fb.clerk").await;
        let csrf = clerk.csrf("/admin/foi/new").await;
        let fields = |contact: &'static str| {
            vec![
                ("csrf_token", csrf.clone()),
                ("agency_code", "G441400-002".to_string()),
                ("channel", "in_person".into()),
                ("arrived_on", "2025-09-15".into()),
                ("confirmed_on", String::new()),
                ("applicant_type", "自然人".into()),
                ("applicant_name", "李四".into()),
                ("contact", contact.into()),
                ("description", "2024年城市更新项目资金安排".into()),
                ("purpose", String::new()),
                ("form_requested", "纸质".into()),
            ]
        };
        let no_contact = fields("");
        let pairs: Vec<(&str, &str)> = no_contact.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let refused = clerk.post("/admin/foi/new", &pairs).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains("联系方式"), "{}", refused.body);
        assert_eq!(count(&db, "foi_requests").await, 0);

        let good = fields("0753-2188888");
        let pairs: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let created = clerk.post("/admin/foi/new", &pairs).await;
        assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
        let location = created.location.clone().unwrap();
        let page = clerk.get(&location).await.body;
        assert!(page.contains("李四") && page.contains("0753-2188888"));
        assert!(
            page.contains("答复期限：<strong>2025-10-17</strong>"),
            "{page}"
        );

        let events = format!("{location}/events");
        let csrf_page = clerk.csrf(&location).await;
        let extension = [
            ("csrf_token", csrf_page.as_str()),
            ("kind", "extended"),
            ("on", "2025-10-10"),
            ("working_days", "20"),
            ("reason", "涉及多个部门"),
        ];
        assert_eq!(
            clerk.post(&events, &extension).await.status,
            StatusCode::FORBIDDEN,
            "an extension needs the reviewer's approval"
        );
        let mut reviewer = logged_in(&db, "fb.reviewer").await;
        let csrf_reviewer = reviewer.csrf(&location).await;
        let mut approved = extension.to_vec();
        approved[0] = ("csrf_token", csrf_reviewer.as_str());
        assert_eq!(
            reviewer.post(&events, &approved).await.status,
            StatusCode::SEE_OTHER
        );
        let late = [
            ("csrf_token", csrf_page.as_str()),
            ("kind", "correction_requested"),
            ("on", "2025-10-20"),
        ];
        let refused_event = clerk.post(&events, &late).await;
        assert_eq!(refused_event.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused_event.body.contains("晚于收到申请后7个工作日的期限"));
        for (kind, on, expected) in [
            ("no_such_event", "2025-10-20", "请选择事件类型"),
            ("answered", "2025/10/20", "日期应为YYYY-MM-DD格式的日期"),
        ] {
            let fields = [
                ("csrf_token", csrf_page.as_str()),
                ("kind", kind),
                ("on", on),
            ];
            let reply = clerk.post(&events, &fields).await;
            assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{kind}");
            assert!(reply.body.contains(expected), "{kind}: {}", reply.body);
        }
        let page = clerk.get(&location).await.body;
        assert!(
            page.contains("答复期限：<strong>2025-11-14</strong>"),
            "{page}"
        );
        assert!(page.contains("含延长20个工作日"));
        let close = |outcome: &'static str, ground: &'static str| {
            [
                ("csrf_token", csrf_page.clone()),
                ("kind", "answered".to_string()),
                ("on", "2025-11-10".into()),
                ("outcome", outcome.into()),
                ("ground", ground.into()),
            ]
        };
        for (outcome, ground, expected) in [
            ("", "", "办结须选择办理结果"),
            ("A3_WITHHELD", "", "不予公开须选择理由"),
        ] {
            let fields = close(outcome, ground);
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let refused = clerk.post(&events, &pairs).await;
            assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(refused.body.contains(expected), "{}", refused.body);
        }
        let fields = close("A3_WITHHELD", "process_information");
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(
            clerk.post(&events, &pairs).await.status,
            StatusCode::SEE_OTHER
        );
        let page = clerk.get(&location).await.body;
        assert!(
            page.contains("2025-11-10 办结：不予公开：属于四类过程性信息（第十六条）"),
            "{page}"
        );
        assert!(page.contains("已于2025-11-10答复"));

        let mut other_county = logged_in(&db, "mj.clerk").await;
        assert_eq!(
            other_county.get(&location).await.status,
            StatusCode::FORBIDDEN
        );
        let queue = other_county.get("/admin/foi?show=all").await.body;
        assert!(
            !queue.contains("2025-G441400-002-0001"),
            "not in 梅江区's queue"
        );
        // Closed: gone from the open queue, listed under all.
        assert!(
            !clerk
                .get("/admin/foi")
                .await
                .body
                .contains("2025-G441400-002-0001")
        );
        let own_queue = clerk.get("/admin/foi?show=all").await.body;
        assert!(own_queue.contains("2025-G441400-002-0001") && !own_queue.contains("李四"));
    }
}

#[tokio::test]
async fn the_annual_report_is_filled_in_published_and_downloaded() {
    use fazhi_core::foi::report::Format;
    for db in support::demo_backends().await {
        let rows = crate::foi::ledger(&[
            &[
                "W-1",
                "G441400-002",
                "邮寄",
                "2021-03-01",
                "商业企业",
                "予以公开",
                "2021-03-10",
                "",
                "",
                "",
                "",
                "",
            ],
            &[
                "W-2",
                "G441400-002",
                "当面",
                "2021-12-27",
                "自然人",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
            ],
        ]);
        fazhi_db::foi::import_ledger(
            &db,
            &fazhi_db::Actor::cli("test"),
            fazhi_core::clock::now(),
            &rows,
        )
        .await
        .unwrap();
        let mut public = Browser::new(support::app(&db).await);
        assert_eq!(
            public.get("/foi/reports/G441400-002/2021").await.status,
            StatusCode::NOT_FOUND
        );

        let mut clerk = logged_in(&db, "fb.clerk").await;
        let page = clerk
            .get("/admin/foi/report?agency=G441400-002&year=2021")
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body
                .contains("梅州市人民政府办公室2021年政府信息公开工作年度报告")
        );
        assert!(
            page.body.contains("第二部分尚有10项数据未填报"),
            "{}",
            page.body
        );
        assert!(page.body.contains("四、政府信息公开行政复议、行政诉讼情况"));
        // The R1 total links to the two requests it counts.
        let link = "/admin/foi/report/cell?agency=G441400-002&#38;year=2021&#38;section=3&#38;row=R1&#38;column=6";
        assert!(page.body.contains(link), "{}", page.body);
        let cell = clerk.get(&link.replace("&#38;", "&")).await;
        assert!(
            cell.body.contains("W-1") && cell.body.contains("W-2"),
            "{}",
            cell.body
        );

        let csrf = clerk.csrf("/admin/foi/report").await;
        let bad = [
            ("csrf_token", csrf.as_str()),
            ("agency", "G441400-002"),
            ("year", "2021"),
            ("一", "<script>alert(1)</script>"),
            (
                "二/第二十条第（八）项/行政事业性收费/本年收费金额（单位：万元）",
                "1.234567",
            ),
        ];
        let refused = clerk.post("/admin/foi/report/entries", &bad).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains("最多4位小数"), "{}", refused.body);
        assert_eq!(count(&db, "foi_report_entries").await, 0);

        let mut fields: Vec<(String, String)> = crate::foi::complete_entries(Format::F2021);
        fields.push((
            "一".into(),
            "<script>alert(1)</script>全年依法答复。".into(),
        ));
        let mut pairs: Vec<(&str, &str)> = vec![
            ("csrf_token", &csrf),
            ("agency", "G441400-002"),
            ("year", "2021"),
        ];
        pairs.extend(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let saved = clerk.post("/admin/foi/report/entries", &pairs).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        let page = clerk.get(saved.location.as_deref().unwrap()).await.body;
        assert!(page.contains("已保存填报内容"));
        assert!(
            page.contains("alert(1)") && !page.contains("<script>alert"),
            "escaped"
        );

        let mut reviewer = logged_in(&db, "fb.reviewer").await;
        let csrf = reviewer.csrf("/admin/foi/report").await;
        let publish = [
            ("csrf_token", csrf.as_str()),
            ("agency", "G441400-002"),
            ("year", "2021"),
        ];
        assert_eq!(
            reviewer
                .post("/admin/foi/report/publish", &publish)
                .await
                .status,
            StatusCode::SEE_OTHER
        );

        let list = public.get("/foi/reports").await.body;
        assert!(list.contains("/foi/reports/G441400-002/2021"), "{list}");
        let shown = public.get("/foi/reports/G441400-002/2021").await;
        assert_eq!(shown.status, StatusCode::OK);
        assert!(
            shown.body.contains("全年依法答复。") && !shown.body.contains("/admin/foi/report/cell")
        );

        let docx = public
            .get("/foi/reports/G441400-002/2021/download?format=docx")
            .await;
        assert!(docx.content_type.contains("wordprocessingml"));
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(docx.bytes)).unwrap();
        let mut document = String::new();
        std::io::Read::read_to_string(
            &mut archive.by_name("word/document.xml").unwrap(),
            &mut document,
        )
        .unwrap();
        assert!(document.contains("梅州市人民政府办公室2021年政府信息公开工作年度报告"));
        assert!(
            document.contains("&lt;script&gt;"),
            "text is escaped in the XML"
        );
        assert!(document.contains("三、本年度办理结果"));

        let xlsx = public
            .get("/foi/reports/G441400-002/2021/download?format=xlsx")
            .await;
        use calamine::Reader;
        let mut workbook = calamine::Xlsx::new(std::io::Cursor::new(xlsx.bytes)).unwrap();
        let sheet = workbook.worksheet_range("年度报告").unwrap();
        let texts: Vec<String> = sheet
            .rows()
            .flat_map(|r| r.iter().map(|c| c.to_string()))
            .collect();
        assert!(
            texts
                .iter()
                .any(|t| t == "一、本年新收政府信息公开申请数量")
        );
        assert!(
            texts
                .iter()
                .any(|t| t == "梅州市人民政府办公室2021年政府信息公开工作年度报告")
        );

        let json = public
            .get("/foi/reports/G441400-002/2021/download?format=json")
            .await;
        let value: serde_json::Value = serde_json::from_slice(&json.bytes).unwrap();
        assert_eq!(value["section_three"]["rows"][0]["values"][6], 2);
        assert_eq!(
            value["section_three"]["rows"][0]["cases"][6]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        assert_eq!(
            public
                .get("/foi/reports/G441400-002/2021/download?format=pdf")
                .await
                .status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
}

#[tokio::test]
async fn an_online_application_is_submitted_once_confirmed_by_staff_and_followed_by_its_link() {
    for db in support::demo_backends().await {
        let mut public = Browser::new(support::app(&db).await);
        let form = public.get("/foi/apply").await;
        assert_eq!(form.status, StatusCode::OK);
        let csrf = support::csrf_of(&form.body);
        let key_at =
            form.body.find("name=\"key\" value=\"").unwrap() + "name=\"key\" value=\"".len();
        let key = form.body[key_at..key_at + 64].to_string();
        let fields = |contact: &'static str| {
            vec![
                ("csrf_token", csrf.clone()),
                ("key", key.clone()),
                ("agency_code", "G441400-002".to_string()),
                ("applicant_type", "自然人".into()),
                ("applicant_name", "赵六".into()),
                ("contact", contact.into()),
                ("description", "2025年市级财政专项资金分配表".into()),
                ("purpose", String::new()),
                ("form_requested", "电子邮件".into()),
            ]
        };
        let no_contact = fields("");
        let pairs: Vec<(&str, &str)> = no_contact.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let refused = public.post("/foi/apply", &pairs).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains("联系方式"), "{}", refused.body);
        assert_eq!(count(&db, "foi_submissions").await, 0);

        let good = fields("zhao6@example.cn");
        let pairs: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let sent = public.post("/foi/apply", &pairs).await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
        let tracking = sent.location.clone().unwrap();
        assert_eq!(tracking, format!("/foi/track/{key}?new=1"));
        // A double click sends the same form again: the same submission, nothing new.
        let again = public.post("/foi/apply", &pairs).await;
        assert_eq!(again.location.as_deref(), Some(tracking.as_str()));
        assert_eq!(count(&db, "foi_submissions").await, 1);
        assert_eq!(
            count(&db, "foi_requests").await,
            0,
            "not received until confirmed"
        );

        let page = public.get(&tracking).await;
        assert!(page.body.contains("待工作人员与您确认"), "{}", page.body);
        assert!(
            !page.body.contains("赵六") && !page.body.contains("zhao6@"),
            "no personal data"
        );
        let bad_key = "0".repeat(64);
        assert_eq!(
            public.get(&format!("/foi/track/{bad_key}")).await.status,
            StatusCode::NOT_FOUND
        );

        let mut clerk = logged_in(&db, "fb.clerk").await;
        let queue = clerk.get("/admin/foi").await.body;
        assert!(queue.contains("待确认的网上申请：1件"), "{queue}");
        let id = fazhi_db::foi_online::unconfirmed(&db, None).await.unwrap()[0].id;
        let mut other_county = logged_in(&db, "mj.clerk").await;
        assert_eq!(
            other_county
                .get(&format!("/admin/foi/submissions/{id}"))
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        assert!(
            !other_county
                .get("/admin/foi")
                .await
                .body
                .contains("待确认的网上申请")
        );
        let shown = clerk
            .get(&format!("/admin/foi/submissions/{id}"))
            .await
            .body;
        assert!(shown.contains("赵六") && shown.contains("zhao6@example.cn"));

        let csrf = clerk.csrf(&format!("/admin/foi/submissions/{id}")).await;
        let today = fazhi_core::clock::beijing_today().to_string();
        let confirm = format!("/admin/foi/submissions/{id}/confirm");
        let early = clerk
            .post(
                &confirm,
                &[
                    ("csrf_token", &csrf),
                    ("confirmed_on", "2020-01-01"),
                    ("method", "电话"),
                ],
            )
            .await;
        assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(count(&db, "foi_requests").await, 0);
        let done = clerk
            .post(
                &confirm,
                &[
                    ("csrf_token", &csrf),
                    ("confirmed_on", &today),
                    ("method", "电话"),
                ],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        assert_eq!(count(&db, "foi_requests").await, 1);
        let twice = clerk
            .post(
                &confirm,
                &[
                    ("csrf_token", &csrf),
                    ("confirmed_on", &today),
                    ("method", "电话"),
                ],
            )
            .await;
        assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(count(&db, "foi_requests").await, 1);

        let followed = public.get(&format!("/foi/track/{key}")).await.body;
        assert!(
            followed.contains("答复期限")
                && followed.contains(&format!("收到申请之日</dt><dd>{today}")),
            "{followed}"
        );
        assert!(!followed.contains("赵六"));
    }
}

#[tokio::test]
async fn only_a_reviewer_decides_a_fee_and_the_page_estimates_both_methods() {
    for db in support::demo_backends().await {
        let new = fazhi_db::foi::NewRequest {
            agency_code: "G441400-002".into(),
            channel: fazhi_core::foi::Channel::InPerson,
            arrived_on: chrono::NaiveDate::from_ymd_opt(2025, 3, 3).unwrap(),
            confirmed_on: None,
            applicant_type: "自然人".into(),
            applicant_name: "钱七".into(),
            contact: "0753-2000000".into(),
            description: "测试".into(),
            purpose: String::new(),
            form_requested: "纸质".into(),
        };
        let request =
            fazhi_db::foi::create_request(&db, &Actor::cli("test"), fazhi_core::clock::now(), &new)
                .await
                .unwrap();
        let page = format!("/admin/foi/{}", request.id);
        let mut clerk = logged_in(&db, "fb.clerk").await;
        let shown = clerk.get(&format!("{page}?pages=250")).await.body;
        assert!(
            shown.contains("按件计收可收0元") && shown.contains("按量计收250页可收4700元"),
            "{shown}"
        );
        assert!(
            !shown.contains("作出收费决定"),
            "a clerk does not decide fees"
        );
        let csrf = clerk.csrf(&page).await;
        let fields = [
            ("csrf_token", csrf.as_str()),
            ("method", "per_page"),
            ("pages", "250"),
            ("decided_on", "2025-03-10"),
        ];
        let fee = format!("{page}/fee");
        assert_eq!(
            clerk.post(&fee, &fields).await.status,
            StatusCode::FORBIDDEN
        );
        let mut reviewer = logged_in(&db, "fb.reviewer").await;
        let csrf = reviewer.csrf(&page).await;
        let mut approved = fields;
        approved[0] = ("csrf_token", csrf.as_str());
        assert_eq!(
            reviewer.post(&fee, &approved).await.status,
            StatusCode::SEE_OTHER
        );
        let decided = reviewer.get(&page).await.body;
        assert!(
            decided.contains("按量计收信息处理费 <strong>4700元</strong>"),
            "{decided}"
        );
        let mut other_county = logged_in(&db, "mj.clerk").await;
        let csrf = other_county.csrf("/admin/foi").await;
        let mut foreign = fields;
        foreign[0] = ("csrf_token", csrf.as_str());
        assert_eq!(
            other_county.post(&fee, &foreign).await.status,
            StatusCode::FORBIDDEN
        );
    }
}

#[tokio::test]
async fn the_reply_letter_is_drafted_from_the_outcome_and_its_delivery_recorded() {
    use fazhi_core::foi::{ClockEvent, Ground, Outcome, OutcomeCode};
    for db in support::demo_backends().await {
        let date = |text: &str| chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap();
        let new = fazhi_db::foi::NewRequest {
            agency_code: "G441400-002".into(),
            channel: fazhi_core::foi::Channel::InPerson,
            arrived_on: date("2025-09-15"),
            confirmed_on: None,
            applicant_type: "自然人".into(),
            applicant_name: "孙八".into(),
            contact: "0753-2000001".into(),
            description: "某企业的环评报告全文".into(),
            purpose: String::new(),
            form_requested: "纸质".into(),
        };
        let actor = Actor::cli("test");
        let request = fazhi_db::foi::create_request(&db, &actor, fazhi_core::clock::now(), &new)
            .await
            .unwrap();
        let page = format!("/admin/foi/{}", request.id);
        let mut clerk = logged_in(&db, "fb.clerk").await;
        let early = clerk.get(&format!("{page}/reply.docx")).await;
        assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(early.body.contains("尚未办结"), "{}", early.body);
        let answered = ClockEvent::Answered {
            on: date("2025-10-09"),
            outcome: Outcome {
                code: OutcomeCode::Withheld,
                ground: Some(Ground::ThirdPartyRights),
                note: "第三方不同意公开，且不公开不会对公共利益造成重大影响。".into(),
            },
        };
        fazhi_db::foi::add_event(
            &db,
            &actor,
            fazhi_core::clock::now(),
            request.id,
            &answered,
            date("2025-10-09"),
        )
        .await
        .unwrap();
        let letter = clerk.get(&format!("{page}/reply.docx")).await;
        assert_eq!(letter.status, StatusCode::OK);
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(letter.bytes)).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut archive.by_name("word/document.xml").unwrap(), &mut xml)
            .unwrap();
        for expected in [
            "政府信息公开申请答复书",
            "孙八：",
            "2025年9月15日",
            "保护第三方合法权益（第十五条）",
            "第三十六条第（三）项",
            "第三方不同意公开",
            "2025年10月9日",
        ] {
            assert!(xml.contains(expected), "{expected} missing");
        }
        let mut other_county = logged_in(&db, "mj.clerk").await;
        assert_eq!(
            other_county.get(&format!("{page}/reply.docx")).await.status,
            StatusCode::FORBIDDEN
        );

        let csrf = clerk.csrf(&page).await;
        let deliveries = format!("{page}/deliveries");
        let before = clerk
            .post(
                &deliveries,
                &[
                    ("csrf_token", &csrf),
                    ("method", "邮寄"),
                    ("delivered_on", "2025-10-01"),
                    ("reference", ""),
                ],
            )
            .await;
        assert_eq!(before.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            before
                .body
                .contains("送达日期应在答复日期2025-10-09至今天之间")
        );
        assert_eq!(count(&db, "foi_deliveries").await, 0);
        let sent = clerk
            .post(
                &deliveries,
                &[
                    ("csrf_token", &csrf),
                    ("method", "邮寄"),
                    ("delivered_on", "2025-10-11"),
                    ("reference", "EMS 1234567890"),
                ],
            )
            .await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER);
        assert!(
            clerk
                .get(&page)
                .await
                .body
                .contains("2025-10-11 邮寄（EMS 1234567890）")
        );
    }
}

#[tokio::test]
async fn a_calendar_change_shows_the_new_due_date_until_a_person_confirms_it() {
    for db in support::demo_backends().await {
        let date = |text: &str| chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap();
        let new = fazhi_db::foi::NewRequest {
            agency_code: "G441400-002".into(),
            channel: fazhi_core::foi::Channel::InPerson,
            arrived_on: date("2026-12-21"),
            confirmed_on: None,
            applicant_type: "自然人".into(),
            applicant_name: "周九".into(),
            contact: "0753-2000002".into(),
            description: "测试".into(),
            purpose: String::new(),
            form_requested: "纸质".into(),
        };
        let request =
            fazhi_db::foi::create_request(&db, &Actor::cli("test"), fazhi_core::clock::now(), &new)
                .await
                .unwrap();
        assert_eq!(
            request.acknowledged_due,
            Some(date("2027-01-18")),
            "2027 has weekends only so far"
        );
        let page = format!("/admin/foi/{}", request.id);
        let mut clerk = logged_in(&db, "fb.clerk").await;
        assert!(
            !clerk
                .get(&page)
                .await
                .body
                .contains("节假日安排或法定参数已变更")
        );

        // The 2027 notice makes 1 January a holiday: the derived date moves, the seen one stays.
        let notice = fazhi_core::calendar::Notice {
            year: 2027,
            title: "测试用：2027年节假日安排（虚构）".into(),
            doc_number: None,
            issued: date("2026-11-20"),
            url: None,
            amends: None,
        };
        fazhi_db::calendar::import_notice(
            &db,
            &Actor::cli("test"),
            fazhi_core::clock::now(),
            notice,
            "date,kind,name\n2027-01-01,holiday,元旦\n2027-01-02,holiday,元旦\n2027-01-03,holiday,元旦\n",
        )
        .await
        .unwrap();
        let shown = clerk.get(&page).await.body;
        assert!(
            shown.contains(
                "答复期限由 <strong>2027-01-18</strong> 变为 <strong>2027-01-19</strong>"
            ),
            "{shown}"
        );
        assert!(
            clerk
                .get("/admin/foi")
                .await
                .body
                .contains("期限变更待确认：2027-01-18 → 2027-01-19")
        );
        let csrf = clerk.csrf(&page).await;
        let confirmed = clerk
            .post(&format!("{page}/due"), &[("csrf_token", &csrf)])
            .await;
        assert_eq!(confirmed.status, StatusCode::SEE_OTHER);
        assert!(
            !clerk
                .get(&page)
                .await
                .body
                .contains("节假日安排或法定参数已变更")
        );
        let again = clerk
            .post(&format!("{page}/due"), &[("csrf_token", &csrf)])
            .await;
        assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
        let logged: i64 = fazhi_db::on_pool!(&db, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'foi_request.confirm_due' AND summary LIKE '%由2027-01-18变为2027-01-19%'")
                .fetch_one(pool)
                .await
        })
        .unwrap();
        assert_eq!(logged, 1);
    }
}

#[tokio::test]
async fn the_rule_of_law_figures_count_requests_per_agency_and_link_to_them() {
    for db in support::demo_backends().await {
        fazhi::demo_foi::load(&db, &Actor::cli("demo"))
            .await
            .unwrap();
        let rows = crate::foi::ledger(&[&[
            "F-1",
            "G441400-003",
            "邮寄",
            "2020-03-01",
            "自然人",
            "予以公开",
            "2020-03-10",
            "",
            "",
            "",
            "",
            "",
        ]]);
        fazhi_db::foi::import_ledger(&db, &Actor::cli("test"), fazhi_core::clock::now(), &rows)
            .await
            .unwrap();
        let today = fazhi_core::clock::beijing_today();
        let figures = fazhi_db::foi_figures::figures(&db, None, 2020, today)
            .await
            .unwrap();
        let office = figures
            .iter()
            .find(|f| f.agency_code == "G441400-002")
            .unwrap();
        assert_eq!((office.received.len(), office.closed.len()), (16, 15));
        assert_eq!(
            office.on_time.len() + office.late.len() + office.timeliness_unknown.len(),
            office.closed.len()
        );
        assert_eq!(office.by_outcome.values().map(Vec::len).sum::<usize>(), 15);
        let department = figures
            .iter()
            .find(|f| f.agency_code == "G441400-003")
            .unwrap();
        assert_eq!(department.timeliness_unknown.len(), 1);
        assert_eq!(
            department.by_outcome.keys().collect::<Vec<_>>(),
            ["予以公开"]
        );

        let mut leader = logged_in(&db, "leader").await;
        let page = leader.get("/admin/foi/figures?year=2020").await;
        assert_eq!(page.status, StatusCode::OK);
        let link = "/admin/foi/figures/cases?year=2020&#38;agency=G441400-002&#38;figure=received";
        assert!(page.body.contains(link), "{}", page.body);
        let cases = leader.get(&link.replace("&#38;", "&")).await.body;
        assert!(cases.contains("共16件申请"), "{cases}");
        let xlsx = leader.get("/admin/foi/figures?year=2020&format=xlsx").await;
        use calamine::Reader;
        let mut workbook = calamine::Xlsx::new(std::io::Cursor::new(xlsx.bytes)).unwrap();
        let sheet = workbook.worksheet_range_at(0).unwrap().unwrap();
        assert_eq!(sheet.get((0, 2)).unwrap().to_string(), "新收申请");
        // A county clerk sees its county's agencies only.
        let mut county = logged_in(&db, "mj.clerk").await;
        let seen = county.get("/admin/foi/figures?year=2020").await.body;
        assert!(!seen.contains("agency=G441400-002"), "{seen}");
    }
}

#[tokio::test]
async fn a_document_is_drafted_reviewed_published_and_withdrawn_on_the_pages() {
    for db in support::demo_backends().await {
        let mut clerk = logged_in(&db, "fb.clerk").await;
        let csrf = clerk.csrf("/admin/documents/new").await;
        let fields = |doc_number: &'static str, written: &'static str| {
            vec![
                ("csrf_token", csrf.clone()),
                ("agency_code", "G441400-002".to_string()),
                ("title", "关于<script>某某</script>工作的通知".into()),
                ("doc_number", doc_number.into()),
                ("written_on", written.into()),
                ("formed_on", String::new()),
                ("formed_reason", String::new()),
                ("subject", "综合政务".into()),
                ("genre", "通知".into()),
                ("disclosure", "主动公开".into()),
                ("withhold_ground", String::new()),
                ("body", "第一段。\n第二段。".into()),
            ]
        };
        let bad = fields("梅市府办函〔20〕43号", "2025-09-15");
        let pairs: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let refused = clerk.post("/admin/documents/new", &pairs).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused.body.contains("年份应为四位数字"),
            "{}",
            refused.body
        );
        assert_eq!(count(&db, "documents").await, 0);

        let good = fields("梅市府办函（2025）43号", "2025-09-15");
        let pairs: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let created = clerk.post("/admin/documents/new", &pairs).await;
        assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
        let page = created.location.clone().unwrap();
        let shown = clerk.get(&page).await.body;
        assert!(
            shown.contains("梅市府办函〔2025〕43号（原文写作 梅市府办函（2025）43号）"),
            "{shown}"
        );
        assert!(
            shown.contains("2025-10-17") && !shown.contains("<script>某某"),
            "deadline shown, title escaped"
        );
        let id = page.rsplit('/').next().unwrap().to_string();
        let mut public = Browser::new(support::app(&db).await);
        assert_eq!(
            public.get(&format!("/documents/{id}")).await.status,
            StatusCode::NOT_FOUND,
            "a draft is not public"
        );
        let listed = clerk.get("/admin/documents").await.body;
        assert!(listed.contains("超过公开期限尚未发布：1件"), "{listed}");

        let csrf_page = clerk.csrf(&page).await;
        assert_eq!(
            clerk
                .post(&format!("{page}/submit"), &[("csrf_token", &csrf_page)])
                .await
                .status,
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            clerk
                .post(&format!("{page}/publish"), &[("csrf_token", &csrf_page)])
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        let mut other_county = logged_in(&db, "mj.clerk").await;
        assert_eq!(other_county.get(&page).await.status, StatusCode::FORBIDDEN);
        let mut reviewer = logged_in(&db, "fb.reviewer").await;
        let csrf_review = reviewer.csrf(&page).await;
        assert_eq!(
            reviewer
                .post(&format!("{page}/publish"), &[("csrf_token", &csrf_review)])
                .await
                .status,
            StatusCode::SEE_OTHER
        );

        let today = fazhi_core::clock::beijing_today().to_string();
        let public_page = public.get(&format!("/documents/{id}")).await.body;
        for label in [
            "索引号",
            "主题分类",
            "发布机构",
            "成文日期",
            "名称",
            "文号",
            "发布日期",
            "有效性",
            "公开方式",
        ] {
            assert!(
                public_page.contains(&format!("<th scope=\"row\">{label}</th>")),
                "{label}"
            );
        }
        assert!(public_page.contains(&today) && public_page.contains("<p>第二段。</p>"));
        assert!(
            public
                .get("/documents")
                .await
                .body
                .contains(&format!("/documents/{id}"))
        );
        let feed = public.get("/documents/feed.atom").await;
        assert!(feed.content_type.starts_with("application/atom+xml"));
        assert!(
            feed.body
                .contains("<title>关于&lt;script&gt;某某&lt;/script&gt;工作的通知</title>"),
            "{}",
            feed.body
        );
        assert!(
            feed.body
                .contains(&format!("<id>http://fazhi.test/documents/{id}</id>"))
        );
        let sitemap = public.get("/sitemap.xml").await.body;
        assert!(
            sitemap.contains(&format!(
                "<url><loc>http://fazhi.test/documents/{id}</loc><lastmod>"
            )),
            "{sitemap}"
        );
        assert!(sitemap.contains("<loc>http://fazhi.test/powers</loc>"));

        let empty = reviewer
            .post(
                &format!("{page}/withdraw"),
                &[("csrf_token", &csrf_review), ("notice", "")],
            )
            .await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        let withdrawn = reviewer
            .post(
                &format!("{page}/withdraw"),
                &[("csrf_token", &csrf_review), ("notice", "已被新文件替代")],
            )
            .await;
        assert_eq!(withdrawn.status, StatusCode::SEE_OTHER);
        let after = public.get(&format!("/documents/{id}")).await.body;
        assert!(
            after.contains("本文件已撤回：已被新文件替代") && !after.contains("<p>第二段。</p>")
        );
        assert!(
            !public
                .get("/documents/feed.atom")
                .await
                .body
                .contains("<entry>"),
            "withdrawn: out of the feed"
        );
    }
}

/// Creates and publishes a policy document of the city office directly in the database.
async fn published_policy_document(
    db: &Db,
    title: &str,
    number: &str,
) -> fazhi_db::documents::DocumentRow {
    let actor = Actor::cli("test");
    let now = fazhi_core::clock::now();
    let written = chrono::NaiveDate::from_ymd_opt(2020, 2, 28).unwrap();
    let new = fazhi_db::documents::NewDocument {
        agency_code: "G441400-002".into(),
        title: title.into(),
        doc_number: number.into(),
        written_on: written,
        formed: None,
        subject: "综合政务".into(),
        genre: "通知".into(),
        disclosure: fazhi_core::openness::Disclosure::Proactive,
        withhold_ground: None,
        needs_interpretation: true,
        body: "为进一步优化营商环境，市政府决定在全市推行企业开办一网通办。".into(),
    };
    let created = fazhi_db::documents::create(db, &actor, now, written, &new)
        .await
        .unwrap();
    fazhi_db::documents::submit(db, &actor, now, created.id)
        .await
        .unwrap();
    fazhi_db::documents::publish(db, &actor, now, created.id, written)
        .await
        .unwrap();
    created
}

#[tokio::test]
async fn an_interpretation_is_written_published_and_linked_both_ways_on_the_pages() {
    for db in support::demo_backends().await {
        let document =
            published_policy_document(&db, "关于推行企业开办一网通办的通知", "梅市府〔2020〕7号")
                .await;
        let unexplained =
            published_policy_document(&db, "关于优化工程建设项目审批的通知", "梅市府〔2020〕8号")
                .await;
        let mut clerk = logged_in(&db, "fb.clerk").await;
        let form = clerk
            .get(&format!(
                "/admin/interpretations/new?document={}",
                document.id
            ))
            .await
            .body;
        let index_no = fazhi_db::documents::document(&db, document.id)
            .await
            .unwrap()
            .unwrap()
            .index_no;
        assert!(form.contains(&index_no), "index number filled in: {form}");
        let csrf = support::csrf_of(&form);
        let fields = |documents: &str| {
            vec![
                ("csrf_token", csrf.clone()),
                ("agency_code", "G441400-002".to_string()),
                ("title", "<script>解读</script>企业开办一网通办".into()),
                ("form", "文字解读".into()),
                ("documents", documents.into()),
                (
                    "body",
                    "问：有什么变化？\n答：网上填一次表，一天拿到执照。".into(),
                ),
            ]
        };
        for (documents, message) in [
            ("", "请填写所解读文件的索引号"),
            (
                "不存在/2020-00001",
                "索引号为“不存在/2020-00001”的文件不存在",
            ),
        ] {
            let bad = fields(documents);
            let pairs: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let refused = clerk.post("/admin/interpretations/new", &pairs).await;
            assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(refused.body.contains(message), "{}", refused.body);
            assert!(refused.body.contains("网上填一次表"), "the text is kept");
        }
        assert_eq!(count(&db, "interpretations").await, 0);
        let good = fields(&format!("{index_no}\n{index_no}"));
        let pairs: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let created = clerk.post("/admin/interpretations/new", &pairs).await;
        assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
        let page = created.location.unwrap();
        let id = page.rsplit('/').next().unwrap().to_string();
        let mut public = Browser::new(support::app(&db).await);
        assert_eq!(
            public.get(&format!("/interpretations/{id}")).await.status,
            StatusCode::NOT_FOUND,
            "a draft is not public"
        );
        let csrf_clerk = clerk.csrf(&page).await;
        assert_eq!(
            clerk
                .post(&format!("{page}/publish"), &[("csrf_token", &csrf_clerk)])
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        let mut reviewer = logged_in(&db, "fb.reviewer").await;
        let csrf_review = reviewer.csrf(&page).await;
        assert_eq!(
            reviewer
                .post(&format!("{page}/publish"), &[("csrf_token", &csrf_review)])
                .await
                .status,
            StatusCode::SEE_OTHER
        );

        let document_page = public
            .get(&format!("/documents/{}", document.id))
            .await
            .body;
        assert!(
            document_page.contains(&format!(
                "<a href=\"/interpretations/{id}\">&#60;script&#62;解读"
            )),
            "{document_page}"
        );
        let interpretation_page = public.get(&format!("/interpretations/{id}")).await.body;
        assert!(
            interpretation_page.contains(&format!(
                "<a href=\"/documents/{}\" rel=\"up\">",
                document.id
            )),
            "{interpretation_page}"
        );
        assert!(
            public
                .get("/interpretations")
                .await
                .body
                .contains(&format!("/interpretations/{id}"))
        );
        assert!(
            public
                .get("/sitemap.xml")
                .await
                .body
                .contains(&format!("/interpretations/{id}</loc>"))
        );

        let mut leader = logged_in(&db, "leader").await;
        let check = leader.get("/admin/interpretations/check?year=2020").await;
        assert_eq!(check.status, StatusCode::OK);
        assert!(
            check
                .body
                .contains(&format!("<a href=\"/admin/documents/{}\">", unexplained.id))
                && check.body.contains("缺少解读"),
            "{}",
            check.body
        );
        assert!(
            check.body.contains("50.0%"),
            "one of two documents explained"
        );
        assert!(
            check.body.contains("解读形式单一"),
            "its only interpretation is text"
        );
        // A county clerk sees no finding about the city office's records.
        let mut county = logged_in(&db, "mj.clerk").await;
        let seen = county
            .get("/admin/interpretations/check?year=2020")
            .await
            .body;
        assert!(seen.contains("发现的问题：0项"), "{seen}");
    }
}

#[tokio::test]
async fn a_consultation_takes_comments_from_the_public_and_shows_them_after_moderation() {
    for db in support::demo_backends().await {
        let today = fazhi_core::clock::beijing_today();
        let later = |days: u64| (today + chrono::Days::new(days)).to_string();
        let mut clerk = logged_in(&db, "fb.clerk").await;
        let csrf = clerk.csrf("/admin/consultations/new").await;
        let fields = |kind: &str, closes: String| {
            vec![
                ("csrf_token", csrf.clone()),
                ("agency_code", "G441400-002".to_string()),
                (
                    "title",
                    "《梅州市城市绿化管理办法（征求意见稿）》征求意见".into(),
                ),
                ("kind", kind.into()),
                ("opens_on", today.to_string()),
                ("closes_on", closes),
                ("short_reason", String::new()),
                (
                    "draft_text",
                    "第一条 为了加强城市绿化管理……\n第二条 本办法适用于本市。".into(),
                ),
            ]
        };
        let short = fields("decision", later(5));
        let pairs: Vec<(&str, &str)> = short.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let refused = clerk.post("/admin/consultations/new", &pairs).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains("一般不少于30日"), "{}", refused.body);
        assert_eq!(count(&db, "consultations").await, 0);
        let good = fields("other", later(40));
        let pairs: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let created = clerk.post("/admin/consultations/new", &pairs).await;
        assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
        let page = created.location.unwrap();
        let id = page.rsplit('/').next().unwrap().to_string();
        let public_path = format!("/consultations/{id}");
        let mut public = Browser::new(support::app(&db).await);
        assert_eq!(public.get(&public_path).await.status, StatusCode::NOT_FOUND);
        let mut reviewer = logged_in(&db, "fb.reviewer").await;
        let csrf_review = reviewer.csrf(&page).await;
        let published = reviewer
            .post(&format!("{page}/publish"), &[("csrf_token", &csrf_review)])
            .await;
        assert_eq!(published.status, StatusCode::SEE_OTHER);

        let form = public.get(&public_path).await.body;
        assert!(
            form.contains("<option value=\"第二条\">第二条</option>"),
            "{form}"
        );
        let csrf_public = support::csrf_of(&form);
        let key = support::hidden_value(&form, "key");
        let comment = [
            ("csrf_token", csrf_public.as_str()),
            ("key", key.as_str()),
            ("section", "第二条"),
            (
                "content",
                "<b>建议</b>适用范围包括各县城区。电话13812345678",
            ),
            ("commenter_type", "公民"),
            ("commenter_name", "李四"),
            ("commenter_contact", "lisi@example.com"),
        ];
        for _ in 0..2 {
            let sent = public.post(&public_path, &comment).await;
            assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
        }
        assert_eq!(
            count(&db, "consultation_comments").await,
            1,
            "sent twice, kept once"
        );
        let bad = public
            .post(
                &public_path,
                &[
                    ("csrf_token", csrf_public.as_str()),
                    ("key", &"a".repeat(64)),
                    ("section", "第九条"),
                    ("content", "意见"),
                    ("commenter_type", "公民"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("征求意见稿中没有“第九条”"));
        let before_moderation = public.get(&format!("{public_path}?sent=1")).await.body;
        assert!(before_moderation.contains("您的意见已收到"));
        assert!(
            before_moderation.contains("暂无公开的意见"),
            "pending: not shown"
        );

        let staff_page = clerk.get(&page).await.body;
        assert!(staff_page.contains("李四") && staff_page.contains("13812345678"));
        assert!(staff_page.contains("&#60;b&#62;建议"), "escaped");
        let comment_id = fazhi_db::consultations::comments(&db, id.parse().unwrap())
            .await
            .unwrap()[0]
            .id;
        let moderate = format!("{page}/comments/{comment_id}/moderate");
        let csrf_clerk = clerk.csrf(&page).await;
        let still_personal = clerk
            .post(
                &moderate,
                &[
                    ("csrf_token", &csrf_clerk),
                    ("decision", "show"),
                    ("public_text", "电话13812345678"),
                ],
            )
            .await;
        assert_eq!(still_personal.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(still_personal.body.contains("仍有身份证号或电话号码"));
        let masked = fazhi_db::consultations::comment(&db, comment_id)
            .await
            .unwrap()
            .unwrap()
            .public_text;
        let shown = clerk
            .post(
                &moderate,
                &[
                    ("csrf_token", &csrf_clerk),
                    ("decision", "show"),
                    ("public_text", &masked),
                ],
            )
            .await;
        assert_eq!(shown.status, StatusCode::SEE_OTHER);
        let after = public.get(&public_path).await.body;
        assert!(after.contains("[电话号码已隐去]"), "{after}");
        assert!(
            !after.contains("13812345678") && !after.contains("李四") && !after.contains("lisi@")
        );
        assert!(after.contains("&#60;b&#62;建议"), "escaped");
        // Another county's clerk may not moderate the city office's comments.
        let mut county = logged_in(&db, "mj.clerk").await;
        let csrf_county = county.csrf("/admin").await;
        let foreign = county
            .post(
                &moderate,
                &[("csrf_token", &csrf_county), ("decision", "withhold")],
            )
            .await;
        assert_eq!(foreign.status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn a_closed_consultation_is_decided_and_its_feedback_published_on_the_pages() {
    use fazhi_db::consultations::{NewComment, NewConsultation};
    for db in support::demo_backends().await {
        let actor = Actor::cli("test");
        let now = fazhi_core::clock::now();
        let day = |text: &str| chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap();
        let id = fazhi_db::consultations::create(
            &db,
            &actor,
            now,
            &NewConsultation {
                agency_code: "G441400-002".into(),
                title: "梅州市养犬管理规定（草案）征求意见".into(),
                kind: fazhi_core::consultation::DraftKind::Rule,
                draft_text: "第一条 为了规范养犬行为……".into(),
                opens_on: day("2024-03-01"),
                closes_on: day("2024-04-01"),
                short_reason: String::new(),
            },
        )
        .await
        .unwrap();
        fazhi_db::consultations::publish(&db, &actor, now, id, day("2024-02-28"))
            .await
            .unwrap();
        let comment = fazhi_db::consultations::add_comment(
            &db,
            &actor,
            now,
            day("2024-03-05"),
            id,
            &NewComment {
                channel: "信函".into(),
                received_on: day("2024-03-05"),
                commenter_type: "公民".into(),
                commenter_name: "王五".into(),
                commenter_contact: String::new(),
                section: "第一条".into(),
                content: "建议明确禁止饲养的犬只品种。".into(),
            },
            None,
        )
        .await
        .unwrap();
        let page = format!("/admin/consultations/{id}");
        let mut clerk = logged_in(&db, "fb.clerk").await;
        let csrf = clerk.csrf(&page).await;
        let no_reason = clerk
            .post(
                &format!("{page}/comments/{comment}/dispose"),
                &[
                    ("csrf_token", &csrf),
                    ("disposition", "not_adopted"),
                    ("reason", ""),
                ],
            )
            .await;
        assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(no_reason.body.contains("未采纳的意见须说明理由"));
        for (path, fields) in [
            (
                format!("{page}/comments/{comment}/moderate"),
                vec![
                    ("decision", "show"),
                    ("public_text", "建议明确禁止饲养的犬只品种。"),
                ],
            ),
            (
                format!("{page}/comments/{comment}/dispose"),
                vec![("disposition", "adopted"), ("reason", "已在第五条列明。")],
            ),
        ] {
            let mut all = vec![("csrf_token", csrf.as_str())];
            all.extend(fields);
            assert_eq!(clerk.post(&path, &all).await.status, StatusCode::SEE_OTHER);
        }
        assert!(
            clerk
                .get(&page)
                .await
                .body
                .contains("征求意见期间共收到意见1条")
        );
        assert_eq!(
            clerk
                .post(&format!("{page}/feedback"), &[("csrf_token", &csrf)])
                .await
                .status,
            StatusCode::FORBIDDEN,
            "publishing is the reviewer's"
        );
        let mut reviewer = logged_in(&db, "fb.reviewer").await;
        let csrf_review = reviewer.csrf(&page).await;
        assert_eq!(
            reviewer
                .post(&format!("{page}/feedback"), &[("csrf_token", &csrf_review)])
                .await
                .status,
            StatusCode::SEE_OTHER
        );
        let public = Browser::new(support::app(&db).await)
            .get(&format!("/consultations/{id}"))
            .await
            .body;
        assert!(public.contains("意见采纳情况反馈（"), "{public}");
        assert!(public.contains("<td>建议明确禁止饲养的犬只品种。</td>"));
        assert!(public.contains("<td>采纳</td><td>已在第五条列明。</td>"));
        assert!(!public.contains("王五"));
        assert!(!public.contains("提交意见"), "closed: no form");
    }
}

/// An xlsx file with a header row and the given rows.
fn xlsx_of(rows: &[Vec<&str>]) -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *value).unwrap();
        }
    }
    workbook.save_to_buffer().unwrap()
}

#[tokio::test]
async fn a_town_catalogue_is_drafted_imported_from_xlsx_and_published() {
    use fazhi_core::catalogue::COLUMNS;
    for db in support::demo_backends().await {
        let mut clerk = logged_in(&db, "mj.clerk").await;
        let town = clerk.get("/admin/catalogues?division=441402004").await.body;
        assert!(
            town.contains("aria-label=\"按标准指引编制扶贫领域目录\""),
            "{town}"
        );
        let csrf = support::csrf_of(&town);
        let fields = [
            ("csrf_token", csrf.as_str()),
            ("division", "441402004"),
            ("area", "扶贫"),
            ("agency_code", "G441402004-001"),
        ];
        add_clerk(&db, "dabu.clerk", "G441422-002", "441422").await;
        let mut other_county = Browser::new(support::app(&db).await);
        other_county.login("dabu.clerk", "test-user-2026").await;
        let csrf_other = other_county.csrf("/admin").await;
        let mut foreign = fields;
        foreign[0] = ("csrf_token", csrf_other.as_str());
        assert_eq!(
            other_county
                .post("/admin/catalogues/new", &foreign)
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        let created = clerk.post("/admin/catalogues/new", &fields).await;
        assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
        let page = created.location.unwrap();
        let id: i64 = page.rsplit('/').next().unwrap().parse().unwrap();
        let template_entries = fazhi_db::catalogues::entries(&db, id).await.unwrap();
        assert_eq!(template_entries, fazhi_core::catalogue::template("扶贫"));

        let export = clerk.get(&format!("{page}/xlsx")).await;
        use calamine::Reader;
        let mut workbook = calamine::Xlsx::new(std::io::Cursor::new(export.bytes.clone())).unwrap();
        let sheet = workbook.worksheet_range_at(0).unwrap().unwrap();
        assert_eq!(sheet.get((0, 1)).unwrap().to_string(), "一级事项");
        assert_eq!(sheet.height(), 1 + template_entries.len());

        let mut header = vec!["序号"];
        header.extend(COLUMNS);
        let good = vec![
            "1",
            "扶贫对象",
            "",
            "村级贫困户名单",
            "《关于打赢脱贫攻坚战三年行动的指导意见》",
            "信息形成或者变更之日起20个工作日内",
            "江南街道办事处",
            "社区/企事业单位/村公示栏（电子屏）",
            "特定群众",
            "主动",
            "乡级、村级",
        ];
        let bad = vec![
            "2",
            "",
            "",
            "内容",
            "依据",
            "实时",
            "江南街道办事处",
            "微博",
            "全社会",
            "主动",
            "乡级",
        ];
        let csrf_page = clerk.csrf(&page).await;
        let import = format!("{page}/import");
        for (name, bytes, message) in [
            (
                "目录.xlsx",
                xlsx_of(&[header.clone(), good.clone(), bad]),
                "表格有2处问题，未导入任何条目",
            ),
            (
                "目录.xlsx",
                b"not a spreadsheet".to_vec(),
                "的内容不是xlsx表格",
            ),
            (
                "目录.xls",
                xlsx_of(&[header.clone(), good.clone()]),
                "只接受 .xlsx 表格文件",
            ),
            ("大.xlsx", vec![b'P'; 6 * 1024 * 1024], "文件不能超过5MB"),
            // Under the upload limit but over the forms' 2 MB: read, then refused for its content.
            (
                "中.xlsx",
                [b"PK\x03\x04".as_slice(), &vec![0u8; 3 * 1024 * 1024]].concat(),
                "的内容不是xlsx表格",
            ),
        ] {
            let refused = clerk.upload(&import, &csrf_page, name, &bytes).await;
            assert_eq!(
                refused.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{name}: {}",
                refused.body
            );
            assert!(refused.body.contains(message), "{name}: {}", refused.body);
        }
        assert_eq!(
            fazhi_db::catalogues::entries(&db, id).await.unwrap(),
            template_entries,
            "nothing imported"
        );
        let issues = clerk
            .upload(
                &import,
                &csrf_page,
                "目录.xlsx",
                &xlsx_of(&[
                    header.clone(),
                    good.clone(),
                    vec![
                        "2",
                        "",
                        "",
                        "内容",
                        "依据",
                        "实时",
                        "江南街道办事处",
                        "微博",
                        "全社会",
                        "主动",
                        "乡级",
                    ],
                ]),
            )
            .await
            .body;
        assert!(
            issues.contains("第3行“一级事项”列：不能为空")
                && issues.contains("第3行“公开渠道和载体”列：“微博”不在公开渠道表中"),
            "{issues}"
        );
        assert_eq!(
            clerk
                .upload(
                    &import,
                    "wrong-token",
                    "目录.xlsx",
                    &xlsx_of(&[header.clone(), good.clone()])
                )
                .await
                .status,
            StatusCode::FORBIDDEN,
            "CSRF checked on uploads"
        );
        let imported = clerk
            .upload(&import, &csrf_page, "目录.xlsx", &xlsx_of(&[header, good]))
            .await;
        assert_eq!(imported.status, StatusCode::SEE_OTHER, "{}", imported.body);
        let now = fazhi_db::catalogues::entries(&db, id).await.unwrap();
        assert_eq!(now.len(), 1);
        assert_eq!(now[0].levels, vec!["乡级", "村级"]);

        let publish = format!("{page}/publish");
        let huge = "审".repeat(1024 * 1024);
        let oversized = clerk
            .post(&publish, &[("csrf_token", &csrf_page), ("approval", &huge)])
            .await;
        assert_eq!(
            oversized.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a 3 MB form is refused: only uploads may be larger than 2 MB"
        );
        assert_eq!(
            clerk
                .post(
                    &publish,
                    &[
                        ("csrf_token", &csrf_page),
                        ("approval", "街道党工委会议审定")
                    ]
                )
                .await
                .status,
            StatusCode::FORBIDDEN,
            "a clerk does not publish"
        );
        let mut admin = logged_in(&db, "admin").await;
        let csrf_admin = admin.csrf(&page).await;
        assert_eq!(
            admin
                .post(
                    &publish,
                    &[
                        ("csrf_token", &csrf_admin),
                        ("approval", "街道党工委会议审定")
                    ]
                )
                .await
                .status,
            StatusCode::SEE_OTHER
        );
        let mut public = Browser::new(support::app(&db).await);
        let county = public.get("/catalogues?division=441402").await.body;
        assert!(
            county.contains("<a href=\"/catalogues?division=441402004\">江南街道</a></td><td class=\"num\">1/26</td>"),
            "{county}"
        );
        let shown = public.get(&format!("/catalogues/{id}")).await.body;
        assert!(shown.contains("村级贫困户名单"));
        assert_eq!(
            public.get(&format!("/catalogues/{id}/xlsx")).await.status,
            StatusCode::OK
        );
    }
}

#[tokio::test]
async fn search_finds_published_records_by_the_words_inside_them_alike_on_both_databases() {
    let mut seen: Vec<Vec<(String, String)>> = Vec::new();
    for db in support::demo_backends().await {
        fazhi::demo_openness::load(&db, &Actor::cli("test"))
            .await
            .unwrap();
        let mut public = Browser::new(support::app(&db).await);
        let mut results = Vec::new();
        for query in [
            "q=%E9%9F%A9%E6%B1%9F%E6%B0%B4%E8%B4%A8", // 韩江水质
            "q=%E4%B8%93%E7%B2%BE%E7%89%B9%E6%96%B0&kind=interpretation", // 专精特新, interpretations
            "q=%E5%A2%9E%E5%8A%A0%E7%A4%BE%E5%8C%BA%E7%BB%BF%E5%9C%B0&kind=consultation", // 增加社区绿地
            "q=%E4%BC%81%E4%B8%9A%E5%BC%80%E5%8A%9E&year=2020&genre=%E6%84%8F%E8%A7%81", // 企业开办, 意见
        ] {
            let page = public.get(&format!("/search?{query}")).await;
            assert_eq!(page.status, StatusCode::OK, "{query}");
            let hits: Vec<(String, String)> = page
                .body
                .split("<li><p><span class=\"tag\">")
                .skip(1)
                .map(|item| {
                    let kind = item.split('<').next().unwrap().to_string();
                    let href = item
                        .split("href=\"")
                        .nth(1)
                        .unwrap()
                        .split('"')
                        .next()
                        .unwrap()
                        .to_string();
                    (kind, href)
                })
                .collect();
            results.push(hits);
        }
        let water = public
            .get("/search?q=%E9%9F%A9%E6%B1%9F%E6%B0%B4%E8%B4%A8")
            .await
            .body;
        assert!(water.contains("<mark>韩江</mark>"), "highlighted: {water}");
        assert!(
            results[0]
                .iter()
                .any(|(_, href)| href.starts_with("/documents/"))
        );
        assert!(
            results[0]
                .iter()
                .any(|(_, href)| href.starts_with("/consultations/")),
            "the drafts say it too"
        );
        assert!(!results[1].is_empty() && results[1].iter().all(|(kind, _)| kind == "政策解读"));
        assert!(results[3].iter().all(|(kind, _)| kind == "政府文件"));
        assert!(!results[3].is_empty());
        // A word in no published record finds nothing; an empty query is refused with a reason.
        assert!(
            public
                .get("/search?q=%E9%87%8F%E5%AD%90%E8%AE%A1%E7%AE%97%E6%9C%BA")
                .await
                .body
                .contains("找到0条结果")
        );
        let blank = public.get("/search?q=%EF%BC%8C%E3%80%82").await.body;
        assert!(blank.contains("请输入检索词"), "{blank}");
        // A withdrawn document leaves the index.
        let (_, href) = results[0]
            .iter()
            .find(|(kind, _)| kind == "政府文件")
            .unwrap()
            .clone();
        let id: i64 = href.rsplit('/').next().unwrap().parse().unwrap();
        fazhi_db::documents::withdraw(
            &db,
            &Actor::cli("test"),
            fazhi_core::clock::now(),
            id,
            "已废止",
        )
        .await
        .unwrap();
        let after = public
            .get("/search?q=%E9%9F%A9%E6%B1%9F%E6%B0%B4%E8%B4%A8")
            .await
            .body;
        assert!(!after.contains(&format!("href=\"{href}\"")));
        seen.push(results.concat());
    }
    if seen.len() == 2 {
        assert_eq!(
            seen[0], seen[1],
            "the same results on SQLite and PostgreSQL"
        );
    }
}

#[tokio::test]
async fn public_document_pages_are_cached_for_readers_until_a_change_is_made_on_the_site() {
    for db in support::demo_backends().await {
        let document =
            published_policy_document(&db, "关于推行企业开办一网通办的通知", "梅市府〔2020〕7号")
                .await;
        let router = support::cached_app(&db).await;
        let mut public = Browser::new(router.clone());
        let path = format!("/documents/{}", document.id);
        assert!(!public.get(&path).await.body.contains("本文件已撤回"));
        // Changed behind the site's back (as the command line would): readers keep the page
        // they were served until something is done on the site.
        fazhi_db::documents::withdraw(
            &db,
            &Actor::cli("test"),
            fazhi_core::clock::now(),
            document.id,
            "已废止",
        )
        .await
        .unwrap();
        assert!(
            !public.get(&path).await.body.contains("本文件已撤回"),
            "served from memory"
        );
        let mut staff = Browser::new(router.clone());
        staff.login("fb.reviewer", DEMO_PASSWORD).await;
        assert!(
            staff.get(&path).await.body.contains("本文件已撤回：已废止"),
            "staff are never served a cached page"
        );
        // Signing in was a change made on the site: the cache is empty again.
        assert!(
            public
                .get(&path)
                .await
                .body
                .contains("本文件已撤回：已废止")
        );
    }
}

#[tokio::test]
async fn a_mayor_mailbox_message_is_answered_published_without_personal_data_and_rated() {
    for db in support::demo_backends().await {
        let mut public = Browser::new(support::app(&db).await);
        let form = public.get("/messages/new").await.body;
        let csrf = support::csrf_of(&form);
        let key = support::hidden_value(&form, "key");
        let fields = |title: &'static str| {
            vec![
                ("csrf_token", csrf.clone()),
                ("key", key.clone()),
                ("category", "投诉".to_string()),
                ("title", title.to_string()),
                (
                    "body",
                    "<script>x</script>工地夜间施工扰民，电话13912345678".to_string(),
                ),
                ("sender_name", "赵六".to_string()),
                ("sender_contact", "zhao@example.com".to_string()),
            ]
        };
        let empty = fields("");
        let pairs: Vec<(&str, &str)> = empty.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let refused = public.post("/messages/new", &pairs).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(count(&db, "messages").await, 0);
        let good = fields("工地夜间施工扰民");
        let pairs: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
        for _ in 0..2 {
            let sent = public.post("/messages/new", &pairs).await;
            assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
        }
        assert_eq!(count(&db, "messages").await, 1, "sent twice, kept once");
        let track = format!("/messages/track/{key}");
        let tracking = public.get(&track).await;
        assert!(tracking.body.contains("办理中") && !tracking.body.contains("赵六"));

        let id = fazhi_db::messages::by_tracking_key(&db, &key)
            .await
            .unwrap()
            .unwrap()
            .id;
        let page = format!("/admin/messages/{id}");
        let mut clerk = logged_in(&db, "fb.clerk").await;
        assert!(
            clerk
                .get("/admin/messages")
                .await
                .body
                .contains(&format!("/admin/messages/{id}\""))
        );
        let staff_view = clerk.get(&page).await.body;
        assert!(
            staff_view.contains("赵六") && staff_view.contains("&#60;script&#62;x"),
            "staff see the sender, escaped"
        );
        let mut county = logged_in(&db, "mj.clerk").await;
        assert_eq!(county.get(&page).await.status, StatusCode::FORBIDDEN);
        let csrf_clerk = clerk.csrf(&page).await;
        let with_phone = clerk
            .post(
                &format!("{page}/reply"),
                &[
                    ("csrf_token", &csrf_clerk),
                    ("text", "已责令停止夜间施工。"),
                    ("publish", "1"),
                    ("public_title", "工地夜间施工扰民"),
                    ("public_body", "电话13912345678"),
                ],
            )
            .await;
        assert_eq!(with_phone.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(with_phone.body.contains("仍有身份证号或电话号码"));
        let masked = fazhi_db::messages::message(&db, id)
            .await
            .unwrap()
            .unwrap()
            .public_body;
        let answered = clerk
            .post(
                &format!("{page}/reply"),
                &[
                    ("csrf_token", &csrf_clerk),
                    ("text", "已责令停止夜间施工。"),
                    ("publish", "1"),
                    ("public_title", "工地夜间施工扰民"),
                    ("public_body", &masked),
                ],
            )
            .await;
        assert_eq!(answered.status, StatusCode::SEE_OTHER, "{}", answered.body);
        let shown = public.get(&format!("/messages/{id}")).await.body;
        assert!(shown.contains("已责令停止夜间施工。") && shown.contains("[电话号码已隐去]"));
        assert!(
            !shown.contains("13912345678") && !shown.contains("赵六") && !shown.contains("zhao@")
        );
        assert!(shown.contains("&#60;script&#62;x"), "escaped");
        assert!(
            public
                .get("/messages")
                .await
                .body
                .contains(&format!("/messages/{id}\""))
        );
        assert!(
            public
                .get("/search?q=%E5%A4%9C%E9%97%B4%E6%96%BD%E5%B7%A5")
                .await
                .body
                .contains(&format!("/messages/{id}\"")),
            "answered messages are searchable"
        );
        assert!(
            public
                .get("/sitemap.xml")
                .await
                .body
                .contains(&format!("/messages/{id}</loc>"))
        );
        let found = public
            .get("/search?q=%E5%A4%9C%E9%97%B4%E6%96%BD%E5%B7%A5")
            .await
            .body;
        assert!(
            found.contains("<mark>"),
            "a snippet of the message: {found}"
        );
        assert!(
            !found.contains("13912345678"),
            "the snippet is cut from the public text"
        );

        let csrf_public = support::csrf_of(&public.get(&track).await.body);
        let rated = public
            .post(
                &track,
                &[("csrf_token", &csrf_public), ("satisfaction", "满意")],
            )
            .await;
        assert_eq!(rated.status, StatusCode::SEE_OTHER);
        assert!(public.get(&track).await.body.contains("您的评价：满意"));
    }
}

#[tokio::test]
async fn a_gazette_issue_is_assembled_from_published_documents_and_published_once() {
    for db in support::demo_backends().await {
        let first =
            published_policy_document(&db, "关于推行企业开办一网通办的通知", "梅市府〔2020〕7号")
                .await;
        let second =
            published_policy_document(&db, "关于优化工程建设项目审批的通知", "梅市府〔2020〕8号")
                .await;
        let mut clerk = logged_in(&db, "fb.clerk").await;
        let page = clerk.get("/admin/gazette").await.body;
        assert!(
            page.contains(&format!("name=\"doc_{}\"", first.id)),
            "{page}"
        );
        let csrf = support::csrf_of(&page);
        let doc = format!("doc_{}", first.id);
        for (number, with_document, message) in [
            ("25", true, "期号应为1至24"),
            ("1", false, "请选择本期刊登的文件"),
        ] {
            let mut fields = vec![
                ("csrf_token", csrf.as_str()),
                ("year", "2020"),
                ("number", number),
            ];
            if with_document {
                fields.push((doc.as_str(), "1"));
            }
            let refused = clerk.post("/admin/gazette", &fields).await;
            assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(refused.body.contains(message), "{}", refused.body);
        }
        assert_eq!(count(&db, "gazette_issues").await, 0);
        let created = clerk
            .post(
                "/admin/gazette",
                &[
                    ("csrf_token", &csrf),
                    ("year", "2020"),
                    ("number", "1"),
                    (&doc, "1"),
                ],
            )
            .await;
        assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
        let issue = created.location.unwrap();
        let mut public = Browser::new(support::app(&db).await);
        assert_eq!(
            public.get("/gazette/2020/1").await.status,
            StatusCode::NOT_FOUND,
            "a draft is not public"
        );
        let again = clerk
            .post(
                "/admin/gazette",
                &[
                    ("csrf_token", &csrf),
                    ("year", "2020"),
                    ("number", "2"),
                    (&doc, "1"),
                ],
            )
            .await;
        assert_eq!(
            again.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a document appears in one issue"
        );
        let csrf_issue = clerk.csrf(&issue).await;
        assert_eq!(
            clerk
                .post(&format!("{issue}/publish"), &[("csrf_token", &csrf_issue)])
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        let mut reviewer = logged_in(&db, "fb.reviewer").await;
        let csrf_review = reviewer.csrf(&issue).await;
        assert_eq!(
            reviewer
                .post(&format!("{issue}/publish"), &[("csrf_token", &csrf_review)])
                .await
                .status,
            StatusCode::SEE_OTHER
        );
        assert!(
            public
                .get("/gazette")
                .await
                .body
                .contains("<a href=\"/gazette/2020/1\">2020年第1期</a>")
        );
        let sitemap = public.get("/sitemap.xml").await.body;
        assert!(
            sitemap.contains("<loc>http://fazhi.test/gazette/2020/1</loc>"),
            "{sitemap}"
        );
        assert!(sitemap.contains(&format!(
            "<loc>http://fazhi.test/documents/{}</loc>",
            first.id
        )));
        let printed = public.get("/gazette/2020/1").await.body;
        assert!(
            printed.contains(&format!(
                "<a href=\"#d{}\">关于推行企业开办一网通办的通知</a>（梅市府〔2020〕7号）",
                first.id
            )),
            "{printed}"
        );
        assert!(printed.contains("为进一步优化营商环境"));
        assert!(
            !printed.contains("关于优化工程建设项目审批的通知"),
            "only the chosen documents"
        );
        let duplicate = clerk
            .post(
                "/admin/gazette",
                &[
                    ("csrf_token", &csrf),
                    ("year", "2020"),
                    ("number", "1"),
                    (&format!("doc_{}", second.id), "1"),
                ],
            )
            .await;
        assert!(
            duplicate.body.contains("2020年第1期已经存在"),
            "{}",
            duplicate.body
        );
    }
}

#[tokio::test]
async fn the_open_government_figures_of_a_year_add_up_and_open_their_records() {
    for db in support::demo_backends().await {
        fazhi::demo_openness::load(&db, &Actor::cli("test"))
            .await
            .unwrap();
        let mut leader = logged_in(&db, "leader").await;
        let page = leader.get("/admin/openness/figures?year=2020").await;
        assert_eq!(page.status, StatusCode::OK);
        // 合计: documents, needing, interpreted, consultations, feedbacks, comments, messages, answered, late.
        let totals: Vec<i64> = page
            .body
            .split("<th scope=\"row\">合计</th>")
            .nth(1)
            .unwrap()
            .split("</tr>")
            .next()
            .unwrap()
            .split("<td class=\"num\">")
            .skip(1)
            .map(|cell| cell.split('<').next().unwrap().parse().unwrap())
            .collect();
        assert_eq!(totals.len(), 9);
        assert_eq!(
            (
                totals[0], totals[1], totals[2], totals[3], totals[4], totals[6]
            ),
            (300, 240, 237, 28, 24, 118)
        );
        assert_eq!(totals[7], 118, "every demo message was answered in 2020");
        assert!(totals[8] > 0 && totals[8] < 118, "a few late");
        assert!(page.body.contains("政府公报：2020年出版24期"));
        assert!(
            page.body
                .contains("8/8个县（市、区）全部领域已完成，最后完成于2020-12-15")
        );
        let link =
            "/admin/openness/figures/records?year=2020&amp;agency=G441400-002&amp;figure=documents";
        assert!(page.body.contains(link), "{}", page.body);
        let records = leader.get(&link.replace("&amp;", "&")).await.body;
        let office = fazhi_db::documents::list(&db, None, true, fazhi_db::Page::new(1, 500))
            .await
            .unwrap()
            .0
            .into_iter()
            .filter(|d| d.agency_name == "梅州市人民政府办公室")
            .count();
        assert!(records.contains(&format!("：{office}</p>")), "{records}");
        let xlsx = leader
            .get("/admin/openness/figures?year=2020&format=xlsx")
            .await;
        use calamine::Reader;
        let mut workbook = calamine::Xlsx::new(std::io::Cursor::new(xlsx.bytes)).unwrap();
        let sheet = workbook.worksheet_range_at(0).unwrap().unwrap();
        assert_eq!(sheet.get((0, 2)).unwrap().to_string(), "主动公开文件");
        // A county clerk sees the county's agencies only: none of these records are theirs.
        let mut county = logged_in(&db, "mj.clerk").await;
        assert!(
            county
                .get("/admin/openness/figures?year=2020")
                .await
                .body
                .contains("该年度没有可统计的记录")
        );
        assert_eq!(
            county.get(&link.replace("&amp;", "&")).await.status,
            StatusCode::FORBIDDEN
        );
    }
}
