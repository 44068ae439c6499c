//! The calendar as stored: seeded from the bundled files, extended by importing a notice.

use crate::support::{self, count};
use chrono::NaiveDate;
use fazhi_core::calendar::{Calendar, Notice};
use fazhi_db::Actor;

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// A made-up notice for tests (the real 2027 schedule is not published in the data yet).
fn test_notice_2027() -> Notice {
    Notice {
        year: 2027,
        title: "测试用：2027年节假日安排（虚构）".into(),
        doc_number: None,
        issued: date("2026-11-20"),
        url: None,
        amends: None,
    }
}

#[tokio::test]
async fn a_new_database_holds_the_bundled_calendar() {
    for db in support::backends().await {
        let stored = fazhi_db::calendar::load(&db).await.unwrap();
        let builtin = Calendar::builtin().unwrap();
        assert_eq!(stored.version(), builtin.version(), "{}", db.backend_name());
        assert_eq!(
            stored.due_date(date("2024-09-20"), 20).unwrap().date,
            date("2024-10-23")
        );
        db.migrate().await.unwrap();
        assert_eq!(
            count(&db, "holiday_notices").await,
            8,
            "migrating again does not seed twice"
        );
    }
}

#[tokio::test]
async fn importing_next_years_notice_makes_late_december_final() {
    for db in support::backends().await {
        let before = fazhi_db::calendar::load(&db).await.unwrap();
        let provisional = before.due_date(date("2026-12-28"), 5).unwrap();
        assert!(provisional.provisional);
        let rows = "date,kind,name\n2027-01-01,holiday,元旦\n2027-01-02,holiday,元旦\n2027-01-03,holiday,元旦\n";
        let merged = fazhi_db::calendar::import_notice(
            &db,
            &Actor::cli("test"),
            fazhi_core::clock::now(),
            test_notice_2027(),
            rows,
        )
        .await
        .unwrap();
        let reloaded = fazhi_db::calendar::load(&db).await.unwrap();
        assert_eq!(merged.version(), reloaded.version());
        assert_ne!(before.version(), reloaded.version());
        let due = reloaded.due_date(date("2026-12-28"), 5).unwrap();
        assert!(!due.provisional);
        // 12-29..12-31 are days 1-3; 01-01..01-03 the (test) 元旦 holiday; 01-04, 01-05 days 4-5.
        assert_eq!(due.date, date("2027-01-05"));
    }
}

#[tokio::test]
async fn a_bad_notice_import_changes_nothing() {
    for db in support::backends().await {
        let notices = count(&db, "holiday_notices").await;
        let days = count(&db, "holiday_days").await;
        let audit = count(&db, "audit_log").await;
        let cases = [
            (
                "date,kind,name\n2027-01-04,workday,元旦调休上班\n",
                "2027-01-04",
            ),
            ("date,kind,name\n2027-02-30,holiday,春节\n", "2027-02-30"),
            ("date,kind,name\n2027-01-01,holiday,圣诞节\n", "圣诞节"),
            ("date;kind\n", "表头"),
        ];
        for (rows, fragment) in cases {
            let result = fazhi_db::calendar::import_notice(
                &db,
                &Actor::cli("test"),
                fazhi_core::clock::now(),
                test_notice_2027(),
                rows,
            )
            .await;
            let message = result.err().map(|e| e.to_string()).unwrap_or_default();
            assert!(
                message.contains(fragment),
                "expected “{fragment}” in “{message}”"
            );
        }
        let duplicate = Notice {
            year: 2026,
            title: "国务院办公厅关于2026年部分节假日安排的通知".into(),
            ..test_notice_2027()
        };
        assert!(
            fazhi_db::calendar::import_notice(
                &db,
                &Actor::cli("test"),
                fazhi_core::clock::now(),
                duplicate,
                "date,kind,name\n"
            )
            .await
            .is_err()
        );
        assert_eq!(
            (
                count(&db, "holiday_notices").await,
                count(&db, "holiday_days").await,
                count(&db, "audit_log").await
            ),
            (notices, days, audit)
        );
    }
}
