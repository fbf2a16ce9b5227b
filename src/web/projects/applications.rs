//! Applications online through the web (`app::applications`): the form's fields are read
//! by the workbook's own readers (`import::form`), so the messages are the same, and the
//! 团场 must be one of the division's list. Submitting is a review action (`app::review`).

use crate::web::kernel::templates::{context, Template};
use rocket::form::{Contextual, Form};
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use serde_json::json;

use crate::app::applications::{self, Payee, Round};
use crate::error::AppError;
use crate::import::columns::{EVENT_COLUMNS, LOAN_COLUMNS};
use crate::import::form::{self as fields, EventFields, FieldError, LoanFields, ProjectFields};
use crate::storage::Db;
use crate::web::accounts::auth::Session;
use crate::web::reports::workbooks::Xlsx;

/// The application form: the token first, then the project, its loans, events and payee.
#[derive(Debug, Clone, Default, FromForm)]
pub struct ApplicationForm {
    #[field(name = "csrf_token", default = String::new())]
    pub(crate) _csrf_token: String,
    pub(crate) project: ProjectFields,
    #[field(default = Vec::new())]
    pub(crate) loans: Vec<LoanFields>,
    #[field(default = Vec::new())]
    pub(crate) events: Vec<EventFields>,
    #[field(default = String::new())]
    pub(crate) payee_name: String,
    #[field(default = String::new())]
    pub(crate) payee_bank: String,
    #[field(default = String::new())]
    pub(crate) payee_account: String,
}

impl ApplicationForm {
    fn payee(&self) -> Payee {
        let clean = |s: &str| s.trim().chars().take(100).collect::<String>();
        Payee { name: clean(&self.payee_name), bank: clean(&self.payee_bank), account: clean(&self.payee_account) }
    }
}

#[get("/applications")]
pub(crate) async fn mine(
    db: &Db,
    session: Session,
    flash: Option<rocket::request::FlashMessage<'_>>,
) -> Result<Template, AppError> {
    let (lines, open) = applications::mine(db, session.actor()).await?;
    let rows: Vec<_> = lines.iter().map(|l| json!({ "line": l, "state_label": l.state.label() })).collect();
    Ok(Template::render(
        "applications/index",
        context! { me: crate::web::kernel::pages::me(&session), flash: flash.map(|f| f.message().to_string()), rows, open },
    ))
}

/// The list's columns, as on the page.
const COLUMNS: [&str; 5] = ["年度", "项目编号", "项目名称", "审核状态", "更新时间（北京时间）"];

/// 我的申请 as a workbook (issue 17 item 2): every row the page lists (it has no filter).
#[get("/applications.xlsx")]
pub(crate) async fn export(db: &Db, session: Session) -> Result<Xlsx, AppError> {
    use crate::export::sheet::Cell;
    let (lines, _) = applications::mine(db, session.actor()).await?;
    let list = crate::export::list::List {
        title: "我的申请".into(),
        filters: String::new(),
        headers: COLUMNS.map(String::from).to_vec(),
        rows: lines
            .iter()
            .map(|l| {
                vec![
                    Cell::text(l.year.to_string()),
                    Cell::code(l.key.as_str()),
                    Cell::text(l.name.as_str()),
                    Cell::text(l.state.label()),
                    Cell::text(crate::web::kernel::views::beijing(&l.updated_at)),
                ]
            })
            .collect(),
        total: None,
    };
    let book = crate::export::list::workbook(&list).map_err(|e| AppError::Internal(e.to_string()))?;
    crate::web::reports::workbooks::xlsx(book, "我的申请.xlsx".into(), "tiexi-applications.xlsx".into()).await
}

/// A round open for applications, for a cooperative.
async fn open_round(db: &Db, session: &Session, year: i32) -> Result<Round, AppError> {
    applications::open_round(db, session.actor(), year).await
}

#[get("/rounds/<year>/applications/new")]
pub(crate) async fn new(db: &Db, session: Session, year: i32) -> Result<Template, AppError> {
    let round = open_round(db, &session, year).await?;
    let blank = ApplicationForm { loans: vec![LoanFields::default(); 2], ..ApplicationForm::default() };
    page(db, &session, &round, None, &blank, &[]).await
}

#[post("/rounds/<year>/applications", data = "<form>")]
pub(crate) async fn create(
    db: &Db,
    session: Session,
    year: i32,
    form: Form<Contextual<'_, ApplicationForm>>,
) -> Result<Result<Flash<Redirect>, (Status, Template)>, AppError> {
    let round = open_round(db, &session, year).await?;
    let Some(f) = form.value.as_ref() else {
        return Err(AppError::Invalid("提交的内容无法识别，请检查后重试".into()));
    };
    // The number is given in the write transaction (`storage::applications::next_key`).
    match save(db, &session, &round, None, "待编号", f).await? {
        Ok(id) => Ok(Ok(Flash::success(Redirect::to(format!("/projects/{id}")), "申请已保存为草稿"))),
        Err(errors) => Ok(Err((Status::UnprocessableEntity, page(db, &session, &round, None, f, &errors).await?))),
    }
}

/// The application the session may edit now: the owner's, in `draft` or `returned`.
async fn editable(db: &Db, session: &Session, id: i64) -> Result<(Round, crate::engine::Project, Payee), AppError> {
    applications::editable(db, session.actor(), id).await
}

#[get("/projects/<id>/edit")]
pub(crate) async fn edit(db: &Db, session: Session, id: i64) -> Result<Template, AppError> {
    let (round, project, payee) = editable(db, &session, id).await?;
    let f = crate::web::projects::application_view::from_project(&project, &payee);
    page(db, &session, &round, Some(id), &f, &[]).await
}

#[post("/projects/<id>/edit", data = "<form>")]
pub(crate) async fn update(
    db: &Db,
    session: Session,
    id: i64,
    form: Form<Contextual<'_, ApplicationForm>>,
) -> Result<Result<Flash<Redirect>, (Status, Template)>, AppError> {
    let (round, project, _) = editable(db, &session, id).await?;
    let Some(f) = form.value.as_ref() else {
        return Err(AppError::Invalid("提交的内容无法识别，请检查后重试".into()));
    };
    match save(db, &session, &round, Some(id), &project.key, f).await? {
        Ok(id) => Ok(Ok(Flash::success(Redirect::to(format!("/projects/{id}")), "申请已保存"))),
        Err(errors) => Ok(Err((Status::UnprocessableEntity, page(db, &session, &round, Some(id), f, &errors).await?))),
    }
}

/// Read the form through the import's readers and store it; the field errors otherwise.
async fn save(
    db: &Db,
    session: &Session,
    round: &Round,
    existing: Option<i64>,
    key: &str,
    f: &ApplicationForm,
) -> Result<Result<i64, Vec<FieldError>>, AppError> {
    let policy = crate::import::policy(&round.policy_toml)?;
    let options = crate::import::Options::of(&policy);
    let read = fields::application(key, &f.project, &f.loans, &f.events, &options);
    let listed = crate::web::division::units::offered(db).await?;
    let project = match (read, unit_problem(&listed, &f.project.unit)) {
        (Ok(p), None) => p,
        (Ok(_), Some(problem)) => return Ok(Err(vec![problem])),
        (Err(mut errors), problem) => {
            errors.extend(problem);
            return Ok(Err(errors));
        }
    };
    Ok(Ok(applications::save(db, session.actor(), round, existing, project, &f.payee()).await?))
}

/// The 团场 is picked from the division's list (`web::division::units`), never typed: a name outside
/// it (红星2场) would strand the application where no regiment sees it.
fn unit_problem(listed: &[String], unit: &str) -> Option<FieldError> {
    let unit = unit.trim();
    if unit.is_empty() || listed.iter().any(|u| u == unit) {
        return None;
    }
    let what = format!("“{unit}”不在本师团场名单中，请从名单中选择");
    Some(FieldError { field: "project.unit".into(), message: format!("团场：{what}"), what })
}

/// The form page, with every field's value and its problem next to it.
async fn page(
    db: &Db,
    session: &Session,
    round: &Round,
    id: Option<i64>,
    f: &ApplicationForm,
    errors: &[FieldError],
) -> Result<Template, AppError> {
    let units = crate::web::division::units::offered(db).await?;
    let view = crate::web::projects::application_view::fields(f, errors);
    let general: Vec<&str> =
        errors.iter().filter(|e| !view.placed.contains(&e.field)).map(|e| e.message.as_str()).collect();
    let action = id.map_or_else(|| format!("/rounds/{}/applications", round.year), |id| format!("/projects/{id}/edit"));
    Ok(Template::render(
        "applications/form",
        context! {
            me: crate::web::kernel::pages::me(session), year: round.year, id, action, units, f: view, general, error_count: errors.len(),
            payee: context! { name: &f.payee_name, bank: &f.payee_bank, account: &f.payee_account },
            loan_headers: LOAN_COLUMNS.iter().filter(|c| !c.project_level).map(|c| c.header).collect::<Vec<_>>(),
            event_headers: EVENT_COLUMNS.iter().map(|c| c.header).collect::<Vec<_>>(),
        },
    ))
}
