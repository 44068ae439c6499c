//! The audit chain: appended with every change, refused by the database for UPDATE and DELETE,
//! and `verify` finds a row changed behind the guard's back.

use crate::support::{self, count};
use fazhi_db::Db;
use fazhi_db::audit::{Verification, verify};

async fn execute(db: &Db, sql: &str) -> Result<u64, sqlx::Error> {
    let sql = sql.to_string();
    fazhi_db::on_pool!(db, pool => sqlx::query(sqlx::AssertSqlSafe(sql)).execute(pool).await.map(|r| r.rows_affected()))
}

#[tokio::test]
async fn every_change_is_chained_and_the_chain_verifies() {
    for db in support::demo_backends().await {
        let entries = count(&db, "audit_log").await;
        assert!(
            entries > 60,
            "demo load audits divisions, agencies and users: {entries}"
        );
        let head: String = fazhi_db::on_pool!(&db, pool => sqlx::query_scalar("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetch_one(pool).await).unwrap();
        assert_eq!(
            verify(&db).await.unwrap(),
            Verification::Intact {
                entries: entries as u64,
                head
            }
        );
    }
}

#[tokio::test]
async fn the_database_refuses_update_and_delete_of_audit_entries() {
    for db in support::demo_backends().await {
        let update = execute(&db, "UPDATE audit_log SET summary = 'x' WHERE id = 2").await;
        assert!(
            update.is_err(),
            "{}: UPDATE must be refused",
            db.backend_name()
        );
        let delete = execute(&db, "DELETE FROM audit_log WHERE id = 2").await;
        assert!(
            delete.is_err(),
            "{}: DELETE must be refused",
            db.backend_name()
        );
        assert!(matches!(
            verify(&db).await.unwrap(),
            Verification::Intact { .. }
        ));
    }
}

/// Disables the guard the way an attacker with table-owner rights could.
async fn drop_guard(db: &Db) {
    match db {
        Db::Sqlite(_) => {
            execute(db, "DROP TRIGGER audit_log_no_update")
                .await
                .unwrap();
            execute(db, "DROP TRIGGER audit_log_no_delete")
                .await
                .unwrap();
        }
        Db::Postgres(_) => {
            execute(
                db,
                "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update",
            )
            .await
            .unwrap();
            execute(
                db,
                "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_delete",
            )
            .await
            .unwrap();
        }
    }
}

#[tokio::test]
async fn verify_finds_an_entry_edited_behind_the_guard() {
    for db in support::demo_backends().await {
        drop_guard(&db).await;
        execute(&db, "UPDATE audit_log SET summary = '篡改' WHERE id = 5")
            .await
            .unwrap();
        match verify(&db).await.unwrap() {
            Verification::Broken {
                entries_checked,
                at,
            } => {
                assert_eq!(at.id(), 5, "{}", db.backend_name());
                assert_eq!(entries_checked, 4);
            }
            other => panic!("tampering not detected: {other:?}"),
        }
    }
}

#[tokio::test]
async fn verify_finds_a_removed_entry() {
    for db in support::demo_backends().await {
        drop_guard(&db).await;
        execute(&db, "DELETE FROM audit_log WHERE id = 7")
            .await
            .unwrap();
        match verify(&db).await.unwrap() {
            Verification::Broken { at, .. } => assert_eq!(at.id(), 8),
            other => panic!("removal not detected: {other:?}"),
        }
    }
}

#[tokio::test]
async fn audit_list_filters_by_actor_entity_and_date() {
    for db in support::demo_backends().await {
        let page = fazhi_db::Page::new(1, 10);
        let filter = fazhi_db::audit::AuditFilter {
            entity_type: Some("user".into()),
            ..Default::default()
        };
        let (rows, total) = fazhi_db::audit::list(&db, &filter, page).await.unwrap();
        assert_eq!(total, 7, "one entry per demo user");
        assert!(rows.iter().all(|r| r.action == "user.create"));
        assert!(rows.windows(2).all(|w| w[0].id > w[1].id), "newest first");
        let tomorrow = fazhi_core::clock::now() + chrono::Duration::days(1);
        let future = fazhi_db::audit::AuditFilter {
            from: Some(tomorrow),
            ..Default::default()
        };
        assert_eq!(
            fazhi_db::audit::list(&db, &future, page).await.unwrap().1,
            0
        );
        let by_actor = fazhi_db::audit::AuditFilter {
            actor: Some("demo".into()),
            ..Default::default()
        };
        let by_system = fazhi_db::audit::AuditFilter {
            actor: Some("系统".into()),
            ..Default::default()
        };
        let system_entries = fazhi_db::audit::list(&db, &by_system, page)
            .await
            .unwrap()
            .1;
        assert_eq!(system_entries, 2, "seeding parameters and the calendar");
        let demo_entries = fazhi_db::audit::list(&db, &by_actor, page).await.unwrap().1;
        assert_eq!(demo_entries, count(&db, "audit_log").await - system_entries);
    }
}
