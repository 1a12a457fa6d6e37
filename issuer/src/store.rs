//! Storage: schema, migrations, connections and the queries of every
//! component, on embedded SQLite (default) or PostgreSQL (see `db`).
//!
//! One database holds agencies, encrypted signing keys, hashed tokens, issued
//! credentials with their status entries, and the append-only audit log.
//! Uniqueness that must survive any crash is enforced by the schema itself:
//! one licence per (agency, licence type, number), one credential per
//! (agency, id), and one credential per (agency, status list, index).

use std::path::Path;
use std::sync::Mutex;

/// A database connection (re-exported for the admin CLI).
pub use crate::db::Connection;
use crate::db::{Backend, Location};
use crate::db_params as params;

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
  created_at TEXT NOT NULL,
  hsm_label TEXT
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
CREATE TABLE IF NOT EXISTS status_versions(
  agency TEXT NOT NULL,
  list INTEGER NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY(agency, list)
);
CREATE TABLE IF NOT EXISTS published_lists(
  agency TEXT NOT NULL,
  purpose TEXT NOT NULL,
  list INTEGER NOT NULL,
  version INTEGER NOT NULL,
  generation INTEGER NOT NULL,
  built_at INTEGER NOT NULL,
  body TEXT NOT NULL,
  etag TEXT NOT NULL,
  PRIMARY KEY(agency, purpose, list)
);
CREATE TRIGGER IF NOT EXISTS audit_append_only_update BEFORE UPDATE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_append_only_delete BEFORE DELETE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"#;

/// Opens (creating if needed) the database with the schema: a SQLite file,
/// or the PostgreSQL database named by a `postgres://` URL (migrated to the
/// current schema version first, see [`migrate_postgres`]).
pub fn open(path: &Path, durability: Durability) -> Result<Connection, IssuerError> {
    match Location::of(path) {
        Location::Sqlite(file) => open_sqlite(&file, durability),
        Location::Postgres(url) => {
            let conn = Connection::postgres(&url)?;
            migrate_postgres(&conn)?;
            Ok(conn)
        }
    }
}

/// Connects without touching the schema (pool connections; the schema was
/// brought up to date by [`open`] when the service started).
pub fn connect(path: &Path, durability: Durability) -> Result<Connection, IssuerError> {
    match Location::of(path) {
        Location::Sqlite(file) => open_sqlite(&file, durability),
        Location::Postgres(url) => Connection::postgres(&url),
    }
}

/// Opens (creating if needed) the SQLite database with the schema, WAL
/// journaling and the configured durability. A new database file is created
/// readable by its owner only (0600), and so are its `-wal` and `-shm` files:
/// it holds the sealed signing keys, token hashes and every licence.
fn open_sqlite(path: &Path, durability: Durability) -> Result<Connection, IssuerError> {
    create_private(path)?;
    let conn = rusqlite::Connection::open(path)?;
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
    Ok(Connection::sqlite(conn))
}

/// The PostgreSQL schema, as numbered migrations: each runs once, in order,
/// recorded in `schema_migrations`. Never edit a published migration; add
/// the next one.
const PG_MIGRATIONS: &[(i64, &str)] = &[
    (
        1,
        r#"
CREATE TABLE agencies(
  code TEXT PRIMARY KEY,
  name_th TEXT NOT NULL,
  name_en TEXT NOT NULL,
  created_at TEXT NOT NULL,
  did_method TEXT NOT NULL DEFAULT 'web'
);
CREATE TABLE signing_keys(
  id TEXT PRIMARY KEY,
  agency TEXT NOT NULL REFERENCES agencies(code),
  algorithm TEXT NOT NULL,
  public_multikey TEXT NOT NULL,
  sealed BYTEA NOT NULL,
  not_before TEXT NOT NULL,
  not_after TEXT,
  created_at TEXT NOT NULL
);
CREATE TABLE tokens(
  id TEXT PRIMARY KEY,
  agency TEXT NOT NULL REFERENCES agencies(code),
  hash TEXT NOT NULL UNIQUE,
  scopes TEXT NOT NULL,
  label TEXT,
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE TABLE credentials(
  seq BIGSERIAL PRIMARY KEY,
  agency TEXT NOT NULL,
  id TEXT NOT NULL,
  type_code TEXT,
  number TEXT,
  request_hash TEXT,
  credential TEXT NOT NULL,
  status_list BIGINT,
  status_index BIGINT,
  revoked INTEGER NOT NULL DEFAULT 0,
  suspended INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  UNIQUE(agency, id),
  UNIQUE(agency, status_list, status_index)
);
CREATE UNIQUE INDEX licence_number
  ON credentials(agency, type_code, number) WHERE type_code IS NOT NULL;
CREATE TABLE audit(
  seq BIGSERIAL PRIMARY KEY,
  at TEXT NOT NULL,
  agency TEXT,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  subject TEXT,
  detail TEXT
);
CREATE TABLE registry_generation(
  "only" INTEGER PRIMARY KEY CHECK ("only" = 1),
  generation BIGINT NOT NULL
);
INSERT INTO registry_generation("only", generation) VALUES (1, 0);
CREATE FUNCTION elicence_registry_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN UPDATE registry_generation SET generation = generation + 1; RETURN NULL; END $$;
CREATE TRIGGER agencies_changed AFTER INSERT OR UPDATE OR DELETE ON agencies
  FOR EACH STATEMENT EXECUTE FUNCTION elicence_registry_changed();
CREATE TRIGGER keys_changed AFTER INSERT OR UPDATE OR DELETE ON signing_keys
  FOR EACH STATEMENT EXECUTE FUNCTION elicence_registry_changed();
CREATE TABLE health_probe(
  "only" INTEGER PRIMARY KEY CHECK ("only" = 1),
  at TEXT NOT NULL
);
CREATE FUNCTION elicence_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
  FOR EACH ROW EXECUTE FUNCTION elicence_audit_append_only();
"#,
    ),
    (
        2,
        r#"
CREATE TABLE status_versions(
  agency TEXT NOT NULL,
  list BIGINT NOT NULL,
  version BIGINT NOT NULL,
  PRIMARY KEY(agency, list)
);
CREATE TABLE published_lists(
  agency TEXT NOT NULL,
  purpose TEXT NOT NULL,
  list BIGINT NOT NULL,
  version BIGINT NOT NULL,
  generation BIGINT NOT NULL,
  built_at BIGINT NOT NULL,
  body TEXT NOT NULL,
  etag TEXT NOT NULL,
  PRIMARY KEY(agency, purpose, list)
);
"#,
    ),
    (
        3,
        // Keys held in an HSM (`crate::hsm`): their label in the token; their
        // `sealed` is empty, the private key never leaves the device.
        "ALTER TABLE signing_keys ADD COLUMN hsm_label TEXT;",
    ),
];

/// Brings a PostgreSQL database to the current schema version. Instances
/// starting together serialise on an advisory lock, so each migration runs
/// exactly once; a migration and its record commit in one transaction, so a
/// crash midway leaves the previous version intact.
pub fn migrate_postgres(conn: &Connection) -> Result<(), IssuerError> {
    conn.transaction(true, |c| {
        // 0x656c6963 = "elic": the lock is this service's only.
        c.batch(
            "SELECT pg_advisory_xact_lock(1701603683);
             CREATE TABLE IF NOT EXISTS schema_migrations(
               version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)",
        )?;
        let current: i64 = c
            .query_one(
                "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
                params![],
            )?
            .get(0)?;
        for (version, sql) in PG_MIGRATIONS {
            if *version > current {
                c.batch(sql)?;
                c.execute(
                    "INSERT INTO schema_migrations(version, applied_at) VALUES (?1, ?2)",
                    params![*version, now_string()],
                )?;
                tracing::info!(version, "database migrated");
            }
        }
        Ok(())
    })
}

/// The schema version of a PostgreSQL database (SQLite: always current).
pub fn schema_version(conn: &Connection) -> Result<i64, IssuerError> {
    match conn.backend() {
        Backend::Sqlite => Ok(PG_MIGRATIONS.len() as i64),
        Backend::Postgres => conn
            .query_one(
                "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
                params![],
            )?
            .get(0),
    }
}

/// Brings a database created by an older version up to date (before the
/// schema text runs, which may refer to the new columns).
fn add_missing_columns(conn: &rusqlite::Connection) -> Result<(), IssuerError> {
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
        add_column(
            conn,
            "ALTER TABLE agencies ADD COLUMN did_method TEXT NOT NULL DEFAULT 'web'",
        )?;
    }
    let has_hsm_label: bool = conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM pragma_table_info('signing_keys') WHERE name = 'hsm_label')",
        [],
        |r| r.get(0),
    )?;
    if !has_hsm_label {
        add_column(conn, "ALTER TABLE signing_keys ADD COLUMN hsm_label TEXT")?;
    }
    Ok(())
}

/// Runs one `ALTER TABLE … ADD COLUMN`; another connection may have added
/// the column meanwhile, which is fine.
fn add_column(conn: &rusqlite::Connection, sql: &str) -> Result<(), IssuerError> {
    match conn.execute(sql, []) {
        Err(e) if !e.to_string().contains("duplicate column") => Err(e.into()),
        _ => Ok(()),
    }
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

/// A small pool of read connections (WAL lets readers run beside the
/// writer; on PostgreSQL each instance keeps a few connections). A broken
/// connection (PostgreSQL restarted) is dropped, not returned, so the next
/// request connects again: recovery needs no operator.
pub struct ReadPool {
    path: std::path::PathBuf,
    durability: Durability,
    idle: Mutex<Vec<Connection>>,
}

impl std::fmt::Debug for ReadPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadPool")
            .field("path", &redacted(&self.path))
            .finish()
    }
}

/// A database location fit for logs: a PostgreSQL URL loses its password.
pub fn redacted(path: &Path) -> String {
    let s = path.display().to_string();
    match (Location::of(path), s.split_once("://")) {
        (Location::Postgres(_), Some((scheme, rest))) => match rest.rsplit_once('@') {
            Some((user, host)) => {
                let user = user.split(':').next().unwrap_or("");
                format!("{scheme}://{user}@{host}")
            }
            None => s,
        },
        _ => s,
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
            Some(c) if !c.is_broken() => c,
            _ => connect(&self.path, self.durability)?,
        };
        let result = f(&conn);
        if !conn.is_broken() {
            if let Ok(mut idle) = self.idle.lock() {
                if idle.len() < 16 {
                    idle.push(conn);
                }
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
    conn.query(
        "SELECT seq, at, agency, actor, action, subject FROM audit
         WHERE CAST(?1 AS TEXT) IS NULL OR agency = ?1 ORDER BY seq",
        params![agency],
    )?
    .iter()
    .map(|r| {
        Ok(AuditRecord {
            seq: r.get(0)?,
            at: r.get(1)?,
            agency: r.get(2)?,
            actor: r.get(3)?,
            action: r.get(4)?,
            subject: r.get(5)?,
        })
    })
    .collect()
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

fn row_to_credential(r: &crate::db::Row) -> Result<StoredCredential, IssuerError> {
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
    conn.query_opt(&sql, params![agency, id])?
        .as_ref()
        .map(row_to_credential)
        .transpose()
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
    conn.query_opt(&sql, params![agency, type_code, number])?
        .as_ref()
        .map(row_to_credential)
        .transpose()
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
        "SELECT status_index FROM credentials WHERE agency = ?1 AND status_list = ?2 AND {column} = 1
         ORDER BY status_index"
    );
    conn.query(&sql, params![agency, list])?
        .iter()
        .map(|r| r.get(0))
        .collect()
}

/// Every index used in one list of an agency, to rebuild the allocator.
pub fn used_indices(conn: &Connection, agency: &str, list: u32) -> Result<Vec<u32>, IssuerError> {
    conn.query(
        "SELECT status_index FROM credentials WHERE agency = ?1 AND status_list = ?2",
        params![agency, list],
    )?
    .iter()
    .map(|r| r.get(0))
    .collect()
}

/// The highest status list number an agency has used (0 if none).
pub fn highest_list(conn: &Connection, agency: &str) -> Result<u32, IssuerError> {
    conn.query_one(
        "SELECT COALESCE(MAX(status_list), 0) FROM credentials WHERE agency = ?1",
        params![agency],
    )?
    .get(0)
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
    conn.query_opt(
        "SELECT id, agency, hash, scopes, revoked_at IS NOT NULL FROM tokens WHERE hash = ?1",
        params![hash],
    )?
    .map(|r| {
        Ok(TokenRow {
            id: r.get(0)?,
            agency: r.get(1)?,
            hash: r.get(2)?,
            scopes: r.get(3)?,
            revoked: r.get(4)?,
        })
    })
    .transpose()
}

/// The (revoked, suspended) flags of whatever holds `(list, index)`.
pub fn status_at(
    conn: &Connection,
    agency: &str,
    list: u32,
    index: u32,
) -> Result<Option<(bool, bool)>, IssuerError> {
    conn.query_opt(
        "SELECT revoked, suspended FROM credentials
         WHERE agency = ?1 AND status_list = ?2 AND status_index = ?3",
        params![agency, list, index],
    )?
    .map(|r| Ok((r.get(0)?, r.get(1)?)))
    .transpose()
}

/// The version of an agency's status list: bumped in the same transaction
/// as every status change, so a stored signed list built from an older
/// version is known to be stale on every instance.
pub fn status_version(conn: &Connection, agency: &str, list: u32) -> Result<i64, IssuerError> {
    Ok(conn
        .query_opt(
            "SELECT version FROM status_versions WHERE agency = ?1 AND list = ?2",
            params![agency, list],
        )?
        .map(|r| r.get(0))
        .transpose()?
        .unwrap_or(0))
}

/// Records a status change in list `list` (see [`status_version`]).
pub fn bump_status_version(conn: &Connection, agency: &str, list: u32) -> Result<(), IssuerError> {
    conn.execute(
        "INSERT INTO status_versions(agency, list, version) VALUES (?1, ?2, 1)
         ON CONFLICT(agency, list) DO UPDATE SET version = status_versions.version + 1",
        params![agency, list],
    )?;
    Ok(())
}

/// A signed status list as stored for every instance to serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredList {
    /// The status version it was built from.
    pub version: i64,
    /// The registry generation (agencies and keys) it was signed under.
    pub generation: i64,
    /// When it was signed (Unix seconds).
    pub built_at: i64,
    /// The signed credential.
    pub body: String,
    /// Its strong ETag.
    pub etag: String,
}

/// The stored signed list, if any.
pub fn published_list(
    conn: &Connection,
    agency: &str,
    purpose: &str,
    list: u32,
) -> Result<Option<StoredList>, IssuerError> {
    conn.query_opt(
        "SELECT version, generation, built_at, body, etag FROM published_lists
         WHERE agency = ?1 AND purpose = ?2 AND list = ?3",
        params![agency, purpose, list],
    )?
    .map(|r| {
        Ok(StoredList {
            version: r.get(0)?,
            generation: r.get(1)?,
            built_at: r.get(2)?,
            body: r.get(3)?,
            etag: r.get(4)?,
        })
    })
    .transpose()
}

/// Stores a freshly signed list unless a copy that is still good (same
/// version and registry generation, younger than `ttl` seconds) is already there: of two instances
/// signing at once, the first stored wins and both serve it.
pub fn store_published_list(
    conn: &Connection,
    agency: &str,
    purpose: &str,
    list: u32,
    new: &StoredList,
    ttl: i64,
) -> Result<(), IssuerError> {
    conn.execute(
        "INSERT INTO published_lists(agency, purpose, list, version, generation, built_at, body, etag)
         VALUES (?1, ?2, ?3, ?4, ?9, ?5, ?6, ?7)
         ON CONFLICT(agency, purpose, list) DO UPDATE SET
           version = excluded.version, generation = excluded.generation,
           built_at = excluded.built_at, body = excluded.body, etag = excluded.etag
         WHERE published_lists.version <> excluded.version
            OR published_lists.generation <> excluded.generation
            OR published_lists.built_at + ?8 <= excluded.built_at",
        params![
            agency,
            purpose,
            list,
            new.version,
            new.built_at,
            &new.body,
            &new.etag,
            ttl,
            new.generation
        ],
    )?;
    Ok(())
}
