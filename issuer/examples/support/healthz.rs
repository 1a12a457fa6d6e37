//! Waiting for a started service: the one readiness check that tests,
//! benches and the CLI tests use for an issuer they started themselves.
//! Included by path (`#[path]`) where needed.

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// Waits until the service at `addr` answers `GET /healthz` with 200, at
/// most `limit`; panics after that.
pub fn wait_healthy(addr: SocketAddr, limit: Duration) {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if let Ok(mut s) = TcpStream::connect(addr) {
            let _ = s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            let mut out = String::new();
            let _ = s.read_to_string(&mut out);
            if out.starts_with("HTTP/1.1 200") {
                return;
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("the service at {addr} did not become healthy within {limit:?}");
}
