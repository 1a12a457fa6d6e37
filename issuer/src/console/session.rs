//! Server-side sessions and CSRF tokens.
//!
//! The cookie holds 256 random bits; the database holds only their SHA-256,
//! the account, a synchroniser CSRF token and the expiry. A session ends
//! after [`IDLE_SECONDS`] without use or [`ABSOLUTE_SECONDS`] after sign-in,
//! whichever is first. Signing in always starts a new session (a session id
//! planted before sign-in is never promoted), and so does signing out.

use axum::http::{header, HeaderMap, HeaderValue};
use rand_core::{OsRng, RngCore};
use rusqlite::{params, OptionalExtension};

use crate::db::Connection;
use zeroize::Zeroizing;

use super::accounts::{account_by_id, Account};
use crate::crypto::{hashes_equal, token_hash};
use crate::error::IssuerError;

/// The session cookie's name.
pub const COOKIE: &str = "elicence_console";
/// Idle time after which a session ends.
pub const IDLE_SECONDS: i64 = 30 * 60;
/// Longest life of a session.
pub const ABSOLUTE_SECONDS: i64 = 12 * 60 * 60;

/// A live session.
#[derive(Debug, Clone)]
pub struct Session {
    /// SHA-256 of the cookie value (the row's key).
    pub id_hash: String,
    /// The synchroniser token every form of this session carries.
    pub csrf: String,
    /// The signed-in person; `None` before sign-in (the sign-in form's own
    /// CSRF token lives in such a session).
    pub account: Option<Account>,
    /// When it ends unless used.
    pub expires_at: i64,
    created_at: i64,
}

impl Session {
    /// Whether `given` is this session's CSRF token (constant time).
    pub fn csrf_ok(&self, given: Option<&str>) -> bool {
        given.is_some_and(|g| hashes_equal(g, &self.csrf))
    }
}

fn random_b64() -> Zeroizing<String> {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;
    let mut bytes = Zeroizing::new([0u8; 32]);
    OsRng.fill_bytes(bytes.as_mut());
    Zeroizing::new(URL_SAFE_NO_PAD.encode(bytes.as_ref()))
}

/// The value of cookie `name` in the request, if any.
pub fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
}

/// Starts a session (for `account`, or anonymous before sign-in) and
/// returns the cookie value, shown only to the browser. Expired sessions
/// are swept at the same time.
pub fn create(
    db: &Connection,
    account: Option<&Account>,
    now: i64,
) -> Result<(Zeroizing<String>, Session), IssuerError> {
    let conn = db.sqlite_only()?;
    conn.execute(
        "DELETE FROM console_sessions WHERE expires_at <= ?1",
        params![now],
    )?;
    let secret = random_b64();
    let csrf = random_b64();
    let id_hash = token_hash(&secret);
    let expires_at = now + IDLE_SECONDS;
    conn.execute(
        "INSERT INTO console_sessions(id_hash, account, csrf, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id_hash, account.map(|a| a.id.as_str()), csrf.as_str(), now, expires_at],
    )?;
    Ok((
        secret,
        Session {
            id_hash,
            csrf: csrf.to_string(),
            account: account.cloned(),
            expires_at,
            created_at: now,
        },
    ))
}

/// The live session named by the request's cookie, if any. A session whose
/// account was disabled since is ended; a used session's idle expiry moves on.
pub fn load(
    db: &Connection,
    headers: &HeaderMap,
    now: i64,
) -> Result<Option<Session>, IssuerError> {
    let conn = db.sqlite_only()?;
    let Some(secret) = cookie(headers, COOKIE) else {
        return Ok(None);
    };
    let id_hash = token_hash(secret);
    let row: Option<(Option<String>, String, i64, i64)> = conn
        .prepare_cached(
            "SELECT account, csrf, created_at, expires_at FROM console_sessions WHERE id_hash = ?1",
        )?
        .query_row(params![id_hash], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?;
    let Some((account_id, csrf, created_at, expires_at)) = row else {
        return Ok(None);
    };
    if expires_at <= now || now - created_at >= ABSOLUTE_SECONDS {
        end(db, &id_hash)?;
        return Ok(None);
    }
    let account = match account_id {
        None => None,
        Some(id) => match account_by_id(db, &id)? {
            Some(a) if !a.disabled => Some(a),
            _ => {
                end(db, &id_hash)?;
                return Ok(None);
            }
        },
    };
    let mut session = Session {
        id_hash,
        csrf,
        account,
        expires_at,
        created_at,
    };
    let renewed = (now + IDLE_SECONDS).min(session.created_at + ABSOLUTE_SECONDS);
    if renewed - session.expires_at >= 60 {
        conn.execute(
            "UPDATE console_sessions SET expires_at = ?2 WHERE id_hash = ?1",
            params![session.id_hash, renewed],
        )?;
        session.expires_at = renewed;
    }
    Ok(Some(session))
}

/// Ends a session.
pub fn end(db: &Connection, id_hash: &str) -> Result<(), IssuerError> {
    let conn = db.sqlite_only()?;
    conn.execute(
        "DELETE FROM console_sessions WHERE id_hash = ?1",
        params![id_hash],
    )?;
    Ok(())
}

/// The `Set-Cookie` value for a session: HttpOnly (no script reads it),
/// SameSite=Strict (no other site's page sends it), path `/console`, and
/// Secure unless the service's public URL is plain http (local trials).
pub fn set_cookie(secret: &str, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE}={secret}; Path=/console; HttpOnly; SameSite=Strict; Max-Age={ABSOLUTE_SECONDS}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("elicence_console=; Path=/console; Max-Age=0"))
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie(secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE}=; Path=/console; HttpOnly; SameSite=Strict; Max-Age=0{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("elicence_console=; Path=/console; Max-Age=0"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::console::accounts::{add_account, disable_account, NewAccount, Role};

    fn db() -> (tempfile::TempDir, Connection, Account) {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::store::open(&dir.path().join("t.db"), crate::config::Durability::Normal)
            .unwrap();
        conn.sqlite_only().unwrap().execute(
            "INSERT INTO agencies(code, name_th, name_en, created_at) VALUES ('a', 'ก', 'A', 'now')",
            [],
        )
        .unwrap();
        let master = crate::crypto::MasterKey::parse(&"11".repeat(32)).unwrap();
        let account = add_account(
            &conn,
            &master,
            &NewAccount {
                agency: "a",
                username: "somchai",
                display_name: "สมชาย",
                role: Role::Viewer,
                password: "0123456789ab",
            },
            "admin:test",
        )
        .unwrap()
        .account;
        (dir, conn, account)
    }

    fn headers(secret: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("other=1; {COOKIE}={secret}")).unwrap(),
        );
        h
    }

    #[test]
    fn sessions_end_when_idle_or_old_and_only_the_hash_is_stored() {
        let (_dir, conn, account) = db();
        let t0 = 1_800_000_000;
        let (secret, s) = create(&conn, Some(&account), t0).unwrap();
        let stored: i64 = conn
            .sqlite_only()
            .unwrap()
            .query_row(
                "SELECT COUNT(*) FROM console_sessions WHERE id_hash = ?1",
                [secret.as_str()],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(stored, 0, "the cookie value itself is never stored");
        let loaded = load(&conn, &headers(&secret), t0 + 60).unwrap().unwrap();
        assert_eq!(loaded.account.as_ref().unwrap().username, "somchai");
        assert!(loaded.csrf_ok(Some(&s.csrf)));
        assert!(!loaded.csrf_ok(Some("x")) && !loaded.csrf_ok(None));
        // Used every 20 minutes it lives on, until the absolute limit.
        let mut t = t0;
        while t + 20 * 60 < t0 + ABSOLUTE_SECONDS {
            t += 20 * 60;
            assert!(
                load(&conn, &headers(&secret), t).unwrap().is_some(),
                "at {t}"
            );
        }
        assert!(load(&conn, &headers(&secret), t0 + ABSOLUTE_SECONDS)
            .unwrap()
            .is_none());
        // Idle past the limit: gone.
        let (secret, _) = create(&conn, Some(&account), t0).unwrap();
        assert!(load(&conn, &headers(&secret), t0 + IDLE_SECONDS)
            .unwrap()
            .is_none());
        assert!(load(&conn, &headers("made-up"), t0).unwrap().is_none());
    }

    #[test]
    fn disabling_an_account_ends_its_sessions() {
        let (_dir, conn, account) = db();
        let (secret, _) = create(&conn, Some(&account), 1_800_000_000).unwrap();
        disable_account(&conn, None, "somchai", "admin:test").unwrap();
        assert!(load(&conn, &headers(&secret), 1_800_000_001)
            .unwrap()
            .is_none());
    }

    #[test]
    fn cookies_are_http_only_strict_and_secure() {
        let c = set_cookie("abc", true);
        let c = c.to_str().unwrap();
        for attr in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/console"] {
            assert!(c.contains(attr), "{c}");
        }
        assert!(!set_cookie("abc", false)
            .to_str()
            .unwrap()
            .contains("Secure"));
        assert!(clear_cookie(true).to_str().unwrap().contains("Max-Age=0"));
    }
}
