//! The typed fields of a Loans row: the project's, which rows of one project must agree
//! on (`ProjectFields::held`), and the loan's. Every match names every column (`Key`).

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::engine::{ApplicantType, Money};
use crate::import::columns::Key;

/// The project-level fields of a row, normalised so that rows of one project compare equal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectFields {
    pub project_no: Option<String>,
    pub unit: Option<String>,
    pub project_name: Option<String>,
    pub applicant_type: Option<ApplicantType>,
    pub org_name: Option<String>,
    pub credit_code: Option<String>,
    pub leader: Option<String>,
    pub id_number: Option<String>,
    pub phone: Option<String>,
    pub union_member: Option<bool>,
    pub industry: Option<String>,
    pub households: Option<u32>,
    pub hardship_households: Option<u32>,
    pub radiated_households: Option<u32>,
    pub income_increase: Option<Money>,
    pub payee_name: Option<String>,
    pub payee_bank: Option<String>,
    pub payee_account: Option<String>,
    pub score: Option<Decimal>,
    pub note: Option<String>,
}

/// A project-level value as read, borrowed: what rows of one project must agree on.
#[derive(Debug, Clone, Copy)]
pub enum Held<'a> {
    Text(&'a str),
    Type(ApplicantType),
    Yes(bool),
    Count(u32),
    Money(Money),
    Number(Decimal),
}

impl PartialEq for Held<'_> {
    /// Text is compared without its spaces (`红星一场 奶牛` is `红星一场奶牛`).
    fn eq(&self, other: &Held<'_>) -> bool {
        match (self, other) {
            (Held::Text(a), Held::Text(b)) => {
                a.chars().filter(|c| !c.is_whitespace()).eq(b.chars().filter(|c| !c.is_whitespace()))
            }
            (Held::Type(a), Held::Type(b)) => a == b,
            (Held::Yes(a), Held::Yes(b)) => a == b,
            (Held::Count(a), Held::Count(b)) => a == b,
            (Held::Money(a), Held::Money(b)) => a == b,
            (Held::Number(a), Held::Number(b)) => a == b,
            _ => false,
        }
    }
}

impl ProjectFields {
    /// The value of a project-level column, if the row has one (`None` for the other
    /// columns).
    #[must_use]
    #[expect(
        clippy::too_many_lines,
        reason = "one arm per column of the table, exhaustive on purpose: a new column cannot be forgotten"
    )]
    pub fn held(&self, key: Key) -> Option<Held<'_>> {
        fn text(s: Option<&str>) -> Option<Held<'_>> {
            s.map(Held::Text)
        }
        match key {
            Key::ProjectNo => text(self.project_no.as_deref()),
            Key::Unit => text(self.unit.as_deref()),
            Key::ProjectName => text(self.project_name.as_deref()),
            Key::ApplicantType => self.applicant_type.map(Held::Type),
            Key::OrgName => text(self.org_name.as_deref()),
            Key::CreditCode => text(self.credit_code.as_deref()),
            Key::Leader => text(self.leader.as_deref()),
            Key::IdNumber => text(self.id_number.as_deref()),
            Key::Phone => text(self.phone.as_deref()),
            Key::UnionMember => self.union_member.map(Held::Yes),
            Key::Industry => text(self.industry.as_deref()),
            Key::Households => self.households.map(Held::Count),
            Key::HardshipHouseholds => self.hardship_households.map(Held::Count),
            Key::RadiatedHouseholds => self.radiated_households.map(Held::Count),
            Key::IncomeIncrease => self.income_increase.map(Held::Money),
            Key::PayeeName => text(self.payee_name.as_deref()),
            Key::PayeeBank => text(self.payee_bank.as_deref()),
            Key::PayeeAccount => text(self.payee_account.as_deref()),
            Key::Score => self.score.map(Held::Number),
            Key::Note => text(self.note.as_deref()),
            // Deliberately like the loan fields' match below and `rows::set`: exhaustive on `Key`.
            Key::Bank
            | Key::ContractNo
            | Key::Principal
            | Key::Rate
            | Key::DisbursedOn
            | Key::MaturityOn
            | Key::SettledOn
            | Key::InterestPaid
            | Key::EventContractNo
            | Key::EventDate
            | Key::EventKind
            | Key::EventAmount
            | Key::EventRate
            | Key::EventExtendedTo
            | Key::StatementContractNo
            | Key::StatementFrom
            | Key::StatementTo
            | Key::StatementPaid
            | Key::StatementPenalty
            | Key::StatementBank => None,
        }
    }

    /// Blank fields take the value of `earlier` (docs/workbook.md: blank cells of later rows of
    /// a project inherit). Every field is named, so a new one cannot be forgotten.
    #[expect(clippy::too_many_lines, reason = "one line per field, each named so that none is forgotten")]
    pub fn inherit(&mut self, earlier: &ProjectFields) {
        fn keep<T: Clone>(mine: &mut Option<T>, theirs: Option<&T>) {
            if mine.is_none() {
                *mine = theirs.cloned();
            }
        }
        let ProjectFields {
            project_no,
            unit,
            project_name,
            applicant_type,
            org_name,
            credit_code,
            leader,
            id_number,
            phone,
            union_member,
            industry,
            households,
            hardship_households,
            radiated_households,
            income_increase,
            payee_name,
            payee_bank,
            payee_account,
            score,
            note,
        } = self;
        let e = earlier;
        keep(project_no, e.project_no.as_ref());
        keep(unit, e.unit.as_ref());
        keep(project_name, e.project_name.as_ref());
        keep(applicant_type, e.applicant_type.as_ref());
        keep(org_name, e.org_name.as_ref());
        keep(credit_code, e.credit_code.as_ref());
        keep(leader, e.leader.as_ref());
        keep(id_number, e.id_number.as_ref());
        keep(phone, e.phone.as_ref());
        keep(union_member, e.union_member.as_ref());
        keep(industry, e.industry.as_ref());
        keep(households, e.households.as_ref());
        keep(hardship_households, e.hardship_households.as_ref());
        keep(radiated_households, e.radiated_households.as_ref());
        keep(income_increase, e.income_increase.as_ref());
        keep(payee_name, e.payee_name.as_ref());
        keep(payee_bank, e.payee_bank.as_ref());
        keep(payee_account, e.payee_account.as_ref());
        keep(score, e.score.as_ref());
        keep(note, e.note.as_ref());
    }
}

/// The loan fields of a row.
#[derive(Debug, Clone, Default)]
pub struct LoanFields {
    pub bank: Option<String>,
    pub contract_no: Option<String>,
    pub principal: Option<Money>,
    pub rate: Option<Decimal>,
    pub disbursed_on: Option<NaiveDate>,
    pub maturity_on: Option<NaiveDate>,
    pub settled_on: Option<NaiveDate>,
    pub interest_paid: Option<Money>,
}

impl LoanFields {
    /// Whether the row has a value for a loan column (`false` for the other columns).
    #[must_use]
    #[expect(
        clippy::too_many_lines,
        reason = "one arm per column of the table, exhaustive on purpose: a new column cannot be forgotten"
    )]
    pub fn has(&self, key: Key) -> bool {
        match key {
            Key::Bank => self.bank.is_some(),
            Key::ContractNo => self.contract_no.is_some(),
            Key::Principal => self.principal.is_some(),
            Key::Rate => self.rate.is_some(),
            Key::DisbursedOn => self.disbursed_on.is_some(),
            Key::MaturityOn => self.maturity_on.is_some(),
            Key::SettledOn => self.settled_on.is_some(),
            Key::InterestPaid => self.interest_paid.is_some(),
            // Deliberately like the project fields' match above: exhaustive on `Key`.
            Key::ProjectNo
            | Key::Unit
            | Key::ProjectName
            | Key::ApplicantType
            | Key::OrgName
            | Key::CreditCode
            | Key::Leader
            | Key::IdNumber
            | Key::Phone
            | Key::UnionMember
            | Key::Industry
            | Key::Households
            | Key::HardshipHouseholds
            | Key::RadiatedHouseholds
            | Key::IncomeIncrease
            | Key::PayeeName
            | Key::PayeeBank
            | Key::PayeeAccount
            | Key::Score
            | Key::Note
            | Key::EventContractNo
            | Key::EventDate
            | Key::EventKind
            | Key::EventAmount
            | Key::EventRate
            | Key::EventExtendedTo
            | Key::StatementContractNo
            | Key::StatementFrom
            | Key::StatementTo
            | Key::StatementPaid
            | Key::StatementPenalty
            | Key::StatementBank => false,
        }
    }
}
