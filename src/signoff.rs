//! Maker-checker (docs/deployment.md, "allocations and batches are approved by another
//! person than the one who prepared them"): what one member of division staff prepares, an
//! allocation proposal or a disbursement, another approves. Pure: no I/O. The storage
//! guards hold the same rule in their SQL (`proposed_by <> $actor`), as the database's
//! guarantee; this is the rule the pages and the use cases ask before offering the button.
//! The two things signed off this way have their state machines beside it, pure like
//! `crate::review`: [`allocation`] and [`disbursement`].

pub mod allocation;
pub mod disbursement;

/// Whether `checker` may approve what `maker` prepared: someone, and not the maker.
#[must_use]
pub fn may_approve(maker: i64, checker: Option<i64>) -> bool {
    checker.is_some_and(|c| c != maker)
}

#[cfg(test)]
mod tests {
    use super::may_approve;

    #[test]
    fn the_maker_never_checks_their_own_work() {
        assert!(!may_approve(7, Some(7)), "the maker");
        assert!(may_approve(7, Some(8)), "another member of staff");
        assert!(!may_approve(7, None), "no account (the command line)");
    }
}
