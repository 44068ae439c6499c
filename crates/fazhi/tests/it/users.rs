//! Accounts: validation with clear messages and nothing half-written.

use crate::support::{self, count};
use fazhi_core::org::Role;
use fazhi_db::users::{NewGrant, NewScope, NewUser, create_user};
use fazhi_db::{Actor, DbError};

fn new_user(username: &str) -> NewUser {
    NewUser {
        username: username.to_string(),
        display_name: "张三".to_string(),
        agency_code: "G441402-002".to_string(),
        password: "meizhou2026law".to_string(),
        grants: vec![NewGrant {
            role: Role::Clerk,
            scope: NewScope::Division("441402".into()),
        }],
    }
}

async fn refused(db: &fazhi_db::Db, user: NewUser, fragment: &str) {
    let users = count(db, "users").await;
    let grants = count(db, "user_grants").await;
    let audit = count(db, "audit_log").await;
    match create_user(db, &Actor::cli("test"), fazhi_core::clock::now(), &user).await {
        Err(DbError::Invalid(message)) => assert!(message.contains(fragment), "{message}"),
        other => panic!("expected “{fragment}”, got {other:?}"),
    }
    assert_eq!(
        (
            count(db, "users").await,
            count(db, "user_grants").await,
            count(db, "audit_log").await
        ),
        (users, grants, audit)
    );
}

#[tokio::test]
async fn bad_accounts_are_refused_with_a_reason_and_leave_nothing() {
    for db in support::demo_backends().await {
        refused(&db, new_user("admin"), "已被使用").await;
        refused(&db, new_user("张三"), "用户名").await;
        refused(&db, new_user(&"a".repeat(33)), "用户名").await;
        refused(
            &db,
            NewUser {
                display_name: "长".repeat(51),
                ..new_user("zhangsan")
            },
            "姓名",
        )
        .await;
        refused(
            &db,
            NewUser {
                password: "short1".into(),
                ..new_user("zhangsan")
            },
            "密码",
        )
        .await;
        refused(
            &db,
            NewUser {
                agency_code: "G999999-001".into(),
                ..new_user("zhangsan")
            },
            "机构",
        )
        .await;
        // The grant names a division that does not exist: the user row must not stay behind.
        let bad_grant = NewUser {
            grants: vec![NewGrant {
                role: Role::Clerk,
                scope: NewScope::Division("449999".into()),
            }],
            ..new_user("zhangsan")
        };
        refused(&db, bad_grant, "区划").await;
        assert!(
            create_user(
                &db,
                &Actor::cli("test"),
                fazhi_core::clock::now(),
                &new_user("zhangsan")
            )
            .await
            .is_ok()
        );
    }
}

#[tokio::test]
async fn disabling_a_user_ends_sessions_and_tokens() {
    for db in support::demo_backends().await {
        let user = fazhi_db::users::user_by_username(&db, "mj.clerk")
            .await
            .unwrap()
            .unwrap();
        let now = fazhi_core::clock::now();
        let actor = Actor {
            user_id: Some(user.id),
            name: user.username.clone(),
        };
        let secret = fazhi_db::auth::create_api_token(&db, &actor, now, "脚本")
            .await
            .unwrap();
        fazhi_db::auth::create_session(&db, Some(user.id), now, chrono::Duration::hours(1))
            .await
            .unwrap();
        assert_eq!(
            fazhi_db::auth::user_for_api_token(&db, &secret, now)
                .await
                .unwrap(),
            Some(user.id)
        );
        fazhi_db::users::set_disabled(&db, &Actor::cli("test"), now, user.id, true)
            .await
            .unwrap();
        assert_eq!(
            fazhi_db::auth::user_for_api_token(&db, &secret, now)
                .await
                .unwrap(),
            None
        );
        let sessions: i64 = fazhi_db::on_pool!(&db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE user_id = $1").bind(user.id).fetch_one(pool).await).unwrap();
        assert_eq!(sessions, 0);
    }
}
