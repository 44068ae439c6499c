//! A hand-computed test ledger for Meizhou. Every expectation below was worked out by hand from
//! the adjustments listed in `ledger()`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use proptest::prelude::*;

const CITY: &str = "/440000/441400/";
const MEIJIANG: &str = "/440000/441400/441402/";
const MEIXIAN: &str = "/440000/441400/441403/";
const DABU: &str = "/440000/441400/441422/";
const PINGYUAN_TOWN: &str = "/440000/441400/441426/441426100/";
const JIANGNAN: &str = "/440000/441400/441402/441402004/";
const HULIAO: &str = "/440000/441400/441422/441422100/";

const CITY_WATER: &str = "G441400-016";
const MEIJIANG_WATER: &str = "W441402";
const MEIXIAN_WATER: &str = "W441403";
const DABU_WATER: &str = "W441422";
const MEIJIANG_MARKET: &str = "G441402-004";
const JIANGNAN_STREET: &str = "G441402004-001";

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn party(agency: &str, territory: &str) -> Party {
    Party::on_platform(agency, territory)
}

fn decision(on: &str) -> Decision {
    Decision {
        title: "测试决定".into(),
        doc_number: Some("梅市府〔2020〕1号".into()),
        date: date(on),
    }
}

fn adjustment(id: i64, kind: AdjustmentKind, item: &str, effective: &str) -> Adjustment {
    Adjustment {
        id,
        kind,
        item_code: item.into(),
        effective: date(effective),
        from: None,
        to: Vec::new(),
        term_end: None,
        condition: None,
        giver_keeps_residual: false,
        decision: decision(effective),
    }
}

fn single_county_intakes() -> Condition {
    Condition {
        attribute: "intake_spans_counties".into(),
        value: "false".into(),
        text: "不含跨县（市、区）取水".into(),
    }
}

fn local_ordinary_cases() -> Condition {
    Condition {
        attribute: "cross_area_or_major".into(),
        value: "false".into(),
        text: "跨区域及重大案件除外".into(),
    }
}

/// 1 承接 取水许可 from the province (2019-06-01); 2 下放 it to three counties except
/// cross-county intakes (2020-03-01); 3 新增 a penalty for 梅江区市场监管局; 4 下放 that penalty to
/// 江南街道 except cross-area and major cases (2020-12-01); 5 新增 an inspection for 市水务局;
/// 6 委托 it to 梅江区 for one year (2021); 7 收回 取水许可 from 梅县区 (2023-01-01);
/// 8 取消 the inspection (2024-01-01); 9 变更 取水许可 (2021-05-01).
fn ledger_adjustments() -> Vec<Adjustment> {
    use AdjustmentKind::*;
    vec![
        Adjustment {
            from: Some(Party::external("广东省水利厅")),
            to: vec![party(CITY_WATER, CITY)],
            ..adjustment(1, TakeOver, "XK-QS", "2019-06-01")
        },
        Adjustment {
            from: Some(party(CITY_WATER, CITY)),
            to: vec![
                party(MEIJIANG_WATER, MEIJIANG),
                party(MEIXIAN_WATER, MEIXIAN),
                party(DABU_WATER, DABU),
            ],
            condition: Some(single_county_intakes()),
            giver_keeps_residual: true,
            decision: decision("2020-02-20"),
            ..adjustment(2, Devolve, "XK-QS", "2020-03-01")
        },
        Adjustment {
            to: vec![party(MEIJIANG_MARKET, MEIJIANG)],
            ..adjustment(3, Add, "CF-001", "2019-01-01")
        },
        Adjustment {
            from: Some(party(MEIJIANG_MARKET, MEIJIANG)),
            to: vec![party(JIANGNAN_STREET, JIANGNAN)],
            condition: Some(local_ordinary_cases()),
            giver_keeps_residual: true,
            ..adjustment(4, Devolve, "CF-001", "2020-12-01")
        },
        Adjustment {
            to: vec![party(CITY_WATER, CITY)],
            ..adjustment(5, Add, "JC-001", "2019-01-01")
        },
        Adjustment {
            from: Some(party(CITY_WATER, CITY)),
            to: vec![party(MEIJIANG_WATER, MEIJIANG)],
            term_end: Some(date("2022-01-01")),
            ..adjustment(6, Entrust, "JC-001", "2021-01-01")
        },
        Adjustment {
            from: Some(party(MEIXIAN_WATER, MEIXIAN)),
            to: vec![party(CITY_WATER, CITY)],
            ..adjustment(7, TakeBack, "XK-QS", "2023-01-01")
        },
        adjustment(8, Abolish, "JC-001", "2024-01-01"),
        adjustment(9, Change, "XK-QS", "2021-05-01"),
    ]
}

fn ledger() -> Ledger {
    Ledger::replay(ledger_adjustments()).unwrap()
}

fn attrs(attribute: &str, value: &str) -> CaseAttributes {
    [(attribute.to_string(), value.to_string())]
        .into_iter()
        .collect()
}

fn holders(answers: &[HolderAnswer]) -> Vec<&str> {
    answers
        .iter()
        .map(|a| a.legal_holder.agency.as_str())
        .collect()
}

#[test]
fn before_the_handover_the_city_holds_water_permits_everywhere() {
    let ledger = ledger();
    assert_eq!(
        holders(&ledger.holder("XK-QS", JIANGNAN, date("2020-02-29"), None)),
        [CITY_WATER]
    );
    assert!(
        ledger
            .holder("XK-QS", JIANGNAN, date("2019-05-31"), None)
            .is_empty(),
        "not yet taken over"
    );
}

#[test]
fn from_the_handover_date_the_county_holds_single_county_intakes() {
    let ledger = ledger();
    let on = date("2020-03-01");
    let undecided = ledger.holder("XK-QS", JIANGNAN, on, None);
    assert_eq!(
        holders(&undecided),
        [MEIJIANG_WATER, CITY_WATER],
        "both, most specific first, with conditions"
    );
    assert_eq!(undecided[0].condition, Some(single_county_intakes()));
    assert_eq!(
        undecided[0]
            .supervised_by
            .as_ref()
            .map(|p| p.agency.as_str()),
        Some(CITY_WATER)
    );
    assert_eq!(undecided[0].basis_adjustment, 2);
    let local = attrs("intake_spans_counties", "false");
    assert_eq!(
        holders(&ledger.holder("XK-QS", JIANGNAN, on, Some(&local))),
        [MEIJIANG_WATER]
    );
    let cross_county = attrs("intake_spans_counties", "true");
    assert_eq!(
        holders(&ledger.holder("XK-QS", JIANGNAN, on, Some(&cross_county))),
        [CITY_WATER]
    );
    assert_eq!(
        holders(&ledger.holder("XK-QS", PINGYUAN_TOWN, on, Some(&local))),
        [CITY_WATER],
        "平远 received nothing"
    );
}

#[test]
fn a_take_back_returns_the_power_to_the_city_on_its_date() {
    let ledger = ledger();
    let local = attrs("intake_spans_counties", "false");
    let meixian_town = "/440000/441400/441403/441403100/";
    assert_eq!(
        holders(&ledger.holder("XK-QS", meixian_town, date("2022-12-31"), Some(&local))),
        [MEIXIAN_WATER]
    );
    assert_eq!(
        holders(&ledger.holder("XK-QS", meixian_town, date("2023-01-01"), Some(&local))),
        [CITY_WATER]
    );
    assert_eq!(
        holders(&ledger.holder("XK-QS", JIANGNAN, date("2023-01-01"), Some(&local))),
        [MEIJIANG_WATER]
    );
}

#[test]
fn an_entrusted_unit_exercises_in_the_holders_name_until_the_term_ends() {
    let ledger = ledger();
    let during = ledger.holder("JC-001", JIANGNAN, date("2021-06-01"), None);
    assert_eq!(
        holders(&during),
        [CITY_WATER],
        "the legal holder does not change"
    );
    assert_eq!(during[0].exercised_by.agency, MEIJIANG_WATER);
    assert_eq!(during[0].entrustment, Some(6));
    let elsewhere = ledger.holder("JC-001", HULIAO, date("2021-06-01"), None);
    assert_eq!(
        elsewhere[0].exercised_by.agency, CITY_WATER,
        "the entrustment covers 梅江区 only"
    );
    let lapsed = ledger.holder("JC-001", JIANGNAN, date("2022-01-01"), None);
    assert_eq!(lapsed[0].exercised_by.agency, CITY_WATER);
    assert_eq!(
        lapsed[0].lapsed_entrustment,
        Some(6),
        "an expired term is shown as such"
    );
}

#[test]
fn an_abolished_power_has_no_holder() {
    let ledger = ledger();
    assert_eq!(
        holders(&ledger.holder("JC-001", CITY, date("2023-12-31"), None)),
        [CITY_WATER]
    );
    assert!(
        ledger
            .holder("JC-001", CITY, date("2024-01-01"), None)
            .is_empty()
    );
}

#[test]
fn towns_hold_transferred_penalties_and_the_county_keeps_major_cases() {
    let ledger = ledger();
    let on = date("2020-12-01");
    let ordinary = attrs("cross_area_or_major", "false");
    let major = attrs("cross_area_or_major", "true");
    assert_eq!(
        holders(&ledger.holder("CF-001", JIANGNAN, on, Some(&ordinary))),
        [JIANGNAN_STREET]
    );
    assert_eq!(
        holders(&ledger.holder("CF-001", JIANGNAN, on, Some(&major))),
        [MEIJIANG_MARKET]
    );
    assert_eq!(
        holders(&ledger.holder("CF-001", JIANGNAN, date("2020-11-30"), Some(&ordinary))),
        [MEIJIANG_MARKET]
    );
}

fn replay_with(extra: Adjustment) -> Result<Ledger, LedgerError> {
    let mut adjustments = ledger_adjustments();
    adjustments.push(extra);
    Ledger::replay(adjustments)
}

fn expect_error(extra: Adjustment, fragment: &str) {
    match replay_with(extra) {
        Err(error) => assert!(
            error.to_string().contains(fragment),
            "expected “{fragment}” in “{error}”"
        ),
        Ok(_) => panic!("expected an error containing “{fragment}”"),
    }
}

#[test]
fn a_giver_can_only_hand_down_what_it_holds_on_that_date() {
    use AdjustmentKind::*;
    let never_held = Adjustment {
        from: Some(party(CITY_WATER, CITY)),
        to: vec![party(MEIJIANG_WATER, MEIJIANG)],
        ..adjustment(20, Devolve, "CF-001", "2021-01-01")
    };
    expect_error(never_held, "未持有此事项");
    let too_early = Adjustment {
        from: Some(party(CITY_WATER, CITY)),
        to: vec![party(MEIJIANG_WATER, MEIJIANG)],
        ..adjustment(21, Devolve, "XK-QS", "2019-05-01")
    };
    expect_error(too_early, "2019-05-01未持有此事项");
    let outside = Adjustment {
        from: Some(party(MEIJIANG_MARKET, MEIJIANG)),
        to: vec![party("G441422100-001", HULIAO)],
        ..adjustment(22, Devolve, "CF-001", "2021-01-01")
    };
    expect_error(outside, "不在交出单位");
}

#[test]
fn entrustments_of_one_unit_may_not_overlap() {
    let overlapping = Adjustment {
        from: Some(party(CITY_WATER, CITY)),
        to: vec![party(MEIJIANG_WATER, MEIJIANG)],
        term_end: Some(date("2022-06-01")),
        ..adjustment(30, AdjustmentKind::Entrust, "JC-001", "2021-06-01")
    };
    expect_error(overlapping, "重叠");
    let renewal = Adjustment {
        from: Some(party(CITY_WATER, CITY)),
        to: vec![party(MEIJIANG_WATER, MEIJIANG)],
        term_end: Some(date("2023-01-01")),
        ..adjustment(31, AdjustmentKind::Entrust, "JC-001", "2022-01-01")
    };
    let renewed = replay_with(renewal).unwrap();
    let answer = &renewed.holder("JC-001", JIANGNAN, date("2022-06-01"), None)[0];
    assert_eq!(answer.exercised_by.agency, MEIJIANG_WATER);
    assert_eq!(answer.lapsed_entrustment, None);
}

#[test]
fn dates_out_of_order_are_refused() {
    let before_decision = Adjustment {
        to: vec![party(CITY_WATER, CITY)],
        decision: decision("2021-02-01"),
        ..adjustment(40, AdjustmentKind::Add, "XK-NEW", "2021-01-01")
    };
    expect_error(before_decision, "早于决定日期");
    let term_before_start = Adjustment {
        from: Some(party(CITY_WATER, CITY)),
        to: vec![party(DABU_WATER, DABU)],
        term_end: Some(date("2021-01-01")),
        ..adjustment(41, AdjustmentKind::Entrust, "JC-001", "2021-03-01")
    };
    expect_error(term_before_start, "委托期限");
    let term_on_devolution = Adjustment {
        from: Some(party(CITY_WATER, CITY)),
        to: vec![party(DABU_WATER, DABU)],
        term_end: Some(date("2025-01-01")),
        ..adjustment(42, AdjustmentKind::Devolve, "JC-001", "2021-03-01")
    };
    expect_error(term_on_devolution, "只有委托才有期限");
}

#[test]
fn duplicate_holdings_and_impossible_take_backs_are_refused() {
    let twice = Adjustment {
        to: vec![party(CITY_WATER, CITY)],
        ..adjustment(50, AdjustmentKind::Add, "JC-001", "2020-01-01")
    };
    expect_error(twice, "已持有此事项");
    let not_devolved = Adjustment {
        from: Some(party(CITY_WATER, CITY)),
        to: vec![party(CITY_WATER, CITY)],
        ..adjustment(51, AdjustmentKind::TakeBack, "XK-QS", "2021-01-01")
    };
    expect_error(not_devolved, "并非由下放取得");
    expect_error(
        adjustment(52, AdjustmentKind::Change, "NO-SUCH", "2021-01-01"),
        "无持有单位",
    );
    expect_error(
        adjustment(53, AdjustmentKind::Abolish, "JC-001", "2025-01-01"),
        "已无持有单位",
    );
}

proptest! {
    /// The register depends on the adjustments, not on the order they are supplied in.
    #[test]
    fn replay_does_not_depend_on_input_order(seed in any::<u64>()) {
        let mut adjustments = ledger_adjustments();
        let mut state = seed | 1;
        for i in (1..adjustments.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            adjustments.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let shuffled = Ledger::replay(adjustments).unwrap();
        let reference = ledger();
        prop_assert_eq!(shuffled.holdings, reference.holdings);
        prop_assert_eq!(shuffled.entrustments, reference.entrustments);
    }

    /// Whatever the date and place, a fully described case has at most one legal holder.
    #[test]
    fn a_described_case_has_at_most_one_holder(days in 0i64..2500, place in 0usize..4, spans in any::<bool>(), major in any::<bool>()) {
        let ledger = ledger();
        let on = date("2019-01-01") + chrono::Duration::days(days);
        let places = [JIANGNAN, HULIAO, PINGYUAN_TOWN, "/440000/441400/441403/441403100/"];
        let mut attributes = attrs("intake_spans_counties", &spans.to_string());
        attributes.insert("cross_area_or_major".into(), major.to_string());
        for item in ["XK-QS", "CF-001", "JC-001"] {
            prop_assert!(ledger.holder(item, places[place], on, Some(&attributes)).len() <= 1);
        }
    }
}

#[test]
fn legal_basis_text_is_parsed_into_provisions() {
    let basis =
        parse_basis("《中华人民共和国水法》第七条；《取水许可和水资源费征收管理条例》第十四条")
            .unwrap();
    assert_eq!(basis.len(), 2);
    assert_eq!(basis[1].law, "取水许可和水资源费征收管理条例");
    assert_eq!(basis[1].article, "第十四条");
    assert_eq!(
        basis_text(&basis),
        "《中华人民共和国水法》第七条；《取水许可和水资源费征收管理条例》第十四条"
    );
    let quoted = "《中华人民共和国水法》第四十八条：直接从江河取用水资源的，应当申请取水许可；但是，家庭生活除外。；《取水许可和水资源费征收管理条例》第十四条";
    let basis = parse_basis(quoted).unwrap();
    assert_eq!(
        basis.len(),
        2,
        "a ； inside the quoted words does not separate"
    );
    assert_eq!(
        basis[0].text,
        "直接从江河取用水资源的，应当申请取水许可；但是，家庭生活除外。"
    );
    assert_eq!(basis_text(&basis), quoted);
    assert_eq!(parse_basis(&basis_text(&basis)).unwrap(), basis);
    assert_eq!(parse_basis("  ").unwrap_err(), "缺少设定依据");
    assert!(
        parse_basis("水法第七条")
            .unwrap_err()
            .contains("应以《法规名称》开头")
    );
}

#[test]
fn items_are_checked_field_by_field() {
    let categories = vec!["XK".to_string(), "CF".to_string()];
    let good = Item {
        code: "XK-QS".into(),
        name: "取水许可".into(),
        sub_items: vec!["取水许可（新办）".into(), "取水许可（延续）".into()],
        category: "XK".into(),
        basis: parse_basis("《中华人民共和国水法》第四十八条").unwrap(),
        responsibilities: vec!["受理".into(), "审查".into()],
        accountability: String::new(),
        supervision: String::new(),
        note: String::new(),
        related_items: Vec::new(),
    };
    assert!(check_item(&good, &categories).is_empty());
    let bad = Item {
        code: "取水 1".into(),
        name: String::new(),
        category: "ZZ".into(),
        basis: vec![],
        sub_items: vec!["长".repeat(MAX_ITEM_NAME_CHARS + 1)],
        ..good
    };
    let fields: Vec<&str> = check_item(&bad, &categories)
        .iter()
        .map(|e| e.field)
        .collect();
    assert_eq!(
        fields,
        ["事项编码", "事项名称", "子项名称", "事项类别", "设定依据"]
    );
}
