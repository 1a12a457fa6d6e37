//! The client side shared by the load benches (`load.rs`, `scale.rs`):
//! licence request bodies, and keep-alive HTTP/1.1 connections spread over
//! one or more service addresses (as a load balancer would), each sending
//! `POST /licences` until the bodies (or the time) run out.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;

/// What a run measured.
pub struct Outcome {
    /// Requests answered.
    pub done: usize,
    /// Wall time of the run.
    pub seconds: f64,
    /// Median latency.
    pub p50: Duration,
    /// 99th percentile latency.
    pub p99: Duration,
    /// Slowest request.
    pub max: Duration,
    /// Answers other than 201.
    pub bad: usize,
}

impl Outcome {
    /// Requests per second.
    pub fn rate(&self) -> f64 {
        self.done as f64 / self.seconds
    }

    /// One line: count, wall time, rate, p50/p99/max latency, non-201 answers.
    pub fn summary(&self) -> String {
        format!(
            "{} issued in {:.2}s: {:.0}/s; p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; non-201: {}",
            self.done,
            self.seconds,
            self.rate(),
            self.p50.as_secs_f64() * 1e3,
            self.p99.as_secs_f64() * 1e3,
            self.max.as_secs_f64() * 1e3,
            self.bad
        )
    }
}

/// `count` copies of examples/licence.json (issuer block removed, the
/// service fills it in), numbered `{prefix}{i}/2567`.
pub fn licence_bodies(count: usize, prefix: &str) -> Arc<Vec<Bytes>> {
    let template: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../examples/licence.json"
        ))
        .expect("example"),
    )
    .expect("json");
    Arc::new(
        (0..count)
            .map(|i| {
                let mut v = template.clone();
                v.as_object_mut().expect("object").remove("issuer");
                v["licenceNumber"] = serde_json::Value::String(format!("{prefix}{i}/2567"));
                Bytes::from(v.to_string())
            })
            .collect(),
    )
}

/// Sends every body once over `connections` connections, connection `c`
/// to `addrs[c % addrs.len()]`, stopping early at `deadline` if given.
pub async fn drive(
    addrs: &[SocketAddr],
    token: &str,
    bodies: Arc<Vec<Bytes>>,
    connections: usize,
    deadline: Option<Instant>,
) -> Outcome {
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..connections {
        let addr = addrs[c % addrs.len()];
        let (next, bodies, token) = (next.clone(), bodies.clone(), token.to_string());
        tasks.push(tokio::spawn(async move {
            let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
            stream.set_nodelay(true).expect("nodelay");
            let (mut sender, conn) =
                hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
                    .await
                    .expect("handshake");
            tokio::spawn(conn);
            let mut lat = Vec::new();
            let mut bad = 0usize;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= bodies.len() || deadline.is_some_and(|d| Instant::now() > d) {
                    break;
                }
                let req = hyper::Request::post("/licences")
                    .header("host", "bench")
                    .header("authorization", format!("Bearer {token}"))
                    .header("content-type", "application/json")
                    .body(Full::new(bodies[i].clone()))
                    .expect("request");
                let t = Instant::now();
                let resp = sender.send_request(req).await.expect("send");
                let status = resp.status();
                let _ = resp.into_body().collect().await;
                lat.push(t.elapsed());
                if status != 201 {
                    bad += 1;
                }
            }
            (lat, bad)
        }));
    }
    let mut all = Vec::new();
    let mut bad = 0;
    for t in tasks {
        let (lat, b) = t.await.expect("task");
        all.extend(lat);
        bad += b;
    }
    let seconds = start.elapsed().as_secs_f64();
    all.sort_unstable();
    let pct = |p: f64| {
        all.get(((all.len() as f64 * p) as usize).min(all.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    Outcome {
        done: all.len(),
        seconds,
        p50: pct(0.50),
        p99: pct(0.99),
        max: all.last().copied().unwrap_or_default(),
        bad,
    }
}
