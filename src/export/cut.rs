//! A review cut (核减, docs/rules.md §9) in words, as pages and reports show it next to the
//! loan: `不予贴息（材料不全）`, `核减至 1,234.50 元（其他：说明）`.

use crate::engine::facts::{Cut, CutLimit, CutReason};

/// What the cut does and why.
#[must_use]
pub fn describe(cut: &Cut) -> String {
    let what = match cut.limit {
        CutLimit::Excluded => "不予贴息".to_string(),
        CutLimit::Amount(m) => format!("核减至 {} 元", super::report::formal::yuan(m)),
    };
    match cut.reason {
        CutReason::Other => format!("{what}（其他：{}）", cut.text),
        r => format!("{what}（{}）", r.label()),
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::facts::{Cut, CutLimit, CutReason};
    use crate::engine::Money;

    #[test]
    fn a_cut_says_what_and_why() {
        let cut = |limit, reason, text: &str| Cut { limit, reason, text: text.into() };
        let shown = super::describe(&cut(CutLimit::Amount(Money::from_fen(123_450)), CutReason::Overdue, ""));
        assert_eq!(shown, "核减至 1,234.50 元（逾期未还）");
        let shown = super::describe(&cut(CutLimit::Excluded, CutReason::Other, "合同与用途不符"));
        assert_eq!(shown, "不予贴息（其他：合同与用途不符）");
    }
}
