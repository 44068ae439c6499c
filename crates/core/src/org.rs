//! Organisations: administrative divisions, agencies, roles, and the one permission check.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Level of an administrative division (province → city → county → town → village).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DivisionLevel {
    Province,
    City,
    County,
    Town,
    Village,
}

impl DivisionLevel {
    pub const ALL: [DivisionLevel; 5] = [
        DivisionLevel::Province,
        DivisionLevel::City,
        DivisionLevel::County,
        DivisionLevel::Town,
        DivisionLevel::Village,
    ];

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|level| level.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DivisionLevel::Province => "province",
            DivisionLevel::City => "city",
            DivisionLevel::County => "county",
            DivisionLevel::Town => "town",
            DivisionLevel::Village => "village",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            DivisionLevel::Province => "省",
            DivisionLevel::City => "市",
            DivisionLevel::County => "县(市、区)",
            DivisionLevel::Town => "镇(街道)",
            DivisionLevel::Village => "村(社区)",
        }
    }

    /// Digits of the statistical code at this level: 6 down to county, 9 for towns, 12 for villages
    /// (NBS 统计用区划代码 with trailing zeros dropped, `shared/data/divisions/README.md`).
    pub fn code_width(self) -> usize {
        match self {
            DivisionLevel::Province | DivisionLevel::City | DivisionLevel::County => 6,
            DivisionLevel::Town => 9,
            DivisionLevel::Village => 12,
        }
    }

    /// Leading digits a child's code shares with this division's code.
    fn prefix_shared_with_children(self) -> usize {
        match self {
            DivisionLevel::Province => 2,
            DivisionLevel::City => 4,
            DivisionLevel::County => 6,
            DivisionLevel::Town => 9,
            DivisionLevel::Village => 12,
        }
    }

    /// The level a division's parent must have. Cities without counties (东莞, 中山, 儋州) attach
    /// towns directly to the city, so a town's parent may be a county or a city.
    pub fn allowed_parent_levels(self) -> &'static [DivisionLevel] {
        match self {
            DivisionLevel::Province => &[],
            DivisionLevel::City => &[DivisionLevel::Province],
            DivisionLevel::County => &[DivisionLevel::City],
            DivisionLevel::Town => &[DivisionLevel::County, DivisionLevel::City],
            DivisionLevel::Village => &[DivisionLevel::Town],
        }
    }
}

/// A statistical division code whose width matches its level.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct DivisionCode(String);

impl DivisionCode {
    pub fn parse(text: &str, level: DivisionLevel) -> Result<Self, OrgError> {
        let all_digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
        if !all_digits || text.len() != level.code_width() {
            return Err(OrgError::BadDivisionCode {
                code: text.to_string(),
                level,
            });
        }
        Ok(DivisionCode(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `self` can be the code of a child of `parent` (shares the parent's significant digits).
    pub fn belongs_under(&self, parent: &DivisionCode, parent_level: DivisionLevel) -> bool {
        let shared = parent_level.prefix_shared_with_children();
        parent.0.len() >= shared && self.0.starts_with(&parent.0[..shared])
    }
}

impl fmt::Display for DivisionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Materialised path of a division: `/440000/441400/441402/`. Subtree = prefix match.
pub fn child_path(parent_path: &str, code: &str) -> String {
    format!("{parent_path}{code}/")
}

pub fn root_path(code: &str) -> String {
    format!("/{code}/")
}

/// Kinds of agency the platform knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgencyKind {
    /// 人民政府 (and 街道办事处 at town level)
    Government,
    /// 政府办公室
    GeneralOffice,
    /// 政府工作部门
    Department,
    /// 村(居)民委员会
    VillageCommittee,
    /// 其他机构
    Other,
}

impl AgencyKind {
    pub const ALL: [AgencyKind; 5] = [
        AgencyKind::Government,
        AgencyKind::GeneralOffice,
        AgencyKind::Department,
        AgencyKind::VillageCommittee,
        AgencyKind::Other,
    ];

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AgencyKind::Government => "government",
            AgencyKind::GeneralOffice => "general_office",
            AgencyKind::Department => "department",
            AgencyKind::VillageCommittee => "village_committee",
            AgencyKind::Other => "other",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            AgencyKind::Government => "人民政府",
            AgencyKind::GeneralOffice => "政府办公室",
            AgencyKind::Department => "政府工作部门",
            AgencyKind::VillageCommittee => "村(居)民委员会",
            AgencyKind::Other => "其他机构",
        }
    }
}

/// Characters of the 统一社会信用代码 (GB 32100-2015): digits and capitals without I, O, Z, S, V.
const USCC_CHARSET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Validates an 18-character 统一社会信用代码 including its check character (GB 32100-2015 §4).
pub fn is_valid_uscc(code: &str) -> bool {
    let values: Option<Vec<u32>> = code
        .chars()
        .map(|c| USCC_CHARSET.find(c).map(|i| i as u32))
        .collect();
    let Some(values) = values else { return false };
    if values.len() != 18 {
        return false;
    }
    let weighted: u32 = values[..17]
        .iter()
        .zip(USCC_WEIGHTS)
        .map(|(v, w)| v * w)
        .sum();
    let check = (31 - weighted % 31) % 31;
    values[17] == check
}

/// A generated agency code, used where the 统一社会信用代码 is not known: `G` + division code + `-` + 3-digit serial.
pub fn is_generated_agency_code(code: &str) -> bool {
    let Some(rest) = code.strip_prefix('G') else {
        return false;
    };
    let Some((division, serial)) = rest.split_once('-') else {
        return false;
    };
    matches!(division.len(), 6 | 9 | 12)
        && division.bytes().all(|b| b.is_ascii_digit())
        && serial.len() == 3
        && serial.bytes().all(|b| b.is_ascii_digit())
}

pub fn is_valid_agency_code(code: &str) -> bool {
    is_valid_uscc(code) || is_generated_agency_code(code)
}

/// The roles of the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 系统管理员
    SystemAdmin,
    /// 单位管理员
    AgencyAdmin,
    /// 经办人
    Clerk,
    /// 审核人
    Reviewer,
    /// 领导(只读)
    Leader,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::SystemAdmin,
        Role::AgencyAdmin,
        Role::Clerk,
        Role::Reviewer,
        Role::Leader,
    ];

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|role| role.as_str() == text || role.zh() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::SystemAdmin => "system_admin",
            Role::AgencyAdmin => "agency_admin",
            Role::Clerk => "clerk",
            Role::Reviewer => "reviewer",
            Role::Leader => "leader",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Role::SystemAdmin => "系统管理员",
            Role::AgencyAdmin => "单位管理员",
            Role::Clerk => "经办人",
            Role::Reviewer => "审核人",
            Role::Leader => "领导(只读)",
        }
    }

    /// What each role may do inside its scope. This table is the whole role model.
    pub fn allows(self, action: Action) -> bool {
        use Action::*;
        match self {
            Role::SystemAdmin => true,
            Role::AgencyAdmin => matches!(action, View | ManageUsers | ViewAudit),
            Role::Clerk => matches!(action, View | Draft),
            Role::Reviewer => matches!(action, View | Review),
            Role::Leader => matches!(action, View | ViewAudit),
        }
    }
}

/// What a user wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Read records (staff view).
    View,
    /// Create and edit drafts of records.
    Draft,
    /// Review, approve and publish records.
    Review,
    /// Create users, set their grants, disable them, reset passwords.
    ManageUsers,
    /// Read the audit log.
    ViewAudit,
    /// Import divisions and agencies. Global only.
    ManageOrg,
    /// Import or enter holiday notices. Global only.
    ManageCalendar,
}

impl Action {
    pub const ALL: [Action; 7] = [
        Action::View,
        Action::Draft,
        Action::Review,
        Action::ManageUsers,
        Action::ViewAudit,
        Action::ManageOrg,
        Action::ManageCalendar,
    ];
}

/// Where a grant applies.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Scope {
    /// The whole platform, including platform-wide things (divisions, agencies, the calendar).
    /// Only this scope covers [`Target::Global`]; no division grant does, however high.
    Platform,
    /// Exactly one agency.
    Agency { agency_id: i64 },
    /// Every agency in a division and all divisions below it (materialised path prefix).
    Division { path: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Grant {
    pub role: Role,
    pub scope: Scope,
}

/// What is being accessed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Platform-wide things (divisions, agencies, the calendar).
    Global,
    /// A record owned by an agency located in a division.
    Owned {
        agency_id: i64,
        division_path: String,
    },
}

impl Scope {
    pub fn covers(&self, target: &Target) -> bool {
        match (self, target) {
            (Scope::Platform, _) => true,
            (Scope::Agency { .. } | Scope::Division { .. }, Target::Global) => false,
            (
                Scope::Agency { agency_id },
                Target::Owned {
                    agency_id: owner, ..
                },
            ) => agency_id == owner,
            (Scope::Division { path }, Target::Owned { division_path, .. }) => {
                division_path.starts_with(path.as_str())
            }
        }
    }

    /// Whether everything this scope covers is also covered by `outer`.
    fn within(&self, outer: &Scope, own_target: &Target) -> bool {
        match (self, outer) {
            (_, Scope::Platform) => true,
            (Scope::Platform, _) => false,
            (Scope::Agency { .. }, _) => outer.covers(own_target),
            (Scope::Division { path }, Scope::Division { path: outer_path }) => {
                path.starts_with(outer_path.as_str())
            }
            (Scope::Division { .. }, Scope::Agency { .. }) => false,
        }
    }
}

/// The one permission check: may a holder of `grants` do `action` on `target`?
pub fn authorize(grants: &[Grant], action: Action, target: &Target) -> bool {
    grants
        .iter()
        .any(|grant| grant.role.allows(action) && grant.scope.covers(target))
}

/// The scopes in which `grants` allow `action`; list queries filter by these.
pub fn scopes_allowing(grants: &[Grant], action: Action) -> Vec<Scope> {
    grants
        .iter()
        .filter(|grant| grant.role.allows(action))
        .map(|grant| grant.scope.clone())
        .collect()
}

/// May the holder of `actor_grants` give `new_grant` to someone? Only where the actor manages
/// users for the whole of the new scope (`scope_target` is the agency of an agency scope), and
/// only a platform administrator can give a system-administrator role or a platform scope.
pub fn may_assign(actor_grants: &[Grant], new_grant: &Grant, scope_target: &Target) -> bool {
    if new_grant.role == Role::SystemAdmin || new_grant.scope == Scope::Platform {
        return authorize(actor_grants, Action::ManageOrg, &Target::Global);
    }
    actor_grants.iter().any(|grant| {
        grant.role.allows(Action::ManageUsers) && new_grant.scope.within(&grant.scope, scope_target)
    })
}

/// May the holder of `actor_grants` change another account (password, disabling, roles)?
/// The actor must manage users where the account lives **and** be able to give every grant
/// the account holds: nobody takes over an account more powerful than their own.
pub fn may_manage_account(
    actor_grants: &[Grant],
    account: &Target,
    account_grants: &[(Grant, Target)],
) -> bool {
    authorize(actor_grants, Action::ManageUsers, account)
        && account_grants
            .iter()
            .all(|(grant, scope_target)| may_assign(actor_grants, grant, scope_target))
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrgError {
    #[error("区划代码“{code}”无效：{}级代码应为{}位数字", level.zh(), level.code_width())]
    BadDivisionCode { code: String, level: DivisionLevel },
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    const MEIZHOU: &str = "/440000/441400/";
    const MEIJIANG: &str = "/440000/441400/441402/";
    const DABU: &str = "/440000/441400/441422/";

    fn owned(agency_id: i64, division_path: &str) -> Target {
        Target::Owned {
            agency_id,
            division_path: division_path.to_string(),
        }
    }

    fn grant(role: Role, scope: Scope) -> Grant {
        Grant { role, scope }
    }

    fn division(path: &str) -> Scope {
        Scope::Division {
            path: path.to_string(),
        }
    }

    #[test]
    fn uscc_check_character_is_verified() {
        // A published example code of GB 32100-2015 style; a changed last char must fail.
        assert!(is_valid_uscc("91350100M000100Y43"));
        assert!(!is_valid_uscc("91350100M000100Y44"));
        assert!(!is_valid_uscc("91350100M000100Y4"));
        assert!(!is_valid_uscc("91350100M000100YI3"));
    }

    #[test]
    fn generated_agency_codes_have_a_fixed_shape() {
        assert!(is_generated_agency_code("G441400-001"));
        assert!(is_generated_agency_code("G441402100-012"));
        assert!(!is_generated_agency_code("G4414-001"));
        assert!(!is_generated_agency_code("441400-001"));
        assert!(!is_generated_agency_code("G441400-01"));
    }

    #[test]
    fn division_code_width_follows_level() {
        assert!(DivisionCode::parse("441402", DivisionLevel::County).is_ok());
        assert!(DivisionCode::parse("441402100", DivisionLevel::Town).is_ok());
        assert!(DivisionCode::parse("44140210", DivisionLevel::Town).is_err());
        assert!(DivisionCode::parse("44140a", DivisionLevel::County).is_err());
        let err = DivisionCode::parse("4414", DivisionLevel::City).unwrap_err();
        assert_eq!(err.to_string(), "区划代码“4414”无效：市级代码应为6位数字");
    }

    #[test]
    fn child_code_must_share_the_parent_prefix() {
        let city = DivisionCode::parse("441400", DivisionLevel::City).unwrap();
        let county = DivisionCode::parse("441402", DivisionLevel::County).unwrap();
        let stranger = DivisionCode::parse("440102", DivisionLevel::County).unwrap();
        assert!(county.belongs_under(&city, DivisionLevel::City));
        assert!(!stranger.belongs_under(&city, DivisionLevel::City));
        let town = DivisionCode::parse("441402100", DivisionLevel::Town).unwrap();
        assert!(town.belongs_under(&county, DivisionLevel::County));
    }

    #[test]
    fn a_county_clerk_cannot_touch_another_countys_records() {
        let clerk = [grant(Role::Clerk, division(MEIJIANG))];
        assert!(authorize(&clerk, Action::Draft, &owned(7, MEIJIANG)));
        assert!(!authorize(&clerk, Action::Draft, &owned(9, DABU)));
        assert!(!authorize(&clerk, Action::View, &owned(9, DABU)));
        assert!(!authorize(&clerk, Action::Draft, &owned(1, MEIZHOU)));
    }

    #[test]
    fn agency_scope_covers_exactly_one_agency() {
        let admin = [grant(Role::AgencyAdmin, Scope::Agency { agency_id: 3 })];
        assert!(authorize(&admin, Action::ManageUsers, &owned(3, MEIZHOU)));
        assert!(!authorize(&admin, Action::ManageUsers, &owned(4, MEIZHOU)));
        assert!(!authorize(&admin, Action::ManageOrg, &Target::Global));
    }

    /// The role table: which role may do which action within its scope.
    #[test]
    fn role_action_matrix() {
        use Action::*;
        let expected: [(Role, &[Action]); 5] = [
            (
                Role::SystemAdmin,
                &[
                    View,
                    Draft,
                    Review,
                    ManageUsers,
                    ViewAudit,
                    ManageOrg,
                    ManageCalendar,
                ],
            ),
            (Role::AgencyAdmin, &[View, ManageUsers, ViewAudit]),
            (Role::Clerk, &[View, Draft]),
            (Role::Reviewer, &[View, Review]),
            (Role::Leader, &[View, ViewAudit]),
        ];
        for (role, allowed) in expected {
            for action in Action::ALL {
                assert_eq!(
                    role.allows(action),
                    allowed.contains(&action),
                    "{role:?} {action:?}"
                );
            }
        }
    }

    #[test]
    fn global_targets_need_the_platform_scope() {
        let city_admin = [grant(Role::SystemAdmin, division(MEIZHOU))];
        let province_admin = [grant(Role::SystemAdmin, division("/440000/"))];
        let platform_admin = [grant(Role::SystemAdmin, Scope::Platform)];
        assert!(!authorize(
            &city_admin,
            Action::ManageCalendar,
            &Target::Global
        ));
        assert!(
            !authorize(&province_admin, Action::ManageCalendar, &Target::Global),
            "a province is not the platform"
        );
        assert!(authorize(
            &platform_admin,
            Action::ManageCalendar,
            &Target::Global
        ));
        assert!(authorize(&platform_admin, Action::Draft, &owned(9, DABU)));
    }

    #[test]
    fn only_platform_admins_create_system_admins() {
        let county_admin = [grant(Role::AgencyAdmin, division(MEIJIANG))];
        let root_admin = [grant(Role::SystemAdmin, Scope::Platform)];
        let new_admin = grant(Role::SystemAdmin, division(MEIJIANG));
        let target = owned(7, MEIJIANG);
        assert!(!may_assign(&county_admin, &new_admin, &target));
        assert!(may_assign(&root_admin, &new_admin, &target));
    }

    #[test]
    fn a_county_admin_cannot_grant_beyond_the_county() {
        let county_admin = [grant(Role::AgencyAdmin, division(MEIJIANG))];
        let inside = grant(Role::Clerk, division(&format!("{MEIJIANG}441402100/")));
        let outside = grant(Role::Clerk, division(MEIZHOU));
        let other_county_agency = grant(Role::Clerk, Scope::Agency { agency_id: 9 });
        assert!(may_assign(&county_admin, &inside, &owned(7, MEIJIANG)));
        assert!(!may_assign(&county_admin, &outside, &owned(1, MEIZHOU)));
        assert!(!may_assign(
            &county_admin,
            &other_county_agency,
            &owned(9, DABU)
        ));
    }

    #[test]
    fn nobody_takes_over_an_account_more_powerful_than_their_own() {
        let city_office_admin = [grant(Role::AgencyAdmin, Scope::Agency { agency_id: 2 })];
        let office = owned(2, MEIZHOU);
        let clerk = [(
            grant(Role::Clerk, Scope::Agency { agency_id: 2 }),
            office.clone(),
        )];
        let platform_admin = [(grant(Role::SystemAdmin, Scope::Platform), Target::Global)];
        let city_leader = [(grant(Role::Leader, division(MEIZHOU)), office.clone())];
        assert!(may_manage_account(&city_office_admin, &office, &clerk));
        assert!(!may_manage_account(
            &city_office_admin,
            &office,
            &platform_admin
        ));
        assert!(!may_manage_account(
            &city_office_admin,
            &office,
            &city_leader
        ));
        let city_admin = [grant(Role::AgencyAdmin, division(MEIZHOU))];
        assert!(may_manage_account(&city_admin, &office, &city_leader));
        assert!(!may_manage_account(&city_admin, &office, &platform_admin));
    }

    /// role × action × scope on a fixed set of targets: the full table of `authorize`.
    #[test]
    fn role_action_scope_matrix() {
        let meijiang_office = owned(7, MEIJIANG);
        let dabu_office = owned(9, DABU);
        let city_office = owned(2, MEIZHOU);
        let scopes = [
            ("platform", Scope::Platform),
            ("meijiang", division(MEIJIANG)),
            ("agency7", Scope::Agency { agency_id: 7 }),
        ];
        let targets = [
            ("global", Target::Global),
            ("meijiang", meijiang_office),
            ("dabu", dabu_office),
            ("city", city_office),
        ];
        // Which (scope, target) pairs a scope covers, whatever the role.
        let covered = |scope: &str, target: &str| match scope {
            "platform" => true,
            "meijiang" | "agency7" => target == "meijiang",
            _ => false,
        };
        for role in Role::ALL {
            for action in Action::ALL {
                for (scope_name, scope) in &scopes {
                    for (target_name, target) in &targets {
                        let expected = role.allows(action) && covered(scope_name, target_name);
                        let grants = [grant(role, scope.clone())];
                        assert_eq!(
                            authorize(&grants, action, target),
                            expected,
                            "{role:?} {action:?} {scope_name} on {target_name}"
                        );
                    }
                }
            }
        }
    }
}
