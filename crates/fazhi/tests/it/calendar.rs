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
        assert_eq!(merged.calendar.version(), reloaded.version());
        assert_eq!((merged.added_days, merged.changed_days.len()), (3, 0));
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
            (
                "date,kind,name\n2021-10-01,holiday,国庆节\n",
                "不在2027年通知的范围内",
            ),
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

/// spec/calendar.md §8: an amending notice arrives after its year has begun. Replaying 2020 —
/// the original notice first, then the COVID extension — names the three changed days and moves
/// example 3 of §10 from 02-21 to 02-25.
#[tokio::test]
async fn an_amending_notice_reports_the_days_it_changes() {
    for db in support::backends().await {
        // Put the database back to the original 2020 notice (01-31 a working Friday, 02-01 a
        // working Saturday), as it stood before 国办发明电〔2020〕1号.
        let original =
            "DELETE FROM holiday_days WHERE day IN ('2020-01-31', '2020-02-01', '2020-02-02')";
        let remove_amendment = "DELETE FROM holiday_notices WHERE amends IS NOT NULL";
        for sql in [original, remove_amendment] {
            let sql = match &db {
                fazhi_db::Db::Postgres(_) => sql.replace(
                    "('2020-01-31', '2020-02-01', '2020-02-02')",
                    "('2020-01-31'::date, '2020-02-01'::date, '2020-02-02'::date)",
                ),
                fazhi_db::Db::Sqlite(_) => sql.to_string(),
            };
            fazhi_db::on_pool!(&db, pool => sqlx::query(sqlx::AssertSqlSafe(sql)).execute(pool).await.map(|_| ())).unwrap();
        }
        let workday = "date,kind,name\n2020-02-01,workday,春节调休上班\n";
        let notice_2020 = "国务院办公厅关于2020年部分节假日安排的通知".to_string();
        let restore = fazhi_db::calendar::import_notice(
            &db,
            &Actor::cli("test"),
            fazhi_core::clock::now(),
            Notice {
                year: 2020,
                title: format!("{notice_2020}（测试重放）"),
                amends: Some(2020),
                ..test_notice_2027()
            },
            workday,
        )
        .await
        .unwrap();
        assert_eq!(
            restore
                .calendar
                .due_date(date("2020-01-20"), 20)
                .unwrap()
                .date,
            date("2020-02-21")
        );

        let extension = "date,kind,name\n2020-01-31,holiday,春节（新冠疫情防控延长假期）\n2020-02-01,holiday,春节（新冠疫情防控延长假期）\n2020-02-02,holiday,春节（新冠疫情防控延长假期）\n";
        let amendment = Notice {
            year: 2020,
            title: "国务院办公厅关于延长2020年春节假期的通知".into(),
            doc_number: Some("国办发明电〔2020〕1号".into()),
            issued: date("2020-01-26"),
            url: None,
            amends: Some(2020),
        };
        let imported = fazhi_db::calendar::import_notice(
            &db,
            &Actor::cli("test"),
            fazhi_core::clock::now(),
            amendment,
            extension,
        )
        .await
        .unwrap();
        assert_eq!(imported.added_days, 2, "01-31 and 02-02 were plain days");
        assert_eq!(
            imported.changed_days.len(),
            1,
            "02-01 turns from 调休上班 into a holiday"
        );
        assert_eq!(imported.changed_days[0].0.date, date("2020-02-01"));
        assert!(
            imported
                .describe()
                .contains("2020-02-01 workday（春节调休上班）→ holiday"),
            "{}",
            imported.describe()
        );
        assert_eq!(
            imported
                .calendar
                .due_date(date("2020-01-20"), 20)
                .unwrap()
                .date,
            date("2020-02-25")
        );
    }
}

#[tokio::test]
async fn a_missing_calendar_parameter_is_an_error_not_a_silent_default() {
    for db in support::backends().await {
        let today = date("2026-11-28");
        assert_eq!(
            fazhi_db::params::next_year_alert_from(&db, today)
                .await
                .unwrap(),
            (10, 1),
            "the seeded record"
        );
        let delete = "DELETE FROM parameters WHERE key = 'calendar.next_year_alert_from'";
        fazhi_db::on_pool!(&db, pool => sqlx::query(delete).execute(pool).await.map(|_| ()))
            .unwrap();
        let error = fazhi_db::params::next_year_alert_from(&db, today)
            .await
            .unwrap_err();
        assert!(
            error.to_string().contains("calendar.next_year_alert_from"),
            "{error}"
        );
    }
}
