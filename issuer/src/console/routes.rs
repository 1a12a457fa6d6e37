//! The console's handlers. Licences are issued by `issue::issue_licence` and
//! change status through `http::licences::change_status`: the very code the
//! API runs, with the signed-in account as the audit actor.
// Handlers' early returns are whole responses (a refusal page, a redirect):
// the error path is the answer itself, so boxing it would gain nothing.
#![allow(clippy::result_large_err)]

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use elicence_core::licence::LicenceIri;
use maud::{html, Markup};
use rusqlite::params;
use serde_json::Value;

use super::accounts::{self, Account, NewAccount, Role, SignIn};
use super::form::{self, LicenceForm};
use super::i18n::{self, Lang};
use super::pages::{self, Frame, LicenceRow};
use super::search;
use super::session::{self, Session};
use super::{assets, totp};
use crate::issue::{self, IssueError};
use crate::registry::Agency;
use crate::server::AppState;
use crate::store::StoredCredential;
use crate::writer::StatusAction;

type St = State<Arc<AppState>>;

/// Everything a handler knows about the request's person and language.
pub struct Ctx {
    lang: Lang,
    remember_lang: Option<Lang>,
    session: Option<Session>,
    path: String,
    secure: bool,
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

impl Ctx {
    fn frame(&self) -> Frame<'_> {
        Frame {
            lang: self.lang,
            account: self.account(),
            csrf: self.session.as_ref().map(|s| s.csrf.as_str()),
            path: &self.path,
        }
    }

    fn account(&self) -> Option<&Account> {
        self.session.as_ref().and_then(|s| s.account.as_ref())
    }

    fn t<'a>(&self, th: &'a str, en: &'a str) -> &'a str {
        self.lang.t(th, en)
    }

    /// Common headers: never cached, never framed, scripts and styles from
    /// this origin only.
    fn finish(&self, mut resp: Response) -> Response {
        let h = resp.headers_mut();
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                 form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
            ),
        );
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        h.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        h.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        );
        if let Some(l) = self.remember_lang {
            h.append(header::SET_COOKIE, i18n::set_cookie(l));
        }
        resp
    }

    fn page(&self, status: StatusCode, markup: Markup) -> Response {
        let mut resp = (status, markup.into_string()).into_response();
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        self.finish(resp)
    }

    fn redirect(&self, to: &str) -> Response {
        let mut resp = StatusCode::SEE_OTHER.into_response();
        if let Ok(v) = HeaderValue::from_str(to) {
            resp.headers_mut().insert(header::LOCATION, v);
        }
        self.finish(resp)
    }

    fn fail(&self, status: StatusCode, th: &str, en: &str) -> Response {
        let title = match status {
            StatusCode::FORBIDDEN => self.t("ไม่อนุญาต", "Not allowed"),
            StatusCode::NOT_FOUND => self.t("ไม่พบ", "Not found"),
            StatusCode::CONFLICT => self.t("ทำไม่ได้", "Cannot do that"),
            s if s.is_server_error() => self.t("เกิดข้อผิดพลาด", "Something went wrong"),
            _ => self.t("คำขอไม่ถูกต้อง", "Bad request"),
        };
        self.page(status, pages::message(&self.frame(), title, self.t(th, en)))
    }

    fn internal(&self, e: &dyn std::fmt::Display) -> Response {
        tracing::error!(error = %e, "console");
        self.fail(
            StatusCode::INTERNAL_SERVER_ERROR,
            "ระบบขัดข้อง กรุณาลองใหม่",
            "internal error, please try again",
        )
    }

    /// The signed-in account, or a redirect to the sign-in page.
    fn signed_in(&self) -> Result<&Account, Response> {
        self.account()
            .ok_or_else(|| self.redirect("/console/login"))
    }

    /// The signed-in account if `allowed` holds for its role, else 403.
    fn with_role(&self, allowed: fn(Role) -> bool) -> Result<&Account, Response> {
        let account = self.signed_in()?;
        if allowed(account.role) {
            Ok(account)
        } else {
            Err(self.fail(
                StatusCode::FORBIDDEN,
                "บทบาทของท่านไม่มีสิทธิ์ทำรายการนี้",
                "your role does not allow this",
            ))
        }
    }

    /// Refuses (403, nothing done) a form without this session's CSRF token.
    fn check_csrf(&self, form: &[(String, String)]) -> Result<(), Response> {
        let given = value(form, "csrf");
        match &self.session {
            Some(s) if s.csrf_ok(given) => Ok(()),
            _ => Err(self.fail(
                StatusCode::FORBIDDEN,
                "แบบฟอร์มหมดอายุหรือไม่ได้มาจากระบบนี้ กรุณาเปิดหน้าใหม่แล้วลองอีกครั้ง",
                "the form has expired or did not come from this console: reload the page and try again",
            )),
        }
    }
}

fn context(state: &AppState, headers: &HeaderMap, uri: &Uri) -> Result<Ctx, Response> {
    let (lang, remember_lang) = i18n::choose(uri.query(), headers);
    let mut ctx = Ctx {
        lang,
        remember_lang,
        session: None,
        path: uri.path().to_string(),
        secure: !state.config.origin().starts_with("http://"),
    };
    match state.pool.with(|c| session::load(c, headers, now())) {
        Ok(s) => ctx.session = s,
        Err(e) => return Err(ctx.internal(&e)),
    }
    Ok(ctx)
}

fn value<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn query_pairs(uri: &Uri) -> Vec<(String, String)> {
    uri.query()
        .and_then(|q| serde_urlencoded::from_str(q).ok())
        .unwrap_or_default()
}

fn read_form(
    ctx: &Ctx,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Vec<(String, String)>, Response> {
    // Browsers say where a request comes from; a form posted from another
    // site is refused outright (the CSRF token would refuse it anyway).
    if headers
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes() == b"cross-site")
    {
        return Err(ctx.fail(
            StatusCode::FORBIDDEN,
            "แบบฟอร์มนี้ส่งมาจากเว็บไซต์อื่น",
            "this form was sent from another site",
        ));
    }
    let ct = crate::http::body::content_type(headers);
    if ct != "application/x-www-form-urlencoded" {
        return Err(ctx.fail(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "ส่งแบบฟอร์มจากหน้าเว็บ",
            "send the form from the console's page",
        ));
    }
    serde_urlencoded::from_bytes(body).map_err(|_| {
        ctx.fail(
            StatusCode::BAD_REQUEST,
            "แบบฟอร์มอ่านไม่ได้",
            "the form cannot be read",
        )
    })
}

macro_rules! tri {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(r) => return r,
        }
    };
}

/// `GET /console`: to the start page.
pub async fn to_home() -> Response {
    (
        StatusCode::PERMANENT_REDIRECT,
        [(header::LOCATION, "/console/")],
    )
        .into_response()
}

/// `GET /console/static/console.css`.
pub async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        assets::CSS,
    )
        .into_response()
}

/// `GET /console/static/console.js`.
pub async fn js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        assets::JS,
    )
        .into_response()
}

/// `GET /console/`: what the signed-in person can do.
pub async fn home(State(state): St, headers: HeaderMap, uri: Uri) -> Response {
    let ctx = tri!(context(&state, &headers, &uri));
    let account = tri!(ctx.signed_in());
    let l = ctx.lang;
    let body = html! {
        p { (l.t("สวัสดี ", "Hello, ")) (account.display_name) }
        ul {
            @if account.role.can_issue() { li { a href="/console/issue" { (l.t("ออกใบอนุญาต", "Issue a licence")) } } }
            li { a href="/console/licences" { (l.t("ค้นหาใบอนุญาต", "Find licences")) }
                @if account.role.can_change_status() { " " (l.t("(เพื่อเพิกถอน พักใช้ หรือคืนสิทธิ์)", "(to revoke, suspend or reinstate)")) } }
            @if account.role.can_administer() {
                li { a href="/console/users" { (l.t("จัดการผู้ใช้", "Manage users")) } }
                li { a href="/console/audit" { (l.t("บันทึกการใช้งาน", "Audit log")) } }
            }
        }
    };
    ctx.page(
        StatusCode::OK,
        pages::layout(
            &ctx.frame(),
            l.t("ระบบใบอนุญาตอิเล็กทรอนิกส์", "e-Licence console"),
            body,
        ),
    )
}

/// `GET /console/login`: the sign-in form, in a fresh anonymous session
/// that carries the form's CSRF token.
pub async fn login_page(State(state): St, headers: HeaderMap, uri: Uri) -> Response {
    let mut ctx = tri!(context(&state, &headers, &uri));
    if ctx.account().is_some() {
        return ctx.redirect("/console/");
    }
    let mut cookie = None;
    if ctx.session.is_none() {
        match state.pool.with(|c| session::create(c, None, now())) {
            Ok((secret, s)) => {
                cookie = Some(session::set_cookie(&secret, ctx.secure));
                ctx.session = Some(s);
            }
            Err(e) => return ctx.internal(&e),
        }
    }
    let csrf = ctx
        .session
        .as_ref()
        .map(|s| s.csrf.clone())
        .unwrap_or_default();
    let mut resp = ctx.page(StatusCode::OK, pages::login(&ctx.frame(), &csrf, "", None));
    if let Some(c) = cookie {
        resp.headers_mut().append(header::SET_COOKIE, c);
    }
    resp
}

/// `POST /console/login`: password and TOTP code; a new session on success.
pub async fn login(State(state): St, headers: HeaderMap, uri: Uri, body: Bytes) -> Response {
    let ctx = tri!(context(&state, &headers, &uri));
    let form = tri!(read_form(&ctx, &headers, &body));
    tri!(ctx.check_csrf(&form));
    let username = value(&form, "username").unwrap_or("").trim().to_string();
    let password = value(&form, "password").unwrap_or("");
    let code = value(&form, "code").unwrap_or("");
    let master = state.registry.master();
    let result = state
        .pool
        .with(|c| accounts::sign_in(c, &master, &username, password, code, now()));
    let refused = |ctx: &Ctx, status: StatusCode, message: &str| {
        let csrf = ctx.session.as_ref().map(|s| s.csrf.as_str()).unwrap_or("");
        ctx.page(
            status,
            pages::login(&ctx.frame(), csrf, &username, Some(message)),
        )
    };
    match result {
        Err(e) => ctx.internal(&e),
        Ok(SignIn::Refused) => refused(
            &ctx,
            StatusCode::UNAUTHORIZED,
            ctx.t(
                "ชื่อผู้ใช้ รหัสผ่าน หรือรหัส 6 หลักไม่ถูกต้อง (ผิดหลายครั้งบัญชีจะถูกล็อก)",
                "wrong user name, password or code (repeated failures lock the account)",
            ),
        ),
        Ok(SignIn::Locked(_)) => refused(
            &ctx,
            StatusCode::TOO_MANY_REQUESTS,
            ctx.t(
                "บัญชีถูกล็อกชั่วคราวเนื่องจากเข้าสู่ระบบผิดหลายครั้ง กรุณาลองใหม่ภายหลังหรือติดต่อผู้ดูแลระบบ",
                "this account is locked for a while after repeated failures: try later or ask your agency admin",
            ),
        ),
        Ok(SignIn::Accepted(account)) => {
            // A new session id: whatever id the browser had before is dropped.
            let created = state.pool.with(|c| {
                if let Some(s) = &ctx.session {
                    session::end(c, &s.id_hash)?;
                }
                session::create(c, Some(&account), now())
            });
            match created {
                Err(e) => ctx.internal(&e),
                Ok((secret, _)) => {
                    let mut resp = ctx.redirect("/console/");
                    resp.headers_mut()
                        .append(header::SET_COOKIE, session::set_cookie(&secret, ctx.secure));
                    resp
                }
            }
        }
    }
}

/// `POST /console/logout`: ends the session.
pub async fn logout(State(state): St, headers: HeaderMap, uri: Uri, body: Bytes) -> Response {
    let ctx = tri!(context(&state, &headers, &uri));
    let form = tri!(read_form(&ctx, &headers, &body));
    tri!(ctx.check_csrf(&form));
    if let Some(s) = &ctx.session {
        if let Err(e) = state.pool.with(|c| {
            session::end(c, &s.id_hash)?;
            if let Some(a) = &s.account {
                crate::store::audit(
                    c,
                    Some(&a.agency),
                    &a.actor(),
                    "signout",
                    Some(&a.username),
                    None,
                )?;
            }
            Ok(())
        }) {
            return ctx.internal(&e);
        }
    }
    let mut resp = ctx.redirect("/console/login");
    resp.headers_mut()
        .append(header::SET_COOKIE, session::clear_cookie(ctx.secure));
    resp
}

fn agency_of(state: &AppState, ctx: &Ctx, account: &Account) -> Result<Arc<Agency>, Response> {
    crate::http::licences::agency(state, &account.agency).map_err(|_| {
        ctx.fail(
            StatusCode::NOT_FOUND,
            "ไม่พบหน่วยงานของบัญชีนี้",
            "this account's agency no longer exists",
        )
    })
}

fn today_bangkok() -> time::Date {
    time::OffsetDateTime::now_utc()
        .to_offset(time::UtcOffset::from_hms(7, 0, 0).unwrap_or(time::UtcOffset::UTC))
        .date()
}

/// `GET /console/issue?type=CODE`: the form for a licence type.
pub async fn issue_page(State(state): St, headers: HeaderMap, uri: Uri) -> Response {
    let ctx = tri!(context(&state, &headers, &uri));
    tri!(ctx.with_role(Role::can_issue));
    let query = query_pairs(&uri);
    let mut f = LicenceForm {
        type_code: value(&query, "type").unwrap_or("").to_string(),
        ..Default::default()
    };
    let thai = ctx.lang == Lang::Th;
    let from = today_bangkok();
    f.valid_from = form::show_date(from, thai);
    if let Some(t) = form::catalogue().and_then(|c| c.get(&f.type_code)) {
        if let Some(until) = form::default_until(from, t.typical_validity.as_deref()) {
            f.valid_until = form::show_date(until, thai);
        }
    }
    let csrf = ctx
        .session
        .as_ref()
        .map(|s| s.csrf.clone())
        .unwrap_or_default();
    ctx.page(
        StatusCode::OK,
        pages::issue_form(&ctx.frame(), &csrf, &f, &[], None),
    )
}

/// `POST /console/issue`: issues through the API's issuance code.
pub async fn issue(State(state): St, headers: HeaderMap, uri: Uri, body: Bytes) -> Response {
    let ctx = tri!(context(&state, &headers, &uri));
    let posted = tri!(read_form(&ctx, &headers, &body));
    tri!(ctx.check_csrf(&posted));
    let account = tri!(ctx.with_role(Role::can_issue));
    let agency = tri!(agency_of(&state, &ctx, account));
    let f = LicenceForm::from_pairs(&posted);
    let csrf = ctx
        .session
        .as_ref()
        .map(|s| s.csrf.clone())
        .unwrap_or_default();
    let again = |errors: &[form::FieldError], general: Option<&str>, status: StatusCode| {
        ctx.page(
            status,
            pages::issue_form(&ctx.frame(), &csrf, &f, errors, general),
        )
    };
    let data = match form::licence_data(&f) {
        Ok(d) => d,
        Err(errors) => return again(&errors, None, StatusCode::UNPROCESSABLE_ENTITY),
    };
    match issue::issue_licence(&state, &agency, data, &account.actor()).await {
        Ok(issued) => match console_path(&agency, &issued.id) {
            Some(path) => ctx.redirect(&format!("{path}?issued=1")),
            None => ctx.internal(&"issued licence has no licence IRI"),
        },
        Err(IssueError::Invalid { field, reason })
        | Err(IssueError::Unsecurable { field, reason, .. }) => {
            let error = form::FieldError {
                field: form::form_field_of(&field).to_string(),
                en: reason.clone(),
                th: reason,
            };
            let general = error.field.is_empty().then(|| error.en.clone());
            again(
                &[error],
                general.as_deref(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(IssueError::Conflict { .. }) => again(
            &[form::FieldError {
                field: "number".into(),
                en: "a different licence of this type already has this number".into(),
                th: "มีใบอนุญาตประเภทนี้เลขที่นี้อยู่แล้ว (ข้อมูลต่างกัน)".into(),
            }],
            None,
            StatusCode::CONFLICT,
        ),
        Err(IssueError::NoKey(_)) => ctx.fail(
            StatusCode::CONFLICT,
            "หน่วยงานยังไม่มีกุญแจลงนามที่ใช้ได้ในขณะนี้",
            "the agency has no signing key valid now",
        ),
        Err(e @ IssueError::Reserved { .. }) => ctx.fail(
            StatusCode::FORBIDDEN,
            "ข้อมูลนี้ระบบเป็นผู้กำหนดเอง",
            &e.to_string(),
        ),
        Err(IssueError::Internal(e)) => ctx.internal(&e),
    }
}

/// The console path of a licence IRI of `agency`.
fn console_path(agency: &Agency, id: &str) -> Option<String> {
    let uri = LicenceIri::parse(id).ok()?.to_uri();
    let rest = uri.strip_prefix(&agency.base_url)?;
    Some(format!("/console{rest}"))
}

/// The public licence page path of a licence IRI on this service.
fn public_path(state: &AppState, id: &str) -> Option<String> {
    let uri = LicenceIri::parse(id).ok()?.to_uri();
    uri.strip_prefix(state.config.origin().trim_end_matches('/'))
        .map(str::to_string)
}

fn row_of(agency: &Agency, stored: &StoredCredential, issued_at: String) -> LicenceRow {
    let doc: Value = serde_json::from_str(&stored.credential).unwrap_or(Value::Null);
    let subject = &doc["credentialSubject"];
    let text = |v: &Value| v.as_str().unwrap_or("").to_string();
    LicenceRow {
        path: console_path(agency, &stored.id).unwrap_or_default(),
        number: text(&subject["licenceNumber"]),
        type_code: text(&subject["licenceType"]["code"]),
        name_th: text(&subject["licensee"]["legalName"]["th"]),
        name_en: text(&subject["licensee"]["legalName"]["en"]),
        juristic_id: text(&subject["licensee"]["juristicPersonId"]),
        revoked: stored.revoked,
        suspended: stored.suspended,
        issued_at,
    }
}

/// `GET /console/licences?q=`: by number, juristic ID or (part of) the name.
pub async fn search(State(state): St, headers: HeaderMap, uri: Uri) -> Response {
    let ctx = tri!(context(&state, &headers, &uri));
    let account = tri!(ctx.signed_in());
    let agency = tri!(agency_of(&state, &ctx, account));
    let query = query_pairs(&uri);
    let q = value(&query, "q").unwrap_or("").trim().to_string();
    let type_code = value(&query, "type").unwrap_or("").to_string();
    let status = search::StatusFilter::parse(value(&query, "status").unwrap_or(""));
    let found = state.pool.with(|c| {
        search::search(
            c,
            &agency.code,
            &search::Query {
                text: &q,
                type_code: &type_code,
                status,
            },
        )
    });
    let found = match found {
        Ok(f) => f,
        Err(e) => return ctx.internal(&e),
    };
    let rows: Vec<LicenceRow> = found
        .iter()
        .map(|(s, at)| row_of(&agency, s, at.clone()))
        .collect();
    ctx.page(
        StatusCode::OK,
        pages::search(&ctx.frame(), &q, &type_code, status, &rows),
    )
}

/// A CSV cell that a spreadsheet will not run as a formula.
fn csv_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// `GET /console/licences.csv?q=&type=&status=`: the same search as a
/// UTF-8 CSV with a BOM (what Thai Excel opens correctly), newest first, up
/// to [`search::EXPORT_LIMIT`] rows; cells that a spreadsheet would take
/// for formulas are prefixed with `'`.
pub async fn export(State(state): St, headers: HeaderMap, uri: Uri) -> Response {
    let ctx = tri!(context(&state, &headers, &uri));
    let account = tri!(ctx.signed_in());
    let agency = tri!(agency_of(&state, &ctx, account));
    let query = query_pairs(&uri);
    let q = value(&query, "q").unwrap_or("").trim().to_string();
    let type_code = value(&query, "type").unwrap_or("").to_string();
    let status = search::StatusFilter::parse(value(&query, "status").unwrap_or(""));
    let found = state.pool.with(|c| {
        search::search_up_to(
            c,
            &agency.code,
            &search::Query {
                text: &q,
                type_code: &type_code,
                status,
            },
            search::EXPORT_LIMIT,
        )
    });
    let found = match found {
        Ok(f) => f,
        Err(e) => return ctx.internal(&e),
    };
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let mut ok = out
        .write_record([
            "licenceNumber",
            "licenceType",
            "juristicPersonId",
            "nameTh",
            "nameEn",
            "status",
            "storedAt",
            "id",
        ])
        .is_ok();
    for (stored, at) in &found {
        let r = row_of(&agency, stored, at.clone());
        let status = if r.revoked {
            "revoked"
        } else if r.suspended {
            "suspended"
        } else {
            "active"
        };
        ok &= out
            .write_record([
                csv_cell(&r.number),
                r.type_code.clone(),
                csv_cell(&r.juristic_id),
                csv_cell(&r.name_th),
                csv_cell(&r.name_en),
                status.to_string(),
                r.issued_at.clone(),
                stored.id.clone(),
            ])
            .is_ok();
    }
    let bytes = match out.into_inner() {
        Ok(b) if ok => b,
        _ => return ctx.internal(&"CSV export"),
    };
    if let Err(e) = state.pool.with(|c| {
        crate::store::audit(
            c,
            Some(&agency.code),
            &account.actor(),
            "export",
            None,
            Some(&format!("{} licences", found.len())),
        )
    }) {
        return ctx.internal(&e);
    }
    let mut resp = (StatusCode::OK, bytes).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"licences.csv\""),
    );
    ctx.finish(resp)
}

/// The signed-in person's agency's licence at a console path: another
/// agency's licence is simply not found.
fn find(
    state: &AppState,
    ctx: &Ctx,
    account: &Account,
    type_code: &str,
    segment: &str,
) -> Result<(Arc<Agency>, StoredCredential), Response> {
    let agency = agency_of(state, ctx, account)?;
    let not_found = || {
        ctx.fail(
            StatusCode::NOT_FOUND,
            "ไม่พบใบอนุญาตนี้ในหน่วยงานของท่าน",
            "no such licence in your agency",
        )
    };
    let iri = LicenceIri::parse(&format!(
        "{}/licences/{type_code}/{segment}",
        agency.base_url
    ))
    .map_err(|_| not_found())?;
    match state
        .pool
        .with(|c| crate::store::credential_by_id(c, &agency.code, iri.as_str()))
    {
        Ok(Some(s)) => Ok((agency, s)),
        Ok(None) => Err(not_found()),
        Err(e) => Err(ctx.internal(&e)),
    }
}

fn history(
    state: &AppState,
    agency: &str,
    id: &str,
) -> Vec<(String, String, String, Option<String>)> {
    state
        .pool
        .with(|c| {
            let mut stmt = c.sqlite_only()?.prepare_cached(
                "SELECT at, actor, action, detail FROM audit WHERE agency = ?1 AND subject = ?2 ORDER BY seq",
            )?;
            let rows = stmt.query_map(params![agency, id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .unwrap_or_default()
}

/// `GET /console/licences/{type}/{number}`: the licence, its links, history
/// and the actions the person's role allows.
pub async fn licence(
    State(state): St,
    headers: HeaderMap,
    uri: Uri,
    Path((type_code, segment)): Path<(String, String)>,
) -> Response {
    let ctx = tri!(context(&state, &headers, &uri));
    let account = tri!(ctx.signed_in());
    let (agency, stored) = tri!(find(&state, &ctx, account, &type_code, &segment));
    let row = row_of(&agency, &stored, String::new());
    let doc: Value = serde_json::from_str(&stored.credential).unwrap_or(Value::Null);
    let l = ctx.lang;
    let (word, class) = pages::status_words(l, stored.revoked, stored.suspended);
    let public = public_path(&state, &stored.id).unwrap_or_default();
    let issued = query_pairs(&uri).iter().any(|(k, _)| k == "issued");
    let events = history(&state, &agency.code, &stored.id);
    let base = row.path.clone();
    let body = html! {
        @if issued { p.notice role="status" { (l.t("ออกใบอนุญาตเรียบร้อยแล้ว", "The licence has been issued.")) } }
        table {
            tr { th { (l.t("เลขที่ใบอนุญาต", "Licence number")) } td { (row.number) } }
            tr { th { (l.t("ประเภท", "Type")) } td { (doc["credentialSubject"]["licenceType"]["title"][l.code()].as_str().unwrap_or(&row.type_code)) } }
            tr { th { (l.t("ผู้รับใบอนุญาต", "Licensee")) } td { (row.name_th) br; (row.name_en) } }
            tr { th { (l.t("เลขทะเบียนนิติบุคคล", "Juristic person ID")) } td { (row.juristic_id) } }
            tr { th { (l.t("มีผล", "Valid")) } td { (shown_date(l, &doc["validFrom"])) " – " (shown_date(l, &doc["validUntil"])) } }
            tr { th { (l.t("สถานะ", "Status")) } td class=(class) { strong { (word) } } }
            tr { th { "IRI" } td { code { (stored.id) } } }
        }
        p {
            a.button href=(public) { (l.t("หน้าใบอนุญาต (QR)", "Licence page (QR)")) } " "
            a.button href={ (base) "/print" } { (l.t("ฉบับพิมพ์", "Printable page")) } " "
            a.button href={ (base) "/pdf" } { "PDF" }
        }
        @if account.role.can_change_status() && !stored.revoked {
            h2 { (l.t("เปลี่ยนสถานะ", "Change status")) }
            p {
                a.button.danger href={ (base) "/status/revoke" } { (l.t("เพิกถอน", "Revoke")) } " "
                @if stored.suspended {
                    a.button href={ (base) "/status/reinstate" } { (l.t("คืนสิทธิ์", "Reinstate")) }
                } @else {
                    a.button href={ (base) "/status/suspend" } { (l.t("พักใช้", "Suspend")) }
                }
            }
        }
        h2 { (l.t("ประวัติ", "History")) }
        table {
            thead { tr { th { (l.t("เวลา (UTC)", "Time (UTC)")) } th { (l.t("การกระทำ", "Action")) } th { (l.t("ผู้กระทำ", "Who")) } th { (l.t("เหตุผล", "Reason")) } } }
            tbody {
                @for (at, actor, action, detail) in &events {
                    tr { td { (at) } td { (action) } td { (actor) } td { (detail.as_deref().unwrap_or("")) } }
                }
            }
        }
    };
    ctx.page(
        StatusCode::OK,
        pages::layout(&ctx.frame(), &row.number, body),
    )
}

/// A credential date as people read it: Buddhist Era in Thai, Gregorian in
/// English (as on the printed licence); the stored text if it does not parse.
fn shown_date(l: Lang, v: &Value) -> String {
    let text = v.as_str().unwrap_or("");
    match time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339) {
        Ok(t) if l == Lang::Th => elicence_render::dates::thai_date(t),
        Ok(t) => elicence_render::dates::english_date(t),
        Err(_) => text.to_string(),
    }
}

fn html_doc(ctx: &Ctx, text: String) -> Response {
    // The printable page carries its own inline style: no console CSP here.
    let mut resp = (StatusCode::OK, text).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if let Some(l) = ctx.remember_lang {
        h.append(header::SET_COOKIE, i18n::set_cookie(l));
    }
    resp
}

/// `GET /console/licences/{type}/{number}/print`: the printable A4 page
/// (the QR code carries the licence itself, or its link if too long).
pub async fn print(
    State(state): St,
    headers: HeaderMap,
    uri: Uri,
    Path((type_code, segment)): Path<(String, String)>,
) -> Response {
    let ctx = tri!(context(&state, &headers, &uri));
    let account = tri!(ctx.signed_in());
    let (_, stored) = tri!(find(&state, &ctx, account, &type_code, &segment));
    let doc: Value = match serde_json::from_str(&stored.credential) {
        Ok(d) => d,
        Err(e) => return ctx.internal(&e),
    };
    let secured = elicence_core::qr::Secured::Json(doc);
    let page = elicence_render::PrintedLicence::new(&secured, elicence_qr_image::EcLevel::Q, false)
        .map_err(|e| e.to_string())
        .and_then(|(p, _)| elicence_render::html::printable_page(&p).map_err(|e| e.to_string()));
    match page {
        Ok(text) => html_doc(&ctx, text),
        Err(e) => ctx.internal(&e),
    }
}

/// `GET /console/licences/{type}/{number}/pdf`: the signed PDF licence
/// (the same as `Accept: application/pdf` on the licence IRI).
pub async fn pdf(
    State(state): St,
    headers: HeaderMap,
    uri: Uri,
    Path((type_code, segment)): Path<(String, String)>,
) -> Response {
    let ctx = tri!(context(&state, &headers, &uri));
    let account = tri!(ctx.signed_in());
    let (agency, stored) = tri!(find(&state, &ctx, account, &type_code, &segment));
    match crate::http::pdf::licence_pdf(&state, &agency, &stored).await {
        Ok(pdf) => (
            [
                (header::CONTENT_TYPE, "application/pdf"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            pdf.as_ref().clone(),
        )
            .into_response(),
        Err(p) => ctx.fail(
            StatusCode::CONFLICT,
            "ยังสร้าง PDF ไม่ได้ (หน่วยงานยังไม่ได้ตั้งค่ากุญแจลงนาม PDF)",
            &format!("no PDF: {}", p.detail),
        ),
    }
}

fn action_of(name: &str) -> Option<StatusAction> {
    match name {
        "revoke" => Some(StatusAction::Revoke),
        "suspend" => Some(StatusAction::Suspend),
        "reinstate" => Some(StatusAction::Reinstate),
        _ => None,
    }
}

fn action_words(l: Lang, a: StatusAction) -> (&'static str, &'static str) {
    match a {
        StatusAction::Revoke => (
            l.t("เพิกถอนใบอนุญาต", "Revoke the licence"),
            l.t(
                "การเพิกถอนเป็นการถาวร ย้อนกลับไม่ได้",
                "Revocation is final: it cannot be undone.",
            ),
        ),
        StatusAction::Suspend => (
            l.t("พักใช้ใบอนุญาต", "Suspend the licence"),
            l.t("คืนสิทธิ์ได้ภายหลัง", "It can be reinstated later."),
        ),
        StatusAction::Reinstate => (
            l.t("คืนสิทธิ์ใบอนุญาต", "Reinstate the licence"),
            l.t("ใบอนุญาตจะกลับมาใช้งานได้", "The licence becomes active again."),
        ),
    }
}

/// `GET …/status/{action}`: the confirmation step, with a reason.
pub async fn confirm_status(
    State(state): St,
    headers: HeaderMap,
    uri: Uri,
    Path((type_code, segment, action)): Path<(String, String, String)>,
) -> Response {
    let ctx = tri!(context(&state, &headers, &uri));
    let account = tri!(ctx.with_role(Role::can_change_status));
    let Some(action) = action_of(&action) else {
        return ctx.fail(StatusCode::NOT_FOUND, "ไม่มีการกระทำนี้", "no such action");
    };
    let (agency, stored) = tri!(find(&state, &ctx, account, &type_code, &segment));
    let row = row_of(&agency, &stored, String::new());
    let l = ctx.lang;
    let (title, warning) = action_words(l, action);
    let csrf = ctx
        .session
        .as_ref()
        .map(|s| s.csrf.clone())
        .unwrap_or_default();
    let body = html! {
        p { strong { (row.number) } " — " (l.t(&row.name_th, &row.name_en)) " (" (row.juristic_id) ")" }
        p.alert { (warning) }
        form method="post" action=(ctx.path) {
            (pages::csrf_field(&csrf))
            label for="reason" { (l.t("เหตุผล", "Reason")) " *" }
            textarea #reason name="reason" rows="3" required {}
            p {
                button.danger[action == StatusAction::Revoke] type="submit" name="confirm" value="yes" { (title) } " "
                a href=(row.path) { (l.t("ยกเลิก", "Cancel")) }
            }
        }
    };
    ctx.page(StatusCode::OK, pages::layout(&ctx.frame(), title, body))
}

/// `POST …/status/{action}`: the change, once confirmed with a reason.
pub async fn change_status(
    State(state): St,
    headers: HeaderMap,
    uri: Uri,
    Path((type_code, segment, action)): Path<(String, String, String)>,
    body: Bytes,
) -> Response {
    let ctx = tri!(context(&state, &headers, &uri));
    let posted = tri!(read_form(&ctx, &headers, &body));
    tri!(ctx.check_csrf(&posted));
    let account = tri!(ctx.with_role(Role::can_change_status));
    let Some(action) = action_of(&action) else {
        return ctx.fail(StatusCode::NOT_FOUND, "ไม่มีการกระทำนี้", "no such action");
    };
    let (agency, stored) = tri!(find(&state, &ctx, account, &type_code, &segment));
    let reason = value(&posted, "reason").unwrap_or("").trim();
    if value(&posted, "confirm") != Some("yes") || reason.is_empty() || reason.chars().count() > 500
    {
        return ctx.fail(
            StatusCode::UNPROCESSABLE_ENTITY,
            "ต้องยืนยันและระบุเหตุผล (ไม่เกิน 500 ตัวอักษร)",
            "confirm and give a reason (at most 500 characters)",
        );
    }
    match crate::http::licences::change_status(
        &state,
        &agency.code,
        &stored.id,
        action,
        &account.actor(),
        Some(reason),
    )
    .await
    {
        Ok(_) => ctx.redirect(
            &console_path(&agency, &stored.id).unwrap_or_else(|| "/console/licences".into()),
        ),
        Err(p) if p.status == StatusCode::CONFLICT => ctx.fail(
            StatusCode::CONFLICT,
            "ใบอนุญาตถูกเพิกถอนแล้ว การเพิกถอนเป็นการถาวร",
            &p.detail,
        ),
        Err(p) => ctx.internal(&p.detail),
    }
}

/// Shows a TOTP secret once, to enrol an authenticator app.
fn enrolment(ctx: &Ctx, agency: &str, username: &str, secret: &[u8]) -> Markup {
    let l = ctx.lang;
    let uri = totp::otpauth_uri(&format!("elicence {agency}"), username, secret);
    html! {
        p.notice role="status" {
            (l.t("แสดงครั้งเดียว: ให้ผู้ใช้เพิ่มรหัสนี้ในแอปยืนยันตัวตน (เช่น Google Authenticator)", "Shown once: the user adds this key to an authenticator app (e.g. Google Authenticator)."))
        }
        p { (l.t("ผู้ใช้", "User")) ": " strong { (username) } }
        p { (l.t("รหัสลับ", "Secret key")) ": " code.totp-secret { (totp::secret_base32(secret)) } }
        p { code { (uri) } }
    }
}

/// `GET /console/users`: the agency's accounts (agency admins only).
pub async fn users(State(state): St, headers: HeaderMap, uri: Uri) -> Response {
    let ctx = tri!(context(&state, &headers, &uri));
    let account = tri!(ctx.with_role(Role::can_administer));
    users_page(&state, &ctx, account, StatusCode::OK, None, None)
}

fn users_page(
    state: &AppState,
    ctx: &Ctx,
    me: &Account,
    status: StatusCode,
    notice: Option<Markup>,
    error: Option<&str>,
) -> Response {
    let list = match state
        .pool
        .with(|c| accounts::list_accounts(c, Some(&me.agency)))
    {
        Ok(l) => l,
        Err(e) => return ctx.internal(&e),
    };
    let l = ctx.lang;
    let csrf = ctx
        .session
        .as_ref()
        .map(|s| s.csrf.clone())
        .unwrap_or_default();
    let body = html! {
        @if let Some(n) = notice { (n) }
        @if let Some(e) = error { p.alert role="alert" { (e) } }
        table {
            thead { tr { th { (l.t("ชื่อผู้ใช้", "User name")) } th { (l.t("ชื่อ", "Name")) } th { (l.t("บทบาท", "Role")) } th { (l.t("สถานะ", "State")) } th {} } }
            tbody {
                @for a in &list {
                    tr {
                        td { (a.username) } td { (a.display_name) } td { (pages::role_name(l, a.role)) }
                        td {
                            @if a.disabled { (l.t("ปิดใช้งาน", "disabled")) }
                            @else if a.locked_until > now() { (l.t("ถูกล็อก", "locked")) }
                            @else { (l.t("ใช้งาน", "active")) }
                        }
                        td {
                            @if !a.disabled && a.id != me.id {
                                @for (action, th, en) in [("disable", "ปิดใช้งาน", "Disable"), ("reset-totp", "ออกรหัสลับใหม่", "New TOTP key"), ("unlock", "ปลดล็อก", "Unlock")] {
                                    form method="post" action={ "/console/users/" (a.username) "/" (action) } {
                                        (pages::csrf_field(&csrf))
                                        button type="submit" { (l.t(th, en)) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 { (l.t("เพิ่มผู้ใช้", "Add a user")) }
        form method="post" action="/console/users" {
            (pages::csrf_field(&csrf))
            label for="new-username" { (l.t("ชื่อผู้ใช้ (a-z 0-9 . _ -)", "User name (a-z 0-9 . _ -)")) }
            input #new-username type="text" name="username" required autocapitalize="none";
            label for="display_name" { (l.t("ชื่อ-นามสกุล", "Full name")) }
            input #display_name type="text" name="display_name" required;
            label for="role" { (l.t("บทบาท", "Role")) }
            select #role name="role" {
                @for r in Role::ALL { option value=(r.name()) { (pages::role_name(l, r)) } }
            }
            label for="new-password" { (l.t("รหัสผ่านเริ่มต้น (อย่างน้อย 10 ตัวอักษร)", "First password (at least 10 characters)")) }
            input #new-password type="password" name="password" autocomplete="new-password" required minlength="10";
            p { button type="submit" { (l.t("เพิ่มผู้ใช้", "Add user")) } }
        }
    };
    ctx.page(
        status,
        pages::layout(&ctx.frame(), l.t("ผู้ใช้ของหน่วยงาน", "Agency users"), body),
    )
}

/// `POST /console/users`: adds an account to the admin's agency.
pub async fn add_user(State(state): St, headers: HeaderMap, uri: Uri, body: Bytes) -> Response {
    let ctx = tri!(context(&state, &headers, &uri));
    let posted = tri!(read_form(&ctx, &headers, &body));
    tri!(ctx.check_csrf(&posted));
    let me = tri!(ctx.with_role(Role::can_administer));
    let role = match value(&posted, "role").unwrap_or("").parse::<Role>() {
        Ok(r) => r,
        Err(e) => {
            return users_page(
                &state,
                &ctx,
                me,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some(&e.to_string()),
            )
        }
    };
    let new = NewAccount {
        agency: &me.agency,
        username: value(&posted, "username").unwrap_or("").trim(),
        display_name: value(&posted, "display_name").unwrap_or("").trim(),
        role,
        password: value(&posted, "password").unwrap_or(""),
    };
    let master = state.registry.master();
    match state
        .pool
        .with(|c| accounts::add_account(c, &master, &new, &me.actor()))
    {
        Ok(created) => {
            let notice = match &created.totp_secret {
                Some(s) => enrolment(&ctx, &me.agency, &created.account.username, s),
                None => {
                    html! { p.notice role="status" { (ctx.t("เพิ่มผู้ใช้แล้ว", "User added.")) " " (created.account.username) } }
                }
            };
            users_page(&state, &ctx, me, StatusCode::OK, Some(notice), None)
        }
        Err(e @ (crate::IssuerError::InvalidAccount(_) | crate::IssuerError::UnknownAgency(_))) => {
            users_page(
                &state,
                &ctx,
                me,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some(&e.to_string()),
            )
        }
        Err(e) => ctx.internal(&e),
    }
}

/// `POST /console/users/{username}/{disable|reset-totp|unlock}`.
pub async fn user_action(
    State(state): St,
    headers: HeaderMap,
    uri: Uri,
    Path((username, action)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let ctx = tri!(context(&state, &headers, &uri));
    let posted = tri!(read_form(&ctx, &headers, &body));
    tri!(ctx.check_csrf(&posted));
    let me = tri!(ctx.with_role(Role::can_administer));
    if username == me.username {
        return ctx.fail(
            StatusCode::CONFLICT,
            "ทำรายการนี้กับบัญชีของตนเองไม่ได้",
            "you cannot do this to your own account",
        );
    }
    let master = state.registry.master();
    let agency = Some(me.agency.as_str());
    let actor = me.actor();
    let result = state.pool.with(|c| match action.as_str() {
        "disable" => accounts::disable_account(c, agency, &username, &actor).map(|_| None),
        "unlock" => accounts::unlock(c, agency, &username, &actor).map(|_| None),
        "reset-totp" => accounts::reset_totp(c, &master, agency, &username, &actor).map(Some),
        _ => Err(crate::IssuerError::InvalidAccount(format!(
            "no action `{action}`"
        ))),
    });
    match result {
        Ok(secret) => {
            let notice = match secret {
                Some(s) => enrolment(&ctx, &me.agency, &username, &s),
                None => html! { p.notice role="status" { (ctx.t("เรียบร้อย", "Done.")) } },
            };
            users_page(&state, &ctx, me, StatusCode::OK, Some(notice), None)
        }
        Err(crate::IssuerError::UnknownAccount(_)) => ctx.fail(
            StatusCode::NOT_FOUND,
            "ไม่พบผู้ใช้นี้ในหน่วยงานของท่าน",
            "no such user in your agency",
        ),
        Err(e @ crate::IssuerError::InvalidAccount(_)) => {
            ctx.fail(StatusCode::NOT_FOUND, &e.to_string(), &e.to_string())
        }
        Err(e) => ctx.internal(&e),
    }
}

/// `GET /console/audit`: the agency's audit log, newest first (admins).
pub async fn audit_log(State(state): St, headers: HeaderMap, uri: Uri) -> Response {
    let ctx = tri!(context(&state, &headers, &uri));
    let me = tri!(ctx.with_role(Role::can_administer));
    let records = state.pool.with(|c| {
        let mut stmt = c.sqlite_only()?.prepare_cached(
            "SELECT seq, at, agency, actor, action, subject FROM audit WHERE agency = ?1 ORDER BY seq DESC LIMIT 500",
        )?;
        let rows = stmt.query_map(params![me.agency], |r| {
            Ok(crate::store::AuditRecord {
                seq: r.get(0)?,
                at: r.get(1)?,
                agency: r.get(2)?,
                actor: r.get(3)?,
                action: r.get(4)?,
                subject: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    });
    match records {
        Ok(r) => ctx.page(StatusCode::OK, pages::audit(&ctx.frame(), &r)),
        Err(e) => ctx.internal(&e),
    }
}
