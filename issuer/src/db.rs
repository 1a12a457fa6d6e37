//! The storage abstraction: one SQL interface over embedded SQLite (the
//! default, one machine) and PostgreSQL (several instances on one database).
//!
//! Every query of the service is written once, in the SQL both databases
//! understand (`?1` placeholders, `ON CONFLICT`, `CAST(… AS TEXT)`), and runs
//! through [`Connection`]: issuance, revocation, tokens and agencies have one
//! code path whatever the backend. Only the schema (and its migrations) is
//! written per backend, in `store`.
//!
//! The PostgreSQL client is synchronous (`postgres`, which drives its own
//! small runtime); calls made from inside the service's async handlers step
//! out of the runtime first (see [`outside_runtime`]).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use postgres::types::{to_sql_checked, IsNull, ToSql, Type};

use crate::error::IssuerError;

/// Where the database is: a SQLite file, or a PostgreSQL URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// An embedded SQLite file (created if missing).
    Sqlite(PathBuf),
    /// A PostgreSQL server (`postgres://user@host:port/database`).
    Postgres(String),
}

impl Location {
    /// Reads the configuration's `database` value: a `postgres://` or
    /// `postgresql://` URL selects PostgreSQL, anything else is a file path.
    pub fn of(database: &Path) -> Location {
        match database.to_str() {
            Some(s) if is_postgres_url(s) => Location::Postgres(s.to_string()),
            _ => Location::Sqlite(database.to_path_buf()),
        }
    }
}

/// Whether a `database` value names a PostgreSQL server.
pub fn is_postgres_url(s: &str) -> bool {
    s.starts_with("postgres://") || s.starts_with("postgresql://")
}

/// Which database a connection talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// A value bound to or read from a query, common to both databases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// SQL NULL.
    Null,
    /// An integer (booleans are 0/1, as SQLite stores them).
    Int(i64),
    /// Text.
    Text(String),
    /// Bytes (sealed keys).
    Blob(Vec<u8>),
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Text(s.to_string())
    }
}
impl From<&String> for Value {
    fn from(s: &String) -> Value {
        Value::Text(s.clone())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Text(s)
    }
}
impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::Int(i)
    }
}
impl From<u32> for Value {
    fn from(i: u32) -> Value {
        Value::Int(i64::from(i))
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Int(i64::from(b))
    }
}
impl From<&[u8]> for Value {
    fn from(b: &[u8]) -> Value {
        Value::Blob(b.to_vec())
    }
}
impl From<Vec<u8>> for Value {
    fn from(b: Vec<u8>) -> Value {
        Value::Blob(b)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}
impl<T: Into<Value> + Clone> From<&Option<T>> for Value {
    fn from(v: &Option<T>) -> Value {
        v.clone().map_or(Value::Null, Into::into)
    }
}

/// Builds a parameter list: `params![a, b]` is `&[Value::from(a), …]`.
#[macro_export]
macro_rules! db_params {
    () => { &[] as &[$crate::db::Value] };
    ($($v:expr),+ $(,)?) => { &[$($crate::db::Value::from($v)),+][..] };
}

/// One result row.
#[derive(Debug, Clone)]
pub struct Row(Vec<Value>);

/// A Rust type a column converts to.
pub trait FromValue: Sized {
    /// Converts, or says why not.
    fn from_value(v: &Value) -> Option<Self>;
}
impl FromValue for i64 {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }
}
impl FromValue for u32 {
    fn from_value(v: &Value) -> Option<Self> {
        i64::from_value(v).and_then(|i| u32::try_from(i).ok())
    }
}
impl FromValue for bool {
    fn from_value(v: &Value) -> Option<Self> {
        i64::from_value(v).map(|i| i != 0)
    }
}
impl FromValue for String {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Text(s) => Some(s.clone()),
            _ => None,
        }
    }
}
impl FromValue for Vec<u8> {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Blob(b) => Some(b.clone()),
            _ => None,
        }
    }
}
impl<T: FromValue> FromValue for Option<T> {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Null => Some(None),
            other => T::from_value(other).map(Some),
        }
    }
}

impl Row {
    /// Column `i` as `T`; a type mismatch is a storage error, not a panic.
    pub fn get<T: FromValue>(&self, i: usize) -> Result<T, IssuerError> {
        self.0
            .get(i)
            .and_then(T::from_value)
            .ok_or_else(|| IssuerError::Storage(format!("column {i} has an unexpected type")))
    }
}

struct Pg {
    client: postgres::Client,
    statements: HashMap<String, postgres::Statement>,
}

enum Inner {
    Sqlite(rusqlite::Connection),
    Postgres(Box<std::sync::Mutex<Option<Pg>>>),
}

/// A connection to either database, with the handful of operations every
/// query of the service is written against.
pub struct Connection {
    inner: Inner,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("backend", &self.backend())
            .finish()
    }
}

impl Connection {
    /// Wraps an open SQLite connection.
    pub fn sqlite(conn: rusqlite::Connection) -> Connection {
        Connection {
            inner: Inner::Sqlite(conn),
        }
    }

    /// Connects to PostgreSQL at `url`: over TLS verifying the server with
    /// `sslmode=verify-full&sslrootcert=PEM`, else in plain text (run it on
    /// a trusted network or a local socket); see [`crate::pg_tls`].
    pub fn postgres(url: &str) -> Result<Connection, IssuerError> {
        let target = crate::pg_tls::target(url)?;
        let client = outside_runtime(|| match target.tls {
            Some(tls) => postgres::Client::connect(&target.url, tls),
            None => postgres::Client::connect(&target.url, postgres::NoTls),
        })
        .map_err(pg_error)?;
        Ok(Connection {
            inner: Inner::Postgres(Box::new(std::sync::Mutex::new(Some(Pg {
                client,
                statements: HashMap::new(),
            })))),
        })
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        match self.inner {
            Inner::Sqlite(_) => Backend::Sqlite,
            Inner::Postgres(_) => Backend::Postgres,
        }
    }

    /// The SQLite connection, for SQLite-only maintenance (pragmas).
    pub fn as_sqlite(&self) -> Option<&rusqlite::Connection> {
        match &self.inner {
            Inner::Sqlite(c) => Some(c),
            Inner::Postgres(_) => None,
        }
    }

    /// The SQLite connection for what exists on the embedded database only
    /// (the agency console, its accounts, sessions and full-text search): on
    /// PostgreSQL an `Unavailable` error (503) that says so, never a wrong
    /// answer.
    pub fn sqlite_only(&self) -> Result<&rusqlite::Connection, IssuerError> {
        self.as_sqlite().ok_or_else(|| {
            IssuerError::Unavailable(
                "the agency console runs on the embedded SQLite database only (docs/deploy.md)"
                    .into(),
            )
        })
    }

    /// Whether the connection is lost for good (PostgreSQL restarted, the
    /// backend terminated): the pool and the writer then open a new one.
    pub fn is_broken(&self) -> bool {
        match &self.inner {
            Inner::Sqlite(_) => false,
            Inner::Postgres(pg) => pg
                .lock()
                .map_or(true, |p| p.as_ref().is_none_or(|p| p.client.is_closed())),
        }
    }

    /// Runs a statement; returns the number of rows changed.
    pub fn execute(&self, sql: &str, params: &[Value]) -> Result<u64, IssuerError> {
        match &self.inner {
            Inner::Sqlite(c) => {
                let mut stmt = c.prepare_cached(sql)?;
                let n = stmt.execute(rusqlite::params_from_iter(params.iter().map(SqliteValue)))?;
                Ok(n as u64)
            }
            Inner::Postgres(pg) => pg_call(pg, |pg| {
                let stmt = pg.statement(sql)?;
                let refs: Vec<&(dyn ToSql + Sync)> =
                    params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
                pg.client.execute(&stmt, &refs).map_err(pg_error)
            }),
        }
    }

    /// Runs a query; returns every row.
    pub fn query(&self, sql: &str, params: &[Value]) -> Result<Vec<Row>, IssuerError> {
        match &self.inner {
            Inner::Sqlite(c) => {
                let mut stmt = c.prepare_cached(sql)?;
                let columns = stmt.column_count();
                let rows = stmt.query_map(
                    rusqlite::params_from_iter(params.iter().map(SqliteValue)),
                    |r| {
                        let mut values = Vec::with_capacity(columns);
                        for i in 0..columns {
                            values.push(match r.get_ref(i)? {
                                rusqlite::types::ValueRef::Null => Value::Null,
                                rusqlite::types::ValueRef::Integer(i) => Value::Int(i),
                                rusqlite::types::ValueRef::Real(f) => Value::Int(f as i64),
                                rusqlite::types::ValueRef::Text(t) => {
                                    Value::Text(String::from_utf8_lossy(t).into_owned())
                                }
                                rusqlite::types::ValueRef::Blob(b) => Value::Blob(b.to_vec()),
                            });
                        }
                        Ok(Row(values))
                    },
                )?;
                Ok(rows.collect::<Result<_, _>>()?)
            }
            Inner::Postgres(pg) => pg_call(pg, |pg| {
                let stmt = pg.statement(sql)?;
                let refs: Vec<&(dyn ToSql + Sync)> =
                    params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
                let rows = pg.client.query(&stmt, &refs).map_err(pg_error)?;
                rows.iter().map(pg_row).collect()
            }),
        }
    }

    /// The first row, if any.
    pub fn query_opt(&self, sql: &str, params: &[Value]) -> Result<Option<Row>, IssuerError> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    /// Exactly one row.
    pub fn query_one(&self, sql: &str, params: &[Value]) -> Result<Row, IssuerError> {
        self.query_opt(sql, params)?
            .ok_or_else(|| IssuerError::Storage(format!("no row for `{sql}`")))
    }

    /// Runs several statements without parameters (schema, BEGIN, COMMIT).
    pub fn batch(&self, sql: &str) -> Result<(), IssuerError> {
        match &self.inner {
            Inner::Sqlite(c) => Ok(c.execute_batch(sql)?),
            Inner::Postgres(pg) => pg_call(pg, |pg| pg.client.batch_execute(sql).map_err(pg_error)),
        }
    }

    /// Runs `f` in a transaction: committed if it returns `Ok`, rolled back
    /// otherwise. `immediate` takes SQLite's write lock at once (PostgreSQL
    /// locks rows as it writes them).
    pub fn transaction<T>(
        &self,
        immediate: bool,
        f: impl FnOnce(&Connection) -> Result<T, IssuerError>,
    ) -> Result<T, IssuerError> {
        let begin = match (self.backend(), immediate) {
            (Backend::Sqlite, true) => "BEGIN IMMEDIATE",
            _ => "BEGIN",
        };
        self.batch(begin)?;
        match f(self) {
            Ok(v) => match self.batch("COMMIT") {
                Ok(()) => Ok(v),
                Err(e) => {
                    let _ = self.batch("ROLLBACK");
                    Err(e)
                }
            },
            Err(e) => {
                let _ = self.batch("ROLLBACK");
                Err(e)
            }
        }
    }

    /// Runs `f` inside a savepoint of the current transaction: its writes are
    /// undone if it fails, the transaction goes on.
    pub fn savepoint<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, IssuerError>,
    ) -> Result<T, IssuerError> {
        self.batch("SAVEPOINT elicence_job")?;
        match f(self) {
            Ok(v) => {
                self.batch("RELEASE SAVEPOINT elicence_job")?;
                Ok(v)
            }
            Err(e) => {
                self.batch("ROLLBACK TO SAVEPOINT elicence_job; RELEASE SAVEPOINT elicence_job")?;
                Err(e)
            }
        }
    }
}

impl Drop for Connection {
    /// Closing a PostgreSQL client blocks on its runtime: step out of ours.
    fn drop(&mut self) {
        if let Inner::Postgres(pg) = &mut self.inner {
            let taken = pg.get_mut().ok().and_then(Option::take);
            if let Some(pg) = taken {
                outside_runtime(move || drop(pg));
            }
        }
    }
}

/// Runs `f` on the PostgreSQL client, outside the async runtime.
fn pg_call<T: Send>(
    pg: &std::sync::Mutex<Option<Pg>>,
    f: impl FnOnce(&mut Pg) -> Result<T, IssuerError> + Send,
) -> Result<T, IssuerError> {
    outside_runtime(|| {
        let mut guard = pg
            .lock()
            .map_err(|_| IssuerError::Storage("connection poisoned".into()))?;
        let pg = guard
            .as_mut()
            .ok_or_else(|| IssuerError::Unavailable("connection closed".into()))?;
        f(pg)
    })
}

impl Pg {
    /// A prepared statement for `sql` (placeholders `?N` become `$N`),
    /// prepared once per connection.
    fn statement(&mut self, sql: &str) -> Result<postgres::Statement, IssuerError> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let stmt = self
            .client
            .prepare(&dollar_placeholders(sql))
            .map_err(pg_error)?;
        self.statements.insert(sql.to_string(), stmt.clone());
        Ok(stmt)
    }
}

/// `?1` → `$1` (the SQL of this service has no `?` inside literals).
fn dollar_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '?' && chars.peek().is_some_and(|n| n.is_ascii_digit()) {
            out.push('$');
        } else {
            out.push(c);
        }
    }
    out
}

fn pg_row(row: &postgres::Row) -> Result<Row, IssuerError> {
    let mut values = Vec::with_capacity(row.len());
    for (i, column) in row.columns().iter().enumerate() {
        let ty = column.type_();
        let v = if *ty == Type::INT8 {
            row.try_get::<_, Option<i64>>(i).map(|v| v.map(Value::Int))
        } else if *ty == Type::INT4 {
            row.try_get::<_, Option<i32>>(i)
                .map(|v| v.map(|i| Value::Int(i64::from(i))))
        } else if *ty == Type::INT2 {
            row.try_get::<_, Option<i16>>(i)
                .map(|v| v.map(|i| Value::Int(i64::from(i))))
        } else if *ty == Type::BOOL {
            row.try_get::<_, Option<bool>>(i)
                .map(|v| v.map(|b| Value::Int(i64::from(b))))
        } else if *ty == Type::BYTEA {
            row.try_get::<_, Option<Vec<u8>>>(i)
                .map(|v| v.map(Value::Blob))
        } else {
            row.try_get::<_, Option<String>>(i)
                .map(|v| v.map(Value::Text))
        };
        values.push(v.map_err(pg_error)?.unwrap_or(Value::Null));
    }
    Ok(Row(values))
}

impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(i) => {
                if *ty == Type::INT4 {
                    i32::try_from(*i)?.to_sql(ty, out)
                } else if *ty == Type::INT2 {
                    i16::try_from(*i)?.to_sql(ty, out)
                } else if *ty == Type::BOOL {
                    (*i != 0).to_sql(ty, out)
                } else if *ty == Type::INT8 {
                    i.to_sql(ty, out)
                } else {
                    i.to_string().to_sql(ty, out)
                }
            }
            Value::Text(s) => s.to_sql(ty, out),
            Value::Blob(b) => b.to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

struct SqliteValue<'a>(&'a Value);

impl rusqlite::ToSql for SqliteValue<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match self.0 {
            Value::Null => ValueRef::Null,
            Value::Int(i) => ValueRef::Integer(*i),
            Value::Text(s) => ValueRef::Text(s.as_bytes()),
            Value::Blob(b) => ValueRef::Blob(b),
        }))
    }
}

/// Turns a PostgreSQL error into ours: a lost or refused connection, a
/// server shutting down or a transaction the server chose to abort
/// (serialization, deadlock) is [`IssuerError::Unavailable`] (503, retry);
/// anything else is a storage error.
pub fn pg_error(e: postgres::Error) -> IssuerError {
    use postgres::error::SqlState;
    let transient = match e.code() {
        None => true,
        Some(code) => {
            code.code().starts_with("08")
                || code.code().starts_with("57P")
                || *code == SqlState::T_R_SERIALIZATION_FAILURE
                || *code == SqlState::T_R_DEADLOCK_DETECTED
                || *code == SqlState::TOO_MANY_CONNECTIONS
                || *code == SqlState::READ_ONLY_SQL_TRANSACTION
        }
    };
    // `postgres::Error` displays as "db error"; the server's message says why.
    let text = match e.as_db_error() {
        Some(db) => format!("{}: {} ({})", db.severity(), db.message(), db.code().code()),
        // The cause (a refused server certificate, a refused connection)
        // is in the source chain, not in the top line.
        None => {
            let mut text = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(cause) = source {
                text = format!("{text}: {cause}");
                source = cause.source();
            }
            text
        }
    };
    if transient || e.is_closed() {
        IssuerError::Unavailable(text)
    } else {
        IssuerError::Storage(text)
    }
}

/// Runs blocking database work from anywhere: inside a multi-threaded tokio
/// runtime it tells the runtime this worker blocks (so other tasks move
/// away); inside a single-threaded runtime it runs on a scoped thread; outside
/// any runtime it just runs. The synchronous PostgreSQL client needs this, as
/// it cannot block on its own runtime from within another.
pub fn outside_runtime<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    match tokio::runtime::Handle::try_current() {
        Ok(handle) => match handle.runtime_flavor() {
            tokio::runtime::RuntimeFlavor::MultiThread => tokio::task::block_in_place(f),
            _ => std::thread::scope(|s| match s.spawn(f).join() {
                Ok(v) => v,
                Err(panic) => std::panic::resume_unwind(panic),
            }),
        },
        Err(_) => f(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_dollars() {
        assert_eq!(
            dollar_placeholders("SELECT ?1, ?12 WHERE a = ?2"),
            "SELECT $1, $12 WHERE a = $2"
        );
    }

    #[test]
    fn locations() {
        assert_eq!(
            Location::of(Path::new("postgres://u@h/db")),
            Location::Postgres("postgres://u@h/db".into())
        );
        assert_eq!(
            Location::of(Path::new("/var/lib/x.db")),
            Location::Sqlite("/var/lib/x.db".into())
        );
    }
}
