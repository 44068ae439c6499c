//! The demo 权责清单 at the scale of the model city's 2020 report (spec/annual-reports.md):
//! 1 088 provincial items taken over by city departments, 25 city items handed down to the 8
//! counties in December 2020, and a first batch of 526 county powers exercised by towns and
//! streets under comprehensive enforcement from December 2020. Everything is generated
//! deterministically from small vocabularies and marked as demo data (codes `DEMO-`, decisions
//! titled （演示）, note 演示数据); no real document number is invented.

use anyhow::Result;
use chrono::NaiveDate;
use fazhi_core::powers::{AdjustmentKind, Citation, Condition, Decision, Item};
use fazhi_db::powers::{Giver, NewAdjustment, NewBatch};
use fazhi_db::{Actor, Db};

pub const TAKEN_OVER: usize = 1088;
pub const HANDED_TO_COUNTIES: usize = 25;
pub const TOWN_POWERS: usize = 526;

const COUNTIES: [(&str, &str); 8] = [
    ("441402", "梅江区"),
    ("441403", "梅县区"),
    ("441422", "大埔县"),
    ("441423", "丰顺县"),
    ("441424", "五华县"),
    ("441426", "平远县"),
    ("441427", "蕉岭县"),
    ("441481", "兴宁市"),
];

/// A city department with the subjects and laws its items are drawn from, and the county
/// department that takes items over from it (`None`: it hands nothing down in the demo).
struct Department {
    code: &'static str,
    subjects: &'static [&'static str],
    laws: &'static [&'static str],
    county_suffix: Option<(&'static str, &'static str)>,
}

const DEPARTMENTS: &[Department] = &[
    Department {
        code: "G441400-024",
        subjects: &[
            "食品经营",
            "特种设备使用",
            "计量器具",
            "广告发布",
            "产品质量",
            "价格行为",
            "网络交易",
            "药品零售",
            "医疗器械经营",
            "认证活动",
        ],
        laws: &[
            "中华人民共和国食品安全法",
            "中华人民共和国特种设备安全法",
            "中华人民共和国计量法",
            "中华人民共和国广告法",
            "中华人民共和国产品质量法",
        ],
        county_suffix: None,
    },
    Department {
        code: "G441400-012",
        subjects: &[
            "建设用地",
            "土地复垦",
            "矿产资源开采",
            "测绘活动",
            "地质灾害防治",
            "国土空间规划",
            "不动产登记",
            "耕地保护",
        ],
        laws: &[
            "中华人民共和国土地管理法",
            "中华人民共和国矿产资源法",
            "中华人民共和国测绘法",
            "地质灾害防治条例",
        ],
        county_suffix: Some(("101", "自然资源局")),
    },
    Department {
        code: "G441400-014",
        subjects: &[
            "建筑工程施工",
            "房地产开发",
            "物业服务",
            "建筑市场",
            "城镇燃气",
            "工程质量",
            "商品房预售",
        ],
        laws: &[
            "中华人民共和国建筑法",
            "中华人民共和国城市房地产管理法",
            "建设工程质量管理条例",
            "城镇燃气管理条例",
        ],
        county_suffix: Some(("102", "住房和城乡建设局")),
    },
    Department {
        code: "G441400-017",
        subjects: &[
            "农药经营",
            "种子生产",
            "兽药经营",
            "渔业捕捞",
            "农产品质量",
            "动物防疫",
            "农机安全",
        ],
        laws: &[
            "中华人民共和国种子法",
            "中华人民共和国渔业法",
            "农药管理条例",
            "中华人民共和国动物防疫法",
        ],
        county_suffix: Some(("103", "农业农村局")),
    },
    Department {
        code: "G441400-013",
        subjects: &[
            "排污许可",
            "建设项目环评",
            "危险废物",
            "大气污染防治",
            "水污染防治",
            "噪声污染防治",
        ],
        laws: &[
            "中华人民共和国环境保护法",
            "中华人民共和国大气污染防治法",
            "中华人民共和国水污染防治法",
            "中华人民共和国固体废物污染环境防治法",
        ],
        county_suffix: None,
    },
    Department {
        code: "G441400-015",
        subjects: &[
            "道路运输经营",
            "公路路政",
            "水路运输",
            "机动车维修",
            "出租汽车经营",
            "港口经营",
        ],
        laws: &[
            "中华人民共和国道路运输条例",
            "中华人民共和国公路法",
            "国内水路运输管理条例",
        ],
        county_suffix: None,
    },
    Department {
        code: "G441400-020",
        subjects: &[
            "医疗机构执业",
            "公共场所卫生",
            "职业卫生",
            "母婴保健",
            "生活饮用水卫生",
            "传染病防治",
        ],
        laws: &[
            "医疗机构管理条例",
            "公共场所卫生管理条例",
            "中华人民共和国职业病防治法",
            "中华人民共和国传染病防治法",
        ],
        county_suffix: None,
    },
    Department {
        code: "G441400-022",
        subjects: &[
            "安全生产",
            "危险化学品经营",
            "烟花爆竹经营",
            "非煤矿山",
            "应急预案",
        ],
        laws: &[
            "中华人民共和国安全生产法",
            "危险化学品安全管理条例",
            "烟花爆竹安全管理条例",
        ],
        county_suffix: None,
    },
    Department {
        code: "G441400-019",
        subjects: &[
            "娱乐场所经营",
            "营业性演出",
            "文物保护",
            "出版物经营",
            "旅行社经营",
            "体育经营活动",
        ],
        laws: &[
            "娱乐场所管理条例",
            "营业性演出管理条例",
            "中华人民共和国文物保护法",
            "旅行社条例",
        ],
        county_suffix: None,
    },
    Department {
        code: "G441400-011",
        subjects: &[
            "劳动保障",
            "职业技能培训",
            "社会保险",
            "人力资源服务",
            "工资支付",
        ],
        laws: &[
            "中华人民共和国劳动法",
            "中华人民共和国社会保险法",
            "劳动保障监察条例",
        ],
        county_suffix: None,
    },
    Department {
        code: "G441400-016",
        subjects: &["河道管理", "水土保持", "水利工程", "取水", "防洪"],
        laws: &[
            "中华人民共和国水法",
            "中华人民共和国水土保持法",
            "中华人民共和国防洪法",
        ],
        county_suffix: None,
    },
    Department {
        code: "G441400-027",
        subjects: &[
            "林木采伐",
            "林地占用",
            "野生动物保护",
            "森林防火",
            "古树名木",
        ],
        laws: &[
            "中华人民共和国森林法",
            "中华人民共和国野生动物保护法",
            "森林防火条例",
        ],
        county_suffix: None,
    },
];

/// Guangdong's 2017 provincial list by category (spec/powers.md §1), used as the demo's mix.
const CATEGORY_MIX: [(&str, u32); 10] = [
    ("XK", 494),
    ("CF", 2028),
    ("QZ", 108),
    ("ZS", 31),
    ("GF", 38),
    ("JC", 465),
    ("QR", 121),
    ("JL", 34),
    ("CJ", 4),
    ("QT", 2244),
];

fn item_name(category: &str, subject: &str, serial: usize) -> String {
    let variant = ["", "（一般程序）", "（简易程序）", "（变更）", "（延续）"][serial % 5];
    match category {
        "XK" => format!("{subject}许可{variant}"),
        "CF" => format!("对违反{subject}管理规定行为的行政处罚{variant}"),
        "QZ" => format!("{subject}相关物品的查封、扣押{variant}"),
        "ZS" => format!("{subject}相关费用的征收{variant}"),
        "GF" => format!("{subject}补助的发放{variant}"),
        "JC" => format!("对{subject}的监督检查{variant}"),
        "QR" => format!("{subject}的登记确认{variant}"),
        "JL" => format!("{subject}工作的表彰奖励{variant}"),
        "CJ" => format!("{subject}争议的裁决{variant}"),
        _ => format!("{subject}的备案管理{variant}"),
    }
}

/// Spreads `count` items over the category mix (largest-remainder rounding).
fn categories_for(count: usize) -> Vec<&'static str> {
    let total: u32 = CATEGORY_MIX.iter().map(|(_, n)| n).sum();
    let mut out = Vec::with_capacity(count);
    for (category, weight) in CATEGORY_MIX {
        let share = (count as u64 * u64::from(weight) / u64::from(total)) as usize;
        out.extend(std::iter::repeat_n(category, share));
    }
    let mut next = 0;
    while out.len() < count {
        out.push(CATEGORY_MIX[next % CATEGORY_MIX.len()].0);
        next += 1;
    }
    out
}

fn demo_item(code: String, name: String, category: &str, law: &str, article: usize) -> Item {
    Item {
        code,
        name,
        sub_items: Vec::new(),
        category: category.to_string(),
        basis: vec![Citation {
            law: law.to_string(),
            article: format!("第{article}条"),
            text: String::new(),
        }],
        responsibilities: ["受理", "审查", "决定", "送达", "事后监管"]
            .map(String::from)
            .to_vec(),
        accountability: "因不履行或不正确履行行政职责，依法依规追究相应责任".into(),
        supervision: "上级主管部门监督、投诉举报".into(),
        note: "演示数据".into(),
        related_items: Vec::new(),
    }
}

fn date(text: &str) -> Result<NaiveDate> {
    Ok(NaiveDate::parse_from_str(text, "%Y-%m-%d")?)
}

fn decision(title: &str, on: &str) -> Result<Decision> {
    Ok(Decision {
        title: title.to_string(),
        doc_number: None,
        date: date(on)?,
    })
}

fn adjustment(kind: AdjustmentKind, item_code: &str, effective: NaiveDate) -> NewAdjustment {
    NewAdjustment {
        kind,
        item_code: item_code.to_string(),
        effective,
        from: None,
        to: Vec::new(),
        term_end: None,
        condition: None,
        giver_keeps_residual: false,
    }
}

/// Agencies the catalogue needs beyond the bundled demo list: three county departments per
/// county that take items over, the county 综合行政执法局 whose penalties move to towns, and a
/// government for every town and street (not the farms and reservoirs coded 4xx–5xx).
fn agencies_csv(towns: &[(String, String, String)]) -> String {
    let mut csv = String::from("code,name,kind,division_code,parent_code\n");
    for (county, name) in COUNTIES {
        for department in DEPARTMENTS {
            if let Some((serial, suffix)) = department.county_suffix {
                csv.push_str(&format!(
                    "G{county}-{serial},{name}{suffix},department,{county},G{county}-001\n"
                ));
            }
        }
        csv.push_str(&format!(
            "G{county}-104,{name}综合行政执法局,department,{county},G{county}-001\n"
        ));
    }
    for (code, name, _) in towns {
        let kind_name = if name.ends_with("街道") {
            format!("{name}办事处")
        } else {
            format!("{name}人民政府")
        };
        csv.push_str(&format!("G{code}-001,{kind_name},government,{code},\n"));
    }
    csv
}

/// (town code, town name, county code) for every town and street of Meizhou.
fn towns() -> Vec<(String, String, String)> {
    crate::demo::MEIZHOU_DIVISIONS
        .lines()
        .filter_map(|line| {
            let fields: Vec<&str> = line.split(',').collect();
            let is_town = fields.len() == 4 && fields[2] == "town";
            let township = is_town && fields[0].as_bytes().get(6).is_some_and(|d| *d < b'4');
            township.then(|| {
                (
                    fields[0].to_string(),
                    fields[1].to_string(),
                    fields[3].to_string(),
                )
            })
        })
        .collect()
}

/// Loads the catalogue once (skipped when its first item exists). Returns the number of items.
pub async fn load(db: &Db, actor: &Actor) -> Result<usize> {
    if fazhi_db::powers::item(db, "DEMO-P-0001").await?.is_some() {
        return Ok(0);
    }
    let towns = towns();
    fazhi_db::org::import_agencies(db, actor, fazhi_core::clock::now(), &agencies_csv(&towns))
        .await?;
    let taken_over = load_taken_over(db, actor).await?;
    load_handed_to_counties(db, actor, &taken_over).await?;
    load_town_enforcement(db, actor, &towns).await?;
    Ok(TAKEN_OVER + TOWN_POWERS)
}

/// 1 088 provincial items taken over by city departments on 2020-06-01.
/// Returns (item code, department) in order.
async fn load_taken_over(db: &Db, actor: &Actor) -> Result<Vec<(String, &'static Department)>> {
    let effective = date("2020-06-01")?;
    let mut adjustments = Vec::with_capacity(TAKEN_OVER);
    let mut items = Vec::with_capacity(TAKEN_OVER);
    let mut records = Vec::with_capacity(TAKEN_OVER);
    for (serial, category) in categories_for(TAKEN_OVER).into_iter().enumerate() {
        let department = &DEPARTMENTS[serial % DEPARTMENTS.len()];
        let subject = department.subjects[(serial / DEPARTMENTS.len()) % department.subjects.len()];
        let law = department.laws[serial % department.laws.len()];
        let code = format!("DEMO-P-{:04}", serial + 1);
        let name = item_name(
            category,
            subject,
            serial / DEPARTMENTS.len() / department.subjects.len(),
        );
        records.push(demo_item(
            code.clone(),
            name,
            category,
            law,
            10 + serial % 80,
        ));
        adjustments.push(NewAdjustment {
            from: Some(Giver::External("广东省人民政府有关部门".into())),
            to: vec![department.code.into()],
            ..adjustment(AdjustmentKind::TakeOver, &code, effective)
        });
        items.push((code, department));
    }
    fazhi_db::powers::save_items(db, actor, fazhi_core::clock::now(), &records).await?;
    let batch = NewBatch {
        decision: decision(
            "省级行政职权事项调整由市承接实施的决定（演示）",
            "2020-05-15",
        )?,
        url: None,
        adjustments,
    };
    fazhi_db::powers::record_batch(db, actor, fazhi_core::clock::now(), &batch).await?;
    Ok(items)
}

/// 25 of those items handed down to the counterpart department of all eight counties.
async fn load_handed_to_counties(
    db: &Db,
    actor: &Actor,
    taken_over: &[(String, &'static Department)],
) -> Result<()> {
    let effective = date("2020-12-01")?;
    let adjustments: Vec<NewAdjustment> = taken_over
        .iter()
        .filter_map(|(code, department)| {
            department
                .county_suffix
                .map(|(serial, _)| (code, department, serial))
        })
        .take(HANDED_TO_COUNTIES)
        .map(|(code, department, serial)| NewAdjustment {
            from: Some(Giver::Agency(department.code.into())),
            to: COUNTIES
                .iter()
                .map(|(county, _)| format!("G{county}-{serial}"))
                .collect(),
            ..adjustment(AdjustmentKind::Devolve, code, effective)
        })
        .collect();
    let batch = NewBatch {
        decision: decision(
            "市级行政职权事项下放县（市、区）实施的决定（演示）",
            "2020-11-20",
        )?,
        url: None,
        adjustments,
    };
    fazhi_db::powers::record_batch(db, actor, fazhi_core::clock::now(), &batch).await?;
    Ok(())
}

/// 526 county powers (penalties with the inspections and coercive measures that go with them)
/// held by each county's 综合行政执法局 and exercised by its towns and streets from the county's
/// own start date in December 2020, except cross-area and major cases.
async fn load_town_enforcement(
    db: &Db,
    actor: &Actor,
    towns: &[(String, String, String)],
) -> Result<()> {
    let subjects = [
        "市容环境卫生",
        "城乡规划建设",
        "违法建设",
        "户外广告设置",
        "占道经营",
        "渣土运输",
        "燃放烟花爆竹",
        "饲养犬只",
        "河道采砂",
        "农村建房",
        "森林防火",
        "生活垃圾分类",
        "噪声扰民",
    ];
    let laws = [
        "广东省城乡生活垃圾管理条例",
        "中华人民共和国城乡规划法",
        "城市市容和环境卫生管理条例",
        "广东省城市管理综合执法条例",
    ];
    // In each group of five, three penalties and the inspection and coercive measure that go
    // with them (their 关联事项): the town batch names the penalties, and the register adds the
    // related items (spec/powers.md §5).
    let categories = ["CF", "CF", "CF", "JC", "QZ"];
    let code_of = |serial: usize| format!("DEMO-T-{:04}", serial + 1);
    let mut codes = Vec::with_capacity(TOWN_POWERS);
    let mut penalties = Vec::new();
    let mut records = Vec::with_capacity(TOWN_POWERS);
    for serial in 0..TOWN_POWERS {
        let category = categories[serial % categories.len()];
        let subject = subjects[(serial / categories.len()) % subjects.len()];
        let code = code_of(serial);
        let name = item_name(
            category,
            subject,
            serial / categories.len() / subjects.len(),
        );
        let mut record = demo_item(
            code.clone(),
            name,
            category,
            laws[serial % laws.len()],
            20 + serial % 60,
        );
        if category == "CF" {
            let group = serial - serial % categories.len();
            record.related_items = (group + 3..group + 5)
                .filter(|related| *related < TOWN_POWERS)
                .map(code_of)
                .collect();
            penalties.push(code.clone());
        }
        records.push(record);
        codes.push(code);
    }
    fazhi_db::powers::save_items(db, actor, fazhi_core::clock::now(), &records).await?;
    let held_since = date("2019-01-01")?;
    let add: Vec<NewAdjustment> = codes
        .iter()
        .map(|code| NewAdjustment {
            to: COUNTIES
                .iter()
                .map(|(county, _)| format!("G{county}-104"))
                .collect(),
            ..adjustment(AdjustmentKind::Add, code, held_since)
        })
        .collect();
    let batch = NewBatch {
        decision: decision("县级综合行政执法事项目录（演示）", "2018-12-20")?,
        url: None,
        adjustments: add,
    };
    fazhi_db::powers::record_batch(db, actor, fazhi_core::clock::now(), &batch).await?;
    let outside_cases = Condition {
        attribute: "cross_area_or_major".into(),
        value: "false".into(),
        text: "跨区域及重大复杂案件除外".into(),
    };
    let mut transfer = Vec::new();
    for (index, (county, _)) in COUNTIES.iter().enumerate() {
        // Each county sets its own start date (spec/powers.md §5).
        let start = date("2020-12-01")? + chrono::Duration::days(index as i64 * 2);
        let county_towns: Vec<String> = towns
            .iter()
            .filter(|(_, _, c)| c == county)
            .map(|(code, _, _)| format!("G{code}-001"))
            .collect();
        for code in &penalties {
            transfer.push(NewAdjustment {
                from: Some(Giver::Agency(format!("G{county}-104"))),
                to: county_towns.clone(),
                condition: Some(outside_cases.clone()),
                giver_keeps_residual: true,
                ..adjustment(AdjustmentKind::Devolve, code, start)
            });
        }
    }
    let batch = NewBatch {
        decision: decision(
            "梅州市镇街综合行政执法事项目录（第一批）公告（演示）",
            "2020-11-25",
        )?,
        url: None,
        adjustments: transfer,
    };
    fazhi_db::powers::record_batch(db, actor, fazhi_core::clock::now(), &batch).await?;
    Ok(())
}
