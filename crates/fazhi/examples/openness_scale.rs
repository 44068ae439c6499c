//! Scale data for 政务公开 search (issue 4, "Speed"), for `bench/openness_scale.sh`: 100 000
//! published documents and 20 000 interpretations of the demo agencies, with bodies of 600–1 200
//! characters drawn from policy sentences, written in bulk and then indexed through the
//! application's own indexer (the indexing rate is measured there); then 50 realistic queries.
//!
//!   openness_scale generate DB_URL [DOCUMENTS] [INTERPRETATIONS]
//!   openness_scale measure DB_URL      search p50/p95 over 50 queries, against a baseline
//!   openness_scale page-id DB_URL      the id of a published document (for the wrk run)
//!
//! The demo data must be loaded first (`fazhi demo --db URL --no-serve`), for its agencies.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use anyhow::{Result, bail};
use chrono::{Days, NaiveDate};
use fazhi_db::search::{SearchQuery, Searchable};
use fazhi_db::{Db, Page};
use std::time::Instant;

/// Rows per INSERT statement (21 bound values per document row stays under SQLite's limit).
const ROWS_PER_INSERT: usize = 500;
/// Records indexed per transaction.
const INDEX_BATCH: usize = 1_000;

/// A deterministic pseudo-random sequence (same data on every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const SUBJECTS: [&str; 8] = [
    "综合政务",
    "国民经济管理、国有资产监管",
    "城乡建设、环境保护",
    "农业、林业、水利",
    "科技、教育",
    "卫生、体育",
    "劳动、人事、监察",
    "民政、扶贫、救灾",
];
const GENRES: [&str; 4] = ["通知", "意见", "通告", "公告"];

const TOPICS: [&str; 40] = [
    "优化营商环境",
    "促进中小企业发展",
    "生态环境保护",
    "乡村振兴",
    "稳就业",
    "5G网络建设",
    "城市管理",
    "义务教育",
    "医药卫生体制改革",
    "安全生产",
    "文化旅游融合",
    "耕地保护",
    "行政执法",
    "社会救助",
    "交通基础设施",
    "财政资金管理",
    "疫情防控",
    "复工复产",
    "水利建设",
    "政务服务数字化",
    "市场监管",
    "住房保障",
    "养老服务",
    "科技创新",
    "森林资源保护",
    "退役军人服务",
    "统计数据质量",
    "医疗保障",
    "应急管理",
    "消费扩容",
    "垃圾分类",
    "河长制",
    "人才引进",
    "食品安全",
    "老旧小区改造",
    "农村供水",
    "高标准农田",
    "营商环境评价",
    "招商引资",
    "数字政府",
];

const SENTENCES: [&str; 48] = [
    "各县（市、区）人民政府要加强组织领导，细化工作措施，确保各项任务落到实处",
    "市直各有关部门要按照职责分工，密切配合，形成工作合力",
    "对工作成效明显的单位，市政府将予以通报表扬",
    "设立专项资金，对符合条件的企业给予一次性奖励",
    "落实小微企业融资担保降费政策，担保费率不高于百分之一",
    "企业开办全流程压缩至一个工作日内办结",
    "工程建设项目审批时限压缩至八十个工作日以内",
    "推行证明事项告知承诺制，公布告知承诺事项清单",
    "韩江、梅江干流水质稳定保持二类以上",
    "全面推行河长制湖长制，建立市县镇村四级河长体系",
    "开展工业园区污水处理设施建设三年行动",
    "建设梅州柚、嘉应茶等省级现代农业产业园",
    "推进农村生活污水治理，自然村集中供水全覆盖",
    "对吸纳高校毕业生就业的小微企业给予社会保险补贴",
    "开展粤菜师傅、广东技工、南粤家政三项工程培训",
    "返乡创业人员可申请最高三十万元创业担保贷款",
    "开放党政机关、公共场所等资源用于基站建设",
    "推行生活垃圾分类，城区公共机构全面实行",
    "新建、改扩建公办中小学校，新增学位一万二千个",
    "推进县域医疗卫生共同体建设，实现县镇村一体化管理",
    "落实企业安全生产主体责任，开展风险分级管控",
    "打造世界客都文化旅游品牌，推进客家围龙屋保护利用",
    "严格落实耕地占补平衡制度，开展高标准农田建设",
    "全面推行行政执法公示制度、执法全过程记录制度和重大执法决定法制审核制度",
    "建立困难群众基本生活救助主动发现机制",
    "加快梅龙高铁建设，推进四好农村路建设",
    "全面实施预算绩效管理，严控一般性支出",
    "落实外防输入、内防反弹防控策略",
    "减免中小企业三个月国有物业租金",
    "政务服务事项网上可办率达到百分之九十五以上",
    "全面推行双随机、一公开监管，加强食品安全抽检",
    "发展政策性租赁住房，实施老旧小区改造",
    "每个镇建设一所综合养老服务中心，落实高龄津贴制度",
    "对新认定的高新技术企业给予奖励，实施人才引进安居保障",
    "全面推行林长制，加强森林防火和松材线虫病防治",
    "建设市县镇村四级退役军人服务站",
    "严肃查处统计造假，推进统计联网直报",
    "实现医保市级统筹，推进异地就医直接结算",
    "修订完善突发事件总体应急预案，建设镇级应急救援队伍",
    "发放消费券带动消费，培育夜间经济集聚区",
    "符合条件的单位可通过广东政务服务网在线申请，全程网办",
    "有关资金由市级财政统筹安排，分批拨付",
    "政策执行情况纳入年度绩效考核，并向社会公开",
    "群众对政策有疑问的，可拨打一二三四五政务服务便民热线咨询",
    "享受扶持的名单在市政府门户网站公示，接受社会监督",
    "本文件自印发之日起施行，有效期三年",
    "申请材料实行一次性告知，不得要求重复提交",
    "各镇（街道）便民服务中心设立咨询窗口",
];

/// 50 queries a reader would type.
const QUERIES: [&str; 50] = [
    "营商环境",
    "企业开办",
    "中小企业 融资担保",
    "河长制",
    "韩江水质",
    "乡村振兴 产业园",
    "高校毕业生 社会保险补贴",
    "创业担保贷款",
    "5G 基站",
    "垃圾分类",
    "义务教育 学位",
    "医共体",
    "安全生产 风险分级",
    "围龙屋",
    "耕地保护 占补平衡",
    "行政执法公示",
    "社会救助 主动发现",
    "梅龙高铁",
    "预算绩效管理",
    "疫情防控 外防输入",
    "物业租金 减免",
    "网上可办率",
    "双随机 一公开",
    "老旧小区改造",
    "养老服务中心",
    "高龄津贴",
    "高新技术企业",
    "人才引进 安居",
    "林长制",
    "松材线虫病",
    "退役军人服务站",
    "统计造假",
    "异地就医",
    "应急预案",
    "消费券",
    "夜间经济",
    "政务服务网 全程网办",
    "便民热线",
    "一次性告知",
    "便民服务中心 咨询窗口",
    "绩效考核",
    "专项资金 奖励",
    "农村生活污水",
    "现代农业产业园",
    "告知承诺制",
    "工程建设项目审批",
    "四好农村路",
    "食品安全抽检",
    "租赁住房",
    "客家",
];

fn body(rng: &mut Lcg, topic: &str) -> String {
    let mut text =
        format!("为推进{topic}工作，根据国家和省有关规定，结合本市实际，现就有关事项通知如下。");
    let sentences = 18 + rng.below(18);
    for index in 0..sentences {
        text.push_str(&format!(
            "{}、{}。",
            index + 1,
            SENTENCES[rng.below(SENTENCES.len())]
        ));
    }
    text
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["generate", url] => generate(url, 100_000, 20_000).await,
        ["generate", url, documents, interpretations] => {
            generate(url, documents.parse()?, interpretations.parse()?).await
        }
        ["measure", url] => measure(url).await,
        ["page-id", url] => page_id(url).await,
        _ => bail!(
            "usage: openness_scale generate DB_URL [DOCUMENTS INTERPRETATIONS] | measure DB_URL | page-id DB_URL"
        ),
    }
}

async fn agencies(db: &Db) -> Result<Vec<i64>> {
    let ids: Vec<i64> = fazhi_db::on_pool!(db, pool => {
        sqlx::query_scalar("SELECT id FROM agencies WHERE code LIKE 'G441400-%' ORDER BY id")
            .fetch_all(pool)
            .await
    })?;
    if ids.is_empty() {
        bail!("no agencies: load the demo first (fazhi demo --db URL --no-serve)");
    }
    Ok(ids)
}

/// (id, title, body, agency, published on, subject, genre)
type Row = (i64, String, String, i64, NaiveDate, String, String);

async fn generate(url: &str, documents: usize, interpretations: usize) -> Result<()> {
    let db = Db::connect(url).await?;
    let agencies = agencies(&db).await?;
    let mut rng = Lcg(20_201_231);
    let first = NaiveDate::from_ymd_opt(2016, 1, 4).unwrap();
    let now = fazhi_core::clock::now();
    let started = Instant::now();
    let mut serial = 0usize;
    while serial < documents {
        let batch = ROWS_PER_INSERT.min(documents - serial);
        let rows: Vec<(String, i64, String, NaiveDate, String, String, String)> = (0..batch)
            .map(|offset| {
                let number = serial + offset;
                let topic = TOPICS[rng.below(TOPICS.len())];
                let written = first + Days::new((number * 3650 / documents.max(1)) as u64);
                (
                    format!(
                        "SCALE/{:04}-{number:07}",
                        2016 + number * 10 / documents.max(1)
                    ),
                    agencies[rng.below(agencies.len())],
                    format!("关于{topic}的通知（第{number}号）"),
                    written,
                    body(&mut rng, topic),
                    SUBJECTS[rng.below(SUBJECTS.len())].to_string(),
                    GENRES[rng.below(GENRES.len())].to_string(),
                )
            })
            .collect();
        fazhi_db::on_pool!(&db, pool => {
            let mut query = sqlx::QueryBuilder::new(
                "INSERT INTO documents (index_no, agency_id, title, written_on, formed_on, formed_reason, subject, genre, \
                 disclosure, validity, body, status, published_at, published_on, needs_interpretation, created_at) ",
            );
            query.push_values(&rows, |mut row, (index_no, agency, title, written, text, subject, genre)| {
                row.push_bind(index_no.clone())
                    .push_bind(*agency)
                    .push_bind(title.clone())
                    .push_bind(*written)
                    .push_bind(*written)
                    .push_bind("")
                    .push_bind(subject.clone())
                    .push_bind(genre.clone())
                    .push_bind("主动公开")
                    .push_bind("有效")
                    .push_bind(text.clone())
                    .push_bind("published")
                    .push_bind(now)
                    .push_bind(*written + Days::new(3))
                    .push_bind(true)
                    .push_bind(now);
            });
            query.build().execute(pool).await.map(|_| ())
        })?;
        serial += batch;
    }
    let interpretation_rows: Vec<(i64, String, String, NaiveDate, i64)> = fazhi_db::on_pool!(&db, pool => {
        sqlx::query_as(
            "SELECT agency_id, title, body, published_on, id FROM documents WHERE index_no LIKE 'SCALE/%' ORDER BY id LIMIT $1",
        )
        .bind(interpretations as i64)
        .fetch_all(pool)
        .await
    })?;
    for chunk in interpretation_rows.chunks(ROWS_PER_INSERT) {
        fazhi_db::on_pool!(&db, pool => {
            let mut query = sqlx::QueryBuilder::new(
                "INSERT INTO interpretations (agency_id, title, form, body, status, published_on, created_at) ",
            );
            query.push_values(chunk, |mut row, (agency, title, text, on, _)| {
                row.push_bind(*agency)
                    .push_bind(format!("《{title}》政策解读"))
                    .push_bind("文字解读")
                    .push_bind(format!("问：这份文件讲了什么？答：{}", text.chars().take(300).collect::<String>()))
                    .push_bind("published")
                    .push_bind(*on)
                    .push_bind(now);
            });
            query.build().execute(pool).await.map(|_| ())
        })?;
    }
    println!(
        "wrote {documents} documents and {} interpretations in {:.1} s",
        interpretation_rows.len(),
        started.elapsed().as_secs_f64()
    );
    index_all(&db).await
}

/// Indexes the generated records through the application's indexer, in transactions of
/// [`INDEX_BATCH`], and reports the rate.
async fn index_all(db: &Db) -> Result<()> {
    let documents: Vec<Row> = fazhi_db::on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT id, title, body, agency_id, published_on, subject, genre FROM documents \
             WHERE index_no LIKE 'SCALE/%' ORDER BY id",
        )
        .fetch_all(pool)
        .await
    })?;
    let interpretations: Vec<Row> = fazhi_db::on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT id, title, body, agency_id, published_on, '' AS subject, '' AS genre FROM interpretations \
             WHERE title LIKE '《关于%的通知（第%号）》政策解读' ORDER BY id",
        )
        .fetch_all(pool)
        .await
    })?;
    let started = Instant::now();
    for (kind, rows) in [
        ("document", &documents),
        ("interpretation", &interpretations),
    ] {
        for chunk in rows.chunks(INDEX_BATCH) {
            let mut tx = db.begin().await?;
            for (id, title, text, agency, on, subject, genre) in chunk {
                let record = Searchable {
                    kind,
                    record_id: *id,
                    title,
                    text,
                    agency_id: *agency,
                    published_on: *on,
                    subject,
                    genre,
                    validity: "有效",
                };
                fazhi_db::search::index(&mut tx, &record).await?;
            }
            tx.commit().await?;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let records = documents.len() + interpretations.len();
    println!(
        "indexed {records} records in {seconds:.1} s: {:.0} records/s",
        records as f64 / seconds
    );
    Ok(())
}

fn percentile(sorted: &[f64], share: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * share).round() as usize;
    sorted[index]
}

async fn measure(url: &str) -> Result<()> {
    let db = Db::connect(url).await?;
    fazhi_core::search::warm_up();
    let page = Page::new(1, Page::DEFAULT_SIZE);
    // Baseline: the first page of the public document list, the page a reader would open
    // instead of searching.
    let mut baseline = Vec::new();
    for _ in 0..50 {
        let started = Instant::now();
        fazhi_db::documents::list(&db, None, true, page).await?;
        baseline.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    let mut times = Vec::new();
    let mut found = 0i64;
    for round in 0..3 {
        for text in QUERIES {
            let query = SearchQuery {
                text: text.to_string(),
                ..SearchQuery::default()
            };
            let started = Instant::now();
            let results = fazhi_db::search::search(&db, &query, page).await?;
            let elapsed = started.elapsed().as_secs_f64() * 1000.0;
            if round > 0 {
                times.push(elapsed);
            } else {
                found += results.total;
            }
        }
    }
    baseline.sort_by(f64::total_cmp);
    times.sort_by(f64::total_cmp);
    println!(
        "search over 50 queries x 2 rounds: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms ({found} matches in all)",
        percentile(&times, 0.5),
        percentile(&times, 0.95),
        times.last().copied().unwrap_or_default()
    );
    println!(
        "baseline (document list, page 1): p50 {:.1} ms; search p50 / baseline p50 = {:.2}",
        percentile(&baseline, 0.5),
        percentile(&times, 0.5) / percentile(&baseline, 0.5)
    );
    Ok(())
}

async fn page_id(url: &str) -> Result<()> {
    let db = Db::connect(url).await?;
    let id: i64 = fazhi_db::on_pool!(&db, pool => {
        sqlx::query_scalar("SELECT MAX(id) FROM documents WHERE status = 'published'")
            .fetch_one(pool)
            .await
    })?;
    println!("{id}");
    Ok(())
}
