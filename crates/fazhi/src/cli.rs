//! The operator commands. Each prints its result on stdout; errors are one line on stderr.

use crate::config::Config;
use crate::server::open_database;
use anyhow::{Context, Result, anyhow, bail};
use chrono::{Datelike, NaiveDate};
use clap::{Parser, Subcommand};
use fazhi_core::calendar::{DayReason, Notice};
use fazhi_core::org::Role;
use fazhi_db::users::{NewGrant, NewScope, NewUser};
use fazhi_db::{Actor, Db, Page};
use std::io::Read;
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(name = "fazhi", version, about = "梅州市法治政府建设平台（fazhi）")]
pub struct Cli {
    /// Configuration file (TOML). Default: ./fazhi.toml if present.
    #[arg(long, global = true, env = "FAZHI_CONFIG")]
    pub config: Option<PathBuf>,
    /// Database: sqlite://PATH or postgres://… (overrides the configuration).
    #[arg(long, global = true)]
    pub database_url: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the web UI and API.
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8080.
        #[arg(long)]
        listen: Option<String>,
    },
    /// Load the demo data into ./data/demo.db (or --db) and serve it.
    Demo {
        /// SQLite file for the demo, or a database URL (sqlite://… or postgres://…).
        #[arg(long, default_value = "data/demo.db")]
        db: String,
        #[arg(long, default_value_t = 8080)]
        port: u16,
        /// Load the data and exit.
        #[arg(long)]
        no_serve: bool,
    },
    /// Apply database migrations.
    Migrate,
    #[command(subcommand)]
    User(UserCommand),
    #[command(subcommand)]
    Org(OrgCommand),
    #[command(subcommand)]
    Calendar(CalendarCommand),
    #[command(subcommand)]
    Audit(AuditCommand),
    #[command(subcommand)]
    Powers(PowersCommand),
    #[command(subcommand)]
    Report(ReportCommand),
    #[command(subcommand)]
    Foi(FoiCommand),
    #[command(subcommand)]
    Search(SearchCommand),
}

#[derive(Subcommand, Debug)]
pub enum SearchCommand {
    /// Rebuild the full-text index from the published records (after a restore or a change
    /// of the dictionary).
    Reindex,
}

#[derive(Subcommand, Debug)]
pub enum FoiCommand {
    /// Load earlier years' requests from a ledger (.csv, .xlsx, .xls): columns 案件编号, 机构代码,
    /// 申请渠道, 收到申请日期, 申请人类型, 办理结果, 办结日期, 行政复议结果, 行政复议审结日期,
    /// 行政诉讼途径, 行政诉讼结果, 行政诉讼审结日期. All rows or none.
    Import {
        file: PathBuf,
        /// Worksheet name (default: the first).
        #[arg(long)]
        sheet: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum ReportCommand {
    /// 政府信息公开工作年度报告 of an agency. Only section 三 is built so far.
    FoiAnnual {
        #[arg(long)]
        year: i32,
        /// Code of the agency whose requests are counted.
        #[arg(long)]
        agency: String,
        /// csv (one table, see --table) or json.
        #[arg(long, default_value = "csv")]
        format: String,
        /// The section whose table to print as CSV: 3.
        #[arg(long, default_value_t = 3)]
        table: u8,
        /// Force the report format: 2019 or 2021 (default: by the year, parameter
        /// foi.report.format_2021_from_year).
        #[arg(long)]
        template: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum PowersCommand {
    /// Who holds item CODE for a division on a date (first line: the holding agency's name).
    Holder {
        #[arg(long)]
        code: String,
        /// Division code of the place, e.g. 441402 (梅江区) or a town code.
        #[arg(long)]
        division: String,
        /// YYYY-MM-DD
        #[arg(long)]
        on: String,
        /// A case attribute deciding conditional holdings, e.g. intake_spans_counties=false.
        #[arg(long = "attr")]
        attributes: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Export the catalogue of a division as of a date, or (with --from) what changed since.
    Export {
        /// Division code, e.g. 441400 (梅州市) or 441402 (梅江区).
        #[arg(long)]
        division: String,
        /// As-of date (YYYY-MM-DD); with --from, the end of the comparison (inclusive).
        #[arg(long)]
        on: String,
        /// Start of a comparison (exclusive): export the changes between --from and --on.
        #[arg(long)]
        from: Option<String>,
        /// csv | xlsx | json
        #[arg(long, default_value = "csv")]
        format: String,
        /// Output file (default: standard output; xlsx needs a file).
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Import a published list (xlsx, xls or csv): items and who holds them, under one decision.
    Import {
        file: PathBuf,
        /// Title of the deciding document that publishes or adjusts the list.
        #[arg(long)]
        decision: String,
        /// Date of the decision, YYYY-MM-DD.
        #[arg(long)]
        decided: String,
        #[arg(long)]
        doc_number: Option<String>,
        /// From when the holders hold the items (rows may give their own 生效日期); default: --decided.
        #[arg(long)]
        effective: Option<String>,
        /// Worksheet name (default: the first).
        #[arg(long)]
        sheet: Option<String>,
        /// Check everything and report what would change, without writing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create a user with one role.
    Add {
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: String,
        /// Code of the user's agency.
        #[arg(long)]
        agency: String,
        /// system_admin | agency_admin | clerk | reviewer | leader (or the Chinese name).
        #[arg(long)]
        role: String,
        /// Grant the role over this division and below instead of the user's agency only.
        #[arg(long, conflicts_with = "platform")]
        division: Option<String>,
        /// Grant the role over the whole platform (for a 系统管理员).
        #[arg(long)]
        platform: bool,
        /// Read the password from standard input instead of --password.
        #[arg(long)]
        password_stdin: bool,
        #[arg(long, env = "FAZHI_NEW_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// List users.
    List,
    /// Set a user's password (ends their sessions).
    SetPassword {
        #[arg(long)]
        username: String,
        #[arg(long)]
        password_stdin: bool,
        #[arg(long, env = "FAZHI_NEW_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// Disable a user (ends their sessions and revokes their API tokens).
    Disable {
        #[arg(long)]
        username: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum OrgCommand {
    /// Import divisions (code,name,level,parent_code) or agencies (code,name,kind,division_code,parent_code).
    Import { file: PathBuf },
    /// List agencies, one a line: CODE<TAB>NAME.
    Agencies {
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum CalendarCommand {
    /// The N-th working day after --from (the start day is day 0).
    Due {
        #[arg(long)]
        from: String,
        #[arg(long)]
        working_days: String,
        /// Print the derivation after the date.
        #[arg(long)]
        explain: bool,
    },
    /// Show each day of a month with its status.
    Show {
        #[arg(long)]
        year: i32,
        #[arg(long)]
        month: u32,
    },
    /// Import a State Council holiday notice with its rows (CSV date,kind,name).
    Import {
        file: PathBuf,
        #[arg(long)]
        year: i32,
        #[arg(long)]
        title: String,
        /// Date of the notice, YYYY-MM-DD.
        #[arg(long)]
        issued: String,
        #[arg(long)]
        doc_number: Option<String>,
        #[arg(long)]
        url: Option<String>,
        /// For an amending notice: the year it amends.
        #[arg(long)]
        amends: Option<i32>,
    },
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Recompute the hash chain; exit 1 at the first broken entry.
    Verify,
}

pub async fn run(cli: Cli, config: Config) -> Result<()> {
    match cli.command {
        Command::Serve { listen } => {
            let db = open_database(&config.database_url).await?;
            let state = crate::server::app_state(db, &config).await?;
            let listen = listen.unwrap_or_else(|| config.listen.clone());
            crate::server::serve(state, &listen, |address| {
                println!("fazhi 已启动：http://{address}/")
            })
            .await
        }
        Command::Demo { db, port, no_serve } => demo(&config, &db, port, no_serve).await,
        Command::Migrate => {
            let db = open_database(&config.database_url).await?;
            println!("数据库已是最新结构（{}）", db.backend_name());
            Ok(())
        }
        Command::User(command) => user(&open_database(&config.database_url).await?, command).await,
        Command::Org(command) => org(&open_database(&config.database_url).await?, command).await,
        Command::Calendar(command) => {
            calendar(&open_database(&config.database_url).await?, command).await
        }
        Command::Powers(command) => {
            powers(&open_database(&config.database_url).await?, command).await
        }
        Command::Foi(command) => foi(&open_database(&config.database_url).await?, command).await,
        Command::Report(command) => {
            report(&open_database(&config.database_url).await?, command).await
        }
        Command::Search(SearchCommand::Reindex) => {
            let db = open_database(&config.database_url).await?;
            let started = std::time::Instant::now();
            let records = fazhi_db::search::reindex(&db).await?;
            println!(
                "已重建全文检索索引：{records}条记录（{:.1}秒）",
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Audit(AuditCommand::Verify) => {
            audit_verify(&open_database(&config.database_url).await?).await
        }
    }
}

async fn demo(config: &Config, db_or_url: &str, port: u16, no_serve: bool) -> Result<()> {
    let is_url = ["sqlite:", "postgres://", "postgresql://"]
        .iter()
        .any(|scheme| db_or_url.starts_with(scheme));
    let url = if is_url {
        db_or_url.to_string()
    } else {
        format!("sqlite://{db_or_url}")
    };
    let db = open_database(&url).await?;
    let created = crate::demo::load(&db).await?;
    let started = std::time::Instant::now();
    let catalogue_items = crate::demo_catalogue::load(&db, &Actor::cli("demo")).await?;
    if catalogue_items > 0 {
        eprintln!(
            "已载入演示权责清单：{catalogue_items}个事项（{:.1}秒）",
            started.elapsed().as_secs_f64()
        );
    }
    let foi_cases = crate::demo_foi::load(&db, &Actor::cli("demo")).await?;
    if foi_cases > 0 {
        eprintln!("已载入演示政府信息公开申请：{foi_cases}件");
    }
    let started = std::time::Instant::now();
    let (documents, consultations, catalogues, messages) =
        crate::demo_openness::load(&db, &Actor::cli("demo")).await?;
    if documents > 0 {
        eprintln!(
            "已载入演示政务公开数据：{documents}份文件及其解读，{consultations}次意见征集，{catalogues}个标准目录，{messages}条网民留言（{:.1}秒）",
            started.elapsed().as_secs_f64()
        );
    }
    eprintln!("演示数据已就绪：{db_or_url}（本次新建用户 {created} 个）");
    if no_serve {
        print!(
            "{}",
            crate::demo::credentials_text(&format!("（未启动服务）数据库 {url}"))
        );
        return Ok(());
    }
    let state = crate::server::app_state(db, config).await?;
    crate::server::serve(state, &format!("127.0.0.1:{port}"), |address| {
        print!(
            "{}",
            crate::demo::credentials_text(&format!("http://{address}/"))
        );
    })
    .await
}

fn read_password(from_stdin: bool, given: Option<String>) -> Result<String> {
    if from_stdin {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        return Ok(text.trim_end_matches(['\r', '\n']).to_string());
    }
    given.ok_or_else(|| {
        anyhow!("请用 --password、--password-stdin 或环境变量 FAZHI_NEW_PASSWORD 提供密码")
    })
}

async fn user_id(db: &Db, username: &str) -> Result<i64> {
    fazhi_db::users::user_by_username(db, username)
        .await?
        .map(|u| u.id)
        .ok_or_else(|| anyhow!("用户“{username}”不存在"))
}

async fn user(db: &Db, command: UserCommand) -> Result<()> {
    let actor = Actor::cli("user");
    let now = fazhi_core::clock::now();
    match command {
        UserCommand::Add {
            username,
            name,
            agency,
            role,
            division,
            platform,
            password_stdin,
            password,
        } => {
            let role = Role::parse(&role).ok_or_else(|| {
                anyhow!("角色“{role}”无效，应为 system_admin/agency_admin/clerk/reviewer/leader")
            })?;
            let scope = match (platform, division) {
                (true, _) => NewScope::Platform,
                (false, Some(code)) => NewScope::Division(code),
                (false, None) => NewScope::Agency(agency.clone()),
            };
            let new = NewUser {
                username,
                display_name: name,
                agency_code: agency,
                password: read_password(password_stdin, password)?,
                grants: vec![NewGrant { role, scope }],
            };
            let id = fazhi_db::users::create_user(db, &actor, now, &new).await?;
            println!("已创建用户 {}（编号 {id}）", new.username);
        }
        UserCommand::List => {
            for number in 1.. {
                let (users, _) =
                    fazhi_db::users::list_users(db, None, None, Page::new(number, 500)).await?;
                if users.is_empty() {
                    break;
                }
                for user in users {
                    let state = if user.disabled { "停用" } else { "正常" };
                    println!(
                        "{}\t{}\t{}\t{}",
                        user.username, user.display_name, user.agency_name, state
                    );
                }
            }
        }
        UserCommand::SetPassword {
            username,
            password_stdin,
            password,
        } => {
            let id = user_id(db, &username).await?;
            fazhi_db::users::set_password(
                db,
                &actor,
                now,
                id,
                &read_password(password_stdin, password)?,
            )
            .await?;
            println!("已重设用户 {username} 的密码");
        }
        UserCommand::Disable { username } => {
            let id = user_id(db, &username).await?;
            fazhi_db::users::set_disabled(db, &actor, now, id, true).await?;
            println!("已停用用户 {username}");
        }
    }
    Ok(())
}

async fn org(db: &Db, command: OrgCommand) -> Result<()> {
    match command {
        OrgCommand::Import { file } => {
            let text = read_text_file(&file)?;
            let header = text
                .lines()
                .next()
                .unwrap_or_default()
                .trim_start_matches('\u{feff}');
            let actor = Actor::cli("org import");
            let now = fazhi_core::clock::now();
            let report = if header.starts_with("code,name,level") {
                fazhi_db::org::import_divisions(db, &actor, now, &text).await?
            } else if header.starts_with("code,name,kind") {
                fazhi_db::org::import_agencies(db, &actor, now, &text).await?
            } else {
                bail!(
                    "无法识别的文件：表头应为“code,name,level,parent_code”（区划）或“code,name,kind,division_code,parent_code”（机构）"
                );
            };
            println!(
                "导入完成：新增{}，变更{}，未变{}",
                report.added, report.renamed, report.unchanged
            );
        }
        OrgCommand::Agencies { name } => {
            for agency in fazhi_db::org::agencies(db, name.as_deref()).await? {
                println!("{}\t{}", agency.code, agency.name);
            }
        }
    }
    Ok(())
}

/// Reads a UTF-8 text file, unpacking it first when its name ends in `.gz`.
fn read_text_file(path: &std::path::Path) -> Result<String> {
    let file =
        std::fs::File::open(path).with_context(|| format!("无法读取文件 {}", path.display()))?;
    let mut bytes = Vec::new();
    if path.extension().is_some_and(|ext| ext == "gz") {
        flate2::read::GzDecoder::new(file)
            .read_to_end(&mut bytes)
            .with_context(|| format!("无法解压文件 {}", path.display()))?;
    } else {
        std::io::BufReader::new(file).read_to_end(&mut bytes)?;
    }
    String::from_utf8(bytes).map_err(|_| anyhow!("文件 {} 不是UTF-8文本", path.display()))
}

fn parse_date(text: &str, what: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| anyhow!("{what}“{text}”格式错误，应为YYYY-MM-DD"))
}

async fn calendar(db: &Db, command: CalendarCommand) -> Result<()> {
    match command {
        CalendarCommand::Due {
            from,
            working_days,
            explain,
        } => {
            let calendar = fazhi_db::calendar::load(db).await?;
            let (start, count) =
                fazhi_web::portal::parse_due_input(&from, &working_days).map_err(|e| anyhow!(e))?;
            let due = calendar.due_date(start, count)?;
            println!("{}", due.date);
            if due.provisional {
                eprintln!(
                    "警告：{}年的节假日安排尚未导入，结果为暂定",
                    due.uncovered_years
                        .iter()
                        .map(|y| y.to_string())
                        .collect::<Vec<_>>()
                        .join("、")
                );
            }
            if explain {
                println!("{}", due.explain());
            }
        }
        CalendarCommand::Show { year, month } => {
            let calendar = fazhi_db::calendar::load(db).await?;
            let first = NaiveDate::from_ymd_opt(year, month, 1)
                .ok_or_else(|| anyhow!("年月无效：{year}-{month}"))?;
            let mut date = first;
            while date.month() == month {
                let info = calendar.day(date);
                let status = match &info.reason {
                    DayReason::Weekday => "工作日".to_string(),
                    DayReason::RestDay => "休息日".to_string(),
                    DayReason::Holiday(name) => format!("放假\t{name}"),
                    DayReason::AdjustedWorkday(name) => format!("上班\t{name}"),
                };
                let covered = if info.covered {
                    ""
                } else {
                    "\t（未导入该年度安排）"
                };
                println!(
                    "{date}\t{}\t{status}{covered}",
                    fazhi_core::calendar::weekday_zh(date)
                );
                date = date.succ_opt().ok_or_else(|| anyhow!("日期超出范围"))?;
            }
        }
        CalendarCommand::Import {
            file,
            year,
            title,
            issued,
            doc_number,
            url,
            amends,
        } => {
            let text = read_text_file(&file)?;
            let notice = Notice {
                year,
                title,
                doc_number,
                issued: parse_date(&issued, "发布日期")?,
                url,
                amends,
            };
            let imported = fazhi_db::calendar::import_notice(
                db,
                &Actor::cli("calendar import"),
                fazhi_core::clock::now(),
                notice,
                &text,
            )
            .await?;
            println!("{}", imported.describe());
        }
    }
    Ok(())
}

async fn powers(db: &Db, command: PowersCommand) -> Result<()> {
    match command {
        PowersCommand::Import {
            file,
            decision,
            decided,
            doc_number,
            effective,
            sheet,
            dry_run,
        } => {
            let decided = parse_date(&decided, "决定日期")?;
            let effective = match effective {
                Some(text) => parse_date(&text, "生效日期")?,
                None => decided,
            };
            let grid = crate::office::read_grid(&file, sheet.as_deref())?;
            let categories: Vec<(String, String)> = fazhi_db::powers::categories(db)
                .await?
                .into_iter()
                .map(|c| (c.code, c.name))
                .collect();
            let column_map = fazhi_core::powers::import::parse_column_map(
                fazhi_core::powers::import::BUILTIN_COLUMN_MAP,
            )
            .map_err(anyhow::Error::msg)?;
            let rows = fazhi_core::powers::import::parse_list(&grid, &column_map, &categories)
                .map_err(|issues| {
                    let shown: Vec<String> =
                        issues.iter().take(10).map(ToString::to_string).collect();
                    anyhow!(
                        "文件有{}处错误，未写入任何数据：{}",
                        issues.len(),
                        shown.join("；")
                    )
                })?;
            let decision = fazhi_core::powers::Decision {
                title: decision,
                doc_number,
                date: decided,
            };
            let preview = fazhi_db::powers::import_list(
                db,
                &Actor::cli("powers import"),
                fazhi_core::clock::now(),
                &rows,
                &decision,
                effective,
                dry_run,
            )
            .await?;
            let verb = if preview.dry_run {
                "试导入（未写入）"
            } else {
                "导入完成"
            };
            println!(
                "{verb}：{}行；事项新增{}、变更{}、未变{}；新增持有{}、已持有{}",
                preview.rows,
                preview.items_new,
                preview.items_changed,
                preview.items_unchanged,
                preview.holdings_added,
                preview.holdings_already
            );
        }
        PowersCommand::Export {
            division,
            on,
            from,
            format,
            output,
        } => {
            let on = parse_date(&on, "日期")?;
            let division = fazhi_db::org::division_by_code(db, &division)
                .await?
                .ok_or_else(|| anyhow!("区划“{division}”不存在"))?;
            let (header, rows, json): (&[&str], Vec<Vec<String>>, serde_json::Value) = match from {
                Some(from) => {
                    let from = parse_date(&from, "起始日期")?;
                    let changes =
                        fazhi_db::powers::changes_between(db, &division.path, from, on).await?;
                    let json = serde_json::to_value(&changes)?;
                    (
                        &fazhi_web::powers::CHANGES_HEADER,
                        changes
                            .into_iter()
                            .map(fazhi_web::powers::change_cells)
                            .collect(),
                        json,
                    )
                }
                None => {
                    let filter = fazhi_db::powers::CatalogueFilter {
                        division_path: division.path.clone(),
                        on,
                        ..Default::default()
                    };
                    let (rows, _) = fazhi_db::powers::catalogue_page(db, &filter, None).await?;
                    let json = serde_json::to_value(&rows)?;
                    (
                        &fazhi_web::powers::CATALOGUE_HEADER,
                        rows.into_iter()
                            .map(fazhi_web::powers::catalogue_cells)
                            .collect(),
                        json,
                    )
                }
            };
            let bytes = match format.as_str() {
                "json" => serde_json::to_vec_pretty(&json)?,
                other => {
                    let table = fazhi_web::powers::TableFormat::parse(other)
                        .ok_or_else(|| anyhow!("格式“{other}”无效，应为 csv、xlsx 或 json"))?;
                    fazhi_web::powers::table_bytes(table, header, &rows)
                        .map_err(|e| anyhow!("{e}"))?
                }
            };
            match output {
                Some(path) => {
                    std::fs::write(&path, &bytes)
                        .with_context(|| format!("无法写入 {}", path.display()))?;
                    eprintln!("已导出{}行到 {}", rows.len(), path.display());
                }
                None if format == "xlsx" => bail!("xlsx 须用 --output 指定文件"),
                None => {
                    use std::io::Write;
                    std::io::stdout().write_all(&bytes)?;
                }
            }
        }
        PowersCommand::Holder {
            code,
            division,
            on,
            attributes,
            json,
        } => {
            let on = parse_date(&on, "日期")?;
            let attributes = parse_attributes(&attributes)?;
            let reports =
                fazhi_db::powers::holder_reports(db, &code, &division, on, attributes.as_ref())
                    .await?;
            let Some(first) = reports.first() else {
                bail!("{on} 没有单位在区划 {division} 持有事项 {code}");
            };
            if json {
                println!("{}", serde_json::to_string_pretty(first)?);
                return Ok(());
            }
            // First line: the holding agency's name alone. A conditional holding is explained
            // on the next line, with who holds the cases outside the condition.
            println!("{}", first.agency);
            if let Some(condition) = &first.condition {
                let others: Vec<&str> = reports[1..].iter().map(|r| r.agency.as_str()).collect();
                if others.is_empty() {
                    println!("条件：{condition}（本案满足）");
                } else {
                    println!("条件：{condition}；不满足时：{}", others.join("、"));
                }
            }
        }
    }
    Ok(())
}

fn parse_attributes(pairs: &[String]) -> Result<Option<fazhi_core::powers::CaseAttributes>> {
    if pairs.is_empty() {
        return Ok(None);
    }
    pairs
        .iter()
        .map(|pair| {
            pair.split_once('=')
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                .ok_or_else(|| anyhow!("案件属性“{pair}”应写成 名称=值"))
        })
        .collect::<Result<_>>()
        .map(Some)
}

async fn audit_verify(db: &Db) -> Result<()> {
    match fazhi_db::audit::verify(db).await? {
        fazhi_db::audit::Verification::Intact { entries, head } => {
            println!("OK：审计链完整，共 {entries} 条，最新记录哈希 {head}");
            Ok(())
        }
        fazhi_db::audit::Verification::Broken { at, .. } => {
            bail!("审计链已破坏：{}", at.describe())
        }
    }
}

async fn foi(db: &Db, command: FoiCommand) -> Result<()> {
    let FoiCommand::Import { file, sheet } = command;
    let grid = crate::office::read_grid(&file, sheet.as_deref())?;
    let today = fazhi_core::clock::beijing_today();
    let first_2021_year = fazhi_db::foi_report::first_2021_format_year(db, today).await?;
    let rows =
        fazhi_core::foi::ledger::parse_ledger(&grid, first_2021_year, today).map_err(|issues| {
            let shown: Vec<String> = issues.iter().take(10).map(ToString::to_string).collect();
            anyhow!(
                "文件有{}处错误，未写入任何数据：{}",
                issues.len(),
                shown.join("；")
            )
        })?;
    let loaded =
        fazhi_db::foi::import_ledger(db, &Actor::cli("foi-import"), chrono::Utc::now(), &rows)
            .await?;
    println!("已导入政府信息公开申请{loaded}件");
    Ok(())
}

async fn report(db: &Db, command: ReportCommand) -> Result<()> {
    use fazhi_core::foi::report::Format;
    let ReportCommand::FoiAnnual {
        year,
        agency,
        format,
        table,
        template,
    } = command;
    let template = template
        .map(|text| Format::parse(&text).ok_or_else(|| anyhow!("--template 应为 2019 或 2021")))
        .transpose()?;
    let today = fazhi_core::clock::beijing_today();
    let report = fazhi_db::foi_report::assemble(db, &agency, year, template, today).await?;
    if !report.errors.is_empty() {
        bail!("勾稽关系不成立：{}", report.errors.join("；"));
    }
    for warning in &report.warnings {
        eprintln!("提示：{warning}");
    }
    match (format.as_str(), table) {
        ("csv", 3) => print!("{}", report.section_three.csv()),
        ("csv", 4) => print!("{}", report.section_four.csv()),
        ("csv", other) => {
            bail!("第{other}部分没有可输出为CSV的统计表；请用 --table 3 或 --table 4")
        }
        ("json", _) => println!("{}", serde_json::to_string_pretty(&report)?),
        (other, _) => bail!("--format 应为 csv 或 json，而不是“{other}”"),
    }
    Ok(())
}
