//! The agency console over real HTTP: sign-in with password and TOTP,
//! lockout, CSRF, roles, escaping, issuance and revocation through the
//! forms, and the audit trail naming the person.

mod common;

use std::collections::BTreeMap;

use common::{start, Service};
use elicence_core::did::OfflineResolver;
use elicence_core::proof;
use elicence_core::status::Bitstring;
use elicence_issuer::console::accounts::{self, NewAccount, Role};
use elicence_issuer::console::totp;
use elicence_issuer::crypto::MasterKey;
use elicence_issuer::store;
use serde_json::{json, Value};

const PASSWORD: &str = "รหัสผ่านยาวพอ-2569";

struct User {
    username: String,
    secret: Option<Vec<u8>>,
    /// The last TOTP step used: a code is accepted once, so signing in
    /// again takes the next step's code (the server accepts one step ahead).
    last_step: std::cell::Cell<u64>,
}

/// Creates an account the way `elicence user add` does.
fn user(svc: &Service, agency: &str, username: &str, role: Role) -> User {
    let conn = store::open(&svc.config.database, svc.config.durability).unwrap();
    let master = MasterKey::load(&svc.config.master_key).unwrap();
    let created = accounts::add_account(
        &conn,
        &master,
        &NewAccount {
            agency,
            username,
            display_name: &format!("คุณ {username}"),
            role,
            password: PASSWORD,
        },
        "admin:test",
    )
    .unwrap();
    User {
        username: username.to_string(),
        secret: created.totp_secret.map(|s| s.to_vec()),
        last_step: Default::default(),
    }
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn code_of(u: &User) -> String {
    let step = totp::step_at(unix_now()).max(u.last_step.get() + 1);
    u.last_step.set(step);
    u.secret
        .as_ref()
        .map(|s| totp::code_at(s, step * totp::STEP_SECONDS))
        .unwrap_or_default()
}

struct Page {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Page {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    fn set_cookies(&self) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
            .map(|(_, v)| v.as_str())
            .collect()
    }
    /// The CSRF token of the page's first form.
    fn csrf(&self) -> String {
        let at = self
            .body
            .find("name=\"csrf\" value=\"")
            .unwrap_or_else(|| panic!("no CSRF field in {}", self.body));
        let rest = &self.body[at + "name=\"csrf\" value=\"".len()..];
        rest[..rest.find('"').unwrap()].to_string()
    }
}

/// A browser: keeps cookies, does not follow redirects.
struct Browser<'a> {
    svc: &'a Service,
    agent: ureq::Agent,
    cookies: BTreeMap<String, String>,
}

impl<'a> Browser<'a> {
    fn new(svc: &'a Service) -> Self {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .build()
            .into();
        Browser {
            svc,
            agent,
            cookies: BTreeMap::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep(&mut self, mut r: ureq::http::Response<ureq::Body>) -> Page {
        let headers: Vec<(String, String)> = r
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
            .collect();
        for (k, v) in &headers {
            if k.eq_ignore_ascii_case("set-cookie") {
                let pair = v.split(';').next().unwrap();
                let (name, value) = pair.split_once('=').unwrap();
                if v.contains("Max-Age=0") {
                    self.cookies.remove(name);
                } else {
                    self.cookies.insert(name.to_string(), value.to_string());
                }
            }
        }
        let body = r.body_mut().read_to_string().unwrap_or_default();
        Page {
            status: r.status().as_u16(),
            headers,
            body,
        }
    }

    fn get(&mut self, path: &str) -> Page {
        let r = self
            .agent
            .get(&self.svc.url(path))
            .header("cookie", &self.cookie_header())
            .call()
            .unwrap();
        self.keep(r)
    }

    fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let body = serde_urlencoded::to_string(form).unwrap();
        let r = self
            .agent
            .post(&self.svc.url(path))
            .header("cookie", &self.cookie_header())
            .header("content-type", "application/x-www-form-urlencoded")
            .send(body.as_str())
            .unwrap();
        self.keep(r)
    }

    /// Signs in (the login page first, for its CSRF token).
    fn sign_in_with(&mut self, username: &str, password: &str, code: &str) -> Page {
        let page = self.get("/console/login");
        assert_eq!(page.status, 200);
        let csrf = page.csrf();
        self.post(
            "/console/login",
            &[
                ("csrf", &csrf),
                ("username", username),
                ("password", password),
                ("code", code),
            ],
        )
    }

    fn sign_in(&mut self, u: &User) {
        let r = self.sign_in_with(&u.username, PASSWORD, &code_of(u));
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(r.header("location"), Some("/console/"));
    }

    /// The CSRF token of a signed-in page.
    fn csrf(&mut self) -> String {
        self.get("/console/licences").csrf()
    }
}

fn form_for(number: &str, name_th: &str, name_en: &str) -> Vec<(&'static str, String)> {
    vec![
        ("type", "food-sale".into()),
        ("number", number.into()),
        ("juristic_id", "0105536112014".into()),
        ("name_th", name_th.into()),
        ("name_en", name_en.into()),
        (
            "address_th",
            "เลขที่ ๑๒๓ ถนนสีลม เขตบางรัก กรุงเทพมหานคร ๑๐๕๐๐".into(),
        ),
        ("address_en", "".into()),
        (
            "activities",
            "จำหน่ายอาหารและเครื่องดื่ม\nประกอบอาหารเพื่อจำหน่าย".into(),
        ),
        ("conditions", "".into()),
        // A Buddhist-Era start and a Gregorian end, as officers type them;
        // the term covers today in any year.
        ("valid_from", format!("01/01/{}", this_year() + 543)),
        ("valid_until", format!("{}-12-31", this_year() + 1)),
    ]
}

/// The current year (UTC), so the form's term never lies in the past.
fn this_year() -> i32 {
    time::OffsetDateTime::now_utc().year()
}

fn issue(b: &mut Browser<'_>, form: &[(&'static str, String)]) -> Page {
    let csrf = b.get("/console/issue?type=food-sale").csrf();
    let mut pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    pairs.push(("csrf", &csrf));
    b.post("/console/issue", &pairs)
}

fn count(svc: &Service, sql: &str) -> i64 {
    let conn = store::open(&svc.config.database, svc.config.durability).unwrap();
    conn.sqlite_only()
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

fn credentials(svc: &Service) -> i64 {
    count(svc, "SELECT COUNT(*) FROM credentials")
}

#[test]
fn sign_in_takes_password_and_totp_in_a_new_session() {
    let svc = start("");
    let issuer = user(&svc, "bangrak", "somchai", Role::Issuer);
    let viewer = user(&svc, "bangrak", "malee", Role::Viewer);
    let mut b = Browser::new(&svc);

    // Not signed in: to the sign-in page.
    let r = b.get("/console/issue");
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/console/login"));

    // Thai by default; the session cookie is HttpOnly, Secure, SameSite=Strict.
    let login = b.get("/console/login");
    assert!(login.body.contains("<html lang=\"th\">"));
    assert!(login.body.contains("เข้าสู่ระบบ"));
    let cookie = login
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("elicence_console="))
        .unwrap()
        .to_string();
    for attr in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/console"] {
        assert!(cookie.contains(attr), "{cookie}");
    }
    let before = b.cookies["elicence_console"].clone();

    // Password without code, wrong code, wrong password: refused alike.
    let csrf = login.csrf();
    for (password, code) in [
        (PASSWORD, ""),
        (PASSWORD, "000000"),
        ("wrong password!", code_of(&issuer).as_str()),
    ] {
        let r = b.post(
            "/console/login",
            &[
                ("csrf", &csrf),
                ("username", "somchai"),
                ("password", password),
                ("code", code),
            ],
        );
        assert_eq!(r.status, 401, "{}", r.body);
        assert!(r.body.contains("ไม่ถูกต้อง"));
    }
    // An unknown user is refused the same way.
    let r = b.post(
        "/console/login",
        &[
            ("csrf", &csrf),
            ("username", "nobody"),
            ("password", PASSWORD),
            ("code", "123456"),
        ],
    );
    assert_eq!(r.status, 401);

    // Right password and code: a new session id (no fixation).
    let r = b.post(
        "/console/login",
        &[
            ("csrf", &csrf),
            ("username", "somchai"),
            ("password", PASSWORD),
            ("code", &code_of(&issuer)),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let after = b.cookies["elicence_console"].clone();
    assert_ne!(before, after);
    let home = b.get("/console/");
    assert_eq!(home.status, 200);
    assert!(home.body.contains("คุณ somchai"));
    assert!(home
        .header("content-security-policy")
        .unwrap()
        .contains("script-src 'self'"));
    // The pre-sign-in session id is worth nothing now.
    let mut planted = Browser::new(&svc);
    planted.cookies.insert("elicence_console".into(), before);
    assert_eq!(planted.get("/console/").status, 303);

    // English on request, remembered.
    let en = b.get("/console/?lang=en");
    assert!(en.body.contains("<html lang=\"en\">"));
    assert!(en.body.contains("Issue a licence"));
    assert!(b.get("/console/").body.contains("Find licences"));

    // Sign out ends the session.
    let csrf = b.csrf();
    assert_eq!(b.post("/console/logout", &[("csrf", &csrf)]).status, 303);
    assert_eq!(b.get("/console/").status, 303);

    // A viewer needs no code.
    let mut v = Browser::new(&svc);
    let r = v.sign_in_with("malee", PASSWORD, "");
    assert_eq!(r.status, 303, "{}", r.body);
    let _ = viewer;
}

#[test]
fn a_totp_code_is_accepted_once() {
    let svc = start("");
    let revoker = user(&svc, "bangrak", "dang", Role::Revoker);
    let code = code_of(&revoker);
    let mut b = Browser::new(&svc);
    assert_eq!(b.sign_in_with("dang", PASSWORD, &code).status, 303);
    let mut other = Browser::new(&svc);
    let r = other.sign_in_with("dang", PASSWORD, &code);
    assert_eq!(r.status, 401, "a replayed code must be refused");
}

#[test]
fn repeated_failures_lock_the_account() {
    let svc = start("");
    let issuer = user(&svc, "bangrak", "somsak", Role::Issuer);
    let mut b = Browser::new(&svc);
    for _ in 0..accounts::MAX_FAILURES {
        assert_eq!(
            b.sign_in_with("somsak", "not the password", "123456")
                .status,
            401
        );
    }
    // Now even the right password and code are refused.
    let r = b.sign_in_with("somsak", PASSWORD, &code_of(&issuer));
    assert_eq!(r.status, 429, "{}", r.body);
    assert!(r.body.contains("ถูกล็อก"));
    assert_eq!(
        count(
            &svc,
            "SELECT COUNT(*) FROM audit WHERE action = 'account.lock' AND subject = 'somsak'"
        ),
        1
    );
    // An admin unlocks; then the right credentials work.
    let conn = store::open(&svc.config.database, svc.config.durability).unwrap();
    accounts::unlock(&conn, None, "somsak", "admin:test").unwrap();
    b.sign_in(&issuer);
}

#[test]
fn forms_without_the_sessions_csrf_token_are_refused_and_change_nothing() {
    let svc = start("");
    let admin = user(&svc, "bangrak", "boss", Role::Admin);
    let mut b = Browser::new(&svc);

    // The sign-in form itself needs its token.
    b.get("/console/login");
    let r = b.post(
        "/console/login",
        &[
            ("username", "boss"),
            ("password", PASSWORD),
            ("code", &code_of(&admin)),
        ],
    );
    assert_eq!(r.status, 403);
    b.sign_in(&admin);

    let form = form_for("สน.9/2569", "บริษัท ทดสอบ จำกัด", "Test Co., Ltd.");
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    // Missing and wrong tokens.
    assert_eq!(b.post("/console/issue", &pairs).status, 403);
    let mut wrong = pairs.clone();
    wrong.push(("csrf", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
    let r = b.post("/console/issue", &wrong);
    assert_eq!(r.status, 403);
    assert!(r.body.contains("แบบฟอร์มหมดอายุ"));
    assert_eq!(credentials(&svc), 0);
    // Another session's token is no good either.
    let other_admin = user(&svc, "bangrak", "boss2", Role::Admin);
    let mut other = Browser::new(&svc);
    other.sign_in(&other_admin);
    let mut foreign = pairs.clone();
    let other_csrf = other.csrf();
    foreign.push(("csrf", &other_csrf));
    assert_eq!(b.post("/console/issue", &foreign).status, 403);
    assert_eq!(credentials(&svc), 0);

    // With the token it issues; then a revoke without the token does nothing.
    let r = issue(&mut b, &form);
    assert_eq!(r.status, 303, "{}", r.body);
    let path = r
        .header("location")
        .unwrap()
        .trim_end_matches("?issued=1")
        .to_string();
    let r = b.post(
        &format!("{path}/status/revoke"),
        &[("confirm", "yes"), ("reason", "x")],
    );
    assert_eq!(r.status, 403);
    assert_eq!(
        count(&svc, "SELECT COUNT(*) FROM credentials WHERE revoked = 1"),
        0
    );
    // A form posted from another site is refused even with the token.
    let mut with = pairs.clone();
    let csrf = b.csrf();
    with.push(("csrf", &csrf));
    let body = serde_urlencoded::to_string(&with).unwrap();
    let r = b
        .agent
        .post(&svc.url("/console/issue"))
        .header("cookie", &b.cookie_header())
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "cross-site")
        .send(body.as_str())
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    assert_eq!(credentials(&svc), 1);
    // Adding a user without the token does nothing.
    let r = b.post(
        "/console/users",
        &[
            ("username", "mallory"),
            ("display_name", "M"),
            ("role", "admin"),
            ("password", "0123456789ab"),
        ],
    );
    assert_eq!(r.status, 403);
    assert_eq!(
        count(
            &svc,
            "SELECT COUNT(*) FROM console_accounts WHERE username = 'mallory'"
        ),
        0
    );
}

#[test]
fn roles_decide_who_issues_revokes_and_administers() {
    let svc = start("");
    let issuer = user(&svc, "bangrak", "issuer1", Role::Issuer);
    let revoker = user(&svc, "bangrak", "revoker1", Role::Revoker);
    let viewer = user(&svc, "bangrak", "viewer1", Role::Viewer);
    let form = form_for("สน.10/2569", "บริษัท บทบาท จำกัด", "Roles Co., Ltd.");
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();

    // Viewer and revoker cannot issue (page or POST with a valid token).
    for u in [&viewer, &revoker] {
        let mut b = Browser::new(&svc);
        b.sign_in(u);
        assert_eq!(b.get("/console/issue").status, 403);
        let mut with = pairs.clone();
        let csrf = b.csrf();
        with.push(("csrf", &csrf));
        let r = b.post("/console/issue", &with);
        assert_eq!(r.status, 403, "{}", r.body);
        assert_eq!(b.get("/console/users").status, 403);
        assert_eq!(b.get("/console/audit").status, 403);
    }
    assert_eq!(credentials(&svc), 0);

    // The issuer issues, but cannot revoke.
    let mut ib = Browser::new(&svc);
    ib.sign_in(&issuer);
    let r = issue(&mut ib, &form);
    assert_eq!(r.status, 303, "{}", r.body);
    let path = r
        .header("location")
        .unwrap()
        .trim_end_matches("?issued=1")
        .to_string();
    assert_eq!(ib.get(&format!("{path}/status/revoke")).status, 403);
    let csrf = ib.csrf();
    let r = ib.post(
        &format!("{path}/status/revoke"),
        &[("csrf", &csrf), ("confirm", "yes"), ("reason", "no")],
    );
    assert_eq!(r.status, 403);
    assert_eq!(
        count(&svc, "SELECT COUNT(*) FROM credentials WHERE revoked = 1"),
        0
    );

    // The viewer finds it but sees no status actions; the revoker sees them.
    let mut vb = Browser::new(&svc);
    vb.sign_in(&viewer);
    let page = vb.get(&path);
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("/status/revoke"));
    let mut rb = Browser::new(&svc);
    rb.sign_in(&revoker);
    assert!(rb.get(&path).body.contains("/status/revoke"));

    // Another agency's person gets 404 for this licence's URL.
    let other = user(&svc, "chiangmai", "cm-admin", Role::Admin);
    let mut ob = Browser::new(&svc);
    ob.sign_in(&other);
    assert_eq!(ob.get(&path).status, 404);
    assert_eq!(ob.get(&format!("{path}/status/revoke")).status, 404);
    assert!(!ob
        .get("/console/licences?q=บทบาท")
        .body
        .contains("สน.10/2569"));
}

#[test]
fn hostile_names_are_text_on_every_page() {
    let svc = start("");
    let admin = user(&svc, "bangrak", "xss-admin", Role::Admin);
    let mut b = Browser::new(&svc);
    b.sign_in(&admin);
    let hostile_th = "บริษัท <script>alert('th')</script> จำกัด";
    let hostile_en = "\"><img src=x onerror=alert(1)> Co., Ltd.";
    let r = issue(&mut b, &form_for("สน.1/2569", hostile_th, hostile_en));
    assert_eq!(r.status, 303, "{}", r.body);
    let path = r
        .header("location")
        .unwrap()
        .trim_end_matches("?issued=1")
        .to_string();
    let public = {
        let page = b.get(&path);
        let at = page.body.find("href=\"/agencies/").unwrap();
        let rest = &page.body[at + 6..];
        rest[..rest.find('"').unwrap()].to_string()
    };
    for p in [
        path.clone(),
        "/console/licences?q=script".to_string(),
        format!("{path}/status/suspend"),
        format!("{path}/print"),
        "/console/audit".to_string(),
        "/console/licences?q=%3Cscript%3E".to_string(),
    ] {
        let page = b.get(&p);
        assert_eq!(page.status, 200, "{p}: {}", page.body);
        for raw in ["<script>alert", "<img src=x"] {
            assert!(!page.body.contains(raw), "{p} shows raw {raw}");
        }
    }
    // The licence page and search show the escaped text.
    let page = b.get(&path);
    assert!(page
        .body
        .contains("&lt;script&gt;alert('th')&lt;/script&gt;"));
    assert!(page
        .body
        .contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
    assert!(b
        .get("/console/licences?q=script")
        .body
        .contains("&lt;script&gt;"));
    // The CSV export keeps the text and defuses formulas.
    let r = issue(
        &mut b,
        &form_for("สน.2/2569", "=HYPERLINK(\"http://x\")", "@SUM(A1)"),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let csv = b.get("/console/licences.csv?q=");
    assert_eq!(csv.status, 200);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    assert!(csv.body.starts_with('\u{feff}'));
    assert!(csv.body.contains("'=HYPERLINK"), "{}", csv.body);
    assert!(csv.body.contains("'@SUM(A1)"));
    assert!(csv.body.contains("<script>alert('th')</script>"));
    assert_eq!(csv.body.lines().count(), 3);
    // The public licence page (the same renderer) too.
    let page = svc.get(&public, &[("accept", "text/html")]);
    assert_eq!(page.status, 200);
    assert!(page.content_type.starts_with("text/html"));
    assert!(!page.body.contains("<script>alert"));
    assert!(page.body.contains("&lt;script&gt;"));
    // A hostile display name of a new user, through the admin page.
    let csrf = b.get("/console/users").csrf();
    let r = b.post(
        "/console/users",
        &[
            ("csrf", &csrf),
            ("username", "evil"),
            ("display_name", "<script>x()</script>"),
            ("role", "viewer"),
            ("password", "0123456789ab"),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(!r.body.contains("<script>x()"));
    assert!(r.body.contains("&lt;script&gt;x()"));
}

fn resolver(svc: &Service) -> OfflineResolver {
    let docs = ["bangrak", "chiangmai"]
        .iter()
        .map(|c| svc.get(&format!("/agencies/{c}/did.json"), &[]).json())
        .collect();
    OfflineResolver::with_documents(docs).unwrap()
}

fn revocation_bit(svc: &Service, credential: &Value) -> bool {
    let entry = credential["credentialStatus"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["statusPurpose"] == "revocation")
        .unwrap()
        .clone();
    let list = svc
        .get(
            &svc.local(entry["statusListCredential"].as_str().unwrap())
                .replace(&svc.url(""), ""),
            &[],
        )
        .json();
    proof::verify(&list, &resolver(svc), "assertionMethod", None).unwrap();
    let bits =
        Bitstring::decode(list["credentialSubject"]["encodedList"].as_str().unwrap()).unwrap();
    let index: u64 = entry["statusListIndex"].as_str().unwrap().parse().unwrap();
    bits.get(index).unwrap()
}

#[test]
fn issue_by_form_verify_find_and_revoke_with_the_person_in_the_audit_log() {
    let svc = start("");
    let issuer = user(&svc, "bangrak", "wanna", Role::Issuer);
    let revoker = user(&svc, "bangrak", "prasert", Role::Revoker);
    let mut ib = Browser::new(&svc);
    ib.sign_in(&issuer);

    // The form is driven by the catalogue: a hotel needs the English address.
    let hotel = ib.get("/console/issue?type=hotel");
    assert!(hotel
        .body
        .contains("name=\"address_en\" rows=\"3\" required"));
    let food = ib.get("/console/issue?type=food-sale");
    assert!(food.body.contains("name=\"address_en\" rows=\"3\">"));
    assert!(food.body.contains("id=\"juristic_id-live\""));

    // A wrong check digit is refused server-side, naming the field.
    let mut bad = form_for("สน.5/2569", "บริษัท ครัวไทย จำกัด", "Thai Kitchen Co., Ltd.");
    bad[2].1 = "0105536112015".into();
    let r = issue(&mut ib, &bad);
    assert_eq!(r.status, 422);
    assert!(r.body.contains("id=\"juristic_id-live\""));
    assert!(r.body.contains("หลักสุดท้าย"));
    assert_eq!(credentials(&svc), 0);

    // Dates in the Buddhist Era and Gregorian, through the API's issuance.
    let r = issue(
        &mut ib,
        &form_for("สน.5/2569", "บริษัท ครัวไทย จำกัด", "Thai Kitchen Co., Ltd."),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let path = r
        .header("location")
        .unwrap()
        .trim_end_matches("?issued=1")
        .to_string();
    let page = ib.get(&format!("{path}?issued=1"));
    assert!(page.body.contains("ออกใบอนุญาตเรียบร้อยแล้ว"));
    assert!(page.body.contains("/print"));
    let iri_at = page.body.find("href=\"/agencies/").unwrap();
    let public = {
        let rest = &page.body[iri_at + 6..];
        rest[..rest.find('"').unwrap()].to_string()
    };
    let vc = svc.get(&public, &[("accept", "application/vc")]).json();
    let year = this_year();
    assert_eq!(vc["validFrom"], format!("{year}-01-01T00:00:00+07:00"));
    assert_eq!(
        vc["validUntil"],
        format!("{}-12-31T23:59:59+07:00", year + 1)
    );
    assert_eq!(
        vc["credentialSubject"]["licensee"]["legalName"]["th"],
        "บริษัท ครัวไทย จำกัด"
    );
    proof::verify(&vc, &resolver(&svc), "assertionMethod", None).unwrap();
    let v = svc.post_json(
        "/credentials/verify",
        None,
        &json!({"verifiableCredential": vc}),
    );
    assert_eq!(v.status, 200, "{}", v.body);
    assert!(!revocation_bit(&svc, &vc));
    // The printable page renders.
    let print = ib.get(&format!("{path}/print"));
    assert_eq!(print.status, 200);
    assert!(print.body.contains("สน.5/2569"));

    // Found by number, juristic ID, part of the Thai name, English name.
    let mut rb = Browser::new(&svc);
    rb.sign_in(&revoker);
    for q in ["สน.5/2569", "0105536112014", "ครัวไทย", "thai kitchen"] {
        let url = format!(
            "/console/licences?q={}",
            serde_urlencoded::to_string([("", q)])
                .unwrap()
                .trim_start_matches('=')
        );
        let found = rb.get(&url);
        assert!(
            found.body.contains(&format!("href=\"{path}\"")),
            "{q}: {}",
            found.body
        );
    }
    assert!(!rb.get("/console/licences?q=ไม่มีชื่อนี้").body.contains(&path));

    // Revoke: confirmation page, then the POST with a reason.
    let confirm = rb.get(&format!("{path}/status/revoke"));
    assert_eq!(confirm.status, 200);
    assert!(confirm.body.contains("ถาวร"));
    let csrf = confirm.csrf();
    // Without confirming, nothing happens.
    let r = rb.post(
        &format!("{path}/status/revoke"),
        &[("csrf", &csrf), ("reason", "ขายอาหารไม่สะอาด")],
    );
    assert_eq!(r.status, 422);
    assert!(!revocation_bit(&svc, &vc));
    let r = rb.post(
        &format!("{path}/status/revoke"),
        &[
            ("csrf", &csrf),
            ("confirm", "yes"),
            ("reason", "ขายอาหารไม่สะอาด"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(revocation_bit(&svc, &vc));
    // Status and type filters.
    let link = format!("href=\"{path}\"");
    assert!(rb
        .get("/console/licences?q=%E0%B8%84%E0%B8%A3%E0%B8%B1%E0%B8%A7&status=revoked")
        .body
        .contains(&link));
    assert!(!rb
        .get("/console/licences?q=&status=active")
        .body
        .contains(&link));
    assert!(rb
        .get("/console/licences?type=food-sale")
        .body
        .contains(&link));
    assert!(!rb.get("/console/licences?type=hotel").body.contains(&link));
    let page = rb.get(&path);
    assert!(page.body.contains("ถูกเพิกถอน"));
    assert!(page.body.contains("ขายอาหารไม่สะอาด"));
    // Revocation is final: no reinstating.
    let r = rb.post(
        &format!("{path}/status/reinstate"),
        &[("csrf", &csrf), ("confirm", "yes"), ("reason", "x")],
    );
    assert_eq!(r.status, 409);

    // The audit log names the people.
    let conn = store::open(&svc.config.database, svc.config.durability).unwrap();
    let (issue_actor, revoke_actor, reason): (String, String, String) = conn
        .sqlite_only()
        .unwrap()
        .query_row(
            "SELECT (SELECT actor FROM audit WHERE action = 'issue' AND subject = ?1),
                    (SELECT actor FROM audit WHERE action = 'revoke' AND subject = ?1),
                    (SELECT detail FROM audit WHERE action = 'revoke' AND subject = ?1)",
            [vc["id"].as_str().unwrap()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert!(
        issue_actor.starts_with("user:") && issue_actor.ends_with(":wanna"),
        "{issue_actor}"
    );
    assert!(revoke_actor.ends_with(":prasert"), "{revoke_actor}");
    assert_eq!(reason, "ขายอาหารไม่สะอาด");
}

#[test]
fn agency_admins_manage_their_accounts() {
    let svc = start("");
    let admin = user(&svc, "bangrak", "it-admin", Role::Admin);
    let mut b = Browser::new(&svc);
    b.sign_in(&admin);
    let csrf = b.get("/console/users").csrf();
    let r = b.post(
        "/console/users",
        &[
            ("csrf", &csrf),
            ("username", "newbie"),
            ("display_name", "สมหญิง ใจดี"),
            ("role", "issuer"),
            ("password", "0123456789ab"),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    // The TOTP key is shown once; the new person signs in with it.
    let at = r.body.find("class=\"totp-secret\">").unwrap() + "class=\"totp-secret\">".len();
    let secret_b32 = &r.body[at..at + r.body[at..].find('<').unwrap()];
    let secret = data_encoding::BASE32_NOPAD
        .decode(secret_b32.as_bytes())
        .unwrap();
    let newbie = User {
        username: "newbie".into(),
        secret: Some(secret),
        last_step: Default::default(),
    };
    let conn = store::open(&svc.config.database, svc.config.durability).unwrap();
    let n = accounts::account_by_username(&conn, "newbie")
        .unwrap()
        .unwrap();
    assert_eq!(n.role, Role::Issuer);
    let mut nb = Browser::new(&svc);
    nb.sign_in_with("newbie", "0123456789ab", &code_of(&newbie));
    assert_eq!(nb.get("/console/issue").status, 200);

    // Disabling ends the person's session at once.
    let r = b.post("/console/users/newbie/disable", &[("csrf", &csrf)]);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(nb.get("/console/").status, 303);
    // Another agency's account is out of reach.
    user(&svc, "chiangmai", "cm-user", Role::Viewer);
    assert_eq!(
        b.post("/console/users/cm-user/disable", &[("csrf", &csrf)])
            .status,
        404
    );
    assert!(
        !accounts::account_by_username(&conn, "cm-user")
            .unwrap()
            .unwrap()
            .disabled
    );
    // Every step is in the audit log with the admin as actor.
    let actor: String = conn
        .sqlite_only()
        .unwrap()
        .query_row(
            "SELECT actor FROM audit WHERE action = 'account.disable' AND subject = 'newbie'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(actor.ends_with(":it-admin"));
}
