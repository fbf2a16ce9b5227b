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

    /// Blank fields take the value of `earlier`, which gives it up (docs/workbook.md: blank
    /// cells of later rows of a project inherit). Taken, not copied: a row goes once its
    /// project is built, and a copy of every text of 100,000 rows, each freed again, was a
    /// third of the build (docs/ARCHITECTURE.md "The parse child"). Every field is named, so
    /// a new one cannot be forgotten.
    #[expect(clippy::too_many_lines, reason = "one line per field, each named so that none is forgotten")]
    pub fn inherit(&mut self, earlier: &mut ProjectFields) {
        fn keep<T>(mine: &mut Option<T>, theirs: &mut Option<T>) {
            if mine.is_none() {
                *mine = theirs.take();
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
        keep(project_no, &mut e.project_no);
        keep(unit, &mut e.unit);
        keep(project_name, &mut e.project_name);
        keep(applicant_type, &mut e.applicant_type);
        keep(org_name, &mut e.org_name);
        keep(credit_code, &mut e.credit_code);
        keep(leader, &mut e.leader);
        keep(id_number, &mut e.id_number);
        keep(phone, &mut e.phone);
        keep(union_member, &mut e.union_member);
        keep(industry, &mut e.industry);
        keep(households, &mut e.households);
        keep(hardship_households, &mut e.hardship_households);
        keep(radiated_households, &mut e.radiated_households);
        keep(income_increase, &mut e.income_increase);
        keep(payee_name, &mut e.payee_name);
        keep(payee_bank, &mut e.payee_bank);
        keep(payee_account, &mut e.payee_account);
        keep(score, &mut e.score);
        keep(note, &mut e.note);
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
