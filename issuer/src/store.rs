//! SQLite storage: schema, connections and the queries of every component.
//!
//! One file holds agencies, encrypted signing keys, hashed tokens, issued
//! credentials with their status entries, and the append-only audit log.
//! Uniqueness that must survive any crash is enforced by the schema itself:
//! one licence per (agency, licence type, number), one credential per
//! (agency, id), and one credential per (agency, status list, index).

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{params, OptionalExtension};

/// A database connection (re-exported for the admin CLI).
pub use rusqlite::Connection;

use crate::config::Durability;
use crate::error::IssuerError;

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS agencies(
  code TEXT PRIMARY KEY,
  name_th TEXT NOT NULL,
  name_en TEXT NOT NULL,
  created_at TEXT NOT NULL,
  did_method TEXT NOT NULL DEFAULT 'web'
);
CREATE TABLE IF NOT EXISTS signing_keys(
  id TEXT PRIMARY KEY,
  agency TEXT NOT NULL REFERENCES agencies(code),
  algorithm TEXT NOT NULL,
  public_multikey TEXT NOT NULL,
  sealed BLOB NOT NULL,
  not_before TEXT NOT NULL,
  not_after TEXT,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens(
  id TEXT PRIMARY KEY,
  agency TEXT NOT NULL REFERENCES agencies(code),
  hash TEXT NOT NULL UNIQUE,
  scopes TEXT NOT NULL,
  label TEXT,
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE TABLE IF NOT EXISTS credentials(
  seq INTEGER PRIMARY KEY,
  agency TEXT NOT NULL,
  id TEXT NOT NULL,
  type_code TEXT,
  number TEXT,
  request_hash TEXT,
  credential TEXT NOT NULL,
  status_list INTEGER,
  status_index INTEGER,
  revoked INTEGER NOT NULL DEFAULT 0,
  suspended INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  UNIQUE(agency, id),
  UNIQUE(agency, status_list, status_index)
);
CREATE UNIQUE INDEX IF NOT EXISTS licence_number
  ON credentials(agency, type_code, number) WHERE type_code IS NOT NULL;
CREATE TABLE IF NOT EXISTS audit(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  agency TEXT,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  subject TEXT,
  detail TEXT
);
CREATE TABLE IF NOT EXISTS registry_generation(
  only INTEGER PRIMARY KEY CHECK (only = 1),
  generation INTEGER NOT NULL
);
INSERT OR IGNORE INTO registry_generation(only, generation) VALUES (1, 0);
CREATE TRIGGER IF NOT EXISTS agencies_changed_insert AFTER INSERT ON agencies
  BEGIN UPDATE registry_generation SET generation = generation + 1; END;
CREATE TRIGGER IF NOT EXISTS agencies_changed_update AFTER UPDATE ON agencies
  BEGIN UPDATE registry_generation SET generation = generation + 1; END;
CREATE TRIGGER IF NOT EXISTS agencies_changed_delete AFTER DELETE ON agencies
  BEGIN UPDATE registry_generation SET generation = generation + 1; END;
CREATE TRIGGER IF NOT EXISTS keys_changed_insert AFTER INSERT ON signing_keys
  BEGIN UPDATE registry_generation SET generation = generation + 1; END;
CREATE TRIGGER IF NOT EXISTS keys_changed_update AFTER UPDATE ON signing_keys
  BEGIN UPDATE registry_generation SET generation = generation + 1; END;
CREATE TRIGGER IF NOT EXISTS keys_changed_delete AFTER DELETE ON signing_keys
  BEGIN UPDATE registry_generation SET generation = generation + 1; END;
CREATE TABLE IF NOT EXISTS health_probe(
  only INTEGER PRIMARY KEY CHECK (only = 1),
  at TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS audit_append_only_update BEFORE UPDATE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_append_only_delete BEFORE DELETE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"#;

/// Opens (creating if needed) the database with the schema, WAL journaling and
/// the configured durability. A new database file is created readable by its
/// owner only (0600), and so are its `-wal` and `-shm` files: it holds the
/// sealed signing keys, token hashes and every licence.
pub fn open(path: &Path, durability: Durability) -> Result<Connection, IssuerError> {
    create_private(path)?;
    let conn = Connection::open(path)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(
        None,
        "synchronous",
        match durability {
            Durability::Full => "FULL",
            Durability::Normal => "NORMAL",
        },
    )?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    add_missing_columns(&conn)?;
    conn.execute_batch(SCHEMA)?;
    conn.execute_batch(crate::console::accounts::SCHEMA)?;
    crate::console::search::migrate(&conn)?;
    // SQLite gives -wal/-shm the database file's mode; make sure of it.
    for suffix in ["-wal", "-shm"] {
        let mut side = path.as_os_str().to_owned();
        side.push(suffix);
        restrict_if_exists(Path::new(&side))?;
    }
    Ok(conn)
}

/// Brings a database created by an older version up to date (before the
/// schema text runs, which may refer to the new columns).
fn add_missing_columns(conn: &Connection) -> Result<(), IssuerError> {
    let has_agencies: bool = conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'agencies')",
        [],
        |r| r.get(0),
    )?;
    if !has_agencies {
        return Ok(());
    }
    let has_method: bool = conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM pragma_table_info('agencies') WHERE name = 'did_method')",
        [],
        |r| r.get(0),
    )?;
    if !has_method {
        let added = conn.execute(
            "ALTER TABLE agencies ADD COLUMN did_method TEXT NOT NULL DEFAULT 'web'",
            [],
        );
        // Another connection may have added it meanwhile.
        if let Err(e) = added {
            if !e.to_string().contains("duplicate column") {
                return Err(e.into());
            }
        }
    }
    Ok(())
}

/// Creates `path` empty with mode 0600 if it does not exist yet (never
/// truncating an existing file), so SQLite opens a private file instead of
/// creating one under the process umask.
fn create_private(path: &Path) -> Result<(), IssuerError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(IssuerError::Io(std::io::Error::new(
            e.kind(),
            format!("{}: {e}", path.display()),
        ))),
    }
}

/// Takes group and other permissions away from `path` if it exists.
fn restrict_if_exists(path: &Path) -> Result<(), IssuerError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path) {
            let mode = meta.permissions().mode();
            if mode & 0o077 != 0 {
                std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & 0o700))?;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// A small pool of read connections (WAL lets readers run beside the writer).
pub struct ReadPool {
    path: std::path::PathBuf,
    durability: Durability,
    idle: Mutex<Vec<Connection>>,
}

impl std::fmt::Debug for ReadPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadPool")
            .field("path", &self.path)
            .finish()
    }
}

impl ReadPool {
    /// A pool over the database at `path`.
    pub fn new(path: &Path, durability: Durability) -> ReadPool {
        ReadPool {
            path: path.to_path_buf(),
            durability,
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Runs `f` with a pooled connection.
    pub fn with<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, IssuerError>,
    ) -> Result<T, IssuerError> {
        let conn = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        let conn = match conn {
            Some(c) => c,
            None => open(&self.path, self.durability)?,
        };
        let result = f(&conn);
        if let Ok(mut idle) = self.idle.lock() {
            if idle.len() < 16 {
                idle.push(conn);
            }
        }
        result
    }
}

/// The current time as RFC 3339 UTC with seconds, for rows and proofs.
pub fn now_string() -> String {
    format_time(time::OffsetDateTime::now_utc())
}

/// Formats an instant as RFC 3339 UTC with whole seconds (`2026-01-01T00:00:00Z`).
pub fn format_time(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Appends one audit record.
pub fn audit(
    conn: &Connection,
    agency: Option<&str>,
    actor: &str,
    action: &str,
    subject: Option<&str>,
    detail: Option<&str>,
) -> Result<(), IssuerError> {
    conn.execute(
        "INSERT INTO audit(at, agency, actor, action, subject, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![now_string(), agency, actor, action, subject, detail],
    )?;
    Ok(())
}

/// One audit record, as read back.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditRecord {
    /// Position in the log.
    pub seq: i64,
    /// When (RFC 3339 UTC).
    pub at: String,
    /// The agency concerned, if any.
    pub agency: Option<String>,
    /// Who: `token:ID` or `admin:USER`.
    pub actor: String,
    /// What: `issue`, `revoke`, `suspend`, `reinstate`, `key.create`, ...
    pub action: String,
    /// The credential id or key id concerned.
    pub subject: Option<String>,
}

/// The audit log, oldest first, optionally for one agency.
pub fn audit_log(conn: &Connection, agency: Option<&str>) -> Result<Vec<AuditRecord>, IssuerError> {
    let mut stmt = conn.prepare(
        "SELECT seq, at, agency, actor, action, subject FROM audit
         WHERE ?1 IS NULL OR agency = ?1 ORDER BY seq",
    )?;
    let rows = stmt.query_map(params![agency], |r| {
        Ok(AuditRecord {
            seq: r.get(0)?,
            at: r.get(1)?,
            agency: r.get(2)?,
            actor: r.get(3)?,
            action: r.get(4)?,
            subject: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// An issued credential as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCredential {
    /// The issuing agency's code.
    pub agency: String,
    /// The credential id (licence IRI for licences).
    pub id: String,
    /// Hash of the licence request, for idempotency (licences only).
    pub request_hash: Option<String>,
    /// The signed credential, JSON text.
    pub credential: String,
    /// The status list number, if the credential has status entries.
    pub status_list: Option<u32>,
    /// The index in that list.
    pub status_index: Option<u32>,
    /// Revoked (final).
    pub revoked: bool,
    /// Suspended (reversible).
    pub suspended: bool,
}

const CREDENTIAL_COLUMNS: &str =
    "agency, id, request_hash, credential, status_list, status_index, revoked, suspended";

fn row_to_credential(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredCredential> {
    Ok(StoredCredential {
        agency: r.get(0)?,
        id: r.get(1)?,
        request_hash: r.get(2)?,
        credential: r.get(3)?,
        status_list: r.get(4)?,
        status_index: r.get(5)?,
        revoked: r.get(6)?,
        suspended: r.get(7)?,
    })
}

/// A credential by agency and id.
pub fn credential_by_id(
    conn: &Connection,
    agency: &str,
    id: &str,
) -> Result<Option<StoredCredential>, IssuerError> {
    let sql = format!("SELECT {CREDENTIAL_COLUMNS} FROM credentials WHERE agency = ?1 AND id = ?2");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![agency, id], row_to_credential)
        .optional()?)
}

/// A licence by agency, licence type code and number.
pub fn licence_by_number(
    conn: &Connection,
    agency: &str,
    type_code: &str,
    number: &str,
) -> Result<Option<StoredCredential>, IssuerError> {
    let sql = format!(
        "SELECT {CREDENTIAL_COLUMNS} FROM credentials WHERE agency = ?1 AND type_code = ?2 AND number = ?3"
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![agency, type_code, number], row_to_credential)
        .optional()?)
}

/// Indices set for `purpose` (`revocation` or `suspension`) in one list.
pub fn set_indices(
    conn: &Connection,
    agency: &str,
    list: u32,
    purpose: crate::status::Purpose,
) -> Result<Vec<u32>, IssuerError> {
    let column = match purpose {
        crate::status::Purpose::Revocation => "revoked",
        crate::status::Purpose::Suspension => "suspended",
    };
    let sql = format!(
        "SELECT status_index FROM credentials WHERE agency = ?1 AND status_list = ?2 AND {column} = 1"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![agency, list], |r| r.get::<_, u32>(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Every (list, index) used by an agency, to rebuild the allocator at start.
pub fn used_indices(conn: &Connection, agency: &str) -> Result<Vec<(u32, u32)>, IssuerError> {
    let mut stmt = conn.prepare(
        "SELECT status_list, status_index FROM credentials
         WHERE agency = ?1 AND status_list IS NOT NULL",
    )?;
    let rows = stmt.query_map(params![agency], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The highest status list number an agency has used (0 if none).
pub fn highest_list(conn: &Connection, agency: &str) -> Result<u32, IssuerError> {
    Ok(conn.query_row(
        "SELECT COALESCE(MAX(status_list), 0) FROM credentials WHERE agency = ?1",
        params![agency],
        |r| r.get(0),
    )?)
}

/// A token found by its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRow {
    /// Token id (public; used as the audit actor).
    pub id: String,
    /// The agency it acts for.
    pub agency: String,
    /// Its stored hash.
    pub hash: String,
    /// Comma-separated scopes.
    pub scopes: String,
    /// Whether it was revoked.
    pub revoked: bool,
}

/// Looks a token up by the SHA-256 of the presented token.
pub fn token_by_hash(conn: &Connection, hash: &str) -> Result<Option<TokenRow>, IssuerError> {
    Ok(conn
        .prepare_cached(
            "SELECT id, agency, hash, scopes, revoked_at IS NOT NULL FROM tokens WHERE hash = ?1",
        )?
        .query_row(params![hash], |r| {
            Ok(TokenRow {
                id: r.get(0)?,
                agency: r.get(1)?,
                hash: r.get(2)?,
                scopes: r.get(3)?,
                revoked: r.get(4)?,
            })
        })
        .optional()?)
}

/// The (revoked, suspended) flags of whatever holds `(list, index)`.
pub fn status_at(
    conn: &Connection,
    agency: &str,
    list: u32,
    index: u32,
) -> Result<Option<(bool, bool)>, IssuerError> {
    Ok(conn
        .prepare_cached(
            "SELECT revoked, suspended FROM credentials
             WHERE agency = ?1 AND status_list = ?2 AND status_index = ?3",
        )?
        .query_row(params![agency, list, index], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}
