//! Configuration: defaults, then a TOML file, then `FAZHI_*` environment variables, then flags.

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::path::Path;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/fazhi.db";
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub database_url: String,
    pub listen: String,
    /// Set when served behind HTTPS: cookies get the `Secure` flag.
    pub secure_cookies: bool,
    /// Extra origins accepted on forms, e.g. the public address behind a proxy.
    pub allowed_origins: Vec<String>,
    pub session_ttl_minutes: i64,
    pub lockout_max_failures: i64,
    pub lockout_minutes: i64,
    /// `text` or `json`
    pub log_format: String,
    /// Division code whose lists the public pages show first.
    pub home_division: String,
    /// Seconds a public page is served from memory to anonymous readers (0: never).
    pub page_cache_seconds: i64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: DEFAULT_DATABASE_URL.to_string(),
            listen: DEFAULT_LISTEN.to_string(),
            secure_cookies: false,
            allowed_origins: Vec::new(),
            session_ttl_minutes: 120,
            lockout_max_failures: 5,
            lockout_minutes: 15,
            log_format: "text".to_string(),
            home_division: "441400".to_string(),
            page_cache_seconds: 10,
        }
    }
}

impl Config {
    /// Reads `file` if given (or `./fazhi.toml` if it exists), then applies the environment.
    pub fn load(file: Option<&Path>, env: impl Fn(&str) -> Option<String>) -> Result<Config> {
        let mut config = match file {
            Some(path) => Self::from_file(path)?,
            None if Path::new("fazhi.toml").exists() => Self::from_file(Path::new("fazhi.toml"))?,
            None => Config::default(),
        };
        config.apply_env(env)?;
        config.check()?;
        Ok(config)
    }

    fn from_file(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("无法读取配置文件 {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("配置文件 {} 格式错误", path.display()))
    }

    fn apply_env(&mut self, env: impl Fn(&str) -> Option<String>) -> Result<()> {
        if let Some(url) = env("FAZHI_DATABASE_URL") {
            self.database_url = url;
        }
        if let Some(listen) = env("FAZHI_LISTEN") {
            self.listen = listen;
        }
        if let Some(secure) = env("FAZHI_SECURE_COOKIES") {
            self.secure_cookies = matches!(secure.as_str(), "1" | "true" | "yes");
        }
        if let Some(origins) = env("FAZHI_ALLOWED_ORIGINS") {
            self.allowed_origins = origins
                .split(',')
                .map(|o| o.trim().to_string())
                .filter(|o| !o.is_empty())
                .collect();
        }
        let number = |name: &str, value: String| -> Result<i64> {
            value
                .trim()
                .parse()
                .with_context(|| format!("环境变量 {name} 应为整数，实际为“{value}”"))
        };
        if let Some(value) = env("FAZHI_SESSION_TTL_MINUTES") {
            self.session_ttl_minutes = number("FAZHI_SESSION_TTL_MINUTES", value)?;
        }
        if let Some(value) = env("FAZHI_LOCKOUT_MAX_FAILURES") {
            self.lockout_max_failures = number("FAZHI_LOCKOUT_MAX_FAILURES", value)?;
        }
        if let Some(value) = env("FAZHI_LOCKOUT_MINUTES") {
            self.lockout_minutes = number("FAZHI_LOCKOUT_MINUTES", value)?;
        }
        if let Some(format) = env("FAZHI_LOG_FORMAT") {
            self.log_format = format;
        }
        if let Some(code) = env("FAZHI_HOME_DIVISION") {
            self.home_division = code;
        }
        if let Some(value) = env("FAZHI_PAGE_CACHE_SECONDS") {
            self.page_cache_seconds = number("FAZHI_PAGE_CACHE_SECONDS", value)?;
        }
        Ok(())
    }

    fn check(&self) -> Result<()> {
        if self.session_ttl_minutes < 5 || self.session_ttl_minutes > 24 * 60 {
            bail!("session_ttl_minutes 应在5至1440之间");
        }
        if self.lockout_max_failures < 1 || self.lockout_minutes < 1 {
            bail!("lockout_max_failures 和 lockout_minutes 应为正整数");
        }
        if !matches!(self.log_format.as_str(), "text" | "json") {
            bail!("log_format 应为 text 或 json");
        }
        Ok(())
    }

    pub fn web(&self) -> fazhi_web::WebConfig {
        fazhi_web::WebConfig {
            secure_cookies: self.secure_cookies,
            allowed_origins: self.allowed_origins.clone(),
            session_ttl: chrono::Duration::minutes(self.session_ttl_minutes),
            lockout: fazhi_db::auth::LockoutPolicy {
                max_failures: self.lockout_max_failures,
                lock_for: chrono::Duration::minutes(self.lockout_minutes),
            },
            home_division: self.home_division.clone(),
            page_cache_ttl: std::time::Duration::from_secs(self.page_cache_seconds.max(0) as u64),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn environment_overrides_the_file() {
        let dir = std::env::temp_dir().join(format!("fazhi-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("fazhi.toml");
        std::fs::write(
            &file,
            "database_url = \"sqlite://file.db\"\nlisten = \"127.0.0.1:9000\"\n",
        )
        .unwrap();
        let env = |name: &str| (name == "FAZHI_LISTEN").then(|| "127.0.0.1:9999".to_string());
        let config = Config::load(Some(&file), env).unwrap();
        assert_eq!(config.database_url, "sqlite://file.db");
        assert_eq!(config.listen, "127.0.0.1:9999");
    }

    #[test]
    fn unknown_keys_and_bad_numbers_are_errors() {
        let dir = std::env::temp_dir().join(format!("fazhi-config-bad-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("fazhi.toml");
        std::fs::write(&file, "databse_url = \"x\"\n").unwrap();
        assert!(Config::load(Some(&file), |_| None).is_err());
        let env = |name: &str| (name == "FAZHI_LOCKOUT_MINUTES").then(|| "十五".to_string());
        let error = Config::load(None, env).unwrap_err();
        assert!(error.to_string().contains("FAZHI_LOCKOUT_MINUTES"));
    }
}
