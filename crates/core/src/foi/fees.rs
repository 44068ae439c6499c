//! 信息处理费 (spec/foi.md §5, 国办函〔2020〕109号): what may be charged for an application,
//! by application (按件, the k-th application of the same applicant in a natural month) or by
//! page (按量), both 超额累进. Charging is a decision by staff; this only computes the amount.
//! The bands are parameters (`foi.fee.per_application.bands`, `foi.fee.per_page.bands`).

use serde::{Deserialize, Serialize};

/// The two methods; an application is charged by one of them only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// 按件计收
    PerApplication,
    /// 按量计收
    PerPage,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::PerApplication => "per_application",
            Method::PerPage => "per_page",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Method::PerApplication => "按件计收",
            Method::PerPage => "按量计收",
        }
    }

    pub fn parse(text: &str) -> Option<Method> {
        [Method::PerApplication, Method::PerPage]
            .into_iter()
            .find(|m| m.as_str() == text)
    }
}

/// 按件 bands: `upto:fee` pairs in increasing order, then `+N:+X`: each further band of N
/// applications costs X more than the band before. The spec's table is `10:0;30:100;+10:+100`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationBands {
    /// (last k of the band, fee of each application in it)
    pub bands: Vec<(u32, u64)>,
    /// (band width, fee increase per band) beyond the last band.
    pub then: (u32, u64),
}

/// 按量 bands: `upto:rate` pairs (元 per page for the pages above the previous bound), then
/// `*:rate` for every page above the last bound. The spec's table is `30:0;100:10;200:20;*:40`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageBands {
    pub bands: Vec<(u32, u64)>,
    pub above: u64,
}

fn number<T: std::str::FromStr>(text: &str, what: &str) -> Result<T, String> {
    text.trim()
        .parse()
        .map_err(|_| format!("收费档次“{what}”中的“{text}”不是非负整数"))
}

/// The `upto:value` pairs before the last part, checked to increase.
fn bounded_parts(parts: &[&str], what: &str) -> Result<Vec<(u32, u64)>, String> {
    let mut bands: Vec<(u32, u64)> = Vec::new();
    for part in parts {
        let (upto, value) = part
            .split_once(':')
            .ok_or_else(|| format!("收费档次“{what}”的“{part}”应为 上限:金额"))?;
        let upto: u32 = number(upto, what)?;
        if bands.last().is_some_and(|(last, _)| *last >= upto) {
            return Err(format!("收费档次“{what}”的上限应逐档递增"));
        }
        bands.push((upto, number(value, what)?));
    }
    Ok(bands)
}

impl ApplicationBands {
    pub fn parse(text: &str) -> Result<ApplicationBands, String> {
        let parts: Vec<&str> = text.split(';').map(str::trim).collect();
        let (last, bounded) = parts
            .split_last()
            .ok_or_else(|| format!("收费档次“{text}”为空"))?;
        let bands = bounded_parts(bounded, text)?;
        if bands.is_empty() {
            return Err(format!("收费档次“{text}”至少应有一档"));
        }
        let (width, increase) = last
            .strip_prefix('+')
            .and_then(|rest| rest.split_once(":+"))
            .ok_or_else(|| format!("收费档次“{text}”最后一项应为 +件数:+金额"))?;
        let width: u32 = number(width, text)?;
        if width == 0 {
            return Err(format!("收费档次“{text}”的递增档宽不能为0"));
        }
        Ok(ApplicationBands {
            bands,
            then: (width, number(increase, text)?),
        })
    }

    /// The fee of the k-th application (k ≥ 1) of an applicant in a month.
    pub fn fee_of(&self, k: u32) -> u64 {
        if let Some((_, fee)) = self.bands.iter().find(|(upto, _)| k <= *upto) {
            return *fee;
        }
        let (last_upto, last_fee) = self.bands.last().copied().unwrap_or((0, 0));
        let (width, increase) = self.then;
        let beyond = u64::from((k - last_upto).div_ceil(width));
        last_fee + beyond * increase
    }

    /// The fees of `count` applications of one applicant in one month, added up.
    pub fn monthly_total(&self, count: u32) -> u64 {
        (1..=count).map(|k| self.fee_of(k)).sum()
    }
}

impl PageBands {
    pub fn parse(text: &str) -> Result<PageBands, String> {
        let parts: Vec<&str> = text.split(';').map(str::trim).collect();
        let (last, bounded) = parts
            .split_last()
            .ok_or_else(|| format!("收费档次“{text}”为空"))?;
        let above = last
            .strip_prefix("*:")
            .ok_or_else(|| format!("收费档次“{text}”最后一项应为 *:每页金额"))?;
        Ok(PageBands {
            bands: bounded_parts(bounded, text)?,
            above: number(above, text)?,
        })
    }

    /// The fee for `pages` pages: each page at the rate of its band (超额累进).
    pub fn fee_of(&self, pages: u32) -> u64 {
        let mut fee = 0;
        let mut lower = 0;
        for (upto, rate) in &self.bands {
            let in_band = pages.min(*upto).saturating_sub(lower);
            fee += u64::from(in_band) * rate;
            lower = *upto;
        }
        fee + u64::from(pages.saturating_sub(lower)) * self.above
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use proptest::prelude::*;

    fn spec_applications() -> ApplicationBands {
        ApplicationBands::parse("10:0;30:100;+10:+100").unwrap()
    }

    fn spec_pages() -> PageBands {
        PageBands::parse("30:0;100:10;200:20;*:40").unwrap()
    }

    #[test]
    fn the_spec_examples_per_application_and_per_page() {
        let bands = spec_applications();
        assert_eq!(bands.fee_of(1), 0);
        assert_eq!(bands.fee_of(10), 0);
        assert_eq!(bands.fee_of(11), 100);
        assert_eq!(bands.fee_of(30), 100);
        assert_eq!(bands.fee_of(31), 200);
        assert_eq!(bands.fee_of(40), 200);
        assert_eq!(bands.fee_of(41), 300);
        assert_eq!(bands.fee_of(51), 400);
        // 45 applications in one month: 10×0 + 20×100 + 10×200 + 5×300 = 5 500 元.
        assert_eq!(bands.monthly_total(45), 5_500);
        let pages = spec_pages();
        // 250 pages: 70×10 + 100×20 + 50×40 = 4 700 元.
        assert_eq!(pages.fee_of(250), 4_700);
        assert_eq!(pages.fee_of(30), 0);
        assert_eq!(pages.fee_of(31), 10);
        assert_eq!(pages.fee_of(100), 700);
        assert_eq!(pages.fee_of(200), 2_700);
        assert_eq!(pages.fee_of(0), 0);
    }

    #[test]
    fn bad_band_tables_are_refused_with_a_reason() {
        assert!(
            ApplicationBands::parse("30:100;10:0;+10:+100")
                .unwrap_err()
                .contains("逐档递增")
        );
        assert!(
            ApplicationBands::parse("10:0;30:100")
                .unwrap_err()
                .contains("+件数:+金额")
        );
        assert!(
            ApplicationBands::parse("10:0;+0:+100")
                .unwrap_err()
                .contains("不能为0")
        );
        assert!(
            PageBands::parse("30:0;100:十;*:40")
                .unwrap_err()
                .contains("不是非负整数")
        );
        assert!(
            PageBands::parse("30:0;100:10")
                .unwrap_err()
                .contains("*:每页金额")
        );
    }

    proptest! {
        #[test]
        fn the_per_application_formula_of_the_spec_holds(k in 1u32..2_000) {
            // fee(k) = 0 if k ≤ 10; 100 if 11 ≤ k ≤ 30; 100 × (1 + ⌈(k − 30) / 10⌉) if k ≥ 31.
            let expected = match k {
                1..=10 => 0,
                11..=30 => 100,
                _ => 100 * (1 + u64::from((k - 30).div_ceil(10))),
            };
            prop_assert_eq!(spec_applications().fee_of(k), expected);
        }

        #[test]
        fn the_per_page_formula_of_the_spec_holds(p in 0u32..5_000) {
            // 10 × clamp(p − 30, 0, 70) + 20 × clamp(p − 100, 0, 100) + 40 × max(p − 200, 0).
            let clamp = |v: i64, hi: i64| v.clamp(0, hi) as u64;
            let p64 = i64::from(p);
            let expected = 10 * clamp(p64 - 30, 70) + 20 * clamp(p64 - 100, 100) + 40 * (p64 - 200).max(0) as u64;
            prop_assert_eq!(spec_pages().fee_of(p), expected);
        }

        #[test]
        fn fees_never_fall_as_the_count_grows(k in 1u32..1_000, p in 0u32..1_000) {
            prop_assert!(spec_applications().fee_of(k + 1) >= spec_applications().fee_of(k));
            prop_assert!(spec_pages().fee_of(p + 1) >= spec_pages().fee_of(p));
        }
    }
}
