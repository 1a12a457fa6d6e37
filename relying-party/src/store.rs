//! Requests and their results in embedded SQLite. A response first claims
//! its request (pending to answering, atomically), so two answers to one
//! request, or a replay, can never both be judged; nonces of answered
//! requests are kept so none is accepted twice.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{params, Connection, OptionalExtension};

/// Why storage failed (a server fault, never the client's).
#[derive(Debug, thiserror::Error)]
#[error("storage: {0}")]
pub struct StoreError(String);

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError(e.to_string())
    }
}

/// One stored request.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRequest {
    /// Its public id.
    pub id: String,
    /// The nonce the presentation must answer.
    pub nonce: String,
    /// The state the response must echo.
    pub state: String,
    /// The DCQL query, JSON.
    pub dcql: String,
    /// The signed request object.
    pub request_object: String,
    /// The `openid4vp://` link.
    pub uri: String,
    /// Unix time of creation.
    pub created: i64,
    /// Unix time after which no answer is accepted.
    pub expires: i64,
    /// `pending`, `answering`, `verified` or `refused`.
    pub status: String,
    /// The decision, JSON, once answered.
    pub result: Option<String>,
}

/// The database.
pub struct Store {
    conn: Mutex<Connection>,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS requests (
  id TEXT PRIMARY KEY,
  nonce TEXT NOT NULL UNIQUE,
  state TEXT NOT NULL UNIQUE,
  dcql TEXT NOT NULL,
  request_object TEXT NOT NULL,
  uri TEXT NOT NULL,
  created INTEGER NOT NULL,
  expires INTEGER NOT NULL,
  status TEXT NOT NULL,
  result TEXT
);
CREATE TABLE IF NOT EXISTS used_nonces (nonce TEXT PRIMARY KEY);
";

impl Store {
    /// Opens (creating) the database at `path`.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.execute_batch(SCHEMA)?;
        Ok(Store {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Records a new pending request.
    pub fn insert(&self, r: &StoredRequest) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT INTO requests (id, nonce, state, dcql, request_object, uri, created, expires, status, result)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![r.id, r.nonce, r.state, r.dcql, r.request_object, r.uri, r.created, r.expires, r.status, r.result],
        )?;
        Ok(())
    }

    /// The request `id`.
    pub fn get(&self, id: &str) -> Result<Option<StoredRequest>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT id, nonce, state, dcql, request_object, uri, created, expires, status, result
                 FROM requests WHERE id = ?1",
                params![id],
                |row| {
                    Ok(StoredRequest {
                        id: row.get(0)?,
                        nonce: row.get(1)?,
                        state: row.get(2)?,
                        dcql: row.get(3)?,
                        request_object: row.get(4)?,
                        uri: row.get(5)?,
                        created: row.get(6)?,
                        expires: row.get(7)?,
                        status: row.get(8)?,
                        result: row.get(9)?,
                    })
                },
            )
            .optional()?)
    }

    /// The id of the request whose state is `state`.
    pub fn id_by_state(&self, state: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT id FROM requests WHERE state = ?1",
                params![state],
                |row| row.get(0),
            )
            .optional()?)
    }

    /// Moves `id` from pending to answering; `false` when it was not pending
    /// (already answered: a replay or a second answer).
    pub fn claim(&self, id: &str) -> Result<bool, StoreError> {
        let n = self.conn().execute(
            "UPDATE requests SET status = 'answering' WHERE id = ?1 AND status = 'pending'",
            params![id],
        )?;
        Ok(n == 1)
    }

    /// Records the decision on `id` and the nonces it consumed.
    pub fn finish(
        &self,
        id: &str,
        status: &str,
        result: &str,
        nonces: &[String],
    ) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            "UPDATE requests SET status = ?2, result = ?3 WHERE id = ?1",
            params![id, status, result],
        )?;
        for n in nonces {
            tx.execute(
                "INSERT OR IGNORE INTO used_nonces (nonce) VALUES (?1)",
                params![n],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Whether `nonce` was already consumed by an answer.
    pub fn nonce_used(&self, nonce: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT 1 FROM used_nonces WHERE nonce = ?1",
                params![nonce],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }
}
