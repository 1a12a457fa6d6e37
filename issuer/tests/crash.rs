//! Crash safety: the real binary is SIGKILLed in the middle of a batch of
//! thousands. After a restart every acknowledged licence exists exactly once,
//! no status index repeats, and resubmitting the batch is safe (idempotent).

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use elicence_issuer::admin::Scope;
use serde_json::Value;

const ROWS: usize = 2000;
const KILL_AFTER: usize = 300;

/// Sends a batch and reads results concurrently (full duplex), calling
/// `on_row` for each result line as it arrives.
fn batch(addr: SocketAddr, token: &str, body: String, mut on_row: impl FnMut(Value) -> bool) {
    let stream = TcpStream::connect(addr).unwrap();
    let mut w = stream.try_clone().unwrap();
    let head = format!(
        "POST /licences:batch HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/x-ndjson\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let writer = std::thread::spawn(move || {
        let _ = w.write_all(head.as_bytes());
        let _ = w.write_all(body.as_bytes());
    });
    // Chunked framing lines are hex sizes; result lines are JSON objects.
    for line in BufReader::new(stream).lines() {
        let Ok(line) = line else { break };
        let line = line.trim_end_matches('\r');
        for part in line.split('\n') {
            if part.starts_with('{') {
                if let Ok(v) = serde_json::from_str::<Value>(part) {
                    if !on_row(v) {
                        let _ = writer.join();
                        return;
                    }
                }
            }
        }
    }
    let _ = writer.join();
}

#[test]
fn sigkill_during_a_batch_loses_no_acknowledged_licence() {
    let dir = tempfile::tempdir().unwrap();
    let port = common::free_port();
    let config = common::prepare(dir.path(), "");
    let text = std::fs::read_to_string(dir.path().join("issuer.toml"))
        .unwrap()
        .replace("127.0.0.1:0", &format!("127.0.0.1:{port}"))
        .replace("durability = \"normal\"", "durability = \"full\"");
    let path = dir.path().join("crash.toml");
    std::fs::write(&path, text).unwrap();
    let token = common::token(&config, "bangrak", &[Scope::Issue]);
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let body: String = (0..ROWS)
        .map(|i| common::licence(&format!("K{i}/2567")).to_string() + "\n")
        .collect();

    let mut child = common::spawn_serve(&path);
    common::wait_healthy(addr, Duration::from_secs(30));
    let mut acked: Vec<(u64, String)> = Vec::new();
    let mut killed = false;
    batch(addr, &token, body.clone(), |row| {
        if row["status"] == 201 {
            acked.push((
                row["row"].as_u64().unwrap(),
                row["id"].as_str().unwrap().to_string(),
            ));
        }
        if acked.len() >= KILL_AFTER && !killed {
            child.kill().unwrap(); // SIGKILL
            killed = true;
        }
        true
    });
    let _ = child.wait();
    assert!(
        killed,
        "the batch finished before the kill ({} acked)",
        acked.len()
    );
    assert!(acked.len() < ROWS, "killed too late to test anything");

    let mut child = common::spawn_serve(&path);
    common::wait_healthy(addr, Duration::from_secs(30));
    let conn = rusqlite::Connection::open(dir.path().join("issuer.db")).unwrap();
    for (_, id) in &acked {
        let n: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM credentials WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 1, "acknowledged licence {id} stored {n} times");
    }
    let stored: i64 = conn
        .query_row("SELECT COUNT(*) FROM credentials", [], |r| r.get(0))
        .unwrap();
    assert!(stored as usize >= acked.len());

    // Resubmit everything: acknowledged rows come back unchanged (200), the
    // rest are issued now (201 or 200 if committed but not acknowledged).
    let mut results = Vec::new();
    batch(addr, &token, body, |row| {
        results.push(row);
        true
    });
    child.kill().unwrap();
    let _ = child.wait();
    assert_eq!(results.len(), ROWS);
    for r in &results {
        assert!(r["status"] == 200 || r["status"] == 201, "{r}");
    }
    for (row, id) in &acked {
        let r = &results[(*row - 1) as usize];
        assert_eq!(r["status"], 200, "{r}");
        assert_eq!(r["id"].as_str().unwrap(), id);
    }
    let total: i64 = conn
        .query_row("SELECT COUNT(*) FROM credentials", [], |r| r.get(0))
        .unwrap();
    assert_eq!(total as usize, ROWS);
    let distinct: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM (SELECT DISTINCT status_list, status_index FROM credentials)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(distinct, total, "a status index repeats");
}
