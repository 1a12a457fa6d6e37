//! A faithful port of the official W3C test suites (VC Data Model 2.0,
//! vc-di-eddsa, vc-di-ecdsa, Bitstring Status List) to Rust, run against the
//! real issuer service in-process. See `docs/conformance.md`.
//!
//! Each ported test keeps its suite's title and its inputs (fixtures under
//! `test-vectors/w3c-suites/`), sends the same VC API request the suite's
//! mocha code sends and makes the same assertion. What the suites do with
//! JavaScript libraries (signing presentations, generating broken proofs,
//! dereferencing did:key) is done here with our own core crate, which is
//! checked against the W3C vectors elsewhere.

#![allow(dead_code)]

pub mod di_assertion;
pub mod dm2;
pub mod ecdsa;
pub mod eddsa;
pub mod endpoint;
pub mod local;
pub mod status_list;

use std::collections::BTreeMap;
use std::path::PathBuf;

use elicence_core::keys::KeyAlgorithm;
use elicence_issuer::admin::{self, NewAgency, Scope};
use elicence_issuer::crypto::MasterKey;
use elicence_issuer::registry::DidMethod;
use elicence_issuer::store;
use serde_json::Value;

use crate::common::{self, Service};
pub use endpoint::Endpoint;

/// Why a test did not pass.
#[derive(Debug, Clone)]
pub enum Stop {
    /// An assertion failed (the message says which).
    Fail(String),
    /// The suite skips this test (`this.skip()`), with its reason.
    Skip(String),
}

/// A test body's result.
pub type T = Result<(), Stop>;

impl From<String> for Stop {
    fn from(s: String) -> Stop {
        Stop::Fail(s)
    }
}

impl From<&str> for Stop {
    fn from(s: &str) -> Stop {
        Stop::Fail(s.to_string())
    }
}

/// `should`/`assert`: fails with `msg` unless `cond`.
pub fn ensure(cond: bool, msg: impl Into<String>) -> T {
    if cond {
        Ok(())
    } else {
        Err(Stop::Fail(msg.into()))
    }
}

/// `assert.rejects(promise, msg)`: the call must have failed.
pub fn rejects<V>(r: Result<V, String>, msg: &str) -> T {
    match r {
        Err(_) => Ok(()),
        Ok(_) => Err(Stop::Fail(format!("{msg} (the call succeeded)"))),
    }
}

/// `assert.doesNotReject(promise, msg)`: the call must have succeeded.
pub fn does_not_reject<V>(r: Result<V, String>, msg: &str) -> T {
    match r {
        Ok(_) => Ok(()),
        Err(e) => Err(Stop::Fail(format!("{msg} ({e})"))),
    }
}

/// The outcome of one ported test.
#[derive(Debug, Clone)]
pub struct CaseResult {
    /// The suite (`vc-data-model-2.0`, ...).
    pub suite: &'static str,
    /// The enclosing `describe` titles, joined with ` › `.
    pub group: String,
    /// The `it` title, as in the suite.
    pub title: String,
    /// Pass, fail or skip.
    pub outcome: Result<(), Stop>,
}

impl CaseResult {
    /// The key used in `known-failures.json`.
    pub fn key(&self) -> String {
        format!("{} › {}", self.group, self.title)
    }
}

/// Collects results, suite by suite.
#[derive(Default)]
pub struct Report {
    pub cases: Vec<CaseResult>,
}

impl Report {
    /// Runs one test (`it`) and records it.
    pub fn it(&mut self, suite: &'static str, group: &str, title: &str, body: impl FnOnce() -> T) {
        // A panic in a test body (a JSON shape the port did not expect) is
        // that test's failure, as a thrown TypeError is in mocha.
        let outcome =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)).unwrap_or_else(|p| {
                let why = p
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                Err(Stop::Fail(format!("TypeError: {why}")))
            });
        self.cases.push(CaseResult {
            suite,
            group: group.to_string(),
            title: title.to_string(),
            outcome,
        });
    }

    /// Records a test whose `before` hook failed: mocha fails every test of
    /// the block with the hook's error.
    pub fn hook_failed(&mut self, suite: &'static str, group: &str, titles: &[&str], why: &str) {
        for title in titles {
            self.it(suite, group, title, || {
                Err(Stop::Fail(format!("\"before all\" hook failed: {why}")))
            });
        }
    }
}

/// One agency of the local implementation configuration.
#[derive(Debug, Clone)]
pub struct Agency {
    /// Its code.
    pub code: String,
    /// Its DID (the issuer `id` of the configuration).
    pub did: String,
    /// A token with the issue and revoke scopes.
    pub token: String,
}

/// The service under test and the local implementation configuration the
/// suites are run with: did:key agencies (Ed25519 for eddsa and the data
/// model suites, P-256 and P-384 for ecdsa) on a fresh database.
pub struct Env {
    pub svc: Service,
    /// `eddsa`, `p256` and (when the build has P-384) `p384`.
    pub agencies: BTreeMap<&'static str, Agency>,
    /// Why an agency could not be created (e.g. no P-384 in this build).
    pub missing: BTreeMap<&'static str, String>,
}

impl Env {
    /// Starts the service on a fresh database with the suites' agencies.
    pub fn start() -> Env {
        let dir = tempfile::tempdir().unwrap();
        let config = common::prepare(dir.path(), "");
        let master = MasterKey::load(&config.master_key).unwrap();
        let mut conn = store::open(&config.database, config.durability).unwrap();
        let mut agencies = BTreeMap::new();
        let mut missing = BTreeMap::new();
        for (name, code, alg) in [
            ("eddsa", "w3c-eddsa", "Ed25519"),
            ("p256", "w3c-p256", "P-256"),
            ("p384", "w3c-p384", "P-384"),
        ] {
            let algorithm: KeyAlgorithm = match alg.parse() {
                Ok(a) => a,
                Err(e) => {
                    missing.insert(name, format!("{alg} keys: {e}"));
                    continue;
                }
            };
            let summary = admin::add_agency(
                &mut conn,
                &master,
                common::ORIGIN,
                &NewAgency {
                    code,
                    name_th: "หน่วยงานทดสอบชุดทดสอบ W3C",
                    name_en: "W3C test suites agency",
                    algorithm,
                    did_method: DidMethod::Key,
                },
                "admin:w3c-suites",
            );
            match summary {
                Ok(s) => {
                    let token = common::token(&config, code, &[Scope::Issue, Scope::Revoke]);
                    agencies.insert(
                        name,
                        Agency {
                            code: code.to_string(),
                            did: s.did,
                            token,
                        },
                    );
                }
                Err(e) => {
                    missing.insert(name, format!("{alg} agency: {e}"));
                }
            }
        }
        drop(conn);
        let svc = common::start_with(dir, config);
        Env {
            svc,
            agencies,
            missing,
        }
    }

    /// The issuer endpoint of `agency` (`settings.id` its DID), with
    /// `options` as the configuration's `settings.options`.
    pub fn issuer(&self, agency: &str, options: Option<Value>) -> Result<Endpoint<'_>, String> {
        match self.agencies.get(agency) {
            Some(a) => Ok(Endpoint {
                svc: &self.svc,
                path: "/credentials/issue",
                id: Some(a.did.clone()),
                token: Some(a.token.clone()),
                options,
            }),
            None => Err(self
                .missing
                .get(agency)
                .cloned()
                .unwrap_or_else(|| format!("no agency {agency}"))),
        }
    }

    /// The credential verifier (`/credentials/verify`, no authentication).
    pub fn verifier(&self) -> Endpoint<'_> {
        Endpoint {
            svc: &self.svc,
            path: "/credentials/verify",
            id: None,
            token: None,
            options: None,
        }
    }

    /// The presentation verifier (`/presentations/verify`).
    pub fn vp_verifier(&self) -> Endpoint<'_> {
        Endpoint {
            svc: &self.svc,
            path: "/presentations/verify",
            id: None,
            token: None,
            options: None,
        }
    }

    /// Dereferences a URL the service published (a status list) the way the
    /// suites' document loader does: GET with `Accept: application/ld+json,
    /// application/json`, a JSON body or an error.
    pub fn fetch_json(&self, url: &str) -> Result<Value, String> {
        let path = url
            .strip_prefix(common::ORIGIN)
            .ok_or_else(|| format!("NotFoundError: {url} is not served here"))?;
        let r = self
            .svc
            .get(path, &[("accept", "application/ld+json, application/json")]);
        if r.status >= 400 {
            return Err(format!("NotFoundError: {url}: HTTP {}", r.status));
        }
        let is_json = r.content_type.starts_with("application/json")
            || r.content_type.starts_with("application/ld+json");
        if !is_json {
            return Err(format!(
                "{url}: answered {} which a JSON client does not parse",
                r.content_type
            ));
        }
        serde_json::from_str(&r.body).map_err(|e| format!("{url}: {e}"))
    }
}

/// `test-vectors/w3c-suites/<suite>/<path>`, parsed.
pub fn fixture(suite: &str, path: &str) -> Value {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../test-vectors/w3c-suites")
        .join(suite)
        .join(path);
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

/// The shared W3C test vectors beside the checkout (`ELICENCE_SHARED_VECTORS`
/// or `<workspace>/../shared/vectors`).
pub fn shared_vector(path: &str) -> Result<Value, String> {
    let base = std::env::var_os("ELICENCE_SHARED_VECTORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors"));
    let file = base.join(path);
    let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))
}

/// `new Date().toISOString()` without milliseconds: `YYYY-MM-DDTHH:MM:SSZ`.
pub fn iso_now() -> String {
    let now = time::OffsetDateTime::now_utc();
    let f = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    now.format(&f).unwrap()
}

/// `urn:uuid:` + a random v4 UUID.
pub fn urn_uuid() -> String {
    format!("urn:uuid:{}", elicence_issuer::issue::uuid_v4())
}

/// The object or the members of an array (`Array.isArray(x) ? x : [x]`).
pub fn as_list(v: Option<&Value>) -> Vec<Value> {
    match v {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a.clone(),
        Some(other) => vec![other.clone()],
    }
}

/// `/^[1-9A-HJ-NP-Za-km-z]+$/` (the suites' `shouldBeBs58`).
pub fn is_bs58(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".contains(&b))
}

/// `new URL(s)` succeeds: a scheme, a colon, and no spaces or other characters
/// the WHATWG parser refuses in these inputs.
pub fn parses_as_url(s: &str) -> bool {
    match s.split_once(':') {
        Some((scheme, _)) => {
            !scheme.is_empty()
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    }
}

/// The XML Schema 1.1 dateTimeStamp regular expression of
/// data-integrity-test-suite-assertion (`dateRegex`), matched anywhere in the
/// string as `should.match` does.
pub fn matches_date_regex(s: &str) -> bool {
    // -?([1-9][0-9]{3,}|0[0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])
    // T(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?|(24:00:00(\.0+)?))
    // (Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))
    let b = s.as_bytes();
    (0..b.len()).any(|start| date_at(&b[start..]))
}

fn date_at(b: &[u8]) -> bool {
    let d = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let at = |i: usize, c: u8| b.get(i) == Some(&c);
    let mut i = 0;
    // year: 4+ digits, no leading zero unless exactly 0ddd
    let year_len = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if year_len < 4 || (year_len > 4 && b[0] == b'0') {
        return false;
    }
    i += year_len;
    if !at(i, b'-') || !d(i + 1) || !d(i + 2) {
        return false;
    }
    let month = (b[i + 1] - b'0') * 10 + (b[i + 2] - b'0');
    if !(1..=12).contains(&month) {
        return false;
    }
    i += 3;
    if !at(i, b'-') || !d(i + 1) || !d(i + 2) {
        return false;
    }
    let day = (b[i + 1] - b'0') * 10 + (b[i + 2] - b'0');
    if !(1..=31).contains(&day) {
        return false;
    }
    i += 3;
    if !at(i, b'T') {
        return false;
    }
    i += 1;
    if !(d(i)
        && d(i + 1)
        && at(i + 2, b':')
        && d(i + 3)
        && d(i + 4)
        && at(i + 5, b':')
        && d(i + 6)
        && d(i + 7))
    {
        return false;
    }
    let hh = (b[i] - b'0') * 10 + (b[i + 1] - b'0');
    let mm = (b[i + 3] - b'0') * 10 + (b[i + 4] - b'0');
    let ss = (b[i + 6] - b'0') * 10 + (b[i + 7] - b'0');
    let midnight = hh == 24 && mm == 0 && ss == 0;
    if !(midnight || (hh <= 23 && mm <= 59 && ss <= 59)) {
        return false;
    }
    i += 8;
    if at(i, b'.') && d(i + 1) {
        i += 1;
        while d(i) {
            if midnight && b[i] != b'0' {
                return false;
            }
            i += 1;
        }
    }
    if at(i, b'Z') {
        return true;
    }
    if (at(i, b'+') || at(i, b'-'))
        && d(i + 1)
        && d(i + 2)
        && at(i + 3, b':')
        && d(i + 4)
        && d(i + 5)
    {
        let oh = (b[i + 1] - b'0') * 10 + (b[i + 2] - b'0');
        let om = (b[i + 4] - b'0') * 10 + (b[i + 5] - b'0');
        return (oh <= 13 && om <= 59) || (oh == 14 && om == 0);
    }
    false
}

/// `!isNaN(Date.parse(s))` for the values the suites feed it: an ISO 8601
/// date-time with or without offset.
pub fn js_date_parses(s: &str) -> bool {
    elicence_core::datetime::parse_strict(s).is_ok()
        || time::PrimitiveDateTime::parse(
            s,
            &time::format_description::well_known::Iso8601::DEFAULT,
        )
        .is_ok()
        || matches_date_regex(s)
}

/// Recorded failures: `test-vectors/w3c-suites/known-failures.json`, suite →
/// test key → the reason we keep it.
pub fn known_failures() -> BTreeMap<String, BTreeMap<String, String>> {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../test-vectors/w3c-suites/known-failures.json");
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}
