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
    Ok(cases.len())
}
