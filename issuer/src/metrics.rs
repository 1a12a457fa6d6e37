//! Prometheus text-format metrics, kept as plain atomics: no registry crate,
//! nothing that could ever carry a secret.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds (seconds) of the request latency histogram buckets.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

/// Counters of the running service.
#[derive(Debug, Default)]
pub struct Metrics {
    responses: [AtomicU64; 5],
    latency_buckets: [AtomicU64; BUCKETS.len()],
    latency_count: AtomicU64,
    latency_sum_micros: AtomicU64,
    issued: AtomicU64,
    status_changes: AtomicU64,
    group_commits: AtomicU64,
    group_rows: AtomicU64,
    open_connections: AtomicU64,
    evicted_connections: AtomicU64,
}

impl Metrics {
    /// Records one HTTP response.
    pub fn response(&self, status: u16, elapsed: Duration) {
        let class = usize::from(status / 100).clamp(1, 5) - 1;
        self.responses[class].fetch_add(1, Ordering::Relaxed);
        let secs = elapsed.as_secs_f64();
        for (i, bound) in BUCKETS.iter().enumerate() {
            if secs <= *bound {
                self.latency_buckets[i].fetch_add(1, Ordering::Relaxed);
            }
        }
        self.latency_count.fetch_add(1, Ordering::Relaxed);
        self.latency_sum_micros
            .fetch_add(elapsed.as_micros() as u64, Ordering::Relaxed);
    }

    /// Records a credential issued.
    pub fn issued(&self) {
        self.issued.fetch_add(1, Ordering::Relaxed);
    }

    /// Records a status change.
    pub fn status_changed(&self) {
        self.status_changes.fetch_add(1, Ordering::Relaxed);
    }

    /// Records one group commit of `rows` requests.
    pub fn group_committed(&self, rows: usize) {
        self.group_commits.fetch_add(1, Ordering::Relaxed);
        self.group_rows.fetch_add(rows as u64, Ordering::Relaxed);
    }

    /// Records a connection accepted.
    pub fn connection_opened(&self) {
        self.open_connections.fetch_add(1, Ordering::Relaxed);
    }

    /// Records a connection closed.
    pub fn connection_closed(&self) {
        self.open_connections.fetch_sub(1, Ordering::Relaxed);
    }

    /// Records an idle connection closed to admit a new one at the limit.
    pub fn connection_evicted(&self) {
        self.evicted_connections.fetch_add(1, Ordering::Relaxed);
    }

    /// Connections open now: never more than `limits.max_connections`.
    pub fn open_connections(&self) -> u64 {
        self.open_connections.load(Ordering::Relaxed)
    }

    /// Idle connections closed so far to admit new ones.
    pub fn evicted_connections(&self) -> u64 {
        self.evicted_connections.load(Ordering::Relaxed)
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        out.push_str("# HELP elicence_http_responses_total HTTP responses by status class.\n");
        out.push_str("# TYPE elicence_http_responses_total counter\n");
        for (i, c) in self.responses.iter().enumerate() {
            let _ = writeln!(
                out,
                "elicence_http_responses_total{{class=\"{}xx\"}} {}",
                i + 1,
                get(c)
            );
        }
        out.push_str("# HELP elicence_http_request_duration_seconds Request latency.\n");
        out.push_str("# TYPE elicence_http_request_duration_seconds histogram\n");
        for (i, bound) in BUCKETS.iter().enumerate() {
            let _ = writeln!(
                out,
                "elicence_http_request_duration_seconds_bucket{{le=\"{bound}\"}} {}",
                get(&self.latency_buckets[i])
            );
        }
        let count = get(&self.latency_count);
        let _ = writeln!(
            out,
            "elicence_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {count}"
        );
        let _ = writeln!(
            out,
            "elicence_http_request_duration_seconds_sum {}",
            get(&self.latency_sum_micros) as f64 / 1e6
        );
        let _ = writeln!(out, "elicence_http_request_duration_seconds_count {count}");
        for (name, help, v) in [
            (
                "elicence_credentials_issued_total",
                "Credentials issued.",
                &self.issued,
            ),
            (
                "elicence_status_changes_total",
                "Revocations, suspensions and reinstatements.",
                &self.status_changes,
            ),
            (
                "elicence_group_commits_total",
                "Storage group commits.",
                &self.group_commits,
            ),
            (
                "elicence_group_commit_requests_total",
                "Requests committed in groups.",
                &self.group_rows,
            ),
            (
                "elicence_connections_evicted_total",
                "Idle connections closed to admit new ones at the connection limit.",
                &self.evicted_connections,
            ),
        ] {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}",
                get(v)
            );
        }
        let _ = writeln!(
            out,
            "# HELP elicence_connections_open Open client connections.\n# TYPE elicence_connections_open gauge\nelicence_connections_open {}",
            get(&self.open_connections)
        );
        out
    }
}
