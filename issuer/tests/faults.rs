//! Faults with several instances on one PostgreSQL database.
//!
//! - Three real `elicence-issuer serve` processes; a client spreads a batch
//!   over them; one is SIGKILLed midway; the client sends what that instance
//!   left unanswered to the others with the same licence data (issuance is
//!   idempotent). Afterwards every acknowledged licence exists exactly once
//!   and no status index repeats. `FAULT_ROWS` (default 2,000) sets the size:
//!   docs/deploy.md records the 10,000-row run.
//! - PostgreSQL drops every connection (as a restart or failover does): the
//!   service answers 503 problem JSON with Retry-After, never 500, and
//!   recovers by itself; nothing acknowledged is lost, also with clients
//!   issuing while it happens (three times).
//! - A PostgreSQL server of the test's own is really restarted under load:
//!   once crashed (`pg_ctl restart -m immediate`, recovery from its WAL) and
//!   once shut down cleanly (`-m fast`). Clients retry on 503; afterwards
//!   every acknowledged licence is there exactly once.

mod common;

use std::collections::{HashMap, HashSet, VecDeque};
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Mutex;
use std::time::Duration;

use elicence_issuer::admin::Scope;
use elicence_issuer::store;
use serde_json::Value;

const CHUNK: usize = 50;

fn rows() -> usize {
    std::env::var("FAULT_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000)
}

/// Sends one batch; returns the result lines received (fewer than sent if
/// the instance died), or `None` if it could not even connect.
fn batch(addr: SocketAddr, token: &str, body: &str) -> Option<Vec<Value>> {
    let stream = TcpStream::connect(addr).ok()?;
    let mut w = stream.try_clone().ok()?;
    let head = format!(
        "POST /licences:batch HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/x-ndjson\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let body = body.to_string();
    let writer = std::thread::spawn(move || {
        let _ = w.write_all(head.as_bytes());
        let _ = w.write_all(body.as_bytes());
    });
    let mut out = Vec::new();
    for line in BufReader::new(stream).lines() {
        let Ok(line) = line else { break };
        for part in line.trim_end_matches('\r').split('\n') {
            if part.starts_with('{') {
                if let Ok(v) = serde_json::from_str::<Value>(part) {
                    out.push(v);
                }
            }
        }
    }
    let _ = writer.join();
    Some(out)
}

#[test]
fn sigkill_of_one_of_three_instances_loses_nothing_acknowledged() {
    let rows = rows();
    let dir = tempfile::tempdir().unwrap();
    common::create_test_database(dir.path());
    // The instances are processes: nothing else drops the database.
    let _database = common::DatabaseGuard(dir.path());
    let config = common::prepare(dir.path(), "");
    let token = common::token(&config, "bangrak", &[Scope::Issue]);
    let text = std::fs::read_to_string(dir.path().join("issuer.toml")).unwrap();
    let mut children = Vec::new();
    let mut addrs = Vec::new();
    for n in 0..3 {
        let port = common::free_port();
        let path = dir.path().join(format!("i{n}.toml"));
        std::fs::write(
            &path,
            text.replace("127.0.0.1:0", &format!("127.0.0.1:{port}")),
        )
        .unwrap();
        children.push(Mutex::new(common::spawn_serve(&path)));
        addrs.push(format!("127.0.0.1:{port}").parse::<SocketAddr>().unwrap());
    }
    for a in &addrs {
        common::wait_healthy(*a, Duration::from_secs(60));
    }
    // Work: chunks of rows (row number, licence number).
    let queue: Mutex<VecDeque<Vec<usize>>> = Mutex::new(
        (0..rows)
            .collect::<Vec<_>>()
            .chunks(CHUNK)
            .map(<[usize]>::to_vec)
            .collect(),
    );
    // licence number -> every acknowledgement (id) received for it.
    let acked: Mutex<HashMap<usize, Vec<String>>> = Mutex::new(HashMap::new());
    let killed = Mutex::new(false);
    std::thread::scope(|s| {
        for (n, addr) in addrs.iter().enumerate() {
            let (queue, acked, killed, children, token) =
                (&queue, &acked, &killed, &children, &token);
            s.spawn(move || loop {
                let Some(chunk) = queue.lock().unwrap().pop_front() else {
                    return;
                };
                let body: String = chunk
                    .iter()
                    .map(|i| common::licence(&format!("F{i}/2567")).to_string() + "\n")
                    .collect();
                let results = batch(*addr, token, &body).unwrap_or_default();
                let mut done = HashSet::new();
                for r in &results {
                    let (Some(row), Some(status)) = (r["row"].as_u64(), r["status"].as_u64())
                    else {
                        continue;
                    };
                    if status == 201 || status == 200 {
                        let i = chunk[row as usize - 1];
                        done.insert(i);
                        acked
                            .lock()
                            .unwrap()
                            .entry(i)
                            .or_default()
                            .push(r["id"].as_str().unwrap().to_string());
                    }
                }
                // Midway, instance 0 dies (SIGKILL) with a batch in flight.
                let total = acked.lock().unwrap().len();
                if n == 0 && total >= rows / 3 {
                    let mut k = killed.lock().unwrap();
                    if !*k {
                        children[0].lock().unwrap().kill().unwrap();
                        *k = true;
                    }
                }
                let missing: Vec<usize> = chunk.into_iter().filter(|i| !done.contains(i)).collect();
                if !missing.is_empty() {
                    // Unanswered rows go back for another instance.
                    queue.lock().unwrap().push_back(missing);
                    if n == 0 && *killed.lock().unwrap() {
                        return;
                    }
                }
            });
        }
    });
    for c in &children {
        let mut c = c.lock().unwrap();
        let _ = c.kill();
        let _ = c.wait();
    }
    assert!(*killed.lock().unwrap(), "instance 0 was never killed");
    let acked = acked.into_inner().unwrap();
    assert_eq!(acked.len(), rows, "every row acknowledged in the end");
    let conn = store::open(&config.database, config.durability).unwrap();
    let one = |sql: &str| -> i64 { conn.query_one(sql, &[]).unwrap().get(0).unwrap() };
    assert_eq!(one("SELECT COUNT(*) FROM credentials"), rows as i64);
    assert_eq!(
        one("SELECT COUNT(*) FROM (SELECT DISTINCT status_list, status_index FROM credentials) x"),
        rows as i64,
        "a status index repeats"
    );
    for (i, ids) in &acked {
        for id in ids {
            assert_eq!(
                ids[0], *id,
                "row {i}: one licence whatever instance answered"
            );
        }
        let n: i64 = conn
            .query_one(
                "SELECT COUNT(*) FROM credentials WHERE id = ?1",
                &[ids[0].as_str().into()],
            )
            .unwrap()
            .get(0)
            .unwrap();
        assert_eq!(n, 1, "row {i}: acknowledged licence stored exactly once");
    }
}

#[test]
fn postgres_dropping_every_connection_gives_503_then_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let name_url = common::create_test_database(dir.path());
    let config = common::prepare(dir.path(), "");
    let svc = common::start_with(dir, config);
    let t = common::token(&svc.config, "bangrak", &[Scope::Issue]);
    assert_eq!(
        svc.post_json("/licences", Some(&t), &common::licence("pg/1"))
            .status,
        201
    );
    let name = name_url.rsplit('/').next().unwrap().to_string();
    let mut admin = postgres::Client::connect(&common::pg_admin_url(), postgres::NoTls).unwrap();
    // What a PostgreSQL restart does to every client: the server ends them.
    let ended = admin
        .query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = $1 AND pid <> pg_backend_pid()",
            &[&name],
        )
        .unwrap();
    assert!(!ended.is_empty(), "the service had connections to end");
    let mut unavailable = 0;
    let mut created = false;
    for attempt in 0..10 {
        let r = svc.post_json("/licences", Some(&t), &common::licence("pg/2"));
        match r.status {
            201 => {
                created = true;
                break;
            }
            503 => {
                let p = r.problem(503);
                assert!(p["type"].as_str().unwrap().ends_with("#unavailable"));
                assert_eq!(r.header("retry-after"), Some("1"));
                unavailable += 1;
            }
            other => panic!("attempt {attempt}: {other} {}", r.body),
        }
    }
    assert!(created, "the service did not recover by itself");
    assert!(
        unavailable >= 1,
        "lost connections were not reported as 503"
    );
    // Nothing acknowledged was lost; both licences are there once.
    let conn = store::open(&svc.config.database, svc.config.durability).unwrap();
    let n: i64 = conn
        .query_one("SELECT COUNT(*) FROM credentials", &[])
        .unwrap()
        .get(0)
        .unwrap();
    assert_eq!(n, 2);
    assert_eq!(svc.get("/healthz", &[]).status, 200);
}

/// Four clients issue `per_client` licences each (numbers `PREFIX<client>/<i>`),
/// sending each request again after the Retry-After of a 503 until it is
/// acknowledged, while `disrupt` runs. `disrupt` is given a wait: it returns
/// once `n` licences were acknowledged (or a client stopped), with the
/// count. Returns the acknowledged ids and how many 503s were answered.
fn issue_from_four_clients_while(
    svc: &common::Service,
    token: &str,
    prefix: &str,
    per_client: usize,
    disrupt: impl FnOnce(&dyn Fn(usize) -> usize),
) -> (Vec<String>, usize) {
    let acked = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        let clients: Vec<_> = (0..4)
            .map(|c| {
                let acked = &acked;
                s.spawn(move || {
                    let mut ids = Vec::new();
                    let mut unavailable = 0;
                    for i in 0..per_client {
                        let body = common::licence(&format!("{prefix}{c}/{i}"));
                        loop {
                            let r = svc.post_json("/licences", Some(token), &body);
                            match r.status {
                                200 | 201 => {
                                    ids.push(r.json()["id"].as_str().unwrap().to_string());
                                    acked.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                                    break;
                                }
                                503 => {
                                    let p = r.problem(503);
                                    assert!(p["type"].as_str().unwrap().ends_with("#unavailable"));
                                    assert_eq!(r.header("retry-after"), Some("1"));
                                    unavailable += 1;
                                    std::thread::sleep(Duration::from_millis(100));
                                }
                                other => panic!("{other}: {}", r.body),
                            }
                        }
                    }
                    (ids, unavailable)
                })
            })
            .collect();
        disrupt(&|n| loop {
            let now = acked.load(std::sync::atomic::Ordering::SeqCst);
            if now >= n || clients.iter().any(|c| c.is_finished()) {
                return now; // a finished client failed (its join below says why) or is done
            }
            std::thread::sleep(Duration::from_millis(5));
        });
        let mut ids = Vec::new();
        let mut unavailable = 0;
        for c in clients {
            let (i, u) = c.join().unwrap();
            ids.extend(i);
            unavailable += u;
        }
        (ids, unavailable)
    })
}

/// Every acknowledged licence is stored exactly once, and nothing else is.
fn assert_stored_exactly_once(svc: &common::Service, ids: &[String]) {
    let conn = store::open(&svc.config.database, svc.config.durability).unwrap();
    for id in ids {
        let n: i64 = conn
            .query_one(
                "SELECT COUNT(*) FROM credentials WHERE id = ?1",
                &[id.as_str().into()],
            )
            .unwrap()
            .get(0)
            .unwrap();
        assert_eq!(n, 1, "{id}: acknowledged, stored once");
    }
    let total: i64 = conn
        .query_one("SELECT COUNT(*) FROM credentials", &[])
        .unwrap()
        .get(0)
        .unwrap();
    assert_eq!(total, ids.len() as i64);
}

#[test]
fn connections_ended_under_load_lose_nothing_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let url = common::create_test_database(dir.path());
    let name = url.rsplit('/').next().unwrap().to_string();
    let config = common::prepare(dir.path(), "");
    let svc = common::start_with(dir, config);
    let t = common::token(&svc.config, "bangrak", &[Scope::Issue]);
    let per_client = 60;
    let (ids, unavailable) = issue_from_four_clients_while(&svc, &t, "L", per_client, |acked| {
        // While they issue, PostgreSQL ends every connection three times.
        let mut admin =
            postgres::Client::connect(&common::pg_admin_url(), postgres::NoTls).unwrap();
        for round in 1..=3 {
            acked(round * per_client);
            admin
                .query(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                     WHERE datname = $1 AND pid <> pg_backend_pid()",
                    &[&name],
                )
                .unwrap();
        }
    });
    assert_eq!(ids.len(), 4 * per_client);
    assert_stored_exactly_once(&svc, &ids);
    eprintln!("503 answers while connections were ended: {unavailable}");
}

/// A PostgreSQL server of the test's own: `initdb` in a scratch folder, on
/// its own port, so the test can crash and restart it without touching the
/// machine's server that other tests share. As root (CI), the server runs as
/// the `postgres` system user, since PostgreSQL refuses to run as root.
struct PrivatePostgres {
    dir: tempfile::TempDir,
    bin: std::path::PathBuf,
    port: u16,
}

impl PrivatePostgres {
    fn start() -> PrivatePostgres {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .expect(
                "the PostgreSQL server binaries (/usr/lib/postgresql/*/bin) for a private server",
            )
            .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
            .filter(|b| b.join("initdb").exists())
            .max()
            .expect("initdb under /usr/lib/postgresql/*/bin");
        let dir = tempfile::Builder::new()
            .prefix("elicence-pg-restart-")
            .tempdir()
            .unwrap();
        let pg = PrivatePostgres {
            dir,
            bin,
            port: common::free_port(),
        };
        if is_root() {
            let status = std::process::Command::new("chown")
                .args(["postgres:postgres"])
                .arg(pg.dir.path())
                .status()
                .unwrap();
            assert!(status.success(), "chown of the server's folder to postgres");
        }
        pg.run(
            "initdb",
            &[
                "-D",
                &pg.data(),
                "-A",
                "trust",
                "-U",
                "postgres",
                "--no-sync",
            ],
        );
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1",
            pg.port,
            pg.dir.path().display()
        );
        let log = format!("{}/server.log", pg.dir.path().display());
        pg.run(
            "pg_ctl",
            &["-D", &pg.data(), "-l", &log, "-o", &options, "-w", "start"],
        );
        pg
    }

    fn data(&self) -> String {
        format!("{}/data", self.dir.path().display())
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Restarts the server: `immediate` is a crash (no checkpoint; the
    /// restart recovers from the WAL), `fast` a clean shutdown.
    fn restart(&self, mode: &str) {
        let log = format!("{}/server.log", self.dir.path().display());
        self.run(
            "pg_ctl",
            &["-D", &self.data(), "-l", &log, "-m", mode, "-w", "restart"],
        );
    }

    /// Runs a server tool, its output to a file: the server it starts
    /// inherits the tool's output, so a pipe would never reach its end.
    fn run(&self, tool: &str, args: &[&str]) {
        let exe = self.bin.join(tool);
        let mut command = if is_root() {
            let mut c = std::process::Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&exe);
            c
        } else {
            std::process::Command::new(&exe)
        };
        let log_path = self.dir.path().join("tools.log");
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log_path)
            .unwrap();
        let status = command
            .args(args)
            .stdin(std::process::Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .status()
            .unwrap();
        assert!(
            status.success(),
            "{tool} {args:?}: {}",
            std::fs::read_to_string(&log_path).unwrap_or_default()
        );
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        let exe = self.bin.join("pg_ctl");
        let data = self.data();
        let args = ["-D", data.as_str(), "-m", "immediate", "-w", "stop"];
        let _ = if is_root() {
            std::process::Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(&exe)
                .args(args)
                .output()
        } else {
            std::process::Command::new(&exe).args(args).output()
        };
    }
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

#[test]
fn postgres_restarted_under_load_loses_nothing_acknowledged() {
    let pg = PrivatePostgres::start();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("database-url"), pg.url()).unwrap();
    let config = common::prepare(dir.path(), "");
    let svc = common::start_with(dir, config);
    let t = common::token(&svc.config, "bangrak", &[Scope::Issue]);
    let per_client = 50;
    let (ids, unavailable) = issue_from_four_clients_while(&svc, &t, "R", per_client, |acked| {
        // A crash after a quarter of the licences, a clean restart at half.
        for (quarter, mode) in [(1, "immediate"), (2, "fast")] {
            // The restart must come while clients are still issuing.
            let before = acked(quarter * per_client);
            assert!(
                before < 4 * per_client,
                "the {mode} restart came after the load"
            );
            pg.restart(mode);
        }
    });
    assert_eq!(ids.len(), 4 * per_client);
    assert_stored_exactly_once(&svc, &ids);
    assert_eq!(svc.get("/healthz", &[]).status, 200);
    eprintln!("503 answers across two PostgreSQL restarts: {unavailable}");
}
