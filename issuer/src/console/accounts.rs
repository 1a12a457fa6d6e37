//! Console accounts: people of one agency with one role, an Argon2id password
//! hash and (for every role that can change something) a TOTP secret sealed
//! under the master key. Shared by the console pages and `elicence user …`.
//!
//! Failed sign-ins are counted per account: [`MAX_FAILURES`] in a row lock it
//! for [`LOCK_SECONDS`], and every failure after that doubles the lock (up to
//! a day). A success resets the count; an admin can unlock at once.

use std::fmt;
use std::str::FromStr;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand_core::{OsRng, RngCore};
use rusqlite::{params, OptionalExtension};

use crate::db::Connection;
use serde::Serialize;
use zeroize::Zeroizing;

use super::totp;
use crate::crypto::{random_id, MasterKey};
use crate::error::IssuerError;
use crate::store::{audit, now_string};

/// The console's tables (created with the rest of the schema).
pub const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS console_accounts(
  id TEXT PRIMARY KEY,
  agency TEXT NOT NULL REFERENCES agencies(code),
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'issuer', 'revoker', 'viewer')),
  password_hash TEXT NOT NULL,
  totp_sealed BLOB,
  totp_last_step INTEGER NOT NULL DEFAULT 0,
  failed_attempts INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER NOT NULL DEFAULT 0,
  disabled_at TEXT,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS console_sessions(
  id_hash TEXT PRIMARY KEY,
  account TEXT REFERENCES console_accounts(id),
  csrf TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS console_sessions_account ON console_sessions(account);
"#;

/// Failed sign-ins in a row that lock an account.
pub const MAX_FAILURES: i64 = 5;
/// The first lock's length; each further failure doubles it.
pub const LOCK_SECONDS: i64 = 15 * 60;
/// The longest lock.
pub const MAX_LOCK_SECONDS: i64 = 24 * 60 * 60;
/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// What an account may do in its agency's console.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Everything below, and the agency's accounts and audit log.
    Admin,
    /// Issues licences (and reads).
    Issuer,
    /// Revokes, suspends and reinstates (and reads), but never issues: the
    /// person who grants is not the person who takes away.
    Revoker,
    /// Finds and reads licences only.
    Viewer,
}

impl Role {
    /// Every role, most powerful first.
    pub const ALL: [Role; 4] = [Role::Admin, Role::Issuer, Role::Revoker, Role::Viewer];

    /// Its name in the database and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Issuer => "issuer",
            Role::Revoker => "revoker",
            Role::Viewer => "viewer",
        }
    }

    /// Roles that change licences or accounts need a second factor.
    pub fn needs_totp(self) -> bool {
        self != Role::Viewer
    }

    /// May issue licences.
    pub fn can_issue(self) -> bool {
        matches!(self, Role::Admin | Role::Issuer)
    }

    /// May revoke, suspend and reinstate.
    pub fn can_change_status(self) -> bool {
        matches!(self, Role::Admin | Role::Revoker)
    }

    /// May manage accounts and read the audit log.
    pub fn can_administer(self) -> bool {
        self == Role::Admin
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Role {
    type Err = IssuerError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.name() == s)
            .ok_or_else(|| {
                IssuerError::InvalidAccount(format!(
                    "unknown role `{s}` (use admin, issuer, revoker, viewer)"
                ))
            })
    }
}

/// An account as listed (never with its secrets).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Account {
    /// Random id: the audit actor is `user:ID:USERNAME`.
    pub id: String,
    /// The only agency it acts for.
    pub agency: String,
    /// Sign-in name, unique in the service.
    pub username: String,
    /// The person's name as shown.
    pub display_name: String,
    /// What it may do.
    pub role: Role,
    /// Disabled accounts cannot sign in (kept for the audit trail).
    pub disabled: bool,
    /// Unix time until which sign-in is refused (0: not locked).
    pub locked_until: i64,
    /// Failed sign-ins in a row.
    pub failed_attempts: i64,
    /// Whether a TOTP secret is enrolled.
    pub has_totp: bool,
    /// When it was created.
    pub created_at: String,
}

impl Account {
    /// The actor recorded in the audit log for what this person does.
    pub fn actor(&self) -> String {
        format!("user:{}:{}", self.id, self.username)
    }
}

const ACCOUNT_COLUMNS: &str = "id, agency, username, display_name, role, disabled_at IS NOT NULL, \
     locked_until, failed_attempts, totp_sealed IS NOT NULL, created_at";

fn row_to_account(r: &rusqlite::Row<'_>) -> rusqlite::Result<Account> {
    let role: String = r.get(4)?;
    Ok(Account {
        id: r.get(0)?,
        agency: r.get(1)?,
        username: r.get(2)?,
        display_name: r.get(3)?,
        // The schema's CHECK admits only the four names.
        role: role.parse().unwrap_or(Role::Viewer),
        disabled: r.get(5)?,
        locked_until: r.get(6)?,
        failed_attempts: r.get(7)?,
        has_totp: r.get(8)?,
        created_at: r.get(9)?,
    })
}

/// What an admin gives to create an account.
#[derive(Debug, Clone)]
pub struct NewAccount<'a> {
    /// The agency it acts for.
    pub agency: &'a str,
    /// Sign-in name: 3-64 of `a-z 0-9 . _ -`.
    pub username: &'a str,
    /// The person's name (any script).
    pub display_name: &'a str,
    /// Its role.
    pub role: Role,
    /// The first password (at least [`MIN_PASSWORD_CHARS`] characters).
    pub password: &'a str,
}

/// A created account and, for roles that need one, its TOTP secret: shown
/// once (to enrol an authenticator app), stored only sealed.
#[derive(Debug)]
pub struct Created {
    /// The account.
    pub account: Account,
    /// The raw TOTP secret, if the role needs one.
    pub totp_secret: Option<Zeroizing<Vec<u8>>>,
}

fn check_username(name: &str) -> Result<(), IssuerError> {
    let ok = (3..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
        && name
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphanumeric());
    if ok {
        Ok(())
    } else {
        Err(IssuerError::InvalidAccount(
            "user name: 3-64 of a-z 0-9 . _ -, starting with a letter or digit".into(),
        ))
    }
}

fn check_display_name(name: &str) -> Result<(), IssuerError> {
    if name.trim().is_empty()
        || name.trim() != name
        || name.chars().count() > 200
        || name.chars().any(char::is_control)
    {
        return Err(IssuerError::InvalidAccount(
            "display name: 1-200 characters, no surrounding spaces or control characters".into(),
        ));
    }
    Ok(())
}

/// Checks a new password's length (characters, not bytes: Thai counts).
pub fn check_password(password: &str) -> Result<(), IssuerError> {
    if password.chars().count() < MIN_PASSWORD_CHARS || password.len() > 1024 {
        return Err(IssuerError::InvalidAccount(format!(
            "password: at least {MIN_PASSWORD_CHARS} characters (at most 1 KiB)"
        )));
    }
    Ok(())
}

/// The PHC string of `password` under Argon2id with the crate's default
/// (OWASP-recommended) parameters and a random salt.
pub fn hash_password(password: &str) -> Result<String, IssuerError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| IssuerError::InvalidAccount(format!("password hashing: {e}")))
}

fn password_matches(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash of a password nobody has: unknown user names cost as much time as
/// known ones, so timing does not tell which names exist.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("no account has this password").unwrap_or_default())
}

/// Re-encrypts every enrolled TOTP secret from master key `old` to `new`,
/// as part of a master-key rotation (inside its transaction): without it,
/// nobody could sign in to the console after the rotation. Secrets already
/// under `new` are left alone; one that opens with neither stops the
/// rotation. PostgreSQL databases have no console tables: nothing to do.
pub fn reseal_totp_secrets(
    db: &Connection,
    old: &MasterKey,
    new: &MasterKey,
) -> Result<usize, IssuerError> {
    let Some(conn) = db.as_sqlite() else {
        return Ok(0);
    };
    let rows: Vec<(String, String, Vec<u8>)> = conn
        .prepare(
            "SELECT id, agency, totp_sealed FROM console_accounts
             WHERE totp_sealed IS NOT NULL ORDER BY id",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    let mut count = 0;
    for (id, agency, sealed) in rows {
        let key_id = totp_key_id(&id);
        let secret = match old.open(&agency, &key_id, &sealed) {
            Ok(secret) => secret,
            Err(IssuerError::Decrypt) if new.open(&agency, &key_id, &sealed).is_ok() => continue,
            Err(e) => return Err(e),
        };
        let resealed = new.seal(&agency, &key_id, &secret)?;
        conn.execute(
            "UPDATE console_accounts SET totp_sealed = ?2 WHERE id = ?1",
            params![id, resealed],
        )?;
        count += 1;
    }
    Ok(count)
}

fn totp_key_id(account_id: &str) -> String {
    format!("console-totp:{account_id}")
}

fn new_secret() -> Zeroizing<Vec<u8>> {
    let mut secret = Zeroizing::new(vec![0u8; totp::SECRET_BYTES]);
    OsRng.fill_bytes(secret.as_mut_slice());
    secret
}

/// Creates an account. The TOTP secret (roles other than viewer) is returned
/// once and stored sealed under the master key.
pub fn add_account(
    db: &Connection,
    master: &MasterKey,
    new: &NewAccount<'_>,
    actor: &str,
) -> Result<Created, IssuerError> {
    let conn = db.sqlite_only()?;
    check_username(new.username)?;
    check_display_name(new.display_name)?;
    check_password(new.password)?;
    let agency_exists: bool = conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM agencies WHERE code = ?1)",
        params![new.agency],
        |r| r.get(0),
    )?;
    if !agency_exists {
        return Err(IssuerError::UnknownAgency(new.agency.to_string()));
    }
    let taken: bool = conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM console_accounts WHERE username = ?1)",
        params![new.username],
        |r| r.get(0),
    )?;
    if taken {
        return Err(IssuerError::InvalidAccount(format!(
            "user name `{}` is taken",
            new.username
        )));
    }
    let id = random_id();
    let hash = hash_password(new.password)?;
    let secret = new.role.needs_totp().then(new_secret);
    let sealed = match &secret {
        Some(s) => Some(master.seal(new.agency, &totp_key_id(&id), s)?),
        None => None,
    };
    conn.execute(
        "INSERT INTO console_accounts(id, agency, username, display_name, role, password_hash, totp_sealed, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![id, new.agency, new.username, new.display_name, new.role.name(), hash, sealed, now_string()],
    )?;
    audit(
        db,
        Some(new.agency),
        actor,
        "account.create",
        Some(new.username),
        Some(new.role.name()),
    )?;
    let account = account_by_username(db, new.username)?
        .ok_or_else(|| IssuerError::UnknownAccount(new.username.to_string()))?;
    Ok(Created {
        account,
        totp_secret: secret,
    })
}

/// An account by id.
pub fn account_by_id(db: &Connection, id: &str) -> Result<Option<Account>, IssuerError> {
    let conn = db.sqlite_only()?;
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM console_accounts WHERE id = ?1");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![id], row_to_account)
        .optional()?)
}

/// An account by user name.
pub fn account_by_username(
    db: &Connection,
    username: &str,
) -> Result<Option<Account>, IssuerError> {
    let conn = db.sqlite_only()?;
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM console_accounts WHERE username = ?1");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![username], row_to_account)
        .optional()?)
}

/// Every account, or one agency's, by user name.
pub fn list_accounts(db: &Connection, agency: Option<&str>) -> Result<Vec<Account>, IssuerError> {
    let conn = db.sqlite_only()?;
    let sql = format!(
        "SELECT {ACCOUNT_COLUMNS} FROM console_accounts WHERE ?1 IS NULL OR agency = ?1 ORDER BY agency, username"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params![agency], row_to_account)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The account `username`, which must belong to `agency` when one is given
/// (an agency admin cannot touch another agency's accounts).
fn scoped(db: &Connection, agency: Option<&str>, username: &str) -> Result<Account, IssuerError> {
    match account_by_username(db, username)? {
        Some(a) if agency.is_none_or(|g| g == a.agency) => Ok(a),
        _ => Err(IssuerError::UnknownAccount(username.to_string())),
    }
}

/// Disables an account: it cannot sign in, and its sessions end now.
pub fn disable_account(
    db: &Connection,
    agency: Option<&str>,
    username: &str,
    actor: &str,
) -> Result<Account, IssuerError> {
    let conn = db.sqlite_only()?;
    let account = scoped(db, agency, username)?;
    conn.execute(
        "UPDATE console_accounts SET disabled_at = COALESCE(disabled_at, ?2) WHERE id = ?1",
        params![account.id, now_string()],
    )?;
    conn.execute(
        "DELETE FROM console_sessions WHERE account = ?1",
        params![account.id],
    )?;
    audit(
        db,
        Some(&account.agency),
        actor,
        "account.disable",
        Some(username),
        None,
    )?;
    scoped(db, agency, username)
}

/// Gives an account a new TOTP secret (a lost phone): returned once, sealed
/// in the database; its sessions end now.
pub fn reset_totp(
    db: &Connection,
    master: &MasterKey,
    agency: Option<&str>,
    username: &str,
    actor: &str,
) -> Result<Zeroizing<Vec<u8>>, IssuerError> {
    let conn = db.sqlite_only()?;
    let account = scoped(db, agency, username)?;
    let secret = new_secret();
    let sealed = master.seal(&account.agency, &totp_key_id(&account.id), &secret)?;
    conn.execute(
        "UPDATE console_accounts SET totp_sealed = ?2, totp_last_step = 0 WHERE id = ?1",
        params![account.id, sealed],
    )?;
    conn.execute(
        "DELETE FROM console_sessions WHERE account = ?1",
        params![account.id],
    )?;
    audit(
        db,
        Some(&account.agency),
        actor,
        "account.reset-totp",
        Some(username),
        None,
    )?;
    Ok(secret)
}

/// Clears failed sign-ins and any lock.
pub fn unlock(
    db: &Connection,
    agency: Option<&str>,
    username: &str,
    actor: &str,
) -> Result<(), IssuerError> {
    let conn = db.sqlite_only()?;
    let account = scoped(db, agency, username)?;
    conn.execute(
        "UPDATE console_accounts SET failed_attempts = 0, locked_until = 0 WHERE id = ?1",
        params![account.id],
    )?;
    audit(
        db,
        Some(&account.agency),
        actor,
        "account.unlock",
        Some(username),
        None,
    )?;
    Ok(())
}

/// The result of a sign-in attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignIn {
    /// Password (and code, where required) right: the account.
    Accepted(Account),
    /// Something was wrong (which, is not said).
    Refused,
    /// Too many failures: refused without looking, until this Unix time.
    Locked(i64),
}

/// How long the lock is after `failures` failures in a row (0: none).
pub fn lock_seconds(failures: i64) -> i64 {
    if failures < MAX_FAILURES {
        return 0;
    }
    let doublings = (failures - MAX_FAILURES).min(20) as u32;
    LOCK_SECONDS
        .saturating_mul(1i64 << doublings)
        .min(MAX_LOCK_SECONDS)
}

/// Checks a sign-in at Unix time `now`: password, then (for roles that need
/// it) a TOTP code newer than the last one accepted. Failures are counted and
/// lock the account; everything is in the audit log.
pub fn sign_in(
    db: &Connection,
    master: &MasterKey,
    username: &str,
    password: &str,
    code: &str,
    now: i64,
) -> Result<SignIn, IssuerError> {
    let conn = db.sqlite_only()?;
    let row: Option<(Account, String, Option<Vec<u8>>, i64)> = conn
        .query_row(
            &format!(
                "SELECT {ACCOUNT_COLUMNS}, password_hash, totp_sealed, totp_last_step
                 FROM console_accounts WHERE username = ?1"
            ),
            params![username],
            |r| Ok((row_to_account(r)?, r.get(10)?, r.get(11)?, r.get(12)?)),
        )
        .optional()?;
    let Some((account, phc, sealed, last_step)) = row else {
        let _ = password_matches(password, dummy_hash());
        return Ok(SignIn::Refused);
    };
    if account.locked_until > now {
        audit(
            db,
            Some(&account.agency),
            &account.actor(),
            "signin.locked",
            Some(&account.username),
            None,
        )?;
        return Ok(SignIn::Locked(account.locked_until));
    }
    let password_ok = password_matches(password, &phc);
    let step = if !password_ok || account.disabled {
        None
    } else if account.role.needs_totp() {
        match sealed {
            None => None,
            Some(sealed) => {
                let secret = master.open(&account.agency, &totp_key_id(&account.id), &sealed)?;
                totp::verify(&secret, code, now.max(0) as u64, last_step.max(0) as u64)
            }
        }
    } else {
        Some(last_step.max(0) as u64)
    };
    let Some(step) = step else {
        let failures = account.failed_attempts + 1;
        let lock = lock_seconds(failures);
        let until = if lock > 0 { now + lock } else { 0 };
        conn.execute(
            "UPDATE console_accounts SET failed_attempts = ?2, locked_until = ?3 WHERE id = ?1",
            params![account.id, failures, until],
        )?;
        let why = if account.disabled {
            "disabled"
        } else if password_ok {
            "code"
        } else {
            "password"
        };
        audit(
            db,
            Some(&account.agency),
            &account.actor(),
            "signin.fail",
            Some(&account.username),
            Some(why),
        )?;
        if lock > 0 {
            audit(
                db,
                Some(&account.agency),
                &account.actor(),
                "account.lock",
                Some(&account.username),
                Some(&format!("{lock} s after {failures} failures")),
            )?;
        }
        return Ok(SignIn::Refused);
    };
    conn.execute(
        "UPDATE console_accounts SET failed_attempts = 0, locked_until = 0, totp_last_step = ?2 WHERE id = ?1",
        params![account.id, step as i64],
    )?;
    audit(
        db,
        Some(&account.agency),
        &account.actor(),
        "signin",
        Some(&account.username),
        None,
    )?;
    Ok(SignIn::Accepted(account))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_split_issuing_from_revoking() {
        assert!(Role::Issuer.can_issue() && !Role::Issuer.can_change_status());
        assert!(Role::Revoker.can_change_status() && !Role::Revoker.can_issue());
        assert!(!Role::Viewer.can_issue() && !Role::Viewer.can_change_status());
        assert!(Role::Admin.can_issue() && Role::Admin.can_change_status());
        assert!(!Role::Viewer.needs_totp() && Role::Revoker.needs_totp());
        assert!("root".parse::<Role>().is_err());
    }

    #[test]
    fn locks_double_and_stop_at_a_day() {
        assert_eq!(lock_seconds(4), 0);
        assert_eq!(lock_seconds(5), 900);
        assert_eq!(lock_seconds(6), 1800);
        assert_eq!(lock_seconds(100), MAX_LOCK_SECONDS);
    }

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let phc = hash_password("correct horse battery").unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(password_matches("correct horse battery", &phc));
        assert!(!password_matches("correct horse batterY", &phc));
        assert!(!password_matches("x", "not a phc string"));
    }
}
