//! 权责清单 on both databases: a hand-computed ledger recorded through the storage layer, the
//! holder question on the CLI and the API, and batches that contradict the register.

use crate::support::{self, Browser, count};
use chrono::NaiveDate;
use fazhi_core::powers::{AdjustmentKind, CaseAttributes, Condition, Decision, Item, parse_basis};
use fazhi_db::powers::{Giver, NewAdjustment, NewBatch, holder_reports, record_batch, save_item};
use fazhi_db::{Actor, Db, DbError};

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn actor() -> Actor {
    Actor::cli("test")
}

fn item(code: &str, category: &str) -> Item {
    Item {
        code: code.into(),
        name: format!("测试事项{code}"),
        sub_items: Vec::new(),
        category: category.into(),
        basis: parse_basis("《中华人民共和国行政许可法》第十二条").unwrap(),
        responsibilities: vec!["受理".into(), "决定".into()],
        accountability: String::new(),
        supervision: String::new(),
        note: String::new(),
        related_items: Vec::new(),
    }
}

fn adjustment(kind: AdjustmentKind, item: &str, effective: &str) -> NewAdjustment {
    NewAdjustment {
        kind,
        item_code: item.into(),
        effective: date(effective),
        from: None,
        to: Vec::new(),
        term_end: None,
        condition: None,
        giver_keeps_residual: false,
    }
}

fn batch(title: &str, decided: &str, adjustments: Vec<NewAdjustment>) -> NewBatch {
    NewBatch {
        decision: Decision {
            title: title.into(),
            doc_number: None,
            date: date(decided),
        },
        url: None,
        adjustments,
    }
}

const CITY_WATER: &str = "G441400-016";
const MEIJIANG_WATER: &str = "G441402-005";
const MEIJIANG_MARKET: &str = "G441402-004";
const JIANGNAN_STREET: &str = "G441402004-001";

/// T-QS: taken over 2019-06-01, handed to 梅江区 2020-03-01 except cross-county intakes.
/// T-CF: a 梅江区 penalty, handed to 江南街道 2020-12-01 except cross-area and major cases.
async fn record_test_ledger(db: &Db) {
    for (code, category) in [("T-QS", "XK"), ("T-CF", "CF")] {
        save_item(
            db,
            &actor(),
            fazhi_core::clock::now(),
            &item(code, category),
        )
        .await
        .unwrap();
    }
    let take_over = NewAdjustment {
        from: Some(Giver::External("广东省水利厅".into())),
        to: vec![CITY_WATER.into()],
        ..adjustment(AdjustmentKind::TakeOver, "T-QS", "2019-06-01")
    };
    let penalty = NewAdjustment {
        to: vec![MEIJIANG_MARKET.into()],
        ..adjustment(AdjustmentKind::Add, "T-CF", "2019-01-01")
    };
    record_batch(
        db,
        &actor(),
        fazhi_core::clock::now(),
        &batch("测试：承接与新增", "2018-12-01", vec![take_over, penalty]),
    )
    .await
    .unwrap();
    let devolve = NewAdjustment {
        from: Some(Giver::Agency(CITY_WATER.into())),
        to: vec![MEIJIANG_WATER.into()],
        condition: Some(Condition {
            attribute: "intake_spans_counties".into(),
            value: "false".into(),
            text: "不含跨县取水".into(),
        }),
        giver_keeps_residual: true,
        ..adjustment(AdjustmentKind::Devolve, "T-QS", "2020-03-01")
    };
    let to_town = NewAdjustment {
        from: Some(Giver::Agency(MEIJIANG_MARKET.into())),
        to: vec![JIANGNAN_STREET.into()],
        condition: Some(Condition {
            attribute: "cross_area_or_major".into(),
            value: "false".into(),
            text: "跨区域及重大案件除外".into(),
        }),
        giver_keeps_residual: true,
        ..adjustment(AdjustmentKind::Devolve, "T-CF", "2020-12-01")
    };
    record_batch(
        db,
        &actor(),
        fazhi_core::clock::now(),
        &batch("测试：下放", "2020-02-20", vec![devolve, to_town]),
    )
    .await
    .unwrap();
}

fn attrs(attribute: &str, value: &str) -> CaseAttributes {
    [(attribute.to_string(), value.to_string())]
        .into_iter()
        .collect()
}

async fn holders(
    db: &Db,
    item: &str,
    division: &str,
    on: &str,
    attributes: Option<&CaseAttributes>,
) -> Vec<String> {
    holder_reports(db, item, division, date(on), attributes)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.agency_code)
        .collect()
}

#[tokio::test]
async fn the_holder_follows_the_2020_hand_down_on_both_databases() {
    for db in support::demo_backends().await {
        record_test_ledger(&db).await;
        assert_eq!(
            holders(&db, "T-QS", "441402004", "2020-02-29", None).await,
            [CITY_WATER]
        );
        assert_eq!(
            holders(&db, "T-QS", "441402004", "2020-03-01", None).await,
            [MEIJIANG_WATER, CITY_WATER]
        );
        let local = attrs("intake_spans_counties", "false");
        assert_eq!(
            holders(&db, "T-QS", "441402004", "2020-03-01", Some(&local)).await,
            [MEIJIANG_WATER]
        );
        let cross = attrs("intake_spans_counties", "true");
        assert_eq!(
            holders(&db, "T-QS", "441402", "2020-03-01", Some(&cross)).await,
            [CITY_WATER]
        );
        assert_eq!(
            holders(&db, "T-QS", "441422", "2020-03-01", Some(&local)).await,
            [CITY_WATER],
            "大埔 was not part of this test batch"
        );
        let report = &holder_reports(&db, "T-QS", "441402", date("2020-06-01"), Some(&local))
            .await
            .unwrap()[0];
        assert_eq!(report.agency, "梅江区水务局");
        assert_eq!(report.supervised_by.as_deref(), Some("梅州市水务局"));
        assert_eq!(report.condition.as_deref(), Some("不含跨县取水"));
        let basis = report.basis_adjustment.as_ref().unwrap();
        assert_eq!(
            (basis.kind.as_str(), basis.decision_title.as_str()),
            ("devolve", "测试：下放")
        );
        let ordinary = attrs("cross_area_or_major", "false");
        assert_eq!(
            holders(&db, "T-CF", "441402004", "2020-12-01", Some(&ordinary)).await,
            [JIANGNAN_STREET]
        );
        assert_eq!(
            holders(&db, "T-CF", "441402006", "2020-12-01", Some(&ordinary)).await,
            [MEIJIANG_MARKET],
            "金山街道 received nothing"
        );
    }
}

/// Every holding within `division_path` on `date` (of one agency when given), in listing order.
async fn catalogue(
    db: &Db,
    division_path: &str,
    agency: Option<&str>,
    date: NaiveDate,
) -> Result<Vec<fazhi_db::powers::CatalogueRow>, DbError> {
    let filter = fazhi_db::powers::CatalogueFilter {
        division_path: division_path.into(),
        agency: agency.map(str::to_string),
        on: date,
        ..Default::default()
    };
    Ok(fazhi_db::powers::catalogue_page(db, &filter, None).await?.0)
}

#[tokio::test]
async fn catalogues_as_of_a_date_on_both_databases() {
    for db in support::demo_backends().await {
        record_test_ledger(&db).await;
        let meijiang = "/440000/441400/441402/";
        let codes = |rows: Vec<fazhi_db::powers::CatalogueRow>| {
            rows.into_iter()
                .map(|r| (r.holder, r.item_code))
                .collect::<Vec<_>>()
        };
        let before = codes(
            catalogue(&db, meijiang, None, date("2020-01-01"))
                .await
                .unwrap(),
        );
        assert_eq!(before, [(MEIJIANG_MARKET.to_string(), "T-CF".to_string())]);
        let after = codes(
            catalogue(&db, meijiang, None, date("2020-12-01"))
                .await
                .unwrap(),
        );
        assert!(after.contains(&(JIANGNAN_STREET.to_string(), "T-CF".to_string())));
        assert!(after.contains(&(MEIJIANG_WATER.to_string(), "T-QS".to_string())));
        assert!(
            after.contains(&(MEIJIANG_WATER.to_string(), "DEMO-XK-QS".to_string())),
            "the demo hand-down is there too"
        );
        let city_water = catalogue(&db, "/440000/441400/", Some(CITY_WATER), date("2020-12-01"))
            .await
            .unwrap();
        let items: Vec<&str> = city_water.iter().map(|r| r.item_code.as_str()).collect();
        assert_eq!(
            items,
            ["DEMO-XK-QS", "T-QS"],
            "the city keeps cross-county intakes"
        );
    }
}

async fn ledger_counts(db: &Db) -> [i64; 5] {
    [
        count(db, "power_adjustments").await,
        count(db, "power_adjustment_receivers").await,
        count(db, "power_holdings").await,
        count(db, "power_decisions").await,
        count(db, "audit_log").await,
    ]
}

async fn refused(db: &Db, batch: NewBatch, fragment: &str) {
    let before = ledger_counts(db).await;
    match record_batch(db, &actor(), fazhi_core::clock::now(), &batch).await {
        Err(DbError::Invalid(message)) => assert!(
            message.contains(fragment),
            "expected “{fragment}” in “{message}”"
        ),
        other => panic!("expected “{fragment}”, got {other:?}"),
    }
    assert_eq!(ledger_counts(db).await, before, "nothing written");
}

#[tokio::test]
async fn a_batch_that_contradicts_the_register_writes_nothing() {
    for db in support::demo_backends().await {
        record_test_ledger(&db).await;
        let good = NewAdjustment {
            to: vec![CITY_WATER.into()],
            ..adjustment(AdjustmentKind::Add, "T-CF", "2021-01-01")
        };
        let not_held = NewAdjustment {
            from: Some(Giver::Agency("G441400-024".into())),
            to: vec![MEIJIANG_MARKET.into()],
            ..adjustment(AdjustmentKind::Devolve, "T-QS", "2021-01-01")
        };
        refused(
            &db,
            batch("测试：坏批次", "2020-12-20", vec![good.clone(), not_held]),
            "未持有此事项",
        )
        .await;
        let unknown_agency = NewAdjustment {
            to: vec!["G449999-001".into()],
            ..good.clone()
        };
        refused(
            &db,
            batch("测试：坏批次", "2020-12-20", vec![unknown_agency]),
            "机构“G449999-001”不存在",
        )
        .await;
        let unknown_item = NewAdjustment {
            item_code: "NO-SUCH".into(),
            ..good.clone()
        };
        refused(
            &db,
            batch("测试：坏批次", "2020-12-20", vec![unknown_item]),
            "事项“NO-SUCH”不存在",
        )
        .await;
        refused(
            &db,
            batch("测试：坏批次", "2021-02-01", vec![good.clone()]),
            "早于决定日期",
        )
        .await;
        let overlapping = |effective: &str, end: &str| NewAdjustment {
            from: Some(Giver::Agency(CITY_WATER.into())),
            to: vec!["G441422-004".into()],
            term_end: Some(date(end)),
            ..adjustment(AdjustmentKind::Entrust, "T-QS", effective)
        };
        record_batch(
            &db,
            &actor(),
            fazhi_core::clock::now(),
            &batch(
                "测试：委托",
                "2020-12-20",
                vec![overlapping("2021-01-01", "2022-01-01")],
            ),
        )
        .await
        .unwrap();
        refused(
            &db,
            batch(
                "测试：重叠委托",
                "2020-12-20",
                vec![overlapping("2021-06-01", "2022-06-01")],
            ),
            "重叠",
        )
        .await;
        refused(
            &db,
            batch("测试：空批次", "2020-12-20", vec![]),
            "没有任何调整",
        )
        .await;
    }
}

#[tokio::test]
async fn bad_items_are_refused_with_the_field_named() {
    for db in support::backends().await {
        let items = count(&db, "power_items").await;
        let cases = [
            (
                Item {
                    category: "ZZ".into(),
                    ..item("T-1", "XK")
                },
                "事项类别",
            ),
            (
                Item {
                    basis: vec![],
                    ..item("T-2", "XK")
                },
                "设定依据",
            ),
            (
                Item {
                    name: String::new(),
                    sub_items: Vec::new(),
                    ..item("T-3", "XK")
                },
                "事项名称",
            ),
        ];
        for (bad, field) in cases {
            let error = save_item(&db, &actor(), fazhi_core::clock::now(), &bad)
                .await
                .unwrap_err();
            assert!(error.to_string().contains(field), "{error}");
        }
        assert_eq!(count(&db, "power_items").await, items);
    }
}

#[tokio::test]
async fn the_holder_question_by_machine_on_the_api() {
    for db in support::demo_backends().await {
        let mut client = Browser::new(support::app(&db).await);
        let reply = client
            .get("/api/v1/powers/items/DEMO-XK-QS/holder?division=441402&on=2020-03-01")
            .await;
        assert_eq!(reply.status, axum::http::StatusCode::OK, "{}", reply.body);
        let answers: Vec<serde_json::Value> = serde_json::from_str(&reply.body).unwrap();
        assert_eq!(answers[0]["agency"], "梅江区水务局");
        assert_eq!(answers[0]["condition"], "不含跨县（市、区）取水");
        assert_eq!(answers[1]["agency"], "梅州市水务局");
        assert_eq!(answers[0]["basis_adjustment"]["kind"], "devolve");
        let before = client
            .get("/api/v1/powers/items/DEMO-XK-QS/holder?division=441402&on=2020-02-29")
            .await;
        let answers: Vec<serde_json::Value> = serde_json::from_str(&before.body).unwrap();
        assert_eq!(answers.len(), 1);
        assert_eq!(answers[0]["agency"], "梅州市水务局");
        let bad = client
            .get("/api/v1/powers/items/NO-SUCH/holder?division=441402&on=2020-03-01")
            .await;
        assert_eq!(bad.status, axum::http::StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("事项“NO-SUCH”不存在"));
    }
}

#[tokio::test]
async fn the_public_catalogue_shows_any_date_and_downloads_as_csv() {
    for db in support::demo_backends().await {
        let mut visitor = Browser::new(support::app(&db).await);
        let before = visitor.get("/powers?division=441402&on=2020-02-29").await;
        assert_eq!(before.status, axum::http::StatusCode::OK);
        assert!(
            !before.body.contains("取水许可（演示）"),
            "梅江区 held nothing of it before the hand-down"
        );
        let after = visitor.get("/powers?division=441402&on=2020-03-01").await;
        assert!(
            after.body.contains("取水许可（演示）") && after.body.contains("梅江区水务局"),
            "{}",
            after.body
        );
        assert!(after.body.contains("不含跨县（市、区）取水"));
        let city = visitor.get("/powers?on=2020-03-01").await;
        assert!(
            city.body.contains("共9项"),
            "the city water bureau and eight county bureaus"
        );
        let filtered = visitor
            .get("/powers?on=2020-03-01&agency=G441400-016")
            .await;
        assert!(filtered.body.contains("共1项"));
        let csv = visitor
            .get("/powers/catalogue.csv?division=441400&on=2020-03-01")
            .await;
        assert_eq!(csv.content_type, "text/csv; charset=utf-8");
        assert!(csv.body.starts_with(
            "\u{feff}事项编码,事项名称,事项类别,实施主体,机构代码,持有起始日,适用条件\r\n"
        ));
        assert_eq!(csv.body.lines().count(), 10, "header and nine holdings");
        assert!(
            csv.body
                .contains("DEMO-XK-QS,取水许可（演示）,XK,梅州市水务局,G441400-016,2019-01-01,")
        );
        let county_level = visitor.get("/powers?on=2020-03-01&level=county").await;
        assert!(
            county_level.body.contains("共8项"),
            "the eight county bureaus"
        );
        let city_level = visitor.get("/powers?on=2020-03-01&level=city").await;
        assert!(city_level.body.contains("共1项"));
        let by_law = visitor
            .get("/powers?on=2020-03-01&basis=%E6%B0%B4%E6%B3%95")
            .await;
        assert!(by_law.body.contains("共9项"), "水法 is in the basis");
        let other_law = visitor
            .get("/powers?on=2020-03-01&basis=%E5%88%91%E6%B3%95")
            .await;
        assert!(other_law.body.contains("共0项"));
        assert_eq!(
            visitor.get("/powers?level=province").await.status,
            axum::http::StatusCode::UNPROCESSABLE_ENTITY
        );
        let bad_date = visitor.get("/powers?on=2020-02-30").await;
        assert_eq!(
            bad_date.status,
            axum::http::StatusCode::UNPROCESSABLE_ENTITY
        );
        assert!(bad_date.body.contains("格式错误"));
        assert_eq!(
            visitor.get("/powers?division=999999").await.status,
            axum::http::StatusCode::UNPROCESSABLE_ENTITY
        );
    }
}

#[tokio::test]
async fn an_item_page_shows_its_holders_on_a_date_and_its_history() {
    for db in support::demo_backends().await {
        let mut visitor = Browser::new(support::app(&db).await);
        let page = visitor.get("/powers/items/DEMO-XK-QS?on=2020-02-29").await;
        assert_eq!(page.status, axum::http::StatusCode::OK);
        assert!(page.body.contains("《中华人民共和国水法》第四十八条"));
        assert!(page.body.contains("承接") && page.body.contains("广东省水利厅"));
        assert!(
            page.body.contains("下放")
                && page
                    .body
                    .contains("取水许可下放县（市、区）实施的通知（演示）")
        );
        assert!(
            page.body.contains("梅州市水务局") && !page.body.contains("<td>兴宁市水务局</td><td>"),
            "one holder on that date"
        );
        assert_eq!(
            visitor.get("/powers/items/NO-SUCH").await.status,
            axum::http::StatusCode::NOT_FOUND
        );
    }
}

#[tokio::test]
async fn changes_between_two_dates_follow_the_hand_computed_ledger() {
    for db in support::demo_backends().await {
        record_test_ledger(&db).await;
        let meijiang = "/440000/441400/441402/";
        let kinds_and_items = |rows: Vec<fazhi_db::powers::ChangeRow>| {
            rows.into_iter()
                .map(|r| (r.kind, r.item_code))
                .collect::<Vec<_>>()
        };
        let year_2020 = kinds_and_items(
            fazhi_db::powers::changes_between(
                &db,
                meijiang,
                date("2019-12-31"),
                date("2020-12-31"),
            )
            .await
            .unwrap(),
        );
        let expected: Vec<(String, String)> = [
            ("devolve", "DEMO-XK-QS"),
            ("devolve", "T-QS"),
            ("devolve", "T-CF"),
        ]
        .map(|(k, i)| (k.into(), i.into()))
        .to_vec();
        let mut sorted = year_2020.clone();
        sorted.sort();
        let mut expected_sorted = expected;
        expected_sorted.sort();
        assert_eq!(sorted, expected_sorted, "{}", db.backend_name());
        let year_2019 = kinds_and_items(
            fazhi_db::powers::changes_between(
                &db,
                meijiang,
                date("2018-12-31"),
                date("2019-12-31"),
            )
            .await
            .unwrap(),
        );
        assert_eq!(
            year_2019,
            [("add".to_string(), "T-CF".to_string())],
            "the city's take-overs are outside 梅江区"
        );
        let city_2019 = fazhi_db::powers::changes_between(
            &db,
            "/440000/441400/",
            date("2018-12-31"),
            date("2019-12-31"),
        )
        .await
        .unwrap();
        assert_eq!(
            city_2019.iter().filter(|c| c.kind == "take_over").count(),
            2,
            "demo and test take-overs"
        );
        let hand_down = fazhi_db::powers::changes_between(
            &db,
            meijiang,
            date("2020-02-29"),
            date("2020-03-01"),
        )
        .await
        .unwrap();
        let demo = hand_down
            .iter()
            .find(|c| c.item_code == "DEMO-XK-QS")
            .unwrap();
        assert_eq!(demo.from_name.as_deref(), Some("梅州市水务局"));
        assert!(
            demo.receivers
                .as_deref()
                .unwrap()
                .contains("梅江区水务局、梅县区水务局")
        );
        assert!(matches!(
            fazhi_db::powers::changes_between(&db, meijiang, date("2021-01-01"), date("2020-01-01")).await,
            Err(DbError::Invalid(m)) if m.contains("早于起始日期")
        ));
    }
}

/// T-JC: a city inspection (2019), entrusted to 梅江区水务局 for 2021, cancelled 2024-01-01.
async fn record_entrustment_and_cancellation(db: &Db) {
    save_item(db, &actor(), fazhi_core::clock::now(), &item("T-JC", "JC"))
        .await
        .unwrap();
    let steps = [
        (
            "测试：新增检查",
            "2018-12-20",
            NewAdjustment {
                to: vec![CITY_WATER.into()],
                ..adjustment(AdjustmentKind::Add, "T-JC", "2019-01-01")
            },
        ),
        (
            "测试：委托",
            "2020-12-20",
            NewAdjustment {
                from: Some(Giver::Agency(CITY_WATER.into())),
                to: vec![MEIJIANG_WATER.into()],
                term_end: Some(date("2021-12-31")),
                ..adjustment(AdjustmentKind::Entrust, "T-JC", "2021-01-01")
            },
        ),
        (
            "测试：取消",
            "2023-12-01",
            NewAdjustment {
                from: Some(Giver::Agency(CITY_WATER.into())),
                ..adjustment(AdjustmentKind::Abolish, "T-JC", "2024-01-01")
            },
        ),
    ];
    for (title, decided, step) in steps {
        record_batch(
            db,
            &actor(),
            fazhi_core::clock::now(),
            &batch(title, decided, vec![step]),
        )
        .await
        .unwrap();
    }
}

#[tokio::test]
async fn figures_and_expiring_entrustments_follow_the_hand_computed_ledger() {
    use fazhi_db::powers::{entrustments_ending, figures_for_year};
    for db in support::demo_backends().await {
        record_test_ledger(&db).await;
        record_entrustment_and_cancellation(&db).await;
        let city = "/440000/441400/";
        let meijiang = "/440000/441400/441402/";
        let figure = |figures: &[fazhi_db::powers::Figure], label: &str| {
            figures.iter().find(|f| f.label == label).unwrap().items
        };
        let year_2019 = figures_for_year(&db, city, 2019).await.unwrap();
        assert_eq!(figure(&year_2019, "承接上级事项"), 2, "DEMO-XK-QS and T-QS");
        assert_eq!(figure(&year_2019, "新增事项"), 2, "T-CF and T-JC");
        let meijiang_2020 = figures_for_year(&db, meijiang, 2020).await.unwrap();
        assert_eq!(figure(&meijiang_2020, "下放至县（市、区）"), 2);
        assert_eq!(figure(&meijiang_2020, "下放至镇（街道）"), 1, "T-CF");
        let city_2021 = figures_for_year(&db, city, 2021).await.unwrap();
        assert_eq!(figure(&city_2021, "委托实施"), 1);
        assert_eq!(figure(&city_2021, "取消事项"), 0);
        let city_2024 = figures_for_year(&db, city, 2024).await.unwrap();
        assert_eq!(figure(&city_2024, "取消事项"), 1);
        assert_eq!(
            catalogue(&db, city, Some(CITY_WATER), date("2024-01-01"))
                .await
                .unwrap()
                .iter()
                .filter(|r| r.item_code == "T-JC")
                .count(),
            0,
            "cancelled on its effective date"
        );

        let ending = entrustments_ending(&db, city, date("2021-12-15"), 30)
            .await
            .unwrap();
        let summary: Vec<(&str, &str, NaiveDate)> = ending
            .iter()
            .map(|e| {
                (
                    e.item_code.as_str(),
                    e.exercised_by_name.as_str(),
                    e.term_end,
                )
            })
            .collect();
        assert_eq!(summary, [("T-JC", "梅江区水务局", date("2021-12-31"))]);
        assert!(
            entrustments_ending(&db, city, date("2021-06-01"), 30)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            entrustments_ending(&db, "/440000/441400/441422/", date("2021-12-15"), 30)
                .await
                .unwrap()
                .is_empty(),
            "大埔 exercises nothing for the city"
        );
    }
}

#[tokio::test]
async fn changes_and_catalogue_are_available_as_pages_csv_and_json() {
    for db in support::demo_backends().await {
        let mut client = Browser::new(support::app(&db).await);
        let page = client
            .get("/powers/changes?division=441400&from=2019-12-31&to=2020-12-31")
            .await;
        assert_eq!(page.status, axum::http::StatusCode::OK);
        assert!(
            page.body.contains("共1项调整：下放1项")
                && page
                    .body
                    .contains("取水许可下放县（市、区）实施的通知（演示）"),
            "{}",
            page.body
        );
        let csv = client
            .get("/powers/changes.csv?division=441400&from=2019-12-31&to=2020-12-31")
            .await;
        assert!(csv.body.starts_with("\u{feff}生效日期,调整类型,事项编码"));
        assert!(
            csv.body
                .contains("2020-03-01,下放,DEMO-XK-QS,取水许可（演示）,梅州市水务局,")
        );
        let json = client
            .get("/api/v1/powers/changes?division=441402&from=2019-12-31&to=2020-12-31")
            .await;
        let changes: Vec<serde_json::Value> = serde_json::from_str(&json.body).unwrap();
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0]["kind_zh"], "下放");
        let catalogue = client
            .get("/api/v1/powers/catalogue?division=441400&on=2019-06-01")
            .await;
        let entries: Vec<serde_json::Value> = serde_json::from_str(&catalogue.body).unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0]["holder_name"], "梅州市水务局");
        let bad = client
            .get("/api/v1/powers/catalogue?division=441400&on=2019-13-01")
            .await;
        assert_eq!(bad.status, axum::http::StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad.content_type, "application/problem+json");
    }
}

fn list_grid(rows: &[&[&str]]) -> fazhi_core::powers::import::Grid {
    use fazhi_core::powers::import::Cell;
    rows.iter()
        .map(|r| {
            r.iter()
                .map(|c| {
                    if c.is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(c.to_string())
                    }
                })
                .collect()
        })
        .collect()
}

async fn parse(db: &Db, rows: &[&[&str]]) -> Vec<fazhi_core::powers::import::ListRow> {
    let categories: Vec<(String, String)> = fazhi_db::powers::categories(db)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.code, c.name))
        .collect();
    let map = fazhi_core::powers::import::parse_column_map(
        fazhi_core::powers::import::BUILTIN_COLUMN_MAP,
    )
    .unwrap();
    fazhi_core::powers::import::parse_list(&list_grid(rows), &map, &categories).unwrap()
}

const LIST_HEADER: &[&str] = &[
    "事项编码",
    "事项名称",
    "事项类别",
    "设定依据",
    "实施主体",
    "责任事项",
];

#[tokio::test]
async fn a_list_imports_all_or_nothing_and_a_dry_run_writes_nothing() {
    for db in support::demo_backends().await {
        let rows = parse(
            &db,
            &[
                LIST_HEADER,
                &[
                    "L-1",
                    "建设项目用地预审",
                    "行政许可",
                    "《中华人民共和国土地管理法》第五十二条",
                    "梅州市自然资源局",
                    "受理、审查、决定",
                ],
                &[
                    "L-2",
                    "对违法占地的处罚",
                    "行政处罚",
                    "《中华人民共和国土地管理法》第七十七条",
                    "G441400-012",
                    "立案、调查、决定",
                ],
                &[
                    "L-2",
                    "对违法占地的处罚",
                    "行政处罚",
                    "《中华人民共和国土地管理法》第七十七条",
                    "梅江区人民政府",
                    "立案、调查、决定",
                ],
            ],
        )
        .await;
        let decision = Decision {
            title: "测试：市级权责清单".into(),
            doc_number: None,
            date: date("2021-01-01"),
        };
        let counts = |db: Db| async move {
            [
                count(&db, "power_items").await,
                count(&db, "power_adjustments").await,
                count(&db, "audit_log").await,
            ]
        };
        let before = counts(db.clone()).await;
        let dry = fazhi_db::powers::import_list(
            &db,
            &actor(),
            fazhi_core::clock::now(),
            &rows,
            &decision,
            date("2021-01-01"),
            true,
        )
        .await
        .unwrap();
        assert_eq!(
            (dry.items_new, dry.holdings_added, dry.dry_run),
            (2, 3, true)
        );
        assert_eq!(counts(db.clone()).await, before, "a dry run writes nothing");
        let real = fazhi_db::powers::import_list(
            &db,
            &actor(),
            fazhi_core::clock::now(),
            &rows,
            &decision,
            date("2021-01-01"),
            false,
        )
        .await
        .unwrap();
        assert_eq!(
            (real.items_new, real.holdings_added),
            (dry.items_new, dry.holdings_added),
            "the preview was exact"
        );
        assert_eq!(
            holders(&db, "L-2", "441402004", "2021-01-01", None).await,
            ["G441402-001"]
        );
        assert_eq!(
            holders(&db, "L-2", "441422", "2021-01-01", None).await,
            ["G441400-012"]
        );
        let again = fazhi_db::powers::import_list(
            &db,
            &actor(),
            fazhi_core::clock::now(),
            &rows,
            &decision,
            date("2021-01-01"),
            false,
        )
        .await
        .unwrap();
        assert_eq!(
            (
                again.items_unchanged,
                again.holdings_already,
                again.holdings_added
            ),
            (2, 3, 0),
            "re-import changes nothing"
        );
        let after_import = counts(db.clone()).await;
        let bad = parse(
            &db,
            &[
                LIST_HEADER,
                &[
                    "L-3",
                    "新事项",
                    "行政许可",
                    "《法》第一条",
                    "梅州市自然资源局",
                    "",
                ],
                &[
                    "L-4",
                    "另一事项",
                    "行政许可",
                    "《法》第一条",
                    "梅州市不存在局",
                    "",
                ],
            ],
        )
        .await;
        match fazhi_db::powers::import_list(
            &db,
            &actor(),
            fazhi_core::clock::now(),
            &bad,
            &decision,
            date("2021-01-01"),
            false,
        )
        .await
        {
            Err(fazhi_db::ImportError::Issues(issues)) => {
                assert_eq!(issues.len(), 1);
                assert_eq!(
                    issues[0].to_string(),
                    "第3行“实施主体”列：机构“梅州市不存在局”不存在（可填写机构名称或机构代码）"
                );
            }
            other => panic!("{other:?}"),
        }
        let early = fazhi_db::powers::import_list(
            &db,
            &actor(),
            fazhi_core::clock::now(),
            &rows,
            &decision,
            date("2020-12-31"),
            false,
        )
        .await;
        assert!(
            matches!(early, Err(fazhi_db::ImportError::Issues(i)) if i[0].reason.contains("早于决定日期"))
        );
        assert_eq!(
            counts(db.clone()).await,
            after_import,
            "refused imports leave nothing"
        );
    }
}

/// The demo catalogue carries the model report's 2020 figures: 1 088 items taken over, 25 city
/// items handed to the counties (plus the 取水许可 example), 526 powers exercised by towns.
#[tokio::test]
async fn the_demo_catalogue_has_the_2020_report_figures() {
    for db in support::demo_backends().await {
        let loaded = fazhi::demo_catalogue::load(&db, &actor()).await.unwrap();
        assert_eq!(loaded, 1088 + 526);
        assert_eq!(
            fazhi::demo_catalogue::load(&db, &actor()).await.unwrap(),
            0,
            "loading twice adds nothing"
        );
        let year = fazhi_db::powers::changes_between(
            &db,
            "/440000/441400/",
            date("2019-12-31"),
            date("2020-12-31"),
        )
        .await
        .unwrap();
        let of_kind = |kind: &str| year.iter().filter(|c| c.kind == kind).collect::<Vec<_>>();
        assert_eq!(of_kind("take_over").len(), 1088);
        let devolved = of_kind("devolve");
        let from_city = devolved
            .iter()
            .filter(|c| {
                c.from_name
                    .as_deref()
                    .is_some_and(|n| n.starts_with("梅州市"))
            })
            .count();
        assert_eq!(
            from_city,
            25 + 1,
            "25 items in December and 取水许可 in March"
        );
        let to_towns = devolved
            .iter()
            .filter(|c| {
                c.from_name
                    .as_deref()
                    .is_some_and(|n| n.ends_with("综合行政执法局"))
            })
            .count();
        assert_eq!(
            to_towns,
            8 * 526,
            "each county hands the 526 powers to its towns"
        );
        let jiangnan = fazhi_db::powers::CatalogueFilter {
            division_path: "/440000/441400/".into(),
            agency: Some("G441402004-001".into()),
            on: date("2020-12-31"),
            ..Default::default()
        };
        let (_, total) =
            fazhi_db::powers::catalogue_page(&db, &jiangnan, Some(fazhi_db::Page::new(1, 10)))
                .await
                .unwrap();
        assert_eq!(total, 526);
        let ordinary = attrs("cross_area_or_major", "false");
        // 兴宁市 is the eighth county: its towns start on 2020-12-01 + 7 × 2 days.
        assert_eq!(
            holders(
                &db,
                "DEMO-T-0001",
                "441481001",
                "2020-12-14",
                Some(&ordinary)
            )
            .await,
            ["G441481-104"]
        );
        assert_eq!(
            holders(
                &db,
                "DEMO-T-0001",
                "441481001",
                "2020-12-15",
                Some(&ordinary)
            )
            .await,
            ["G441481001-001"]
        );
        assert!(matches!(
            fazhi_db::audit::verify(&db).await.unwrap(),
            fazhi_db::audit::Verification::Intact { .. }
        ));

        // Part 7: the report's figures, each the length of the list it links to.
        let figures = fazhi_db::powers::figures_for_year(&db, "/440000/441400/", 2020)
            .await
            .unwrap();
        let items: Vec<(&str, usize)> = figures.iter().map(|f| (f.label, f.items)).collect();
        assert_eq!(
            items,
            [
                ("承接上级事项", 1088),
                ("新增事项", 0),
                ("下放至县（市、区）", 26),
                ("下放至镇（街道）", 526),
                ("委托实施", 0),
                ("取消事项", 0)
            ]
        );
        let mut web = Browser::new(support::app(&db).await);
        let page = web.get("/powers/figures?division=441400&year=2020").await;
        assert!(
            page.body.contains("kind=take_over&#38;level=\">1088</a>"),
            "{}",
            page.body
        );
        let listed = web.get("/powers/changes?division=441400&from=2019-12-31&to=2020-12-31&kind=devolve&level=town").await;
        assert!(
            listed.body.contains("共4208项调整：下放4208项"),
            "526 items × 8 counties"
        );
        let towns =
            fazhi_db::powers::town_holdings(&db, "/440000/441400/441402/", date("2020-12-31"))
                .await
                .unwrap();
        assert_eq!(towns.len(), 7, "梅江区 has 7 towns and streets");
        assert!(
            towns
                .iter()
                .all(|t| t.items == 526 && t.since == Some(date("2020-12-01"))),
            "{towns:?}"
        );
        let page = web.get("/powers/towns?county=441481&on=2020-12-31").await;
        assert!(page.body.contains("兴田街道办事处") && page.body.contains("2020-12-15"));
    }
}

#[tokio::test]
async fn catalogue_and_changes_download_as_xlsx_that_opens() {
    use calamine::Reader;
    for db in support::demo_backends().await {
        let mut client = Browser::new(support::app(&db).await);
        let reply = client
            .get("/powers/catalogue.xlsx?division=441400&on=2020-03-01")
            .await;
        assert_eq!(
            reply.content_type,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        let mut workbook = calamine::Xlsx::new(std::io::Cursor::new(reply.bytes)).unwrap();
        let range = workbook.worksheet_range_at(0).unwrap().unwrap();
        let rows: Vec<Vec<String>> = range
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect();
        assert_eq!(rows.len(), 10, "header and nine holdings");
        assert_eq!(rows[0][0], "事项编码");
        assert!(
            rows.iter()
                .any(|r| r[3] == "梅江区水务局" && r[6] == "不含跨县（市、区）取水")
        );
        let changes = client
            .get("/powers/changes.xlsx?division=441400&from=2019-12-31&to=2020-12-31")
            .await;
        let mut workbook = calamine::Xlsx::new(std::io::Cursor::new(changes.bytes)).unwrap();
        let range = workbook.worksheet_range_at(0).unwrap().unwrap();
        assert_eq!(range.rows().count(), 2);
        assert_eq!(range.rows().nth(1).unwrap()[1].to_string(), "下放");
    }
}

#[tokio::test]
async fn search_finds_every_word_in_any_order_and_codes_in_any_case() {
    for db in support::demo_backends().await {
        let city = "/440000/441400/";
        let search = |text: &str| {
            let filter = fazhi_db::powers::CatalogueFilter {
                division_path: city.into(),
                search: Some(text.into()),
                on: date("2020-06-01"),
                ..Default::default()
            };
            let db = db.clone();
            async move {
                let (rows, total) = fazhi_db::powers::catalogue_page(&db, &filter, None)
                    .await
                    .unwrap();
                assert_eq!(rows.len() as i64, total, "the count uses the same filter");
                let mut codes: Vec<String> = rows.into_iter().map(|r| r.item_code).collect();
                codes.sort();
                codes.dedup();
                codes
            }
        };
        assert_eq!(search("取水许可").await, ["DEMO-XK-QS"]);
        assert_eq!(
            search("演示 取水").await,
            ["DEMO-XK-QS"],
            "words in another order, not adjacent"
        );
        assert_eq!(
            search("demo-xk-qs").await,
            ["DEMO-XK-QS"],
            "{}",
            db.backend_name()
        );
        assert_eq!(search("k-q").await, ["DEMO-XK-QS"], "part of a code");
        assert!(
            search("取水许可 延续").await.is_empty(),
            "every word must occur"
        );
        record_test_ledger(&db).await;
        assert_eq!(search("事项 测试").await, ["T-CF", "T-QS"]);

        // The words are a cache: a database without them is indexed again at start-up.
        fazhi_db::on_pool!(&db, pool => sqlx::query("DELETE FROM power_item_terms").execute(pool).await.map(|d| d.rows_affected())).unwrap();
        assert!(search("事项 测试").await.is_empty());
        db.migrate().await.unwrap();
        assert_eq!(search("事项 测试").await, ["T-CF", "T-QS"]);
    }
}

#[tokio::test]
async fn public_services_are_listed_apart_and_items_keep_sub_items_and_quoted_provisions() {
    for db in support::demo_backends().await {
        let service = Item {
            name: "取水许可政策咨询服务".into(),
            sub_items: vec!["电话咨询".into(), "窗口咨询（含预约、代办）".into()],
            basis: parse_basis(
                "《中华人民共和国水法》第七条：国家对水资源依法实行取水许可制度；但是，家庭生活用水除外。",
            )
            .unwrap(),
            ..item("T-FW", "FW")
        };
        save_item(&db, &actor(), fazhi_core::clock::now(), &service)
            .await
            .unwrap();
        let stored = fazhi_db::powers::item_detail(&db, "T-FW")
            .await
            .unwrap()
            .unwrap()
            .item;
        assert_eq!(stored, service, "sub-items and the quoted words are kept");
        record_batch(
            &db,
            &actor(),
            fazhi_core::clock::now(),
            &batch(
                "测试：公共服务事项",
                "2019-12-01",
                vec![NewAdjustment {
                    to: vec![CITY_WATER.into()],
                    ..adjustment(AdjustmentKind::Add, "T-FW", "2020-01-01")
                }],
            ),
        )
        .await
        .unwrap();

        let mut browser = Browser::new(support::app(&db).await);
        let powers = browser.get("/powers?on=2020-06-01").await.body;
        assert!(powers.contains("取水许可（演示）") && !powers.contains("取水许可政策咨询服务"));
        let services = browser.get("/powers?on=2020-06-01&kind=service").await.body;
        assert!(
            services.contains("取水许可政策咨询服务") && !services.contains("取水许可（演示）")
        );
        let all = browser.get("/powers?on=2020-06-01&kind=all").await.body;
        assert!(all.contains("取水许可政策咨询服务") && all.contains("取水许可（演示）"));
        assert_eq!(
            browser.get("/powers?kind=other").await.status,
            axum::http::StatusCode::UNPROCESSABLE_ENTITY
        );
        let page = browser.get("/powers/items/T-FW?on=2020-06-01").await.body;
        assert!(page.contains("<li>窗口咨询（含预约、代办）</li>"), "{page}");
        assert!(page.contains("：国家对水资源依法实行取水许可制度；但是，家庭生活用水除外。"));
        assert!(
            page.contains("梅州市水务局"),
            "the item page shows holders of any kind"
        );

        // A change of category moves the item between the two lists at once.
        let reclassified = Item {
            category: "QT".into(),
            ..service
        };
        save_item(&db, &actor(), fazhi_core::clock::now(), &reclassified)
            .await
            .unwrap();
        let powers = browser.get("/powers?on=2020-06-01").await.body;
        assert!(powers.contains("取水许可政策咨询服务"));
    }
}

#[tokio::test]
async fn related_inspections_and_coercive_measures_move_with_a_handed_down_penalty() {
    for db in support::demo_backends().await {
        let related = |code: &str, category: &str, related: &[&str]| Item {
            related_items: related.iter().map(|c| c.to_string()).collect(),
            ..item(code, category)
        };
        let items = [
            related("R-CF", "CF", &["R-JC", "R-QZ"]),
            related("R-JC", "JC", &[]),
            related("R-QZ", "QZ", &[]),
            related("R-CF2", "CF", &["R-JC2"]),
            related("R-JC2", "JC", &[]),
        ];
        fazhi_db::powers::save_items(&db, &actor(), fazhi_core::clock::now(), &items)
            .await
            .unwrap();
        let held = |code: &str, holder: &str| NewAdjustment {
            to: vec![holder.into()],
            ..adjustment(AdjustmentKind::Add, code, "2019-01-01")
        };
        record_batch(
            &db,
            &actor(),
            fazhi_core::clock::now(),
            &batch(
                "测试：关联事项",
                "2018-12-01",
                vec![
                    held("R-CF", MEIJIANG_MARKET),
                    held("R-JC", MEIJIANG_MARKET),
                    held("R-QZ", MEIJIANG_MARKET),
                    held("R-CF2", MEIJIANG_MARKET),
                    held("R-JC2", CITY_WATER),
                ],
            ),
        )
        .await
        .unwrap();
        let to_town = |code: &str| NewAdjustment {
            from: Some(Giver::Agency(MEIJIANG_MARKET.into())),
            to: vec![JIANGNAN_STREET.into()],
            condition: Some(Condition {
                attribute: "cross_area_or_major".into(),
                value: "false".into(),
                text: "跨区域及重大案件除外".into(),
            }),
            giver_keeps_residual: true,
            ..adjustment(AdjustmentKind::Devolve, code, "2021-01-01")
        };
        let ids = record_batch(
            &db,
            &actor(),
            fazhi_core::clock::now(),
            &batch("测试：处罚权下放街道", "2020-12-01", vec![to_town("R-CF")]),
        )
        .await
        .unwrap();
        assert_eq!(ids.len(), 3, "the penalty and its two related items");
        for code in ["R-CF", "R-JC", "R-QZ"] {
            assert_eq!(
                holders(&db, code, "441402004", "2021-01-01", None).await,
                [JIANGNAN_STREET, MEIJIANG_MARKET],
                "{code}"
            );
        }

        let back = NewAdjustment {
            from: Some(Giver::Agency(JIANGNAN_STREET.into())),
            ..adjustment(AdjustmentKind::TakeBack, "R-CF", "2023-01-01")
        };
        record_batch(
            &db,
            &actor(),
            fazhi_core::clock::now(),
            &batch("测试：收回处罚权", "2022-12-01", vec![back]),
        )
        .await
        .unwrap();
        for code in ["R-CF", "R-JC", "R-QZ"] {
            assert_eq!(
                holders(&db, code, "441402004", "2023-01-01", None).await,
                [MEIJIANG_MARKET],
                "{code} comes back with the penalty"
            );
        }

        let before = ledger_counts(&db).await;
        refused(
            &db,
            batch(
                "测试：关联事项不在交出单位",
                "2020-12-01",
                vec![to_town("R-CF2")],
            ),
            "关联事项“R-JC2”随“R-CF2”一并调整时出错",
        )
        .await;
        assert_eq!(ledger_counts(&db).await, before);

        let dangling = related("R-CF3", "CF", &["R-NONE"]);
        let refused_item = save_item(&db, &actor(), fazhi_core::clock::now(), &dangling).await;
        assert!(
            matches!(&refused_item, Err(DbError::Invalid(m)) if m.contains("关联事项“R-NONE”不存在")),
            "{refused_item:?}"
        );
        assert!(
            fazhi_db::powers::item(&db, "R-CF3")
                .await
                .unwrap()
                .is_none()
        );
    }
}

#[tokio::test]
async fn a_list_brings_sub_items_and_related_items_named_further_down() {
    for db in support::demo_backends().await {
        let header: &[&str] = &[
            "事项编码",
            "事项名称",
            "子项名称",
            "事项类别",
            "设定依据",
            "实施主体",
            "关联事项",
        ];
        let penalty: &[&str] = &[
            "L-CF",
            "对违法建设的行政处罚",
            "限期拆除；没收实物或者违法收入",
            "行政处罚",
            "《中华人民共和国城乡规划法》第六十四条",
            "G441402-004",
            "L-QZ",
        ];
        let measure: &[&str] = &[
            "L-QZ",
            "查封施工现场",
            "",
            "行政强制",
            "《中华人民共和国城乡规划法》第六十八条",
            "G441402-004",
            "",
        ];
        let decision = Decision {
            title: "测试：梅江区权责清单".into(),
            doc_number: None,
            date: date("2021-01-01"),
        };
        let import = |rows: Vec<fazhi_core::powers::import::ListRow>| {
            let db = db.clone();
            let decision = decision.clone();
            async move {
                fazhi_db::powers::import_list(
                    &db,
                    &actor(),
                    fazhi_core::clock::now(),
                    &rows,
                    &decision,
                    date("2021-01-01"),
                    false,
                )
                .await
            }
        };
        let dangling: &[&str] = &[
            "L-CF2",
            "对违法建设的行政处罚（二）",
            "",
            "行政处罚",
            "《中华人民共和国城乡规划法》第六十四条",
            "G441402-004",
            "L-NONE",
        ];
        let items_before = count(&db, "power_items").await;
        let refused = import(parse(&db, &[header, dangling, measure]).await).await;
        assert!(
            matches!(&refused, Err(fazhi_db::ImportError::Db(DbError::Invalid(m))) if m.contains("“L-NONE”不存在")),
            "{refused:?}"
        );
        assert_eq!(
            count(&db, "power_items").await,
            items_before,
            "nothing written"
        );

        import(parse(&db, &[header, penalty, measure]).await)
            .await
            .unwrap();
        let stored = fazhi_db::powers::item_detail(&db, "L-CF")
            .await
            .unwrap()
            .unwrap()
            .item;
        assert_eq!(stored.sub_items, ["限期拆除", "没收实物或者违法收入"]);
        assert_eq!(stored.related_items, ["L-QZ"]);
    }
}
