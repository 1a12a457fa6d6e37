//! The single writer: every insert and status change goes through one thread
//! that owns the write connection and commits requests in groups.
//!
//! A request is acknowledged (its reply sent) only after the transaction that
//! contains it committed, so an acknowledged licence survives a crash. Group
//! commit amortises the commit (and its fsync) over up to
//! `limits.max_group_commit` requests that arrived meanwhile. Each request
//! runs in its own savepoint, so one failing request does not fail its group.

use std::sync::Arc;
use std::thread::JoinHandle;

use tokio::sync::{mpsc, oneshot};

use crate::config::Durability;
use crate::db_params as params;
use crate::store::Connection;

use crate::error::IssuerError;
use crate::metrics::Metrics;
use crate::store::{self, audit, now_string, StoredCredential};

/// A credential to store.
#[derive(Debug, Clone)]
pub struct NewCredential {
    /// Issuing agency.
    pub agency: String,
    /// Credential id (licence IRI for licences).
    pub id: String,
    /// Licence type code (licences only).
    pub type_code: Option<String>,
    /// Licence number (licences only).
    pub number: Option<String>,
    /// Hash of the request (licences only), for idempotency.
    pub request_hash: Option<String>,
    /// The signed credential, JSON.
    pub credential: String,
    /// Status list number.
    pub status_list: Option<u32>,
    /// Status index.
    pub status_index: Option<u32>,
    /// Who asked (`token:ID`).
    pub actor: String,
}

/// What happened to an insert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InsertOutcome {
    /// Stored now.
    Created,
    /// The same request was stored before: here is that credential.
    Existing(StoredCredential),
    /// A different credential with the same licence number or id exists.
    Conflict(StoredCredential),
}

/// A status change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusAction {
    /// Set the revocation bit (final).
    Revoke,
    /// Set the suspension bit.
    Suspend,
    /// Clear the suspension bit.
    Reinstate,
}

impl StatusAction {
    /// Its name in URLs and the audit log.
    pub fn name(self) -> &'static str {
        match self {
            StatusAction::Revoke => "revoke",
            StatusAction::Suspend => "suspend",
            StatusAction::Reinstate => "reinstate",
        }
    }
}

/// What happened to a status change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusOutcome {
    /// The bit changed; the list number is given so its cache can be dropped.
    Changed(u32),
    /// It already had that status.
    Unchanged,
    /// No such credential for this agency.
    NotFound,
    /// The credential is revoked: it cannot be suspended or reinstated.
    Revoked,
    /// The credential was issued without status entries.
    NoStatus,
}

enum Job {
    Insert(
        Box<NewCredential>,
        oneshot::Sender<Result<InsertOutcome, IssuerError>>,
    ),
    Status {
        agency: String,
        id: String,
        action: StatusAction,
        actor: String,
        reason: Option<String>,
        reply: oneshot::Sender<Result<StatusOutcome, IssuerError>>,
    },
    /// A real write (one row of `health_probe`) committed like any other:
    /// `/healthz` is healthy only if the database can be written.
    Probe(oneshot::Sender<Result<(), IssuerError>>),
    /// One audit record of an event that stores nothing else (an
    /// OpenID4VCI offer or issuance), committed like any other write.
    Audit(Box<AuditEntry>, oneshot::Sender<Result<(), IssuerError>>),
}

/// An audit record to append.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    /// The agency concerned.
    pub agency: String,
    /// Who (`token:ID`, `wallet`).
    pub actor: String,
    /// What (`oid4vci.offer`, `oid4vci.credential`).
    pub action: String,
    /// The licence IRI.
    pub subject: String,
    /// Details (configuration, count); never secrets.
    pub detail: String,
}

/// The handle handlers use to reach the writer thread.
#[derive(Debug, Clone)]
pub struct Writer {
    tx: mpsc::Sender<Job>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Job")
    }
}

impl Writer {
    /// Starts the writer thread on `conn`. If the connection is lost
    /// (PostgreSQL restarted or failed over), the writer connects again to
    /// `database` before the next group: requests fail with 503 meanwhile.
    pub fn start(
        conn: Connection,
        database: std::path::PathBuf,
        durability: Durability,
        max_group: usize,
        metrics: Arc<Metrics>,
    ) -> (Writer, JoinHandle<()>) {
        let (tx, rx) = mpsc::channel(max_group * 4);
        let reopen = Reopen {
            database,
            durability,
        };
        let handle = std::thread::Builder::new()
            .name("elicence-writer".into())
            .spawn(move || run(conn, &reopen, rx, max_group, &metrics))
            .unwrap_or_else(|e| {
                // Without a writer thread the service cannot work at all.
                tracing::error!(error = %e, "cannot start the writer thread");
                std::process::exit(1)
            });
        (Writer { tx }, handle)
    }

    /// Stores a credential; returns once committed.
    pub async fn insert(&self, row: NewCredential) -> Result<InsertOutcome, IssuerError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Job::Insert(Box::new(row), reply))
            .await
            .map_err(|_| IssuerError::WriterStopped)?;
        rx.await.map_err(|_| IssuerError::WriterStopped)?
    }

    /// Writes and commits one probe row through the same group commit as
    /// every write: `Ok` means the database accepts writes right now (not
    /// read-only, not full, not locked by another process).
    pub async fn probe(&self) -> Result<(), IssuerError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Job::Probe(reply))
            .await
            .map_err(|_| IssuerError::WriterStopped)?;
        rx.await.map_err(|_| IssuerError::WriterStopped)?
    }

    /// Appends an audit record; returns once committed.
    pub async fn audit(&self, entry: AuditEntry) -> Result<(), IssuerError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Job::Audit(Box::new(entry), reply))
            .await
            .map_err(|_| IssuerError::WriterStopped)?;
        rx.await.map_err(|_| IssuerError::WriterStopped)?
    }

    /// Changes a credential's status; returns once committed.
    pub async fn change_status(
        &self,
        agency: &str,
        id: &str,
        action: StatusAction,
        actor: &str,
    ) -> Result<StatusOutcome, IssuerError> {
        self.change_status_because(agency, id, action, actor, None)
            .await
    }

    /// Changes a credential's status, with the reason a person gave (kept
    /// in the audit record's detail); returns once committed.
    pub async fn change_status_because(
        &self,
        agency: &str,
        id: &str,
        action: StatusAction,
        actor: &str,
        reason: Option<&str>,
    ) -> Result<StatusOutcome, IssuerError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Job::Status {
                agency: agency.to_string(),
                id: id.to_string(),
                action,
                actor: actor.to_string(),
                reason: reason.map(str::to_string),
                reply,
            })
            .await
            .map_err(|_| IssuerError::WriterStopped)?;
        rx.await.map_err(|_| IssuerError::WriterStopped)?
    }
}

enum Reply {
    Insert(
        oneshot::Sender<Result<InsertOutcome, IssuerError>>,
        InsertOutcome,
    ),
    Status(
        oneshot::Sender<Result<StatusOutcome, IssuerError>>,
        StatusOutcome,
    ),
    Probe(oneshot::Sender<Result<(), IssuerError>>),
}

struct Reopen {
    database: std::path::PathBuf,
    durability: Durability,
}

fn run(
    conn: Connection,
    reopen: &Reopen,
    mut rx: mpsc::Receiver<Job>,
    max_group: usize,
    metrics: &Metrics,
) {
    let mut conn = Some(conn);
    while let Some(first) = rx.blocking_recv() {
        let mut jobs = vec![first];
        while jobs.len() < max_group {
            match rx.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        let rows = jobs.len();
        if conn.as_ref().is_none_or(Connection::is_broken) {
            conn = None;
            match crate::store::connect(&reopen.database, reopen.durability) {
                Ok(c) => {
                    tracing::info!("writer connected to the database again");
                    conn = Some(c);
                }
                Err(e) => {
                    tracing::error!(error = %e, "writer cannot reach the database");
                    for f in failed(jobs) {
                        f.fail(|| IssuerError::Unavailable(e.to_string()));
                    }
                    continue;
                }
            }
        }
        let Some(c) = conn.as_ref() else { continue };
        match commit_group(c, jobs) {
            Ok(replies) => {
                metrics.group_committed(rows);
                for reply in replies {
                    match reply {
                        Reply::Insert(tx, outcome) => {
                            let _ = tx.send(Ok(outcome));
                        }
                        Reply::Status(tx, outcome) => {
                            let _ = tx.send(Ok(outcome));
                        }
                        Reply::Probe(tx) => {
                            let _ = tx.send(Ok(()));
                        }
                    }
                }
            }
            Err((e, senders)) => {
                tracing::error!(error = %e, rows, "group commit failed");
                let unavailable = matches!(e, IssuerError::Unavailable(_));
                for s in senders {
                    let probe = matches!(s, Failed::Probe(_));
                    s.fail(|| {
                        if unavailable {
                            IssuerError::Unavailable(e.to_string())
                        } else if probe {
                            IssuerError::Io(std::io::Error::other(format!(
                                "the database cannot be written: {e}"
                            )))
                        } else {
                            IssuerError::Io(std::io::Error::other("group commit failed"))
                        }
                    });
                }
            }
        }
    }
}

enum Failed {
    Insert(oneshot::Sender<Result<InsertOutcome, IssuerError>>),
    Status(oneshot::Sender<Result<StatusOutcome, IssuerError>>),
    Probe(oneshot::Sender<Result<(), IssuerError>>),
}

impl Failed {
    fn fail(self, error: impl FnOnce() -> IssuerError) {
        match self {
            Failed::Insert(tx) => {
                let _ = tx.send(Err(error()));
            }
            Failed::Status(tx) => {
                let _ = tx.send(Err(error()));
            }
            Failed::Probe(tx) => {
                let _ = tx.send(Err(error()));
            }
        }
    }
}

type GroupResult = Result<Vec<Reply>, (IssuerError, Vec<Failed>)>;

fn commit_group(conn: &Connection, jobs: Vec<Job>) -> GroupResult {
    let mut replies = Vec::with_capacity(jobs.len());
    let mut per_job_errors = Vec::new();
    let begin = match conn.backend() {
        crate::db::Backend::Sqlite => "BEGIN IMMEDIATE",
        crate::db::Backend::Postgres => "BEGIN",
    };
    if let Err(e) = conn.batch(begin) {
        return Err((e, failed(jobs)));
    }
    let mut jobs = jobs.into_iter();
    while let Some(job) = jobs.next() {
        let result = conn.savepoint(|sp| match &job {
            Job::Insert(row, _) => insert(sp, row),
            Job::Status {
                agency,
                id,
                action,
                actor,
                reason,
                ..
            } => change_status(sp, agency, id, *action, actor, reason.as_deref())
                .map(Outcome::Status),
            Job::Probe(_) => sp
                .execute(
                    "INSERT INTO health_probe(\"only\", at) VALUES (1, ?1)
                     ON CONFLICT(\"only\") DO UPDATE SET at = excluded.at",
                    params![now_string()],
                )
                .map(|_| Outcome::Probe),
            Job::Audit(e, _) => audit(
                sp,
                Some(&e.agency),
                &e.actor,
                &e.action,
                Some(&e.subject),
                Some(&e.detail),
            )
            .map(|_| Outcome::Probe),
        });
        match result {
            Ok(outcome) => match (job, outcome) {
                (Job::Insert(_, reply), Outcome::Insert(o)) => {
                    replies.push(Reply::Insert(reply, o))
                }
                (Job::Status { reply, .. }, Outcome::Status(o)) => {
                    replies.push(Reply::Status(reply, o))
                }
                (Job::Probe(reply) | Job::Audit(_, reply), Outcome::Probe) => {
                    replies.push(Reply::Probe(reply))
                }
                (job, _) => per_job_errors.push((
                    job,
                    IssuerError::Io(std::io::Error::other("writer outcome mismatch")),
                )),
            },
            Err(e) if matches!(e, IssuerError::Unavailable(_)) || conn.is_broken() => {
                // The connection is gone: nothing of this group commits.
                let _ = conn.batch("ROLLBACK");
                let mut senders = to_failed(replies);
                senders.extend(failed(per_job_errors.into_iter().map(|(j, _)| j).collect()));
                senders.extend(failed(vec![job]));
                // ... nor do the jobs after it: each still gets its answer.
                senders.extend(failed(jobs.collect()));
                return Err((e, senders));
            }
            Err(e) => per_job_errors.push((job, e)),
        }
    }
    if let Err(e) = conn.batch("COMMIT") {
        let _ = conn.batch("ROLLBACK");
        let mut senders = to_failed(replies);
        senders.extend(failed(per_job_errors.into_iter().map(|(j, _)| j).collect()));
        return Err((e, senders));
    }
    // Per-job failures are answered after the commit like everything else.
    for (job, e) in per_job_errors {
        match job {
            Job::Insert(_, reply) => {
                let _ = reply.send(Err(e));
            }
            Job::Status { reply, .. } => {
                let _ = reply.send(Err(e));
            }
            Job::Probe(reply) | Job::Audit(_, reply) => {
                let _ = reply.send(Err(e));
            }
        }
    }
    Ok(replies)
}

fn to_failed(replies: Vec<Reply>) -> Vec<Failed> {
    replies
        .into_iter()
        .map(|r| match r {
            Reply::Insert(tx, _) => Failed::Insert(tx),
            Reply::Status(tx, _) => Failed::Status(tx),
            Reply::Probe(tx) => Failed::Probe(tx),
        })
        .collect()
}

enum Outcome {
    Insert(InsertOutcome),
    Status(StatusOutcome),
    Probe,
}

fn failed(jobs: Vec<Job>) -> Vec<Failed> {
    jobs.into_iter()
        .map(|j| match j {
            Job::Insert(_, reply) => Failed::Insert(reply),
            Job::Status { reply, .. } => Failed::Status(reply),
            Job::Probe(reply) | Job::Audit(_, reply) => Failed::Probe(reply),
        })
        .collect()
}

fn insert(conn: &Connection, row: &NewCredential) -> Result<Outcome, IssuerError> {
    let changed = conn.execute(
        "INSERT INTO credentials(agency, id, type_code, number, request_hash, credential,
               status_list, status_index, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT DO NOTHING",
        params![
            &row.agency,
            &row.id,
            &row.type_code,
            &row.number,
            &row.request_hash,
            &row.credential,
            row.status_list,
            row.status_index,
            now_string()
        ],
    )?;
    if changed == 1 {
        audit(
            conn,
            Some(&row.agency),
            &row.actor,
            "issue",
            Some(&row.id),
            None,
        )?;
        return Ok(Outcome::Insert(InsertOutcome::Created));
    }
    let existing = match (&row.type_code, &row.number) {
        (Some(t), Some(n)) => store::licence_by_number(conn, &row.agency, t, n)?,
        _ => None,
    };
    let existing = match existing {
        Some(e) => Some(e),
        None => store::credential_by_id(conn, &row.agency, &row.id)?,
    };
    match existing {
        Some(e) if row.request_hash.is_some() && e.request_hash == row.request_hash => {
            Ok(Outcome::Insert(InsertOutcome::Existing(e)))
        }
        Some(e) => Ok(Outcome::Insert(InsertOutcome::Conflict(e))),
        // Only the (list, index) pair collided: another instance (or a
        // request before a restart) holds it. The caller signs again with
        // another index.
        None => match (row.status_list, row.status_index) {
            (Some(list), Some(index)) => Err(IssuerError::StatusIndexTaken { list, index }),
            _ => Err(IssuerError::Storage(format!(
                "credential {} could not be stored and nothing conflicts with it",
                row.id
            ))),
        },
    }
}

fn change_status(
    conn: &Connection,
    agency: &str,
    id: &str,
    action: StatusAction,
    actor: &str,
    reason: Option<&str>,
) -> Result<StatusOutcome, IssuerError> {
    let Some(row) = store::credential_by_id(conn, agency, id)? else {
        return Ok(StatusOutcome::NotFound);
    };
    let Some(list) = row.status_list else {
        return Ok(StatusOutcome::NoStatus);
    };
    let (sql, unchanged) = match action {
        StatusAction::Revoke => (
            "UPDATE credentials SET revoked = 1 WHERE agency = ?1 AND id = ?2",
            row.revoked,
        ),
        StatusAction::Suspend if row.revoked => return Ok(StatusOutcome::Revoked),
        StatusAction::Reinstate if row.revoked => return Ok(StatusOutcome::Revoked),
        StatusAction::Suspend => (
            "UPDATE credentials SET suspended = 1 WHERE agency = ?1 AND id = ?2",
            row.suspended,
        ),
        StatusAction::Reinstate => (
            "UPDATE credentials SET suspended = 0 WHERE agency = ?1 AND id = ?2",
            !row.suspended,
        ),
    };
    if unchanged {
        return Ok(StatusOutcome::Unchanged);
    }
    conn.execute(sql, params![agency, id])?;
    store::bump_status_version(conn, agency, list)?;
    audit(conn, Some(agency), actor, action.name(), Some(id), reason)?;
    Ok(StatusOutcome::Changed(list))
}
