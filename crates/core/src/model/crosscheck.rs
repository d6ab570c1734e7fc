//! The vocabulary and the remembered decisions of 四查三比对, as the casework keeps them:
//! the departments, the lists a check produces, a reviewer's verdicts. The check itself is
//! the cross-check room (`crosscheck`).

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::labelled_enum;

labelled_enum! {
    /// The departments whose rosters are checked against the ledger (四查).
    Department {
        Police = ("police", "公安（户籍）", "Police (household registration)"),
        RuralRevitalisation = ("rural", "乡村振兴（脱贫家庭/监测户）", "Rural revitalisation (formerly poor families)"),
        DisabledFederation = ("disabled", "残联（残疾儿童）", "Disabled Persons' Federation"),
        CivilAffairs = ("civil", "民政（孤儿/事实无人抚养/困境/低保）", "Civil affairs (orphans, unsupported, in difficulty, low income)"),
    }
}

labelled_enum! {
    /// The lists a cross-check produces.
    FindingKind {
        NotInSchool = ("not-in-school", "有户籍、不在任何学校", "Registered, in no school"),
        Inflow = ("inflow", "在校、本县无户籍（流入）", "In school, not registered here"),
        Group = ("group", "重点群体儿童就学情况", "Special-group children"),
        Disagreement = ("disagreement", "姓名或出生日期不一致", "Name or birth date disagree"),
        Duplicate = ("duplicate", "身份证号重复", "Same ID twice"),
        PossibleMatch = ("possible-match", "疑似同一人（待确认）", "Possibly the same person"),
    }
}

labelled_enum! {
    /// A reviewer's decision on a finding.
    Verdict {
        Flagged = ("flagged", "已列入疑似辍学台账", "Put on the suspects ledger"),
        GroupAdded = ("group-added", "已添加群体标记", "Group added to the ledger"),
        Explained = ("explained", "已核实，无需处理", "Checked, nothing to do"),
        SamePerson = ("same-person", "确认为同一人", "Confirmed the same person"),
        DifferentPerson = ("different-person", "不是同一人", "Not the same person"),
    }
}

/// A remembered decision (kept in the browser; the roster itself is not).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CrossCheckDecision {
    pub key: String,
    pub fingerprint: String,
    pub department: Department,
    pub kind: FindingKind,
    pub verdict: Verdict,
    /// The ledger child the decision is about (the one confirmed as the same person).
    pub child_id: Option<Uuid>,
    pub note: String,
    pub decided_by: String,
    pub decided_at: NaiveDateTime,
}
