//! `fazhi demo`: Meizhou's real divisions, about 60 real agencies and one demo user per role.
//! Loading twice changes nothing; later modules add their demo data here.

use anyhow::Result;
use fazhi_core::org::Role;
use fazhi_db::users::{NewGrant, NewScope, NewUser};
use fazhi_db::{Actor, Db};

pub const MEIZHOU_DIVISIONS: &str = include_str!("../../../data/divisions/meizhou.csv");
pub const GUANGDONG_CITIES: &str = include_str!("../../../data/divisions/guangdong-cities.csv");
pub const DEMO_AGENCIES: &str = include_str!("../../../data/demo/agencies.csv");

/// The password of every demo account (demo data only; printed at start-up).
pub const DEMO_PASSWORD: &str = "fazhi-demo-2026";

/// Where a demo user's one grant applies.
pub enum DemoScope {
    Platform,
    OwnAgency,
    Division(&'static str),
}

pub struct DemoUser {
    pub username: &'static str,
    pub display_name: &'static str,
    pub agency_code: &'static str,
    pub role: Role,
    pub scope: DemoScope,
}

pub const DEMO_USERS: &[DemoUser] = &[
    DemoUser {
        username: "admin",
        display_name: "系统管理员（演示）",
        agency_code: "G441400-002",
        role: Role::SystemAdmin,
        scope: DemoScope::Platform,
    },
    DemoUser {
        username: "sfj.admin",
        display_name: "市司法局单位管理员（演示）",
        agency_code: "G441400-009",
        role: Role::AgencyAdmin,
        scope: DemoScope::OwnAgency,
    },
    DemoUser {
        username: "fb.clerk",
        display_name: "市府办经办人（演示）",
        agency_code: "G441400-002",
        role: Role::Clerk,
        scope: DemoScope::OwnAgency,
    },
    DemoUser {
        username: "fb.reviewer",
        display_name: "市府办审核人（演示）",
        agency_code: "G441400-002",
        role: Role::Reviewer,
        scope: DemoScope::OwnAgency,
    },
    DemoUser {
        username: "leader",
        display_name: "市政府领导（演示，只读）",
        agency_code: "G441400-001",
        role: Role::Leader,
        scope: DemoScope::Division("441400"),
    },
    DemoUser {
        username: "mj.admin",
        display_name: "梅江区单位管理员（演示）",
        agency_code: "G441402-002",
        role: Role::AgencyAdmin,
        scope: DemoScope::Division("441402"),
    },
    DemoUser {
        username: "mj.clerk",
        display_name: "梅江区经办人（演示）",
        agency_code: "G441402-002",
        role: Role::Clerk,
        scope: DemoScope::Division("441402"),
    },
];

/// The county water bureaus that took over 取水许可 in March 2020.
const COUNTY_WATER_BUREAUS: [&str; 8] = [
    "G441402-005",
    "G441403-003",
    "G441422-004",
    "G441423-003",
    "G441424-003",
    "G441426-003",
    "G441427-003",
    "G441481-004",
];

/// 权责清单 demo: 取水许可, taken over by 市水务局 from the province and handed down to the eight
/// counties in March 2020 except intakes spanning several counties (the model report's example).
/// Titles are descriptive; no document number is invented.
async fn load_powers(db: &Db, actor: &Actor) -> Result<()> {
    use fazhi_core::powers::{AdjustmentKind, Condition, Decision, Item, parse_basis};
    use fazhi_db::powers::{Giver, NewAdjustment, NewBatch};
    if fazhi_db::powers::item(db, "DEMO-XK-QS").await?.is_some() {
        return Ok(());
    }
    let item = Item {
        code: "DEMO-XK-QS".into(),
        name: "取水许可（演示）".into(),
        sub_items: Vec::new(),
        category: "XK".into(),
        basis: parse_basis(
            "《中华人民共和国水法》第四十八条；《取水许可和水资源费征收管理条例》第十四条",
        )
        .map_err(anyhow::Error::msg)?,
        responsibilities: ["受理", "审查", "决定", "送达", "事后监管"]
            .map(String::from)
            .to_vec(),
        accountability: "不依法受理、审查、决定或监管的，依法追究责任".into(),
        supervision: "上级主管部门监督、投诉举报".into(),
        note: "演示数据".into(),
        related_items: Vec::new(),
    };
    fazhi_db::powers::save_item(db, actor, fazhi_core::clock::now(), &item).await?;
    let date = |text: &str| chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d");
    let take_over = NewBatch {
        decision: Decision {
            title: "省级行政职权调由市实施的决定（演示）".into(),
            doc_number: None,
            date: date("2018-12-20")?,
        },
        url: None,
        adjustments: vec![NewAdjustment {
            kind: AdjustmentKind::TakeOver,
            item_code: item.code.clone(),
            effective: date("2019-01-01")?,
            from: Some(Giver::External("广东省水利厅".into())),
            to: vec!["G441400-016".into()],
            term_end: None,
            condition: None,
            giver_keeps_residual: false,
        }],
    };
    let hand_down = NewBatch {
        decision: Decision {
            title: "取水许可下放县（市、区）实施的通知（演示）".into(),
            doc_number: None,
            date: date("2020-02-20")?,
        },
        url: None,
        adjustments: vec![NewAdjustment {
            kind: AdjustmentKind::Devolve,
            item_code: item.code.clone(),
            effective: date("2020-03-01")?,
            from: Some(Giver::Agency("G441400-016".into())),
            to: COUNTY_WATER_BUREAUS.map(String::from).to_vec(),
            term_end: None,
            condition: Some(Condition {
                attribute: "intake_spans_counties".into(),
                value: "false".into(),
                text: "不含跨县（市、区）取水".into(),
            }),
            giver_keeps_residual: true,
        }],
    };
    for batch in [take_over, hand_down] {
        fazhi_db::powers::record_batch(db, actor, fazhi_core::clock::now(), &batch).await?;
    }
    Ok(())
}

/// Loads (or tops up) the demo data. Returns how many users were created now.
pub async fn load(db: &Db) -> Result<usize> {
    let actor = Actor::cli("demo");
    let now = fazhi_core::clock::now();
    fazhi_db::org::import_divisions(db, &actor, now, MEIZHOU_DIVISIONS).await?;
    fazhi_db::org::import_divisions(db, &actor, now, GUANGDONG_CITIES).await?;
    fazhi_db::org::import_agencies(db, &actor, now, DEMO_AGENCIES).await?;
    load_powers(db, &actor).await?;
    let mut created = 0;
    for user in DEMO_USERS {
        if fazhi_db::users::user_by_username(db, user.username)
            .await?
            .is_some()
        {
            continue;
        }
        let scope = match user.scope {
            DemoScope::Platform => NewScope::Platform,
            DemoScope::OwnAgency => NewScope::Agency(user.agency_code.to_string()),
            DemoScope::Division(code) => NewScope::Division(code.to_string()),
        };
        let new = NewUser {
            username: user.username.to_string(),
            display_name: user.display_name.to_string(),
            agency_code: user.agency_code.to_string(),
            password: DEMO_PASSWORD.to_string(),
            grants: vec![NewGrant {
                role: user.role,
                scope,
            }],
        };
        fazhi_db::users::create_user(db, &actor, fazhi_core::clock::now(), &new).await?;
        created += 1;
    }
    Ok(created)
}

/// What the demo prints for the person who started it.
pub fn credentials_text(url: &str) -> String {
    let mut text = format!(
        "fazhi 演示已启动：{url}\n（演示数据，仅供体验；所有演示账号的密码均为 {DEMO_PASSWORD}）\n"
    );
    for user in DEMO_USERS {
        text.push_str(&format!(
            "  {:<12} {:<10} {}\n",
            user.username,
            user.role.zh(),
            user.display_name
        ));
    }
    text
}
