//! 依申请公开 requests stored with their clock events, on both databases.

use crate::support::{self, count};
use chrono::NaiveDate;
use fazhi_core::foi::{Channel, ClockEvent, ClockState, Consulted};
use fazhi_db::foi::{NewRequest, add_event, clock, create_request};
use fazhi_db::{Actor, Db, DbError};

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn actor() -> Actor {
    Actor::cli("test")
}

fn application(channel: Channel, arrived: &str) -> NewRequest {
    NewRequest {
        agency_code: "G441400-002".into(),
        channel,
        arrived_on: date(arrived),
        confirmed_on: None,
        applicant_type: "自然人".into(),
        applicant_name: "张三".into(),
        contact: "13800000000".into(),
        description: "2024年本市老旧小区改造项目清单".into(),
        purpose: String::new(),
        form_requested: "电子邮件".into(),
    }
}

async fn refused(db: &Db, new: NewRequest, fragment: &str) {
    let before = (
        count(db, "foi_requests").await,
        count(db, "foi_events").await,
        count(db, "audit_log").await,
    );
    match create_request(db, &actor(), fazhi_core::clock::now(), &new).await {
        Err(DbError::Invalid(message)) => {
            assert!(
                message.contains(fragment),
                "expected “{fragment}” in “{message}”"
            )
        }
        other => panic!("expected “{fragment}”, got {other:?}"),
    }
    let after = (
        count(db, "foi_requests").await,
        count(db, "foi_events").await,
        count(db, "audit_log").await,
    );
    assert_eq!(after, before, "nothing written");
}

#[tokio::test]
async fn an_application_is_registered_with_its_receipt_date_and_case_number() {
    for db in support::demo_backends().await {
        let in_person = create_request(
            &db,
            &actor(),
            fazhi_core::clock::now(),
            &application(Channel::InPerson, "2025-09-15"),
        )
        .await
        .unwrap();
        assert_eq!(in_person.case_number, "2025-G441400-002-0001");
        assert_eq!(in_person.received_on, date("2025-09-15"));
        let online = create_request(
            &db,
            &actor(),
            fazhi_core::clock::now(),
            &NewRequest {
                confirmed_on: Some(date("2025-09-16")),
                ..application(Channel::Online, "2025-09-14")
            },
        )
        .await
        .unwrap();
        assert_eq!(online.case_number, "2025-G441400-002-0002");
        assert_eq!(
            online.received_on,
            date("2025-09-16"),
            "the day both sides confirm"
        );
        let running = clock(&db, in_person.id, date("2025-09-20")).await.unwrap();
        assert_eq!(running.due.date, date("2025-10-17"), "spec/foi.md §3.6");
        assert_eq!(running.state, ClockState::Running);

        let audit: Vec<String> = fazhi_db::on_pool!(&db, pool => sqlx::query_scalar("SELECT summary FROM audit_log WHERE entity_type = 'foi_request'").fetch_all(pool).await).unwrap();
        assert_eq!(audit.len(), 2);
        assert!(
            audit
                .iter()
                .all(|entry| !entry.contains("张三") && !entry.contains("13800000000")),
            "the audit log names the case, not the applicant"
        );
    }
}

#[tokio::test]
async fn applications_that_cannot_be_processed_are_refused_with_nothing_written() {
    for db in support::demo_backends().await {
        let no_contact = NewRequest {
            contact: "  ".into(),
            ..application(Channel::InPerson, "2025-09-15")
        };
        refused(&db, no_contact, "联系方式").await;
        refused(
            &db,
            application(Channel::Fax, "2025-09-15"),
            "须先记录确认日期",
        )
        .await;
        let unknown_type = NewRequest {
            applicant_type: "个体户".into(),
            ..application(Channel::InPerson, "2025-09-15")
        };
        refused(&db, unknown_type, "申请人类型").await;
        let unknown_agency = NewRequest {
            agency_code: "G441400-999".into(),
            ..application(Channel::InPerson, "2025-09-15")
        };
        refused(&db, unknown_agency, "不存在").await;
    }
}

#[tokio::test]
async fn events_are_checked_against_the_whole_timeline_before_they_are_written() {
    for db in support::demo_backends().await {
        let request = create_request(
            &db,
            &actor(),
            fazhi_core::clock::now(),
            &application(Channel::InPerson, "2025-03-03"),
        )
        .await
        .unwrap();
        let now = fazhi_core::clock::now();
        let sent = ClockEvent::ConsultationSent {
            on: date("2025-03-10"),
            consulted: Consulted::ThirdParty,
            delivered_on: None,
        };
        let paused = add_event(&db, &actor(), now, request.id, &sent, date("2025-03-12"))
            .await
            .unwrap();
        assert_eq!(paused.state, ClockState::Paused);
        let answered = ClockEvent::ConsultationAnswered {
            on: date("2025-03-20"),
        };
        let resumed = add_event(
            &db,
            &actor(),
            now,
            request.id,
            &answered,
            date("2025-03-21"),
        )
        .await
        .unwrap();
        assert_eq!(resumed.due.date, date("2025-04-11"), "spec/foi.md §3.6");

        let events_before = count(&db, "foi_events").await;
        let twice = [
            ClockEvent::Extended {
                approved_on: date("2025-04-01"),
                working_days: 15,
                approved_by: "办公室主任".into(),
                reason: "涉及多个年度".into(),
            },
            ClockEvent::Extended {
                approved_on: date("2025-04-02"),
                working_days: 6,
                approved_by: "办公室主任".into(),
                reason: "仍需时间".into(),
            },
        ];
        add_event(
            &db,
            &actor(),
            now,
            request.id,
            &twice[0],
            date("2025-04-01"),
        )
        .await
        .unwrap();
        let too_long = add_event(
            &db,
            &actor(),
            now,
            request.id,
            &twice[1],
            date("2025-04-02"),
        )
        .await;
        assert!(
            matches!(&too_long, Err(DbError::Invalid(m)) if m.contains("超过最长20个工作日")),
            "{too_long:?}"
        );
        let correction_late = ClockEvent::CorrectionRequested {
            on: date("2025-04-03"),
        };
        assert!(matches!(
            add_event(
                &db,
                &actor(),
                now,
                request.id,
                &correction_late,
                date("2025-04-03")
            )
            .await,
            Err(DbError::Invalid(_))
        ));
        assert_eq!(
            count(&db, "foi_events").await,
            events_before + 1,
            "only the valid extension was written"
        );
        let stored = fazhi_db::foi::events(&db, request.id).await.unwrap();
        assert_eq!(stored.len(), 4);
        assert_eq!(stored[3], twice[0]);
    }
}
