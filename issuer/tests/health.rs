//! `/healthz` tells a load balancer the truth: an instance whose database
//! cannot be written (here: another process holds the write lock, as a
//! stuck backup or migration would) answers 503, not 200 while every write
//! fails, and recovers on its own once writes succeed again.

mod common;

use common::start;

#[test]
fn healthz_is_unhealthy_while_the_database_cannot_be_written() {
    let svc = start("");
    assert_eq!(svc.get("/healthz", &[]).status, 200);
    // Another process takes the database's write lock and keeps it.
    let other = rusqlite::Connection::open(&svc.config.database).unwrap();
    other.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let r = svc.get("/healthz", &[]);
    assert_eq!(r.status, 503, "{}", r.body);
    assert_eq!(r.content_type, "application/problem+json");
    assert!(r.body.contains("writes"), "{}", r.body);
    // Reads still answer meanwhile: the licence pages are not the problem.
    assert_eq!(svc.get("/agencies/bangrak/did.json", &[]).status, 200);
    other.execute_batch("ROLLBACK").unwrap();
    drop(other);
    // Writes flow again; health follows without a restart.
    let mut healthy = false;
    for _ in 0..20 {
        if svc.get("/healthz", &[]).status == 200 {
            healthy = true;
            break;
        }
    }
    assert!(healthy, "healthz stayed 503 after the lock was released");
}
