//! Province-scale 权责清单 for `bench/powers_scale.sh` (issue 3, "Speed"): every Guangdong city
//! with ~5 000 items and six years of adjustments, recorded through the same
//! `fazhi_db::powers::record_batch` the application uses, then measured in-process.
//!
//!   powers_scale generate DB_URL [ITEMS_PER_CITY]   agencies, items and the 2020–2025 ledger
//!   powers_scale xlsx FILE ROWS CITY_CODE           a list in the import layout, for `fazhi powers import`
//!   powers_scale measure DB_URL COUNTY_CODE         holder lookups/s and as-of catalogue times
//!
//! Divisions must be imported first (`fazhi org import china-towns-2023.csv.gz`).
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use fazhi_core::powers::{AdjustmentKind, Citation, Condition, Decision, Item};
use fazhi_db::powers::{CatalogueFilter, Giver, NewAdjustment, NewBatch};
use fazhi_db::{Actor, Db, Page};
use std::time::Instant;

const DEPARTMENTS: usize = 20;
const CATEGORIES: [&str; 6] = ["XK", "CF", "QZ", "JC", "QR", "QT"];
/// What an item of each category does, for plausible names ("取水许可第6号").
const ACTS: [&str; 6] = [
    "许可",
    "违法行为的处罚",
    "物品的查封扣押",
    "的监督检查",
    "登记",
    "备案",
];
const SUBJECTS: [&str; 8] = [
    "取水",
    "建筑施工",
    "食品经营",
    "道路运输",
    "排污",
    "林木采伐",
    "医疗机构",
    "文化市场",
];

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["generate", url] => generate(url, 5000).await,
        ["generate", url, items] => generate(url, items.parse()?).await,
        ["xlsx", file, rows, city] => write_list(file, rows.parse()?, city),
        ["measure", url, county] => measure(url, county).await,
        _ => bail!(
            "usage: powers_scale generate DB_URL [ITEMS] | xlsx FILE ROWS CITY | measure DB_URL COUNTY"
        ),
    }
}

/// Cities of Guangdong and each city's county-level divisions (codes).
async fn cities(db: &Db) -> Result<Vec<(String, Vec<String>)>> {
    let province = fazhi_db::org::division_by_code(db, "440000")
        .await?
        .context("440000 missing: import the divisions first")?;
    let mut out = Vec::new();
    for city in fazhi_db::org::child_divisions(db, Some(province.id)).await? {
        let counties: Vec<String> = fazhi_db::org::child_divisions(db, Some(city.id))
            .await?
            .into_iter()
            .map(|c| c.code)
            .collect();
        if !counties.is_empty() {
            out.push((city.code, counties));
        }
    }
    Ok(out)
}

fn department(division: &str, serial: usize) -> String {
    format!("G{division}-{:03}", 101 + serial % DEPARTMENTS)
}

/// A government and DEPARTMENTS departments for the city and each county, and a government for
/// every town of the city's first county (the comprehensive-enforcement receivers).
async fn agencies_csv(db: &Db, city: &str, counties: &[String]) -> Result<(String, Vec<String>)> {
    let mut csv = String::from("code,name,kind,division_code,parent_code\n");
    for division in std::iter::once(city.to_string()).chain(counties.iter().cloned()) {
        csv.push_str(&format!(
            "G{division}-001,{division}人民政府,government,{division},\n"
        ));
        for serial in 0..DEPARTMENTS {
            csv.push_str(&format!(
                "{},{division}第{}局,department,{division},G{division}-001\n",
                department(&division, serial),
                serial + 1
            ));
        }
    }
    let first = fazhi_db::org::division_by_code(db, &counties[0])
        .await?
        .context("county")?;
    let mut towns = Vec::new();
    for town in fazhi_db::org::child_divisions(db, Some(first.id)).await? {
        csv.push_str(&format!(
            "G{0}-001,{0}镇人民政府,government,{0},\n",
            town.code
        ));
        towns.push(format!("G{}-001", town.code));
    }
    Ok((csv, towns))
}

fn item(city: &str, serial: usize) -> Item {
    let category = CATEGORIES[serial % CATEGORIES.len()];
    let subject = SUBJECTS[(serial / CATEGORIES.len()) % SUBJECTS.len()];
    Item {
        code: format!("{city}-{category}-{serial:05}"),
        name: format!("{subject}{}第{serial}号", ACTS[serial % CATEGORIES.len()]),
        sub_items: Vec::new(),
        category: category.into(),
        basis: vec![Citation {
            law: format!("{subject}管理条例"),
            article: format!("第{}条", 1 + serial % 60),
            text: String::new(),
        }],
        responsibilities: vec!["受理".into(), "决定".into()],
        accountability: "依法追责".into(),
        supervision: "上级监督".into(),
        note: "规模测试数据".into(),
        related_items: Vec::new(),
    }
}

fn blank(kind: AdjustmentKind, code: &str, effective: NaiveDate) -> NewAdjustment {
    NewAdjustment {
        kind,
        item_code: code.into(),
        effective,
        from: None,
        to: Vec::new(),
        term_end: None,
        condition: None,
        giver_keeps_residual: false,
    }
}

fn batch(title: String, decided: NaiveDate, adjustments: Vec<NewAdjustment>) -> NewBatch {
    NewBatch {
        decision: Decision {
            title,
            doc_number: None,
            date: decided,
        },
        url: None,
        adjustments,
    }
}

/// Six years of one city's ledger, as batches in date order.
fn city_batches(city: &str, counties: &[String], towns: &[String], items: usize) -> Vec<NewBatch> {
    use AdjustmentKind::*;
    let code = |serial: usize| item(city, serial).code;
    let own = |serial: usize| department(city, serial);
    let mut batches = Vec::new();
    let start: Vec<NewAdjustment> = (0..items)
        .map(|s| {
            let kind = if s % 5 == 4 { Add } else { TakeOver };
            NewAdjustment {
                from: (kind == TakeOver).then(|| Giver::External("广东省有关部门".into())),
                to: vec![own(s)],
                ..blank(kind, &code(s), date(2020, 1, 1))
            }
        })
        .collect();
    batches.push(batch(
        format!("{city}承接省级事项"),
        date(2019, 12, 1),
        start,
    ));
    let devolved = items * 3 / 10;
    let down: Vec<NewAdjustment> = (0..devolved)
        .map(|s| NewAdjustment {
            from: Some(Giver::Agency(own(s))),
            to: counties.iter().map(|c| department(c, s)).collect(),
            ..blank(Devolve, &code(s), date(2021, 3, 1))
        })
        .collect();
    batches.push(batch(format!("{city}下放县级实施"), date(2021, 2, 1), down));
    let entrusted: Vec<NewAdjustment> = (devolved..devolved + items / 10)
        .map(|s| NewAdjustment {
            from: Some(Giver::Agency(own(s))),
            to: vec![department(&counties[0], s)],
            term_end: Some(date(2023, 1, 1)),
            ..blank(Entrust, &code(s), date(2022, 1, 1))
        })
        .collect();
    batches.push(batch(
        format!("{city}委托实施"),
        date(2021, 12, 1),
        entrusted,
    ));
    let abolished: Vec<NewAdjustment> = (items - items / 25..items)
        .map(|s| NewAdjustment {
            from: Some(Giver::Agency(own(s))),
            ..blank(Abolish, &code(s), date(2023, 6, 1))
        })
        .collect();
    batches.push(batch(
        format!("{city}取消事项"),
        date(2023, 5, 1),
        abolished,
    ));
    let changed: Vec<NewAdjustment> = (items * 2 / 5..items * 3 / 5)
        .map(|s| blank(Change, &code(s), date(2024, 1, 1)))
        .collect();
    batches.push(batch(format!("{city}变更事项"), date(2023, 12, 1), changed));
    let taken_back: Vec<NewAdjustment> = (0..items / 20)
        .flat_map(|s| {
            counties.iter().map(move |county| NewAdjustment {
                from: Some(Giver::Agency(department(county, s))),
                ..blank(TakeBack, &code(s), date(2025, 1, 1))
            })
        })
        .collect();
    batches.push(batch(
        format!("{city}收回事项"),
        date(2024, 12, 1),
        taken_back,
    ));
    let to_towns: Vec<NewAdjustment> = (items * 3 / 5..items * 3 / 5 + items / 50)
        .map(|s| NewAdjustment {
            from: Some(Giver::Agency(own(s))),
            to: towns.to_vec(),
            condition: Some(Condition {
                attribute: "cross_area_or_major".into(),
                value: "false".into(),
                text: "跨区域及重大案件除外".into(),
            }),
            giver_keeps_residual: true,
            ..blank(Devolve, &code(s), date(2025, 7, 1))
        })
        .collect();
    if !towns.is_empty() {
        batches.push(batch(
            format!("{city}镇街综合执法"),
            date(2025, 6, 1),
            to_towns,
        ));
    }
    batches
}

async fn generate(url: &str, items: usize) -> Result<()> {
    let db = Db::connect(url).await?;
    db.migrate().await?;
    let actor = Actor::cli("powers_scale");
    let started = Instant::now();
    let cities = cities(&db).await?;
    for (city, counties) in &cities {
        let (csv, towns) = agencies_csv(&db, city, counties).await?;
        fazhi_db::org::import_agencies(&db, &actor, fazhi_core::clock::now(), &csv)
            .await
            .map_err(|e| anyhow::anyhow!("agencies of {city}: {e:?}"))?;
        let records: Vec<Item> = (0..items).map(|s| item(city, s)).collect();
        fazhi_db::powers::save_items(&db, &actor, fazhi_core::clock::now(), &records).await?;
        for batch in city_batches(city, counties, &towns, items) {
            fazhi_db::powers::record_batch(&db, &actor, fazhi_core::clock::now(), &batch)
                .await
                .with_context(|| batch.decision.title.clone())?;
        }
        eprintln!("{city}: done at {:.0} s", started.elapsed().as_secs_f64());
    }
    let mut total = 0;
    for table in [
        "power_adjustments",
        "power_adjustment_receivers",
        "power_holdings",
        "power_entrustments",
    ] {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        let n: i64 = fazhi_db::on_pool!(&db, pool => sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_one(pool).await)?;
        println!("{table}: {n}");
        total += n;
    }
    println!(
        "ledger rows: {total} for {} cities in {:.0} s",
        cities.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `rows` new items of `city` held by its departments, in the common Guangdong column layout.
fn write_list(file: &str, rows: usize, city: &str) -> Result<()> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    let header = [
        "事项编码",
        "事项名称",
        "事项类别",
        "设定依据",
        "实施主体",
        "生效日期",
    ];
    for (column, title) in header.iter().enumerate() {
        sheet.write(0, column as u16, *title)?;
    }
    let names = [
        "行政许可",
        "行政处罚",
        "行政强制",
        "行政检查",
        "行政确认",
        "其他行政职权",
    ];
    for serial in 0..rows {
        let row = serial as u32 + 1;
        let record = item(city, serial);
        let category = CATEGORIES
            .iter()
            .position(|c| *c == record.category)
            .unwrap();
        sheet.write(row, 0, format!("N{}", record.code))?;
        sheet.write(row, 1, format!("新{}", record.name))?;
        sheet.write(row, 2, names[category])?;
        sheet.write(
            row,
            3,
            format!("《{}》{}", record.basis[0].law, record.basis[0].article),
        )?;
        sheet.write(row, 4, department(city, serial))?;
        sheet.write(row, 5, "2025-12-01")?;
    }
    workbook.save(file)?;
    Ok(())
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// A small deterministic generator, so runs are comparable.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

async fn measure(url: &str, county: &str) -> Result<()> {
    let db = Db::connect(url).await?;
    let county_row = fazhi_db::org::division_by_code(&db, county)
        .await?
        .context("county")?;
    let cities = cities(&db).await?;
    let items_per_city = {
        let sql = "SELECT COUNT(*) FROM power_items WHERE code LIKE '44%'";
        let n: i64 =
            fazhi_db::on_pool!(&db, pool => sqlx::query_scalar(sql).fetch_one(pool).await)?;
        n as usize / cities.len()
    };
    const LOOKUPS: usize = 2000;
    let mut random = Lcg(7);
    let mut holder_rates = Vec::new();
    let mut baseline_rates = Vec::new();
    for _ in 0..5 {
        let cases: Vec<(String, String, NaiveDate)> = (0..LOOKUPS)
            .map(|_| {
                let (city, counties) = &cities[random.below(cities.len())];
                let code = item(city, random.below(items_per_city)).code;
                let place = counties[random.below(counties.len())].clone();
                let on = date(2020, 1, 1) + chrono::Duration::days(random.below(2190) as i64);
                (code, place, on)
            })
            .collect();
        let started = Instant::now();
        for (code, _, _) in &cases {
            fazhi_db::powers::item(&db, code).await?.context("item")?;
        }
        baseline_rates.push(LOOKUPS as f64 / started.elapsed().as_secs_f64());
        let started = Instant::now();
        for (code, place, on) in &cases {
            fazhi_db::powers::holder_reports(&db, code, place, *on, None).await?;
        }
        holder_rates.push(LOOKUPS as f64 / started.elapsed().as_secs_f64());
    }
    let filter = CatalogueFilter {
        division_path: county_row.path.clone(),
        on: date(2025, 8, 1),
        ..Default::default()
    };
    let mut full_ms = Vec::new();
    let mut page_ms = Vec::new();
    let mut rows = 0;
    for _ in 0..5 {
        let started = Instant::now();
        let (all, _) = fazhi_db::powers::catalogue_page(&db, &filter, None).await?;
        full_ms.push(started.elapsed().as_secs_f64() * 1000.0);
        rows = all.len();
        let started = Instant::now();
        fazhi_db::powers::catalogue_page(&db, &filter, Some(Page::new(1, Page::DEFAULT_SIZE)))
            .await?;
        page_ms.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    let holder = median(holder_rates);
    let baseline = median(baseline_rates);
    println!(
        "holder lookups/s (median of 5 × {LOOKUPS}): {holder:.0}   baseline item-by-code lookups/s: {baseline:.0}   ratio {:.1}x",
        baseline / holder
    );
    println!(
        "as-of catalogue of {county} on 2025-08-01: {rows} rows in {:.1} ms (median of 5); first page of 50: {:.1} ms",
        median(full_ms),
        median(page_ms)
    );
    Ok(())
}
