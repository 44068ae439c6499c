//! The worked examples of spec/foi.md §3.6, and the rules of §3.1–§3.7 one by one.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use crate::params::{BUILTIN_PARAMETERS, parse_parameters_csv};
use proptest::prelude::*;

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn calendar() -> Calendar {
    Calendar::builtin().unwrap()
}

fn params() -> ClockParams {
    let records = parse_parameters_csv(BUILTIN_PARAMETERS).unwrap();
    ClockParams::from_records(&records, date("2025-01-01"), &["national".to_string()]).unwrap()
}

fn received(on: &str) -> ClockEvent {
    ClockEvent::Received { on: date(on) }
}

fn third_party(on: &str) -> ClockEvent {
    ClockEvent::ConsultationSent {
        on: date(on),
        consulted: Consulted::ThirdParty,
        delivered_on: None,
    }
}

fn disclosed() -> Outcome {
    Outcome {
        code: OutcomeCode::Disclose,
        ground: None,
        note: String::new(),
    }
}

fn answered(on: &str) -> ClockEvent {
    ClockEvent::Answered {
        on: date(on),
        outcome: disclosed(),
    }
}

fn extended(on: &str, working_days: u32) -> ClockEvent {
    ClockEvent::Extended {
        approved_on: date(on),
        working_days,
        approved_by: "政府信息公开工作机构负责人".into(),
        reason: "需调取多个年度档案".into(),
    }
}

fn clock(events: &[ClockEvent], today: &str) -> Result<Clock, ClockError> {
    derive(events, &calendar(), &params(), date(today))
}

fn due(events: &[ClockEvent]) -> NaiveDate {
    clock(events, "2026-01-01").unwrap().due.date
}

#[test]
fn the_receipt_date_follows_the_channel() {
    let arrived = date("2025-03-08");
    assert_eq!(receipt_date(Channel::InPerson, arrived, None), Ok(arrived));
    assert_eq!(receipt_date(Channel::Post, arrived, None), Ok(arrived));
    assert_eq!(
        receipt_date(Channel::Online, arrived, Some(date("2025-03-10"))),
        Ok(date("2025-03-10")),
        "online: the day both sides confirm"
    );
    assert!(matches!(
        receipt_date(Channel::Fax, arrived, None),
        Err(ReceiptError::NotConfirmed { .. })
    ));
    assert!(matches!(
        receipt_date(Channel::LetterUnsigned, arrived, Some(date("2025-03-07"))),
        Err(ReceiptError::ConfirmedBeforeArrival { .. })
    ));
    assert!(matches!(
        receipt_date(Channel::InPerson, arrived, Some(arrived)),
        Err(ReceiptError::ConfirmationNotApplicable { .. })
    ));
    for channel in Channel::ALL {
        assert_eq!(Channel::parse(channel.as_str()), Some(channel));
    }
}

#[test]
fn the_periods_come_from_the_bundled_parameters() {
    let params = params();
    assert_eq!(
        (
            params.reply_wd,
            params.extension_max_wd,
            params.correction_notice_wd
        ),
        (20, 20, 7)
    );
    assert_eq!((params.third_party_reply_wd, params.due_soon_wd), (15, 5));
    assert!(params.fee_pauses_clock);
    let missing = ClockParams::from_records(&[], date("2025-01-01"), &["national".into()]);
    assert!(matches!(missing, Err(ParamError::Missing { .. })));
}

#[test]
fn worked_example_a_third_party_consultation_pauses_eight_working_days() {
    let events = [
        received("2025-03-03"),
        third_party("2025-03-10"),
        ClockEvent::ConsultationAnswered {
            on: date("2025-03-20"),
        },
    ];
    let clock = clock(&events, "2025-03-21").unwrap();
    assert_eq!(clock.due.date, date("2025-04-11"));
    assert_eq!(clock.due.pauses, [(date("2025-03-10"), date("2025-03-20"))]);
    assert_eq!(clock.state, ClockState::Running);
    let counted = clock.due.counted_dates();
    assert_eq!(counted.len(), 20);
    assert_eq!(
        counted[4],
        date("2025-03-10"),
        "the day the letter goes counts"
    );
    assert_eq!(
        counted[5],
        date("2025-03-21"),
        "the day the reply comes does not"
    );
}

#[test]
fn worked_example_a_correction_restarts_the_period() {
    let events = [
        received("2025-06-03"),
        ClockEvent::CorrectionRequested {
            on: date("2025-06-05"),
        },
        ClockEvent::CorrectionReceived {
            on: date("2025-06-09"),
        },
    ];
    let clock = clock(&events, "2025-06-10").unwrap();
    assert_eq!(clock.runs_from, date("2025-06-09"));
    assert_eq!(clock.due.date, date("2025-07-07"));
}

#[test]
fn worked_example_national_day_and_an_extension() {
    assert_eq!(due(&[received("2025-09-15")]), date("2025-10-17"));
    assert_eq!(
        due(&[received("2025-09-15"), extended("2025-10-10", 20)]),
        date("2025-11-14")
    );
}

#[test]
fn a_correction_is_requested_once_within_seven_working_days() {
    let request = |on: &str| ClockEvent::CorrectionRequested { on: date(on) };
    // 2025-03-03 + 7 working days = 03-12.
    assert_eq!(
        clock(&[received("2025-03-03")], "2025-03-04")
            .unwrap()
            .correction_notice_due,
        date("2025-03-12")
    );
    assert!(
        clock(
            &[received("2025-03-03"), request("2025-03-12")],
            "2025-03-13"
        )
        .is_ok()
    );
    assert_eq!(
        clock(
            &[received("2025-03-03"), request("2025-03-13")],
            "2025-03-13"
        )
        .unwrap_err(),
        ClockError::LateCorrection {
            on: date("2025-03-13"),
            limit: 7,
            deadline: date("2025-03-12")
        }
    );
    let twice = [
        received("2025-03-03"),
        request("2025-03-04"),
        ClockEvent::CorrectionReceived {
            on: date("2025-03-06"),
        },
        request("2025-03-07"),
    ];
    assert_eq!(
        clock(&twice, "2025-03-10").unwrap_err(),
        ClockError::SecondCorrection
    );
    let waiting = clock(
        &[received("2025-03-03"), request("2025-03-04")],
        "2025-03-10",
    )
    .unwrap();
    assert_eq!(waiting.state, ClockState::Paused);
    assert_eq!(waiting.waiting_since, Some(("补正", date("2025-03-04"))));
}

#[test]
fn extensions_need_approval_a_reason_and_stay_within_twenty_days() {
    assert!(matches!(
        clock(
            &[received("2025-09-15"), extended("2025-10-10", 21)],
            "2025-10-10"
        ),
        Err(ClockError::ExtensionTooLong { total: 21, max: 20 })
    ));
    let split = [
        received("2025-09-15"),
        extended("2025-10-10", 10),
        extended("2025-10-20", 11),
    ];
    assert!(matches!(
        clock(&split, "2025-10-20"),
        Err(ClockError::ExtensionTooLong { total: 21, .. })
    ));
    let unapproved = ClockEvent::Extended {
        approved_on: date("2025-10-10"),
        working_days: 10,
        approved_by: " ".into(),
        reason: "理由".into(),
    };
    assert_eq!(
        clock(&[received("2025-09-15"), unapproved], "2025-10-10").unwrap_err(),
        ClockError::ExtensionWithoutApproval
    );
    assert_eq!(
        clock(
            &[received("2025-09-15"), extended("2025-10-20", 5)],
            "2025-10-20"
        )
        .unwrap_err(),
        ClockError::ExtensionAfterDue {
            approved_on: date("2025-10-20"),
            due: date("2025-10-17")
        }
    );
}

#[test]
fn an_unanswered_consultation_counts_again_after_the_parties_fifteen_days() {
    // Sent and delivered 03-10; the third party's 15 working days end 03-31. Paused: 03-11 to
    // 03-31 (15 working days), so the answer is due on the 35th working day after 03-03:
    // 2025-04-22 (清明 04-04..04-06 skipped).
    let events = [received("2025-03-03"), third_party("2025-03-10")];
    let still_waiting = clock(&events, "2025-03-20").unwrap();
    assert_eq!(still_waiting.state, ClockState::Paused);
    let lapsed = clock(&events, "2025-04-15").unwrap();
    assert_eq!(lapsed.state, ClockState::Running);
    assert_eq!(
        lapsed.due.pauses,
        [(date("2025-03-10"), date("2025-03-31"))]
    );
    assert_eq!(lapsed.due.date, date("2025-04-22"));
    let late_answer = [
        received("2025-03-03"),
        third_party("2025-03-10"),
        ClockEvent::ConsultationAnswered {
            on: date("2025-04-02"),
        },
    ];
    assert_eq!(
        due(&late_answer),
        date("2025-04-22"),
        "a late answer pauses no longer"
    );
}

#[test]
fn a_lapsed_consultation_stops_pausing_whatever_comes_next() {
    // The third party's period ends 03-31; the due date is then 04-22 (see above).
    let late = [
        received("2025-03-03"),
        third_party("2025-03-10"),
        answered("2025-05-15"),
    ];
    let answered = clock(&late, "2025-05-15").unwrap();
    assert_eq!(answered.due.date, date("2025-04-22"));
    assert_eq!(answered.on_time, Some(false), "no pause beyond the lapse");
    let fee_after_lapse = [
        received("2025-03-03"),
        third_party("2025-03-10"),
        ClockEvent::FeeNoticeSent {
            on: date("2025-04-08"),
        },
    ];
    assert_eq!(
        clock(&fee_after_lapse, "2025-04-09").unwrap().state,
        ClockState::Paused,
        "the consultation closed itself on 03-31; the fee notice pauses now"
    );
    // Approved on 04-10 during the consultation's pause: the due date then is 04-22, not 03-31.
    let extension_while_consulting = [
        received("2025-03-03"),
        third_party("2025-03-10"),
        extended("2025-04-10", 10),
    ];
    assert!(clock(&extension_while_consulting, "2025-04-10").is_ok());
}

#[test]
fn a_letter_is_not_delivered_before_it_is_sent() {
    let events = [
        received("2025-03-03"),
        ClockEvent::ConsultationSent {
            on: date("2025-03-10"),
            consulted: Consulted::ThirdParty,
            delivered_on: Some(date("2025-03-07")),
        },
    ];
    assert!(matches!(
        clock(&events, "2025-03-11"),
        Err(ClockError::DeliveredBeforeSent { .. })
    ));
}

#[test]
fn requests_of_2019_and_2020_have_a_clock_too() {
    let records = parse_parameters_csv(BUILTIN_PARAMETERS).unwrap();
    let params_2020 =
        ClockParams::from_records(&records, date("2020-06-01"), &["national".to_string()]).unwrap();
    assert!(!params_2020.fee_pauses_clock, "no fee standard before 2021");
    assert_eq!(params_2020.reply_wd, 20);
}

#[test]
fn a_fee_notice_pauses_until_payment_when_the_parameter_says_so() {
    let events = [
        received("2025-09-15"),
        ClockEvent::FeeNoticeSent {
            on: date("2025-09-22"),
        },
        ClockEvent::FeePaid {
            on: date("2025-09-26"),
        },
    ];
    // 09-23..09-26: four working days not counted.
    let paused = due(&events);
    let running = derive(
        &events,
        &calendar(),
        &ClockParams {
            fee_pauses_clock: false,
            ..params()
        },
        date("2026-01-01"),
    )
    .unwrap()
    .due
    .date;
    assert_eq!(running, date("2025-10-17"));
    assert_eq!(calendar().working_days_between(running, paused).unwrap(), 4);
}

#[test]
fn timelines_that_cannot_happen_are_refused() {
    assert_eq!(
        clock(&[third_party("2025-03-10")], "2025-03-10").unwrap_err(),
        ClockError::NotStartedByReceipt
    );
    assert!(matches!(
        clock(
            &[received("2025-03-03"), third_party("2025-03-01")],
            "2025-03-10"
        ),
        Err(ClockError::OutOfOrder { index: 2, .. })
    ));
    assert_eq!(
        clock(
            &[
                received("2025-03-03"),
                ClockEvent::CorrectionReceived {
                    on: date("2025-03-05")
                }
            ],
            "2025-03-10"
        )
        .unwrap_err(),
        ClockError::CorrectionWithoutRequest
    );
    assert!(matches!(
        clock(
            &[
                received("2025-03-03"),
                ClockEvent::ConsultationAnswered {
                    on: date("2025-03-05")
                }
            ],
            "2025-03-10"
        ),
        Err(ClockError::UnmatchedResume { .. })
    ));
    assert!(matches!(
        clock(
            &[
                received("2025-03-03"),
                third_party("2025-03-04"),
                ClockEvent::FeeNoticeSent {
                    on: date("2025-03-05")
                }
            ],
            "2025-03-10"
        ),
        Err(ClockError::AlreadyPaused { .. })
    ));
    assert!(matches!(
        clock(
            &[
                received("2025-03-03"),
                answered("2025-03-05"),
                extended("2025-03-06", 5)
            ],
            "2025-03-10"
        ),
        Err(ClockError::AfterAnswer { .. })
    ));
}

#[test]
fn an_outcome_carries_what_its_answer_type_needs() {
    let close = |outcome: Outcome| {
        clock(
            &[
                received("2025-09-15"),
                ClockEvent::Answered {
                    on: date("2025-09-30"),
                    outcome,
                },
            ],
            "2025-10-01",
        )
    };
    let withheld = |ground| Outcome {
        code: OutcomeCode::Withheld,
        ground,
        note: String::new(),
    };
    assert!(matches!(
        close(withheld(None)),
        Err(ClockError::BadOutcome(_))
    ));
    assert!(close(withheld(Some(Ground::ProcessInformation))).is_ok());
    assert!(matches!(
        close(Outcome {
            ground: Some(Ground::StateSecret),
            ..disclosed()
        }),
        Err(ClockError::BadOutcome(_))
    ));
    let other = |note: &str| Outcome {
        code: OutcomeCode::Other,
        ground: None,
        note: note.into(),
    };
    assert!(matches!(close(other(" ")), Err(ClockError::BadOutcome(_))));
    assert!(close(other("申请人死亡，无人承继")).is_ok());
    for code in OutcomeCode::ALL {
        assert_eq!(OutcomeCode::parse(code.code()), Some(code));
        let json = serde_json::to_string(&code).unwrap();
        assert_eq!(
            json,
            format!("\"{}\"", code.code()),
            "stored as the spec's code"
        );
    }
    for ground in Ground::ALL {
        assert_eq!(Ground::parse(ground.as_str()), Some(ground));
    }
}

#[test]
fn an_answer_is_on_time_up_to_and_including_the_due_date() {
    let answered = |on: &str| clock(&[received("2025-09-15"), answered(on)], "2026-01-01").unwrap();
    assert_eq!(answered("2025-10-17").on_time, Some(true));
    assert_eq!(answered("2025-10-17").state, ClockState::Answered);
    assert_eq!(answered("2025-10-20").on_time, Some(false));
}

proptest! {
    #[test]
    fn pauses_and_extensions_only_move_the_due_date_later(
        start in 0i64..1800,
        pause_at in 1i64..25,
        pause_days in 0i64..30,
        extension in 0u32..=20,
    ) {
        let receipt = date("2020-01-02") + chrono::Duration::days(start);
        let plain = [ClockEvent::Received { on: receipt }];
        let base = derive(&plain, &calendar(), &params(), receipt).unwrap().due.date;
        let sent = receipt + chrono::Duration::days(pause_at);
        let answered = sent + chrono::Duration::days(pause_days);
        let with_pause = [
            ClockEvent::Received { on: receipt },
            ClockEvent::ConsultationSent { on: sent, consulted: Consulted::OtherAgency, delivered_on: None },
            ClockEvent::ConsultationAnswered { on: answered },
        ];
        let paused = derive(&with_pause, &calendar(), &params(), answered).unwrap().due.date;
        prop_assert!(paused >= base);
        let mut extended_events = plain.to_vec();
        extended_events.push(ClockEvent::Extended {
            approved_on: receipt,
            working_days: extension,
            approved_by: "负责人".into(),
            reason: "理由".into(),
        });
        let longer = derive(&extended_events, &calendar(), &params(), receipt).unwrap().due.date;
        prop_assert_eq!(calendar().working_days_between(base, longer).unwrap(), extension);
    }
}

mod report {
    use super::date;
    use crate::foi::report::*;
    use crate::foi::{Ground, Outcome, OutcomeCode};
    use proptest::prelude::*;

    fn case(id: i64, applicant: &str, received: &str, closed: Option<(&str, &str)>) -> CaseFacts {
        CaseFacts {
            id,
            applicant_type: applicant.into(),
            received_on: date(received),
            closed: closed.map(|(on, row)| (date(on), row.to_string())),
        }
    }

    /// spec/foi.md §15's synthetic year 2025: two carried over from 2024, twelve received,
    /// twelve closed (5 disclosed, 2 partly, 1 withheld for a third party, 3 not held, 1 not
    /// corrected), two carried forward. Applicants spread over the columns by hand.
    fn year_2025() -> Vec<CaseFacts> {
        vec![
            case(1, "自然人", "2024-12-20", Some(("2025-01-10", "R3_1"))),
            case(2, "商业企业", "2024-12-28", Some(("2025-01-20", "R3_4_1"))),
            case(3, "自然人", "2025-01-05", Some(("2025-01-25", "R3_1"))),
            case(4, "自然人", "2025-02-10", Some(("2025-03-01", "R3_1"))),
            case(5, "自然人", "2025-03-03", Some(("2025-04-11", "R3_2"))),
            case(
                6,
                "法律服务机构",
                "2025-04-01",
                Some(("2025-04-20", "R3_1")),
            ),
            case(7, "自然人", "2025-05-06", Some(("2025-05-30", "R3_3_4"))),
            case(8, "商业企业", "2025-06-02", Some(("2025-06-20", "R3_2"))),
            case(9, "自然人", "2025-07-01", Some(("2025-07-15", "R3_4_1"))),
            case(10, "科研机构", "2025-08-01", Some(("2025-08-20", "R3_4_1"))),
            case(11, "其他", "2025-09-01", Some(("2025-09-20", "R3_1"))),
            case(12, "自然人", "2025-10-09", Some(("2025-10-30", "R3_6_1"))),
            case(13, "社会公益组织", "2025-12-15", None),
            case(14, "自然人", "2025-12-29", Some(("2026-01-10", "R3_1"))),
            case(15, "自然人", "2023-05-01", Some(("2023-05-20", "R3_1"))),
        ]
    }

    const EXPECTED_2021: &str = "项目,自然人,商业企业,科研机构,社会公益组织,法律服务机构,其他,总计
一、本年新收政府信息公开申请数量,7,1,1,1,1,1,12
二、上年结转政府信息公开申请数量,1,1,0,0,0,0,2
三、本年度办理结果/（一）予以公开,3,0,0,0,1,1,5
三、本年度办理结果/（二）部分公开（区分处理的，只计这一情形，不计其他情形）,1,1,0,0,0,0,2
三、本年度办理结果/（三）不予公开/1.属于国家秘密,0,0,0,0,0,0,0
三、本年度办理结果/（三）不予公开/2.其他法律行政法规禁止公开,0,0,0,0,0,0,0
三、本年度办理结果/（三）不予公开/3.危及“三安全一稳定”,0,0,0,0,0,0,0
三、本年度办理结果/（三）不予公开/4.保护第三方合法权益,1,0,0,0,0,0,1
三、本年度办理结果/（三）不予公开/5.属于三类内部事务信息,0,0,0,0,0,0,0
三、本年度办理结果/（三）不予公开/6.属于四类过程性信息,0,0,0,0,0,0,0
三、本年度办理结果/（三）不予公开/7.属于行政执法案卷,0,0,0,0,0,0,0
三、本年度办理结果/（三）不予公开/8.属于行政查询事项,0,0,0,0,0,0,0
三、本年度办理结果/（四）无法提供/1.本机关不掌握相关政府信息,1,1,1,0,0,0,3
三、本年度办理结果/（四）无法提供/2.没有现成信息需要另行制作,0,0,0,0,0,0,0
三、本年度办理结果/（四）无法提供/3.补正后申请内容仍不明确,0,0,0,0,0,0,0
三、本年度办理结果/（五）不予处理/1.信访举报投诉类申请,0,0,0,0,0,0,0
三、本年度办理结果/（五）不予处理/2.重复申请,0,0,0,0,0,0,0
三、本年度办理结果/（五）不予处理/3.要求提供公开出版物,0,0,0,0,0,0,0
三、本年度办理结果/（五）不予处理/4.无正当理由大量反复申请,0,0,0,0,0,0,0
三、本年度办理结果/（五）不予处理/5.要求行政机关确认或重新出具已获取信息,0,0,0,0,0,0,0
三、本年度办理结果/（六）其他处理/1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请,1,0,0,0,0,0,1
三、本年度办理结果/（六）其他处理/2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请,0,0,0,0,0,0,0
三、本年度办理结果/（六）其他处理/3.其他,0,0,0,0,0,0,0
三、本年度办理结果/（七）总计,7,2,1,0,1,1,12
四、结转下年度继续办理,1,0,0,1,0,0,2
";

    #[test]
    fn the_synthetic_year_gives_the_expected_table_cell_by_cell_in_both_formats() {
        let table = section_three(&year_2025(), 2025, Format::F2021).unwrap();
        assert_eq!(table.rows.len(), 25);
        assert_eq!(table.csv(), EXPECTED_2021);
        assert!(table.violations().is_empty(), "{:?}", table.violations());
        let disclosed = table.rows.iter().find(|r| r.code == "R3_1").unwrap();
        assert_eq!(
            disclosed.cases[6],
            [1, 3, 4, 6, 11],
            "each cell keeps its cases"
        );

        let expected_2019: String = EXPECTED_2021
            .lines()
            .filter(|line| !line.contains("（六）其他处理/"))
            .flat_map(|line| {
                let mut lines = Vec::new();
                if line.starts_with("三、本年度办理结果/（七）总计") {
                    lines.push("三、本年度办理结果/（六）其他处理,1,0,0,0,0,0,1".to_string());
                }
                lines.push(line.to_string());
                lines
            })
            .map(|line| line + "\n")
            .collect();
        let table_2019 = section_three(&year_2025(), 2025, Format::F2019).unwrap();
        assert_eq!(table_2019.rows.len(), 23);
        assert_eq!(table_2019.csv(), expected_2019);
        assert!(table_2019.violations().is_empty());
        assert_eq!(Format::for_year(2020, 2021), Format::F2019);
        assert_eq!(Format::for_year(2021, 2021), Format::F2021);
    }

    #[test]
    fn a_broken_table_names_the_failed_equation() {
        let mut table = section_three(&year_2025(), 2025, Format::F2021).unwrap();
        table.rows[0].values[6] += 1;
        let problems = table.violations();
        assert!(
            problems.iter().any(|p| p.starts_with("E1 第7列")),
            "{problems:?}"
        );
        assert!(
            problems.iter().any(|p| p.starts_with("E3 一、本年新收")),
            "{problems:?}"
        );
    }

    #[test]
    fn every_outcome_has_a_row_and_bad_cases_are_refused() {
        let table = parse_outcome_rows(BUILTIN_OUTCOME_ROWS).unwrap();
        for code in OutcomeCode::ALL {
            let grounds: Vec<Option<Ground>> = if code == OutcomeCode::Withheld {
                Ground::ALL.into_iter().map(Some).collect()
            } else {
                vec![None]
            };
            for ground in grounds {
                let outcome = Outcome {
                    code,
                    ground,
                    note: "说明".into(),
                };
                assert!(row_of(&outcome, &table).is_ok(), "{code:?} {ground:?}");
            }
        }
        assert!(parse_outcome_rows("outcome,ground,row\nA2_DISCLOSE,,R1\n").is_err());
        let closed_early = [case(
            1,
            "自然人",
            "2025-03-03",
            Some(("2025-03-01", "R3_1")),
        )];
        assert!(section_three(&closed_early, 2025, Format::F2021).is_err());
        let unknown_type = [case(1, "个体户", "2025-03-03", None)];
        assert!(section_three(&unknown_type, 2025, Format::F2021).is_err());
    }

    proptest! {
        #[test]
        fn any_set_of_cases_satisfies_the_equations(
            raw in proptest::collection::vec((0usize..6, 0i64..1500, proptest::option::of((0i64..400, 2usize..22))), 0..60),
            year in 2020i32..2025,
            format_2021 in any::<bool>(),
        ) {
            let types = crate::foi::APPLICANT_TYPES;
            let rows = ["R3_1", "R3_2", "R3_3_1", "R3_3_2", "R3_3_3", "R3_3_4", "R3_3_5", "R3_3_6",
                "R3_3_7", "R3_3_8", "R3_4_1", "R3_4_2", "R3_4_3", "R3_5_1", "R3_5_2", "R3_5_3",
                "R3_5_4", "R3_5_5", "R3_6_1", "R3_6_2", "R3_6_3"];
            let cases: Vec<CaseFacts> = raw.iter().enumerate().map(|(id, (column, received, closed))| {
                let received_on = date("2019-06-01") + chrono::Duration::days(*received);
                CaseFacts {
                    id: id as i64,
                    applicant_type: types[*column].to_string(),
                    received_on,
                    closed: closed.map(|(after, row)| (received_on + chrono::Duration::days(after), rows[row % rows.len()].to_string())),
                }
            }).collect();
            let format = if format_2021 { Format::F2021 } else { Format::F2019 };
            let table = section_three(&cases, year, format).unwrap();
            prop_assert!(table.violations().is_empty(), "{:?}", table.violations());
        }
    }
}

#[test]
fn outcome_rows_are_named_by_code_label_path_or_leaf_in_the_years_format() {
    use super::report::{Format, outcome_row_named};
    assert_eq!(outcome_row_named("R3_3_4", Format::F2021), Some("R3_3_4"));
    assert_eq!(
        outcome_row_named(
            "三、本年度办理结果/（三）不予公开/1.属于国家秘密",
            Format::F2021
        ),
        Some("R3_3_1")
    );
    assert_eq!(
        outcome_row_named("（一）予以公开", Format::F2021),
        Some("R3_1")
    );
    assert_eq!(
        outcome_row_named("属于行政查询事项", Format::F2019),
        Some("R3_3_8")
    );
    assert_eq!(outcome_row_named("其他处理", Format::F2019), Some("R3_6"));
    // The 2021 form has no single （六） row, and totals are not outcomes.
    assert_eq!(outcome_row_named("其他处理", Format::F2021), None);
    assert_eq!(outcome_row_named("R3_7", Format::F2021), None);
    assert_eq!(outcome_row_named("总计", Format::F2019), None);
    assert_eq!(outcome_row_named("不予公开", Format::F2021), None);
}

#[test]
fn a_request_stands_due_soon_within_the_threshold_then_due_today_then_overdue() {
    // Received Monday 2025-03-03: due 20 working days later, 2025-03-31 (no holidays in March).
    let events = [received("2025-03-03")];
    let standing = |today: &str| {
        clock(&events, today)
            .unwrap()
            .standing(date(today), &calendar())
    };
    assert_eq!(
        clock(&events, "2025-03-10").unwrap().due.date,
        date("2025-03-31")
    );
    assert_eq!(standing("2025-03-10"), Standing::Running);
    // 2025-03-24 is five working days before the 31st: the threshold is 5.
    assert_eq!(standing("2025-03-24"), Standing::DueSoon);
    assert_eq!(standing("2025-03-21"), Standing::Running);
    assert_eq!(standing("2025-03-31"), Standing::DueToday);
    assert_eq!(standing("2025-04-01"), Standing::Overdue);
    let paused = [received("2025-03-03"), third_party("2025-03-05")];
    assert_eq!(
        clock(&paused, "2025-03-10")
            .unwrap()
            .standing(date("2025-03-10"), &calendar()),
        Standing::Paused
    );
    let late = [received("2025-03-03"), answered("2025-04-02")];
    assert_eq!(
        clock(&late, "2025-04-10")
            .unwrap()
            .standing(date("2025-04-10"), &calendar()),
        Standing::Answered { late: true }
    );
}
