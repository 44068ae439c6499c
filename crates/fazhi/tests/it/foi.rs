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

fn ledger_grid(rows: &[&[&str]]) -> fazhi_core::powers::import::Grid {
    use fazhi_core::powers::import::Cell;
    let header: &[&str] = &[
        "案件编号",
        "机构代码",
        "申请渠道",
        "收到申请日期",
        "申请人类型",
        "办理结果",
        "办结日期",
        "行政复议结果",
        "行政复议审结日期",
        "行政诉讼途径",
        "行政诉讼结果",
        "行政诉讼审结日期",
    ];
    std::iter::once(header)
        .chain(rows.iter().copied())
        .map(|row| {
            row.iter()
                .map(|text| match *text {
                    "" => Cell::Empty,
                    text => Cell::Text(text.into()),
                })
                .collect()
        })
        .collect()
}

pub fn ledger(rows: &[&[&str]]) -> Vec<fazhi_core::foi::ledger::LedgerRow> {
    fazhi_core::foi::ledger::parse_ledger(&ledger_grid(rows), 2021, date("2026-11-28")).unwrap()
}

#[tokio::test]
async fn a_ledger_loads_whole_and_feeds_sections_three_and_four() {
    use fazhi_core::foi::dispute::{Window, section_four};
    use fazhi_core::foi::report::{Format, section_three};
    for db in support::demo_backends().await {
        let rows = ledger(&[
            &[
                "L2019-1",
                "G441400-002",
                "邮寄",
                "2019-12-20",
                "商业企业",
                "其他处理",
                "2020-01-10",
                "",
                "",
                "",
                "",
                "",
            ],
            &[
                "L2020-1",
                "G441400-002",
                "互联网",
                "2020-03-02",
                "自然人",
                "予以公开",
                "2020-03-20",
                "维持",
                "2020-06-01",
                "复议后起诉",
                "尚未审结",
                "",
            ],
            &[
                "L2020-2",
                "G441400-003",
                "当面",
                "2020-12-28",
                "其他",
                "",
                "",
                "",
                "",
                "直接起诉",
                "纠正",
                "2020-12-30",
            ],
        ]);
        let loaded = fazhi_db::foi::import_ledger(&db, &actor(), fazhi_core::clock::now(), &rows)
            .await
            .unwrap();
        assert_eq!(loaded, 3);
        assert_eq!(count(&db, "foi_disputes").await, 3);
        // The queue lists handled requests only.
        let all = fazhi_db::foi::QueueQuery {
            show: fazhi_db::foi::Show::All,
            search: "",
            page: None,
        };
        let (queue, total) = fazhi_db::foi::queue(&db, None, date("2026-11-28"), all)
            .await
            .unwrap();
        assert!(queue.is_empty() && total == 0);
        // The office alone: two of its requests; the government with its departments: three.
        let office = fazhi_db::foi::report_agencies(&db, "G441400-002")
            .await
            .unwrap();
        assert_eq!(office.len(), 1);
        let government = fazhi_db::foi::report_agencies(&db, "G441400-001")
            .await
            .unwrap();
        assert!(
            government.iter().any(|a| a.code == "G441400-003"),
            "departments are covered"
        );
        let ids: Vec<i64> = government.iter().map(|a| a.id).collect();
        let facts = fazhi_db::foi::case_facts(&db, &ids, 2020).await.unwrap();
        assert_eq!(facts.len(), 3);
        let table = section_three(&facts, 2020, Format::F2019).unwrap();
        assert!(table.violations().is_empty());
        let csv = table.csv();
        assert!(
            csv.contains("一、本年新收政府信息公开申请数量,1,0,0,0,0,1,2\n"),
            "{csv}"
        );
        assert!(
            csv.contains("二、上年结转政府信息公开申请数量,0,1,0,0,0,0,1\n"),
            "{csv}"
        );
        assert!(
            csv.contains("三、本年度办理结果/（六）其他处理,0,1,0,0,0,0,1\n"),
            "{csv}"
        );
        assert!(
            csv.contains("四、结转下年度继续办理,0,0,0,0,0,1,1\n"),
            "{csv}"
        );
        let disputes = fazhi_db::foi::dispute_facts(&db, &ids, 2020).await.unwrap();
        let four = section_four(&disputes, 2020, Window::ConcludedOrPending).unwrap();
        assert_eq!(four.values, [1, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 0, 1, 1]);
        let audit = count(&db, "audit_log").await;

        // A file with an unknown agency or a taken case number writes nothing.
        let bad = ledger(&[
            &[
                "L2021-1",
                "G441400-002",
                "邮寄",
                "2021-01-04",
                "自然人",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
            ],
            &[
                "L2021-2",
                "X-NONE",
                "邮寄",
                "2021-01-04",
                "自然人",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
            ],
            &[
                "L2020-1",
                "G441400-002",
                "邮寄",
                "2021-01-04",
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
        match fazhi_db::foi::import_ledger(&db, &actor(), fazhi_core::clock::now(), &bad).await {
            Err(fazhi_db::ImportError::Issues(issues)) => {
                let text: Vec<String> = issues.iter().map(ToString::to_string).collect();
                assert_eq!(
                    text,
                    [
                        "第3行“机构代码”列：机构“X-NONE”不存在",
                        "第4行“案件编号”列：案件编号“L2020-1”已存在"
                    ]
                );
            }
            other => panic!("expected issues, got {other:?}"),
        }
        assert_eq!(count(&db, "foi_requests").await, 3);
        assert_eq!(count(&db, "audit_log").await, audit);
    }
}

#[tokio::test]
async fn disputes_are_recorded_concluded_once_and_dated_after_the_request() {
    use fazhi_core::foi::dispute::{Decision, Route};
    use fazhi_db::foi::{NewDispute, add_dispute, conclude_dispute, disputes};
    for db in support::demo_backends().await {
        let request = create_request(
            &db,
            &actor(),
            fazhi_core::clock::now(),
            &application(Channel::InPerson, "2025-03-03"),
        )
        .await
        .unwrap();
        let today = date("2025-12-01");
        let now = fazhi_core::clock::now();
        let early = NewDispute {
            route: Route::Reconsideration,
            filed_on: date("2025-03-01"),
            concluded: None,
        };
        let audit = count(&db, "audit_log").await;
        match add_dispute(&db, &actor(), now, request.id, &early, today).await {
            Err(DbError::Invalid(message)) => {
                assert!(message.contains("早于收到申请之日"), "{message}")
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        let backwards = NewDispute {
            filed_on: date("2025-05-01"),
            concluded: Some((date("2025-04-01"), Decision::Upheld)),
            ..early.clone()
        };
        assert!(
            add_dispute(&db, &actor(), now, request.id, &backwards, today)
                .await
                .is_err()
        );
        assert_eq!(count(&db, "foi_disputes").await, 0);
        assert_eq!(count(&db, "audit_log").await, audit);

        let pending = NewDispute {
            filed_on: date("2025-05-01"),
            ..early
        };
        let id = add_dispute(&db, &actor(), now, request.id, &pending, today)
            .await
            .unwrap();
        conclude_dispute(
            &db,
            &actor(),
            now,
            id,
            (date("2025-07-01"), Decision::Corrected),
            today,
        )
        .await
        .unwrap();
        let again = conclude_dispute(
            &db,
            &actor(),
            now,
            id,
            (date("2025-08-01"), Decision::Upheld),
            today,
        )
        .await;
        assert!(matches!(again, Err(DbError::Invalid(m)) if m.contains("已有结果")));
        let listed = disputes(&db, request.id).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].result_zh(), "纠正");
        assert_eq!(listed[0].route_zh(), "行政复议");
        assert_eq!(count(&db, "audit_log").await, audit + 2);
    }
}

/// Every section 二 key of a year's format, with a valid value, and the fees.
pub fn complete_entries(format: fazhi_core::foi::report::Format) -> Vec<(String, String)> {
    use fazhi_core::foi::annual::{CellKind, FEES_KEY, cell_key, section_two_tables};
    let mut entries = vec![(FEES_KEY.to_string(), "0".to_string())];
    for table in section_two_tables(format) {
        for row in table.rows {
            for (column, kind) in table.columns {
                let value = match kind {
                    CellKind::Change => "+1",
                    _ => "3",
                };
                entries.push((cell_key(table, row, column), value.to_string()));
            }
        }
    }
    entries
}

#[tokio::test]
async fn the_annual_report_is_filled_in_checked_published_and_carried_over() {
    use fazhi_core::foi::report::Format;
    use fazhi_db::foi_report::{assemble, entries, publish, published, save_entries};
    for db in support::demo_backends().await {
        let now = fazhi_core::clock::now();
        let today = date("2026-11-28");
        let rows = ledger(&[
            &[
                "R-1",
                "G441400-002",
                "邮寄",
                "2021-12-20",
                "自然人",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
            ],
            &[
                "R-2",
                "G441400-002",
                "当面",
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
        ]);
        fazhi_db::foi::import_ledger(&db, &actor(), now, &rows)
            .await
            .unwrap();
        let office = fazhi_db::org::agency_by_code(&db, "G441400-002")
            .await
            .unwrap()
            .unwrap();

        // A bad value or an unknown key saves nothing.
        let audit = count(&db, "audit_log").await;
        let bad = [
            ("一".to_string(), "全年依法办理申请。".to_string()),
            (
                "二/第二十条第（一）项/规章/本年制发件数".to_string(),
                "两件".to_string(),
            ),
        ];
        let refused = save_entries(&db, &actor(), now, &office, 2021, &bad).await;
        assert!(
            matches!(&refused, Err(DbError::Invalid(m)) if m.contains("“两件”应为不小于0的整数")),
            "{refused:?}"
        );
        let unknown = [(
            "二/第二十条第（九）项/政府集中采购/采购项目数量".to_string(),
            "1".to_string(),
        )];
        let refused = save_entries(&db, &actor(), now, &office, 2021, &unknown).await;
        assert!(
            matches!(&refused, Err(DbError::Invalid(m)) if m.contains("不是本年度报告的填报项")),
            "the 2021 format has no （九）: {refused:?}"
        );
        assert!(entries(&db, office.id, 2021).await.unwrap().is_empty());
        assert_eq!(count(&db, "audit_log").await, audit);

        // Missing figures block publication.
        let draft = assemble(&db, "G441400-002", 2021, None, today)
            .await
            .unwrap();
        assert_eq!(draft.format, Format::F2021);
        assert!(
            draft
                .warnings
                .iter()
                .any(|w| w == "第二部分尚有10项数据未填报"),
            "{:?}",
            draft.warnings
        );
        let blocked = publish(&db, &actor(), now, "G441400-002", 2021).await;
        assert!(
            matches!(&blocked, Err(DbError::Invalid(m)) if m.contains("报告不能发布")),
            "{blocked:?}"
        );

        let mut complete = complete_entries(Format::F2021);
        complete.push(("一".into(), "全年依法办理申请。".into()));
        assert_eq!(
            save_entries(&db, &actor(), now, &office, 2021, &complete)
                .await
                .unwrap(),
            12
        );
        assert_eq!(
            save_entries(&db, &actor(), now, &office, 2021, &complete)
                .await
                .unwrap(),
            0,
            "unchanged values change nothing"
        );
        assert_eq!(count(&db, "audit_log").await, audit + 1);
        let version = publish(&db, &actor(), now, "G441400-002", 2021)
            .await
            .unwrap();
        assert_eq!(version, 1);
        let frozen = published(&db, office.id, 2021).await.unwrap().unwrap();
        assert_eq!(frozen.report.section_one.text, "全年依法办理申请。");
        assert_eq!(
            frozen.report.title,
            "梅州市人民政府办公室2021年政府信息公开工作年度报告"
        );

        // 2022 carries over R-1; a 2021 request added after publication breaks W1.
        let next = assemble(&db, "G441400-002", 2022, None, today)
            .await
            .unwrap();
        assert!(
            !next.warnings.iter().any(|w| w.starts_with("W1")),
            "{:?}",
            next.warnings
        );
        let late = ledger(&[&[
            "R-3",
            "G441400-002",
            "邮寄",
            "2021-12-30",
            "其他",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ]]);
        fazhi_db::foi::import_ledger(&db, &actor(), now, &late)
            .await
            .unwrap();
        let next = assemble(&db, "G441400-002", 2022, None, today)
            .await
            .unwrap();
        assert!(
            next.warnings.iter().any(|w| w.starts_with("W1")),
            "{:?}",
            next.warnings
        );
    }
}

#[tokio::test]
async fn fees_are_computed_by_the_spec_bands_decided_once_and_reported_when_paid() {
    use fazhi_core::foi::fees::Method;
    use fazhi_db::foi_fees::{Charge, collected, decide, quote};
    for db in support::demo_backends().await {
        let now = fazhi_core::clock::now();
        let today = date("2025-12-31");
        let mut ids = Vec::new();
        for day in 1..=12 {
            let arrived = format!("2025-03-{:02}", day + 2);
            let request = create_request(
                &db,
                &actor(),
                now,
                &application(Channel::InPerson, &arrived),
            )
            .await
            .unwrap();
            ids.push(request.id);
        }
        // Another applicant's request does not count towards 张三's month.
        let other = NewRequest {
            applicant_name: "李四".into(),
            ..application(Channel::InPerson, "2025-03-02")
        };
        create_request(&db, &actor(), now, &other).await.unwrap();
        let eleventh = quote(&db, ids[10], None).await.unwrap();
        assert_eq!(
            (eleventh.position_in_month, eleventh.per_application_yuan),
            (11, 100)
        );
        let pages = quote(&db, ids[11], Some(250)).await.unwrap();
        assert_eq!(pages.per_page_yuan, Some(4_700));

        let charge = |method, pages| Charge {
            method,
            pages,
            decided_on: date("2025-03-20"),
        };
        let audit = count(&db, "audit_log").await;
        let free = decide(
            &db,
            &actor(),
            now,
            ids[0],
            charge(Method::PerApplication, None),
            today,
        )
        .await;
        assert!(
            matches!(&free, Err(DbError::Invalid(m)) if m.contains("不收费")),
            "{free:?}"
        );
        let fee = decide(
            &db,
            &actor(),
            now,
            ids[10],
            charge(Method::PerApplication, None),
            today,
        )
        .await
        .unwrap();
        assert_eq!(fee.amount_yuan, 100);
        let both = decide(
            &db,
            &actor(),
            now,
            ids[10],
            charge(Method::PerPage, Some(250)),
            today,
        )
        .await;
        assert!(
            matches!(&both, Err(DbError::Invalid(m)) if m.contains("只能选择一种计收方式")),
            "{both:?}"
        );
        let by_page = decide(
            &db,
            &actor(),
            now,
            ids[11],
            charge(Method::PerPage, Some(250)),
            today,
        )
        .await
        .unwrap();
        assert_eq!(by_page.amount_yuan, 4_700);
        assert_eq!(count(&db, "foi_fee_decisions").await, 2);
        assert_eq!(count(&db, "audit_log").await, audit + 2);

        // Collected in the year of payment only.
        for (id, notice, paid) in [(ids[10], "2025-03-21", "2025-03-25")] {
            add_event(
                &db,
                &actor(),
                now,
                id,
                &ClockEvent::FeeNoticeSent { on: date(notice) },
                today,
            )
            .await
            .unwrap();
            add_event(
                &db,
                &actor(),
                now,
                id,
                &ClockEvent::FeePaid { on: date(paid) },
                today,
            )
            .await
            .unwrap();
        }
        let office = fazhi_db::org::agency_by_code(&db, "G441400-002")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            collected(&db, &[office.id], 2025).await.unwrap(),
            (100, vec![ids[10]])
        );
        let report = fazhi_db::foi_report::assemble(&db, "G441400-002", 2025, None, today)
            .await
            .unwrap();
        assert_eq!(
            report.section_six.generated,
            ["本年度收取信息处理费100元。"]
        );

        // Before the fee rules (2021-01-01) nothing may be charged.
        let old = create_request(
            &db,
            &actor(),
            now,
            &application(Channel::InPerson, "2020-06-01"),
        )
        .await
        .unwrap();
        let refused = quote(&db, old.id, None).await;
        assert!(
            matches!(&refused, Err(DbError::Invalid(m)) if m.contains("没有适用的信息处理费标准")),
            "{refused:?}"
        );
    }
}

#[tokio::test]
async fn the_queues_select_due_soon_overdue_paused_and_open_requests_by_their_clocks() {
    use fazhi_db::foi::{QueueQuery, Show};
    for db in support::demo_backends().await {
        let now = fazhi_core::clock::now();
        let today = date("2025-03-24");
        let register = |arrived: &'static str| {
            let db = db.clone();
            async move {
                create_request(&db, &actor(), now, &application(Channel::InPerson, arrived))
                    .await
                    .unwrap()
                    .id
            }
        };
        // Due 2025-03-31: five working days left on the 24th.
        let soon = register("2025-03-03").await;
        // Due 2025-03-21: overdue on the 24th.
        let late = register("2025-02-21").await;
        // Paused for a third party.
        let paused = register("2025-03-10").await;
        add_event(
            &db,
            &actor(),
            now,
            paused,
            &ClockEvent::ConsultationSent {
                on: date("2025-03-12"),
                consulted: Consulted::ThirdParty,
                delivered_on: None,
            },
            today,
        )
        .await
        .unwrap();
        // Answered: not in the open queues.
        let closed = register("2025-03-04").await;
        add_event(
            &db,
            &actor(),
            now,
            closed,
            &ClockEvent::Answered {
                on: date("2025-03-20"),
                outcome: fazhi_core::foi::Outcome {
                    code: fazhi_core::foi::OutcomeCode::Disclose,
                    ground: None,
                    note: String::new(),
                },
            },
            today,
        )
        .await
        .unwrap();
        let ids = |show: Show, search: &'static str, page: Option<fazhi_db::Page>| {
            let db = db.clone();
            async move {
                let (rows, total) =
                    fazhi_db::foi::queue(&db, None, today, QueueQuery { show, search, page })
                        .await
                        .unwrap();
                (rows.iter().map(|r| r.request.id).collect::<Vec<_>>(), total)
            }
        };
        assert_eq!(ids(Show::DueSoon, "", None).await.0, [soon]);
        assert_eq!(ids(Show::Overdue, "", None).await.0, [late]);
        assert_eq!(ids(Show::Paused, "", None).await.0, [paused]);
        // Open: most urgent first; the answered one is left out.
        let (open, total) = ids(Show::Open, "", None).await;
        assert_eq!(total, 3);
        assert_eq!(open[0], late);
        assert!(!open.contains(&closed));
        let (all, total) = ids(Show::All, "", Some(fazhi_db::Page::new(1, 2))).await;
        assert_eq!((all.len(), total), (2, 4));
        let number = fazhi_db::foi::request(&db, closed)
            .await
            .unwrap()
            .unwrap()
            .case_number;
        assert_eq!(ids(Show::All, "0004", None).await.0, [closed], "{number}");
    }
}
