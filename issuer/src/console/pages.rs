//! The console's pages. maud escapes every interpolated value, so names,
//! addresses and reasons typed by anyone are shown as text, never markup.

use maud::{html, Markup, DOCTYPE};

use super::accounts::{Account, Role};
use super::form::FieldError;
use super::i18n::Lang;
use crate::store::AuditRecord;

/// What every page needs: language, who is signed in, the CSRF token and
/// the path (for the language switch).
#[derive(Debug, Clone)]
pub struct Frame<'a> {
    /// Page language.
    pub lang: Lang,
    /// The signed-in person, if any.
    pub account: Option<&'a Account>,
    /// The session's CSRF token (for the sign-out form).
    pub csrf: Option<&'a str>,
    /// The page's path.
    pub path: &'a str,
}

/// A role's name in the page language.
pub fn role_name(lang: Lang, role: Role) -> &'static str {
    match role {
        Role::Admin => lang.t("ผู้ดูแลระบบของหน่วยงาน", "Agency admin"),
        Role::Issuer => lang.t("ผู้ออกใบอนุญาต", "Issuer"),
        Role::Revoker => lang.t("ผู้เพิกถอนใบอนุญาต", "Revoker"),
        Role::Viewer => lang.t("ผู้ดูข้อมูล", "Viewer"),
    }
}

/// The hidden CSRF field every form carries.
pub fn csrf_field(token: &str) -> Markup {
    html! { input type="hidden" name="csrf" value=(token); }
}

/// The page frame: header with navigation, main content, language switch.
pub fn layout(f: &Frame<'_>, title: &str, body: Markup) -> Markup {
    let l = f.lang;
    html! {
        (DOCTYPE)
        html lang=(l.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · elicence" }
                link rel="stylesheet" href="/console/static/console.css";
                script src="/console/static/console.js" defer {}
            }
            body {
                header {
                    strong { a href="/console/" { "elicence" } }
                    @if let Some(a) = f.account {
                        nav aria-label=(l.t("เมนู", "Menu")) {
                            @if a.role.can_issue() { a href="/console/issue" { (l.t("ออกใบอนุญาต", "Issue")) } }
                            a href="/console/licences" { (l.t("ค้นหาใบอนุญาต", "Find licences")) }
                            @if a.role.can_administer() {
                                a href="/console/users" { (l.t("ผู้ใช้", "Users")) }
                                a href="/console/audit" { (l.t("บันทึกการใช้งาน", "Audit log")) }
                            }
                        }
                        span.who {
                            (a.display_name) " (" (role_name(l, a.role)) ", " (a.agency) ") "
                            @if let Some(token) = f.csrf {
                                form method="post" action="/console/logout" {
                                    (csrf_field(token))
                                    button type="submit" { (l.t("ออกจากระบบ", "Sign out")) }
                                }
                            }
                        }
                    }
                }
                main {
                    h1 { (title) }
                    (body)
                }
                footer {
                    a href={ (f.path) "?lang=" (l.other().code()) } lang=(l.other().code()) {
                        (l.other().t("ภาษาไทย", "English"))
                    }
                }
            }
        }
    }
}

/// A message page (errors, refusals).
pub fn message(f: &Frame<'_>, title: &str, text: &str) -> Markup {
    layout(
        f,
        title,
        html! { p.alert role="alert" { (text) } p { a href="/console/" { (f.lang.t("กลับหน้าแรก", "Back to the start page")) } } },
    )
}

/// The sign-in page.
pub fn login(f: &Frame<'_>, csrf: &str, username: &str, error: Option<&str>) -> Markup {
    let l = f.lang;
    layout(
        f,
        l.t("เข้าสู่ระบบ", "Sign in"),
        html! {
            @if let Some(e) = error { p.alert role="alert" { (e) } }
            form method="post" action="/console/login" {
                (csrf_field(csrf))
                label for="username" { (l.t("ชื่อผู้ใช้", "User name")) }
                input #username type="text" name="username" value=(username) autocomplete="username" autocapitalize="none" required;
                label for="password" { (l.t("รหัสผ่าน", "Password")) }
                input #password type="password" name="password" autocomplete="current-password" required;
                label for="code" { (l.t("รหัสยืนยันตัวตน 6 หลัก (จากแอป)", "6-digit code (from your authenticator app)")) }
                input #code type="text" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6";
                p.hint { (l.t("ผู้ดูข้อมูลไม่ต้องใช้รหัส 6 หลัก", "Viewers do not need a code.")) }
                p { button type="submit" { (l.t("เข้าสู่ระบบ", "Sign in")) } }
            }
        },
    )
}

/// One form field with its label, hint and error.
#[allow(clippy::too_many_arguments)]
fn field(
    name: &str,
    label: &str,
    value: &str,
    required: bool,
    multiline: bool,
    hint: Option<&str>,
    errors: &[FieldError],
    lang: Lang,
) -> Markup {
    let error = errors.iter().find(|e| e.field == name);
    let err_id = format!("{name}-error");
    html! {
        label for=(name) { (label) @if required { " *" } }
        @if multiline {
            textarea id=(name) name=(name) rows="3" required[required] aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| err_id.as_str())] { (value) }
        } @else {
            input id=(name) type="text" name=(name) value=(value) required[required] aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| err_id.as_str())];
        }
        @if let Some(h) = hint { div.hint { (h) } }
        @if let Some(e) = error { div.error id=(err_id) { (lang.t(&e.th, &e.en)) } }
    }
}

/// The issue form for one licence type (or the type choice first).
pub fn issue_form(
    f: &Frame<'_>,
    csrf: &str,
    form: &super::form::LicenceForm,
    errors: &[FieldError],
    general: Option<&str>,
) -> Markup {
    use super::form::{catalogue, requires};
    let l = f.lang;
    let types = catalogue()
        .map(|c| c.licence_types.as_slice())
        .unwrap_or(&[]);
    let chosen = types.iter().find(|t| t.code == form.type_code);
    layout(
        f,
        l.t("ออกใบอนุญาต", "Issue a licence"),
        html! {
            form method="get" action="/console/issue" {
                label for="type-choice" { (l.t("ประเภทใบอนุญาต", "Licence type")) }
                select #type-choice name="type" {
                    option value="" { "—" }
                    @for t in types {
                        option value=(t.code) selected[chosen.is_some_and(|c| c.code == t.code)] { (l.t(&t.name.th, &t.name.en)) }
                    }
                }
                noscript { p { button type="submit" { (l.t("เลือก", "Choose")) } } }
            }
            @if let Some(t) = chosen {
                @if let Some(g) = general { p.alert role="alert" { (g) } }
                @if !errors.is_empty() { p.alert role="alert" { (l.t("กรุณาแก้ไขช่องที่มีข้อผิดพลาด", "Please correct the fields marked below.")) } }
                form method="post" action="/console/issue" novalidate[false] {
                    (csrf_field(csrf))
                    input type="hidden" name="type" value=(t.code);
                    p.hint { (l.t(&t.legal_basis.th, &t.legal_basis.en)) }
                    (field("number", l.t("เลขที่ใบอนุญาต", "Licence number"), &form.number, true, false, Some(l.t("เช่น สน.1/2569", "e.g. สน.1/2569")), errors, l))
                    label for="juristic_id" { (l.t("เลขทะเบียนนิติบุคคล (13 หลัก)", "Juristic person ID (13 digits)")) " *" }
                    input #juristic_id type="text" name="juristic_id" value=(form.juristic_id) inputmode="numeric" maxlength="13" required aria-describedby="juristic_id-live";
                    div.error #juristic_id-live aria-live="polite"
                        data-length=(l.t("ต้องเป็นตัวเลข 13 หลัก", "must be 13 digits"))
                        data-digit=(l.t("หลักตรวจสอบไม่ถูกต้อง", "wrong check digit"))
                        data-citizen=(l.t("เลขนิติบุคคลขึ้นต้นด้วย 0", "a juristic person ID starts with 0")) {
                        @if let Some(e) = errors.iter().find(|e| e.field == "juristic_id") { (l.t(&e.th, &e.en)) }
                    }
                    (field("name_th", l.t("ชื่อผู้รับใบอนุญาต (ภาษาไทย)", "Licensee name (Thai)"), &form.name_th, true, false, None, errors, l))
                    (field("name_en", l.t("ชื่อผู้รับใบอนุญาต (ภาษาอังกฤษ)", "Licensee name (English)"), &form.name_en, true, false, None, errors, l))
                    (field("address_th", l.t("ที่ตั้งสถานประกอบการ (ภาษาไทย)", "Premises address (Thai)"), &form.address_th, true, true, None, errors, l))
                    (field("address_en", l.t("ที่ตั้งสถานประกอบการ (ภาษาอังกฤษ)", "Premises address (English)"), &form.address_en, requires(t, "premises.address.en"), true, None, errors, l))
                    (field("activities", l.t("กิจการที่อนุญาต (บรรทัดละหนึ่งรายการ)", "Permitted activities (one per line)"), &form.activities, true, true, None, errors, l))
                    (field("conditions", l.t("เงื่อนไข (บรรทัดละหนึ่งข้อ)", "Conditions (one per line)"), &form.conditions, requires(t, "conditions"), true, None, errors, l))
                    (field("valid_from", l.t("วันที่เริ่มมีผล", "Valid from"), &form.valid_from, true, false, Some(l.t("วว/ดด/ปปปป พ.ศ. หรือ ค.ศ. เช่น 01/01/2569 หรือ 2026-01-01", "DD/MM/YYYY in the Buddhist Era or Gregorian, or YYYY-MM-DD, e.g. 2026-01-01 or 01/01/2569")), errors, l))
                    (field("valid_until", l.t("วันสิ้นอายุ", "Valid until"), &form.valid_until, true, false, None, errors, l))
                    p { button type="submit" { (l.t("ออกใบอนุญาต", "Issue licence")) } }
                }
            }
        },
    )
}

/// A licence as listed in search results and on its page.
#[derive(Debug, Clone)]
pub struct LicenceRow {
    /// The console path of the licence.
    pub path: String,
    /// Licence number.
    pub number: String,
    /// Licence type code.
    pub type_code: String,
    /// Licensee name, Thai.
    pub name_th: String,
    /// Licensee name, English.
    pub name_en: String,
    /// Juristic person ID.
    pub juristic_id: String,
    /// Revoked.
    pub revoked: bool,
    /// Suspended.
    pub suspended: bool,
    /// When it was issued.
    pub issued_at: String,
}

/// A status in words, with its CSS class.
pub fn status_words(lang: Lang, revoked: bool, suspended: bool) -> (&'static str, &'static str) {
    if revoked {
        (lang.t("ถูกเพิกถอน", "Revoked"), "status-revoked")
    } else if suspended {
        (lang.t("ถูกพักใช้", "Suspended"), "status-suspended")
    } else {
        (lang.t("ใช้งานได้", "Active"), "status-active")
    }
}

/// The search page with its results.
pub fn search(
    f: &Frame<'_>,
    query: &str,
    type_code: &str,
    status: super::search::StatusFilter,
    rows: &[LicenceRow],
) -> Markup {
    use super::search::StatusFilter;
    let l = f.lang;
    let types = super::form::catalogue()
        .map(|c| c.licence_types.as_slice())
        .unwrap_or(&[]);
    layout(
        f,
        l.t("ค้นหาใบอนุญาต", "Find licences"),
        html! {
            form method="get" action="/console/licences" role="search" {
                label for="q" { (l.t("เลขที่ใบอนุญาต เลขทะเบียนนิติบุคคล หรือชื่อ", "Licence number, juristic person ID or name")) }
                input #q type="search" name="q" value=(query);
                div.hint { (l.t("ชื่อ: อย่างน้อย 3 ตัวอักษร", "Names: at least 3 characters")) }
                label for="type" { (l.t("ประเภท", "Type")) }
                select #type name="type" {
                    option value="" { (l.t("ทุกประเภท", "Any type")) }
                    @for t in types {
                        option value=(t.code) selected[t.code == type_code] { (l.t(&t.name.th, &t.name.en)) }
                    }
                }
                label for="status" { (l.t("สถานะ", "Status")) }
                select #status name="status" {
                    @for (s, th, en) in [(StatusFilter::Any, "ทุกสถานะ", "Any status"), (StatusFilter::Active, "ใช้งานได้", "Active"), (StatusFilter::Suspended, "ถูกพักใช้", "Suspended"), (StatusFilter::Revoked, "ถูกเพิกถอน", "Revoked")] {
                        option value=(s.name()) selected[s == status] { (l.t(th, en)) }
                    }
                }
                p { button type="submit" { (l.t("ค้นหา", "Search")) } }
            }
            @if rows.is_empty() {
                p { (l.t("ไม่พบใบอนุญาต", "No licences found.")) }
            } @else {
                p { a href={ "/console/licences.csv?" (export_query(query, type_code, status)) } download { (l.t("ดาวน์โหลด CSV", "Download CSV")) } }
                table {
                    thead { tr {
                        th { (l.t("เลขที่", "Number")) } th { (l.t("ผู้รับใบอนุญาต", "Licensee")) }
                        th { (l.t("ประเภท", "Type")) } th { (l.t("สถานะ", "Status")) } th { (l.t("ออกเมื่อ", "Issued")) }
                    } }
                    tbody {
                        @for r in rows {
                            @let (word, class) = status_words(l, r.revoked, r.suspended);
                            tr {
                                td { a href=(r.path) { (r.number) } }
                                td { (l.t(&r.name_th, &r.name_en)) br; small { (r.juristic_id) } }
                                td { (r.type_code) }
                                td class=(class) { (word) }
                                td { (r.issued_at) }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// The search's query string, for the CSV link.
fn export_query(query: &str, type_code: &str, status: super::search::StatusFilter) -> String {
    serde_urlencoded::to_string([("q", query), ("type", type_code), ("status", status.name())])
        .unwrap_or_default()
}

/// The audit log (newest first).
pub fn audit(f: &Frame<'_>, records: &[AuditRecord]) -> Markup {
    let l = f.lang;
    layout(
        f,
        l.t("บันทึกการใช้งาน", "Audit log"),
        html! {
            table {
                thead { tr { th { (l.t("เวลา (UTC)", "Time (UTC)")) } th { (l.t("ผู้กระทำ", "Who")) } th { (l.t("การกระทำ", "Action")) } th { (l.t("รายการ", "Subject")) } } }
                tbody {
                    @for r in records {
                        tr { td { (r.at) } td { (r.actor) } td { (r.action) } td { code { (r.subject.as_deref().unwrap_or("")) } } }
                    }
                }
            }
        },
    )
}
