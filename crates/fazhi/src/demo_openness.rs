//! Demo data for 政务公开 (issue 4 part 9), marked as demo in every body: the city's 2020 —
//! 300 published documents of the city government, its office and ten departments; 237 of the
//! 240 policy documents with interpretations in several forms, 3 left without one, 4
//! interpretations linked to nothing and one that copies its document, so that the checker
//! has something to find; 28 consultations with comments (one with a campaign), 24 with
//! their feedback published; the eight counties' 26 area catalogues, the first published on
//! 2020-09-09 and the last on 2020-12-15; 118 messages (38 to the 市长信箱, 80 forwarded from
//! the 省长信箱); 24 gazette issues. Every record goes through the same checks as a real one.

use anyhow::Result;
use chrono::{Days, NaiveDate};
use fazhi_core::consultation::{Disposition, DraftKind};
use fazhi_core::openness::Disclosure;
use fazhi_db::consultations::{NewComment, NewConsultation};
use fazhi_db::documents::NewDocument;
use fazhi_db::interpretations::NewInterpretation;
use fazhi_db::{Actor, Db};

/// A policy area: the phrase titles use, the 主题分类, three measures the documents state and
/// three keywords their interpretations explain.
struct Topic {
    phrase: &'static str,
    subject: &'static str,
    measures: [&'static str; 3],
    keywords: [&'static str; 3],
}

const TOPICS: [Topic; 30] = [
    Topic {
        phrase: "促进中小企业健康发展",
        subject: "国民经济管理、国有资产监管",
        measures: [
            "设立中小企业发展专项资金，对新获认定的专精特新企业给予一次性奖励",
            "落实小微企业融资担保降费政策，担保费率不高于1%",
            "建立政府部门和国有企业拖欠中小企业账款清理台账",
        ],
        keywords: ["专精特新奖励", "融资担保降费", "清理拖欠账款"],
    },
    Topic {
        phrase: "优化营商环境",
        subject: "综合政务",
        measures: [
            "企业开办全流程压缩至1个工作日内办结",
            "工程建设项目审批时限压缩至80个工作日以内",
            "推行证明事项告知承诺制，公布告知承诺事项清单",
        ],
        keywords: ["企业开办一日办结", "工程审批八十日", "告知承诺制"],
    },
    Topic {
        phrase: "加强生态环境保护",
        subject: "城乡建设、环境保护",
        measures: [
            "韩江、梅江干流水质稳定保持Ⅱ类以上",
            "全面推行河长制湖长制，建立市县镇村四级河长体系",
            "开展工业园区污水处理设施建设三年行动",
        ],
        keywords: ["韩江水质", "四级河长", "园区污水处理"],
    },
    Topic {
        phrase: "推进乡村振兴",
        subject: "农业、林业、水利",
        measures: [
            "每年安排乡村振兴专项资金用于农村人居环境整治",
            "建设梅州柚、嘉应茶等省级现代农业产业园",
            "推进农村生活污水治理，自然村集中供水全覆盖",
        ],
        keywords: ["人居环境整治", "现代农业产业园", "农村供水"],
    },
    Topic {
        phrase: "做好稳就业工作",
        subject: "劳动、人事、监察",
        measures: [
            "对吸纳高校毕业生就业的小微企业给予社会保险补贴",
            "开展粤菜师傅、广东技工、南粤家政三项工程培训",
            "返乡创业人员可申请最高30万元创业担保贷款",
        ],
        keywords: ["社保补贴", "三项工程", "创业担保贷款"],
    },
    Topic {
        phrase: "加快5G网络建设",
        subject: "工业、交通",
        measures: [
            "开放党政机关、公共场所等资源用于5G基站建设",
            "2020年底前实现中心城区5G网络连续覆盖",
            "5G基站用电执行直供电价格",
        ],
        keywords: ["开放公共资源", "中心城区覆盖", "直供电价"],
    },
    Topic {
        phrase: "加强城市管理",
        subject: "城乡建设、环境保护",
        measures: [
            "实施城区主次干道占道经营分类整治",
            "推行生活垃圾分类，2020年城区公共机构全面实行",
            "建立城市管理网格化巡查制度",
        ],
        keywords: ["占道经营整治", "垃圾分类", "网格化巡查"],
    },
    Topic {
        phrase: "推进义务教育优质均衡发展",
        subject: "科技、教育",
        measures: [
            "新建、改扩建公办中小学校，新增学位1.2万个",
            "落实义务教育阶段教师平均工资收入不低于当地公务员",
            "推进城乡学校结对帮扶全覆盖",
        ],
        keywords: ["新增学位", "教师待遇", "结对帮扶"],
    },
    Topic {
        phrase: "深化医药卫生体制改革",
        subject: "卫生、体育",
        measures: [
            "推进县域医疗卫生共同体建设，实现县镇村一体化管理",
            "落实国家组织药品集中采购和使用",
            "每个镇卫生院至少配备一名全科医生",
        ],
        keywords: ["县域医共体", "药品集采", "全科医生"],
    },
    Topic {
        phrase: "加强安全生产工作",
        subject: "市场监管、安全生产监管",
        measures: [
            "落实企业安全生产主体责任，开展风险分级管控",
            "开展危险化学品、道路交通等重点行业专项整治",
            "建立安全生产举报奖励制度",
        ],
        keywords: ["风险分级管控", "专项整治", "举报奖励"],
    },
    Topic {
        phrase: "推动文化旅游融合发展",
        subject: "商贸、海关、旅游",
        measures: [
            "打造世界客都文化旅游品牌",
            "对新评定的国家4A级以上旅游景区给予奖励",
            "推进客家围龙屋保护利用",
        ],
        keywords: ["客都品牌", "景区评定奖励", "围龙屋保护"],
    },
    Topic {
        phrase: "加强耕地保护",
        subject: "国土资源、能源",
        measures: [
            "严格落实耕地占补平衡制度",
            "坚决制止耕地非农化、防止耕地非粮化",
            "开展高标准农田建设",
        ],
        keywords: ["占补平衡", "制止非农化", "高标准农田"],
    },
    Topic {
        phrase: "规范行政执法行为",
        subject: "公安、安全、司法",
        measures: [
            "全面推行行政执法公示制度",
            "执法全过程记录，音像记录覆盖现场执法",
            "重大执法决定作出前进行法制审核",
        ],
        keywords: ["执法公示", "全过程记录", "法制审核"],
    },
    Topic {
        phrase: "加强社会救助",
        subject: "民政、扶贫、救灾",
        measures: [
            "城乡低保标准每月分别不低于当地最低生活保障标准",
            "建立困难群众基本生活救助主动发现机制",
            "临时救助审批权限下放至镇人民政府",
        ],
        keywords: ["低保标准", "主动发现", "临时救助下放"],
    },
    Topic {
        phrase: "推进交通基础设施建设",
        subject: "工业、交通",
        measures: [
            "加快梅龙高铁、梅州西站建设",
            "推进普通国省道改造和四好农村路建设",
            "完善城乡公交一体化",
        ],
        keywords: ["梅龙高铁", "四好农村路", "公交一体化"],
    },
    Topic {
        phrase: "加强财政资金管理",
        subject: "财政、金融、审计",
        measures: [
            "全面实施预算绩效管理",
            "严控一般性支出，三公经费只减不增",
            "推进财政资金直达基层",
        ],
        keywords: ["预算绩效", "三公经费", "资金直达"],
    },
    Topic {
        phrase: "做好新冠肺炎疫情常态化防控",
        subject: "卫生、体育",
        measures: [
            "落实外防输入、内防反弹防控策略",
            "发热门诊实行24小时接诊",
            "重点人群应检尽检",
        ],
        keywords: ["外防输入", "发热门诊", "应检尽检"],
    },
    Topic {
        phrase: "支持企业复工复产",
        subject: "国民经济管理、国有资产监管",
        measures: [
            "减免中小企业3个月国有物业租金",
            "阶段性减免企业社会保险费",
            "设立企业应急转贷资金",
        ],
        keywords: ["租金减免", "社保减免", "应急转贷"],
    },
    Topic {
        phrase: "加强水利建设",
        subject: "农业、林业、水利",
        measures: [
            "推进中小河流治理和山塘水库除险加固",
            "建设韩江流域防洪工程",
            "推进农村集中供水提质增效",
        ],
        keywords: ["中小河流治理", "防洪工程", "供水提质"],
    },
    Topic {
        phrase: "推进政务服务数字化",
        subject: "综合政务",
        measures: [
            "政务服务事项网上可办率达到95%以上",
            "推广粤省事、粤商通移动端应用",
            "实现高频事项跨城通办",
        ],
        keywords: ["网上可办率", "粤省事", "跨城通办"],
    },
    Topic {
        phrase: "加强市场监管",
        subject: "市场监管、安全生产监管",
        measures: [
            "全面推行双随机、一公开监管",
            "建立企业信用风险分类管理",
            "加强食品安全抽检",
        ],
        keywords: ["双随机一公开", "信用分类", "食品抽检"],
    },
    Topic {
        phrase: "推进住房保障",
        subject: "城乡建设、环境保护",
        measures: ["发展政策性租赁住房", "实施老旧小区改造", "规范住房租赁市场"],
        keywords: ["租赁住房", "老旧小区改造", "租赁市场"],
    },
    Topic {
        phrase: "加强养老服务体系建设",
        subject: "民政、扶贫、救灾",
        measures: [
            "每个镇建设一所综合养老服务中心",
            "落实高龄津贴制度",
            "推进医养结合",
        ],
        keywords: ["镇级养老中心", "高龄津贴", "医养结合"],
    },
    Topic {
        phrase: "推动科技创新",
        subject: "科技、教育",
        measures: [
            "对新认定的高新技术企业给予奖励",
            "建设嘉应学院科技成果转化平台",
            "实施人才引进安居保障",
        ],
        keywords: ["高企奖励", "成果转化", "人才安居"],
    },
    Topic {
        phrase: "加强森林资源保护",
        subject: "农业、林业、水利",
        measures: [
            "全面推行林长制",
            "加强森林防火和松材线虫病防治",
            "推进碳汇林建设",
        ],
        keywords: ["林长制", "森林防火", "碳汇林"],
    },
    Topic {
        phrase: "加强退役军人服务保障",
        subject: "劳动、人事、监察",
        measures: [
            "建设市县镇村四级退役军人服务站",
            "落实退役军人优先就业政策",
            "开展光荣之家挂牌",
        ],
        keywords: ["四级服务站", "优先就业", "光荣之家"],
    },
    Topic {
        phrase: "推进统计数据质量提升",
        subject: "国民经济管理、国有资产监管",
        measures: [
            "严肃查处统计造假",
            "推进统计联网直报",
            "开展第七次全国人口普查",
        ],
        keywords: ["查处造假", "联网直报", "人口普查"],
    },
    Topic {
        phrase: "加强医疗保障",
        subject: "卫生、体育",
        measures: [
            "实现医保市级统筹",
            "推进异地就医直接结算",
            "打击欺诈骗取医保基金",
        ],
        keywords: ["市级统筹", "异地结算", "打击欺诈骗保"],
    },
    Topic {
        phrase: "加强应急管理",
        subject: "市场监管、安全生产监管",
        measures: [
            "修订完善突发事件总体应急预案",
            "建设镇级应急救援队伍",
            "开展防汛防旱防风演练",
        ],
        keywords: ["总体预案", "镇级救援队", "三防演练"],
    },
    Topic {
        phrase: "促进消费扩容提质",
        subject: "商贸、海关、旅游",
        measures: [
            "发放消费券带动消费",
            "培育夜间经济集聚区",
            "推动汽车、家电下乡",
        ],
        keywords: ["消费券", "夜间经济", "汽车家电下乡"],
    },
];

/// (agency code, name, 文号 issuer code)
const ISSUERS: [(&str, &str, &str); 12] = [
    ("G441400-001", "梅州市人民政府", "梅市府"),
    ("G441400-002", "梅州市人民政府办公室", "梅市府办"),
    ("G441400-003", "梅州市发展和改革局", "梅市发改"),
    ("G441400-004", "梅州市教育局", "梅市教"),
    ("G441400-011", "梅州市人力资源和社会保障局", "梅市人社"),
    ("G441400-012", "梅州市自然资源局", "梅市自然资源"),
    ("G441400-013", "梅州市生态环境局", "梅市环"),
    ("G441400-014", "梅州市住房和城乡建设局", "梅市建"),
    ("G441400-015", "梅州市交通运输局", "梅市交"),
    ("G441400-017", "梅州市农业农村局", "梅市农"),
    ("G441400-020", "梅州市卫生健康局", "梅市卫"),
    ("G441400-024", "梅州市市场监督管理局", "梅市市监"),
];

/// Sentences interpretations draw from, so that no two read alike.
const EXPLANATIONS: [&str; 40] = [
    "文件起草过程中，起草单位赴各县（市、区）开展专题调研，听取企业和群众意见。",
    "文件经市政府常务会议审议通过，并经合法性审查。",
    "与以往政策相比，本次措施的支持范围更广、申请程序更简。",
    "符合条件的单位可通过广东政务服务网在线申请，全程网办。",
    "有关资金由市级财政统筹安排，按照先易后难的原则分批拨付。",
    "市有关部门将在文件印发后一个月内出台配套操作细则。",
    "各县（市、区）可结合本地实际制定具体实施办法。",
    "政策执行情况将纳入年度绩效考核，并向社会公开。",
    "对弄虚作假骗取扶持资金的，依法追回并纳入失信记录。",
    "群众对政策有疑问的，可拨打12345政务服务便民热线咨询。",
    "本次政策重点解决了基层反映集中的几个难点问题。",
    "文件明确了牵头单位和配合单位，压实各方责任。",
    "政策的有效期为三年，期满前将开展评估并决定是否延续。",
    "我们借鉴了珠三角城市的做法，同时考虑了山区市的财力实际。",
    "对政策实施中出现的新情况，将及时研究调整。",
    "申请材料实行一次性告知，不得要求重复提交。",
    "享受扶持的名单将在市政府门户网站公示，接受社会监督。",
    "文件坚持问题导向，回应了人大代表、政协委员的建议提案。",
    "实施过程中将加强部门间的数据共享，减少群众跑腿。",
    "政策面向全市，县（市、区）按照同一标准执行。",
    "相关标准与省级政策保持衔接，不低于省定标准。",
    "本次措施突出精准施策，分类指导。",
    "文件要求各单位在每季度末报送工作进展。",
    "市司法局对文件进行了合法性审核，市政府办公室统一登记、统一编号、统一印发。",
    "措施注重长短结合，既有应急之策，也有长效机制。",
    "各镇（街道）便民服务中心设立咨询窗口。",
    "对已经享受同类政策的，按照就高不重复的原则执行。",
    "起草单位在市政府门户网站公开征求了社会公众意见。",
    "资金使用情况将接受审计监督。",
    "文件印发后，起草单位将组织专题培训，确保政策落地。",
    "通过以案释法的方式，帮助群众理解政策要点。",
    "群众可通过市长信箱对政策实施情况提出意见。",
    "政策兑现实行限时办结，超期未办的将予以通报。",
    "考虑到山区县财力有限，市级对原中央苏区县给予倾斜。",
    "新政策与原有政策不一致的，以新政策为准。",
    "本措施所称企业，是指在本市依法登记注册的企业。",
    "对实施效果好的县（市、区），市政府将予以通报表扬。",
    "我们将定期发布政策实施情况报告。",
    "政策条文中的专业术语已在附件中作出说明。",
    "起草过程中征求了市直有关部门和各县（市、区）政府的意见，均已吸收采纳。",
];

/// What members of the public wrote, for the demo comments.
const SUGGESTIONS: [&str; 24] = [
    "建议进一步明确申请条件，避免执行中理解不一。",
    "建议将扶持范围扩大到个体工商户。",
    "第二条中的时限偏短，建议适当延长。",
    "建议增加对山区镇村的倾斜支持。",
    "建议公布咨询电话和办理流程图。",
    "建议在实施前组织政策宣讲。",
    "资金拨付环节较多，建议简化审批。",
    "建议明确各部门的职责分工，防止推诿。",
    "建议设置过渡期，给企业适应时间。",
    "建议对老年人等群体保留线下办理渠道。",
    "建议与省级政策做好衔接。",
    "建议定期公开政策执行情况。",
    "建议增加违规责任追究的条款。",
    "部分用语不够通俗，建议附上解读。",
    "建议听取行业协会的意见。",
    "建议对执行效果开展第三方评估。",
    "建议明确补贴发放的具体时间。",
    "建议把农村地区纳入适用范围。",
    "建议取消需要开具的证明材料。",
    "建议在镇便民服务中心设置专门窗口。",
    "建议增加对困难群众的兜底条款。",
    "建议明确适用的起止时间。",
    "建议细化考核指标。",
    "完全赞同征求意见稿的内容，希望尽快出台。",
];

const REASONS: [&str; 6] = [
    "已在修改稿中明确。",
    "相关内容已由上位法规定，不再重复。",
    "受财力所限，暂不扩大范围，将在评估后研究。",
    "属于具体操作层面，将在配套细则中明确。",
    "与省级政策规定不一致，不予采纳。",
    "已部分吸收，相关表述作了调整。",
];

/// The campaign comment the 24th consultation receives many times.
const CAMPAIGN: &str = "强烈建议保留老城区的骑楼街区，不要拆除，这是梅州人的历史记忆。";

/// A small deterministic generator, so the demo is the same on every machine.
struct Dice(u64);

impl Dice {
    fn next(&mut self, below: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % below as u64) as usize
    }
}

fn date(text: &str) -> Result<NaiveDate> {
    Ok(NaiveDate::parse_from_str(text, "%Y-%m-%d")?)
}

fn plus(day: NaiveDate, days: u64) -> NaiveDate {
    day.checked_add_days(Days::new(days)).unwrap_or(day)
}

/// One demo document: its fields and when it is published.
struct DemoDocument {
    new: NewDocument,
    published_on: NaiveDate,
    topic: usize,
}

fn documents() -> Result<Vec<DemoDocument>> {
    let first = date("2020-01-06")?;
    let mut serials = std::collections::HashMap::<&str, u32>::new();
    let mut made = Vec::with_capacity(300);
    for index in 0..300usize {
        let topic_index = index % TOPICS.len();
        let topic = &TOPICS[topic_index];
        let round = index / TOPICS.len();
        let (agency_code, agency_name, issuer) = ISSUERS[(round * 5 + topic_index) % ISSUERS.len()];
        let pattern = round % 4;
        let (title, genre) = match pattern {
            0 => (
                format!("{agency_name}关于印发梅州市{}实施方案的通知", topic.phrase),
                "通知",
            ),
            1 => (
                format!("{agency_name}关于{}的实施意见", topic.phrase),
                "意见",
            ),
            2 => (
                format!("{agency_name}关于做好2020年{}工作的通知", topic.phrase),
                "通知",
            ),
            _ => (
                format!("{agency_name}关于进一步{}的若干措施", topic.phrase),
                "通知",
            ),
        };
        let serial = serials.entry(issuer).or_insert(0);
        *serial += 1;
        let written_on = plus(first, (index as u64 * 340) / 300);
        let published_on = plus(written_on, 1 + (index as u64 % 9));
        let body = format!(
            "（演示数据）\n各县（市、区）人民政府，市府直属各单位：\n为{phrase}，根据国家和省有关规定，结合我市实际，现就有关事项通知如下。\n一、{m0}。\n二、{m1}。\n三、{m2}。\n四、各地各部门要加强组织领导，细化工作措施，确保各项任务落到实处。\n五、本文件自印发之日起施行，有效期3年。\n{agency_name}\n{written_on}",
            phrase = topic.phrase,
            m0 = topic.measures[0],
            m1 = topic.measures[1],
            m2 = topic.measures[2],
        );
        made.push(DemoDocument {
            new: NewDocument {
                agency_code: agency_code.into(),
                title,
                doc_number: format!("{issuer}〔2020〕{serial}号"),
                written_on,
                formed: None,
                subject: topic.subject.into(),
                genre: genre.into(),
                disclosure: Disclosure::Proactive,
                withhold_ground: None,
                needs_interpretation: pattern != 2,
                body,
            },
            published_on,
            topic: topic_index,
        });
    }
    Ok(made)
}

/// The forms interpretations take, in turn: half text, the rest richer.
const FORMS: [&str; 8] = [
    "文字解读",
    "图解",
    "文字解读",
    "政策问答",
    "文字解读",
    "音视频/动漫",
    "文字解读",
    "专家解读",
];

fn interpretation_body(topic: &Topic, title: &str, dice: &mut Dice) -> String {
    let mut picked: Vec<usize> = Vec::new();
    while picked.len() < 4 {
        let next = dice.next(EXPLANATIONS.len());
        if !picked.contains(&next) {
            picked.push(next);
        }
    }
    format!(
        "（演示数据）\n《{title}》出台的背景：{}\n这次政策的重点是{}、{}和{}。{}\n{}\n{}",
        EXPLANATIONS[picked[0]],
        topic.keywords[0],
        topic.keywords[1],
        topic.keywords[2],
        EXPLANATIONS[picked[1]],
        EXPLANATIONS[picked[2]],
        EXPLANATIONS[picked[3]],
    )
}

async fn load_documents(db: &Db, actor: &Actor) -> Result<usize> {
    let now = fazhi_core::clock::now();
    let mut dice = Dice(0x2020_0606_5eed);
    let mut published = 0;
    let mut policy_documents = 0;
    for demo in documents()? {
        let row =
            fazhi_db::documents::create(db, actor, now, demo.new.written_on, &demo.new).await?;
        fazhi_db::documents::submit(db, actor, now, row.id).await?;
        fazhi_db::documents::publish(db, actor, now, row.id, demo.published_on).await?;
        published += 1;
        if !demo.new.needs_interpretation {
            continue;
        }
        policy_documents += 1;
        // Three policy documents are left without an interpretation for the checker.
        if [40, 120, 200].contains(&policy_documents) {
            continue;
        }
        let topic = &TOPICS[demo.topic];
        let form = FORMS[policy_documents % FORMS.len()];
        let body = if policy_documents == 150 {
            // Copied from the document: the checker flags it for review.
            format!("解读：{}", demo.new.body)
        } else {
            interpretation_body(topic, &demo.new.title, &mut dice)
        };
        let new = NewInterpretation {
            agency_code: demo.new.agency_code.clone(),
            title: format!("《{}》政策解读", demo.new.title),
            form: form.into(),
            body,
            document_ids: vec![row.id],
        };
        let id = fazhi_db::interpretations::create(db, actor, now, &new).await?;
        // Two are late: published days after their document.
        let on = if [60, 180].contains(&policy_documents) {
            plus(demo.published_on, 6)
        } else {
            demo.published_on
        };
        fazhi_db::interpretations::publish(db, actor, now, id, on).await?;
    }
    // Four interpretations whose link to their document was never made.
    for (serial, topic) in [3usize, 11, 19, 27].iter().enumerate() {
        let topic = &TOPICS[*topic];
        let title = format!("一图读懂{}（第{}期）", topic.phrase, serial + 1);
        let new = NewInterpretation {
            agency_code: "G441400-002".into(),
            title: title.clone(),
            form: "图解".into(),
            body: interpretation_body(topic, &title, &mut dice),
            document_ids: vec![],
        };
        let id = fazhi_db::interpretations::create(db, actor, now, &new).await?;
        fazhi_db::interpretations::publish(db, actor, now, id, date("2020-12-10")?).await?;
    }
    Ok(published)
}

fn draft_text(topic: &Topic) -> String {
    format!(
        "（演示数据）梅州市{}规定（征求意见稿）\n第一条 为了{}，根据有关法律法规，结合本市实际，制定本规定。\n第二条 {}。\n第三条 {}。\n第四条 {}。\n第五条 市人民政府有关部门按照职责分工做好相关工作。\n第六条 本规定自公布之日起施行。",
        topic.phrase, topic.phrase, topic.measures[0], topic.measures[1], topic.measures[2]
    )
}

async fn load_consultations(db: &Db, actor: &Actor) -> Result<usize> {
    let now = fazhi_core::clock::now();
    let kinds = [
        DraftKind::Normative,
        DraftKind::Decision,
        DraftKind::Business,
        DraftKind::Normative,
        DraftKind::Rule,
        DraftKind::Other,
    ];
    let mut dice = Dice(0x0028_c0de);
    let mut made = 0;
    for index in 0..28usize {
        let topic = &TOPICS[(index * 7) % TOPICS.len()];
        let kind = kinds[index % kinds.len()];
        let opens_on = plus(date("2020-01-13")?, index as u64 * 12);
        let (_, earliest) = fazhi_db::consultations::earliest_close(db, kind, opens_on).await?;
        let closes_on = plus(earliest.max(plus(opens_on, 14)), (index % 3) as u64);
        let title = if index == 23 {
            "关于公开征求《梅州市老城区骑楼街区保护规定（征求意见稿）》意见的公告".to_string()
        } else {
            format!(
                "关于公开征求《梅州市{}规定（征求意见稿）》意见的公告",
                topic.phrase
            )
        };
        let (agency_code, _, _) = ISSUERS[index % ISSUERS.len()];
        let id = fazhi_db::consultations::create(
            db,
            actor,
            now,
            &NewConsultation {
                agency_code: agency_code.into(),
                title,
                kind,
                draft_text: draft_text(topic),
                opens_on,
                closes_on,
                short_reason: String::new(),
            },
        )
        .await?;
        fazhi_db::consultations::publish(
            db,
            actor,
            now,
            id,
            opens_on.checked_sub_days(Days::new(2)).unwrap_or(opens_on),
        )
        .await?;
        let comment_count = 1 + (index * 5) % 9;
        let sections = ["总体意见", "第二条", "第三条", "第四条"];
        let mut comments = Vec::new();
        for serial in 0..comment_count {
            let received_on = plus(opens_on, 1 + serial as u64 % 10).min(closes_on);
            let mut content = SUGGESTIONS[dice.next(SUGGESTIONS.len())].to_string();
            if serial == 1 {
                content.push_str("联系电话13800000000（演示）");
            }
            comments.push((sections[serial % sections.len()], content, received_on));
        }
        if index == 23 {
            for serial in 0..30 {
                let mark = if serial % 3 == 0 { "！" } else { "。" };
                comments.push((
                    "第三条",
                    CAMPAIGN.replace('。', mark),
                    plus(opens_on, 2 + serial as u64 % 20).min(closes_on),
                ));
            }
        }
        for (serial, (section, content, received_on)) in comments.iter().enumerate() {
            fazhi_db::consultations::add_comment(
                db,
                actor,
                now,
                *received_on,
                id,
                &NewComment {
                    channel: ["网站", "网站", "电子邮件", "信函"][serial % 4].into(),
                    received_on: *received_on,
                    commenter_type: if serial % 5 == 4 {
                        "法人或其他组织"
                    } else {
                        "公民"
                    }
                    .into(),
                    commenter_name: format!("演示公众{}", serial + 1),
                    commenter_contact: "（演示，无联系方式）".into(),
                    section: (*section).into(),
                    content: content.clone(),
                },
                None,
            )
            .await?;
        }
        made += 1;
        // The last four are still being handled: no feedback yet.
        if index >= 24 {
            continue;
        }
        for comment in fazhi_db::consultations::comments(db, id).await? {
            if comment.cluster_id.is_some() {
                continue;
            }
            let withheld = comment.id % 11 == 0;
            fazhi_db::consultations::moderate(
                db,
                actor,
                now,
                comment.id,
                !withheld,
                &comment.public_text,
            )
            .await?;
            let disposition = Disposition::ALL[comment.id as usize % 3];
            let reason = if disposition.needs_reason() {
                REASONS[comment.id as usize % REASONS.len()]
            } else {
                ""
            };
            fazhi_db::consultations::dispose(db, actor, now, comment.id, disposition, reason)
                .await?;
        }
        fazhi_db::consultations::publish_feedback(db, actor, now, id, plus(closes_on, 10)).await?;
    }
    Ok(made)
}

/// The eight counties and their governments, which compile the county catalogues.
const COUNTIES: [(&str, &str); 8] = [
    ("441402", "G441402-001"),
    ("441403", "G441403-001"),
    ("441422", "G441422-001"),
    ("441423", "G441423-001"),
    ("441424", "G441424-001"),
    ("441426", "G441426-001"),
    ("441427", "G441427-001"),
    ("441481", "G441481-001"),
];

/// Every county publishes its 26 area catalogues between its first date and its completion:
/// the first county starts on 2020-09-09 and the last completes on 2020-12-15 (spec §4.1).
async fn load_catalogues(db: &Db, actor: &Actor) -> Result<usize> {
    let now = fazhi_core::clock::now();
    let areas = fazhi_core::openness::vocabulary(fazhi_core::catalogue::AREAS);
    let mut published = 0;
    for (county, (division, agency)) in COUNTIES.iter().enumerate() {
        let first = plus(date("2020-09-09")?, county as u64 * 6);
        let last = plus(
            date("2020-11-13")?,
            county as u64 * 4 + if county == 7 { 4 } else { 0 },
        );
        let span = (last - first).num_days().max(0) as u64;
        for (index, area) in areas.iter().enumerate() {
            let on = plus(first, span * index as u64 / (areas.len() as u64 - 1));
            let id = fazhi_db::catalogues::create(db, actor, now, division, area, agency).await?;
            fazhi_db::catalogues::publish(db, actor, now, id, on, "（演示数据）县政府常务会议审定")
                .await?;
            published += 1;
        }
    }
    Ok(published)
}

/// What citizens wrote about, with the department that answers.
const CONCERNS: [(&str, &str, &str); 12] = [
    (
        "小区旁工地夜间施工扰民",
        "工地每晚施工到凌晨，影响休息，请有关部门处理。",
        "G441400-014",
    ),
    (
        "学位申请咨询",
        "孩子今年入读小学一年级，户籍在外地，请问需要哪些材料？",
        "G441400-004",
    ),
    (
        "农村道路破损",
        "村道路面破损严重，雨天积水，群众出行不便，希望尽快修复。",
        "G441400-015",
    ),
    (
        "养老保险转移",
        "从外省回梅州工作，养老保险关系如何转移接续？",
        "G441400-011",
    ),
    (
        "河道垃圾清理",
        "梅江某河段岸边垃圾较多，建议安排清理。",
        "G441400-013",
    ),
    (
        "企业开办咨询",
        "准备开办一家餐饮企业，请问在哪里办理营业执照和食品经营许可？",
        "G441400-024",
    ),
    (
        "耕地被占用",
        "村里有耕地被用于建设厂房，请核查是否合法。",
        "G441400-012",
    ),
    (
        "医保异地结算",
        "在广州住院，如何办理医保异地就医备案？",
        "G441400-020",
    ),
    (
        "公交线路建议",
        "建议增开至高铁站的公交线路，方便市民出行。",
        "G441400-015",
    ),
    (
        "补贴发放查询",
        "去年申请的耕地地力保护补贴至今未到账，请帮忙查询。",
        "G441400-017",
    ),
    (
        "噪声扰民",
        "楼下商铺音响声音过大，多次沟通无果。",
        "G441400-013",
    ),
    (
        "就业培训咨询",
        "想参加粤菜师傅培训，请问报名条件和时间？",
        "G441400-011",
    ),
];

/// 2020's messages: 38 to the 市长信箱 and 80 forwarded from the 省长信箱 (the model report's
/// "38 + 80"), answered by the competent department, a few after their deadline, most
/// published, most rated.
async fn load_messages(db: &Db, actor: &Actor) -> Result<usize> {
    let now = fazhi_core::clock::now();
    let mut made = 0;
    for index in 0..118usize {
        let (channel, serial) = if index < 38 {
            (fazhi_core::messages::Channel::MayorMailbox, index)
        } else {
            (fazhi_core::messages::Channel::GovernorForwarded, index - 38)
        };
        let (title, body, agency) = CONCERNS[index % CONCERNS.len()];
        let received_on = plus(date("2020-01-08")?, (index as u64 * 355) / 118);
        let body = if index % 7 == 0 {
            format!("（演示数据）{body}我的电话13800000{:03}。", index)
        } else {
            format!("（演示数据）{body}")
        };
        let new = fazhi_db::messages::NewMessage {
            channel,
            source_ref: if channel.forwarded() {
                format!("YS2020{:05}", serial + 1)
            } else {
                String::new()
            },
            received_on,
            sender_name: format!("演示留言人{}", index + 1),
            sender_contact: "（演示，无联系方式）".into(),
            category: fazhi_core::messages::CATEGORIES[index % 4].into(),
            title: title.into(),
            body,
            agency_code: "G441400-002".into(),
        };
        let id = fazhi_db::messages::create(db, actor, now, received_on, &new, None).await?;
        fazhi_db::messages::transfer(
            db,
            actor,
            now,
            received_on,
            id,
            agency,
            "（演示数据）按职责转办",
        )
        .await?;
        let row = fazhi_db::messages::message(db, id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("演示留言{id}未写入"))?;
        // Most within the deadline; every 20th three days late.
        let replied_on = if index % 20 == 19 {
            plus(row.due_on, 3)
        } else {
            plus(received_on, 3 + (index % 5) as u64)
        };
        let answer = fazhi_db::messages::Reply {
            text: format!(
                "（演示数据）您好，关于“{title}”的留言，经{}核实办理，已作处理。感谢您的监督。",
                row.agency_name
            ),
            publish: index % 9 != 0,
            public_title: row.public_title.clone(),
            public_body: row.public_body.clone(),
        };
        fazhi_db::messages::reply(db, actor, now, replied_on, id, &answer).await?;
        if index % 4 != 3 {
            let rating = fazhi_core::messages::SATISFACTION[usize::from(index % 10 == 0)];
            fazhi_db::messages::rate(db, actor, now, id, rating).await?;
        }
        made += 1;
    }
    Ok(made)
}

/// 2020's 24 gazette issues, twice a month, carrying the city government's and its office's
/// documents in order of publication.
async fn load_gazette(db: &Db, actor: &Actor) -> Result<usize> {
    let now = fazhi_core::clock::now();
    let candidates = fazhi_db::gazette::candidates(db, "441400", 10_000).await?;
    let issues = 24usize;
    for number in 0..issues {
        let from = candidates.len() * number / issues;
        let to = candidates.len() * (number + 1) / issues;
        let chosen: Vec<i64> = candidates[from..to].iter().map(|c| c.document_id).collect();
        if chosen.is_empty() {
            continue;
        }
        let nominal = plus(date("2020-01-15")?, (number as u64 * 366) / 24);
        let latest = candidates[from..to]
            .iter()
            .filter_map(|c| c.published_on)
            .max()
            .unwrap_or(nominal);
        let id =
            fazhi_db::gazette::create(db, actor, now, "441400", 2020, number as i32 + 1, &chosen)
                .await?;
        fazhi_db::gazette::publish(db, actor, now, id, nominal.max(plus(latest, 1))).await?;
    }
    Ok(issues)
}

/// Loads the demo year unless documents are there already. Returns (documents, consultations,
/// catalogues, messages).
pub async fn load(db: &Db, actor: &Actor) -> Result<(usize, usize, usize, usize)> {
    let (_, documents) =
        fazhi_db::documents::list(db, None, false, fazhi_db::Page::new(1, 1)).await?;
    if documents > 0 {
        return Ok((0, 0, 0, 0));
    }
    let documents = load_documents(db, actor).await?;
    let consultations = load_consultations(db, actor).await?;
    let catalogues = load_catalogues(db, actor).await?;
    let messages = load_messages(db, actor).await?;
    load_gazette(db, actor).await?;
    Ok((documents, consultations, catalogues, messages))
}
