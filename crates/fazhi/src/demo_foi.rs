//! Demo data for 依申请公开 (issue 5 part 8), clearly marked as demo: the city office's 2020 — 16
//! applications over the channels, applicant types and outcomes, with a correction, a third-party
//! consultation and an extension — and the 2019 application carried into 2020. Every case goes
//! through the same registration and event checks as a real one.

use anyhow::Result;
use chrono::NaiveDate;
use fazhi_core::foi::{Channel, ClockEvent, Consulted, Ground, Outcome, OutcomeCode};
use fazhi_db::foi::NewRequest;
use fazhi_db::{Actor, Db};

const AGENCY: &str = "G441400-002";

fn date(text: &str) -> Result<NaiveDate> {
    Ok(NaiveDate::parse_from_str(text, "%Y-%m-%d")?)
}

fn closed(on: &str, code: OutcomeCode, ground: Option<Ground>, note: &str) -> Result<ClockEvent> {
    Ok(ClockEvent::Answered {
        on: date(on)?,
        outcome: Outcome {
            code,
            ground,
            note: note.into(),
        },
    })
}

/// (channel, arrived, confirmed, applicant type, the events after receipt)
type DemoCase = (
    Channel,
    &'static str,
    Option<&'static str>,
    &'static str,
    Vec<ClockEvent>,
);

fn cases() -> Result<Vec<DemoCase>> {
    use Channel::*;
    use OutcomeCode::*;
    Ok(vec![
        (
            Post,
            "2019-11-04",
            None,
            "自然人",
            vec![closed("2019-11-20", Disclose, None, "")?],
        ),
        (
            InPerson,
            "2019-12-16",
            None,
            "自然人",
            vec![closed("2020-01-08", Disclose, None, "")?],
        ),
        (
            InPerson,
            "2020-01-06",
            None,
            "自然人",
            vec![closed("2020-01-20", Disclose, None, "")?],
        ),
        (
            Post,
            "2020-02-10",
            None,
            "自然人",
            vec![closed("2020-02-25", AlreadyPublic, None, "")?],
        ),
        (
            Online,
            "2020-03-01",
            Some("2020-03-02"),
            "商业企业",
            vec![closed("2020-03-20", Disclose, None, "")?],
        ),
        (
            Online,
            "2020-04-07",
            Some("2020-04-07"),
            "自然人",
            vec![
                ClockEvent::CorrectionRequested {
                    on: date("2020-04-09")?,
                },
                ClockEvent::CorrectionReceived {
                    on: date("2020-04-14")?,
                },
                closed("2020-05-08", NotExist, None, "")?,
            ],
        ),
        (
            LetterUnsigned,
            "2020-05-11",
            Some("2020-05-11"),
            "自然人",
            vec![closed("2020-06-01", Partial, None, "")?],
        ),
        (
            InPerson,
            "2020-06-02",
            None,
            "法律服务机构",
            vec![
                ClockEvent::ConsultationSent {
                    on: date("2020-06-05")?,
                    consulted: Consulted::ThirdParty,
                    delivered_on: Some(date("2020-06-08")?),
                },
                ClockEvent::ConsultationAnswered {
                    on: date("2020-06-15")?,
                },
                closed("2020-06-30", Withheld, Some(Ground::ThirdPartyRights), "")?,
            ],
        ),
        (
            Online,
            "2020-07-01",
            Some("2020-07-01"),
            "自然人",
            vec![
                ClockEvent::Extended {
                    approved_on: date("2020-07-27")?,
                    working_days: 10,
                    approved_by: "市府办政务公开科负责人（演示）".into(),
                    reason: "所需信息分散于多个年度档案，需调档核对".into(),
                },
                closed("2020-08-10", Disclose, None, "")?,
            ],
        ),
        (
            Fax,
            "2020-07-15",
            Some("2020-07-15"),
            "科研机构",
            vec![closed(
                "2020-07-30",
                NotOurs,
                None,
                "负责机关：梅州市自然资源局",
            )?],
        ),
        (
            Online,
            "2020-08-03",
            Some("2020-08-03"),
            "自然人",
            vec![closed("2020-08-10", Repeat, None, "")?],
        ),
        (
            Post,
            "2020-09-01",
            None,
            "社会公益组织",
            vec![closed("2020-09-22", Disclose, None, "")?],
        ),
        (
            Online,
            "2020-09-14",
            Some("2020-09-14"),
            "自然人",
            vec![closed("2020-10-12", NeedsCreation, None, "")?],
        ),
        (
            InPerson,
            "2020-10-20",
            None,
            "自然人",
            vec![closed("2020-10-23", Petition, None, "")?],
        ),
        (
            Online,
            "2020-11-02",
            Some("2020-11-02"),
            "其他",
            vec![closed("2020-11-20", Disclose, None, "")?],
        ),
        (
            Online,
            "2020-11-16",
            Some("2020-11-16"),
            "自然人",
            vec![
                ClockEvent::CorrectionRequested {
                    on: date("2020-11-18")?,
                },
                closed("2020-12-15", AbandonedNoCorrection, None, "")?,
            ],
        ),
        (
            InPerson,
            "2020-12-21",
            None,
            "商业企业",
            vec![closed("2021-01-08", Disclose, None, "")?],
        ),
        (
            Online,
            "2020-12-28",
            Some("2020-12-28"),
            "自然人",
            vec![closed("2021-01-15", AlreadyPublic, None, "")?],
        ),
    ])
}

/// Loads the cases once (skipped when the office already has requests). Returns how many.
pub async fn load(db: &Db, actor: &Actor) -> Result<usize> {
    let agencies: Vec<i64> = fazhi_db::foi::report_agencies(db, AGENCY)
        .await?
        .iter()
        .map(|a| a.id)
        .collect();
    let already = fazhi_db::foi::case_facts(db, &agencies, 2030).await?;
    if !already.is_empty() {
        return Ok(0);
    }
    let cases = cases()?;
    let mut created = Vec::with_capacity(cases.len());
    for (serial, (channel, arrived, confirmed, applicant_type, events)) in cases.iter().enumerate()
    {
        let new = NewRequest {
            agency_code: AGENCY.into(),
            channel: *channel,
            arrived_on: date(arrived)?,
            confirmed_on: confirmed.map(date).transpose()?,
            applicant_type: (*applicant_type).into(),
            applicant_name: format!("演示申请人{}", serial + 1),
            contact: format!("0753-21000{:02}（演示）", serial + 1),
            description: "（演示数据）申请公开本市有关政府信息".into(),
            purpose: String::new(),
            form_requested: "纸质".into(),
        };
        let request =
            fazhi_db::foi::create_request(db, actor, fazhi_core::clock::now(), &new).await?;
        created.push(request.id);
        for event in events {
            let today = event.date();
            fazhi_db::foi::add_event(
                db,
                actor,
                fazhi_core::clock::now(),
                request.id,
                event,
                today,
            )
            .await?;
        }
    }
    for (case, route, filed, concluded) in disputes() {
        let dispute = fazhi_db::foi::NewDispute {
            route,
            filed_on: date(filed)?,
            concluded: concluded
                .map(|(on, decision)| date(on).map(|on| (on, decision)))
                .transpose()?,
        };
        let request = created
            .get(case)
            .copied()
            .ok_or_else(|| anyhow::anyhow!("演示复议诉讼指向不存在的第{case}件申请"))?;
        let today = dispute.concluded.map_or(dispute.filed_on, |(on, _)| on);
        fazhi_db::foi::add_dispute(
            db,
            actor,
            fazhi_core::clock::now(),
            request,
            &dispute,
            today,
        )
        .await?;
    }
    let office = fazhi_db::org::agency_by_code(db, AGENCY)
        .await?
        .ok_or_else(|| anyhow::anyhow!("演示机构{AGENCY}不存在"))?;
    for year in [2019, 2020] {
        fazhi_db::foi_report::save_entries(
            db,
            actor,
            fazhi_core::clock::now(),
            &office,
            year,
            &report_entries(year),
        )
        .await?;
        fazhi_db::foi_report::publish(db, actor, fazhi_core::clock::now(), AGENCY, year).await?;
    }
    Ok(cases.len())
}

/// (case index, route, filed, conclusion): the withheld third-party case went to
/// reconsideration and then to court; the "not held" answer was sued directly.
type DemoDispute = (
    usize,
    fazhi_core::foi::dispute::Route,
    &'static str,
    Option<(&'static str, fazhi_core::foi::dispute::Decision)>,
);

fn disputes() -> Vec<DemoDispute> {
    use fazhi_core::foi::dispute::{Decision, Route};
    vec![
        (
            7,
            Route::Reconsideration,
            "2020-08-20",
            Some(("2020-10-30", Decision::Upheld)),
        ),
        (7, Route::SuitAfterReconsideration, "2020-11-20", None),
        (
            5,
            Route::DirectSuit,
            "2020-07-10",
            Some(("2020-12-01", Decision::Corrected)),
        ),
    ]
}

/// The hand-entered parts of the demo reports (2019 format for 2019 and 2020): every figure of
/// section 二, the fees and the narratives, all marked as demo.
fn report_entries(year: i32) -> Vec<(String, String)> {
    use fazhi_core::foi::annual::{CellKind, FEES_KEY, cell_key, section_two_tables};
    use fazhi_core::foi::report::Format;
    let mut entries = vec![
        (FEES_KEY.to_string(), "0".to_string()),
        (
            "一".to_string(),
            format!("（演示数据）{year}年，本机关坚持以公开为常态、不公开为例外，依法办理政府信息公开申请，按时答复，无逾期答复情况。"),
        ),
        (
            "五".to_string(),
            "（演示数据）存在的主要问题：部分政策解读形式较单一。改进措施：增加图解、问答等解读形式。"
                .to_string(),
        ),
        (
            "六".to_string(),
            "（演示数据）本年度无其他需要报告的事项。".to_string(),
        ),
    ];
    let mut seed = u64::try_from(year).unwrap_or(2020);
    for table in section_two_tables(Format::F2019) {
        for row in table.rows {
            for (column, kind) in table.columns {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let small = (seed >> 33) % 40;
                let value = match kind {
                    CellKind::Change if small % 3 == 0 => "0".to_string(),
                    CellKind::Change => format!(
                        "{}{}",
                        if small % 2 == 0 { "+" } else { "-" },
                        small % 5 + 1
                    ),
                    CellKind::Amount => format!("{}.{:02}", small * 3, small % 100),
                    CellKind::Count => small.to_string(),
                };
                entries.push((cell_key(table, row, column), value));
            }
        }
    }
    entries
}
