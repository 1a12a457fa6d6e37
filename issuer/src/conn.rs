//! Connections: the accept loop in front of the router.
//!
//! HTTP/1.1, over TLS when configured, with three defences that `axum::serve`
//! does not offer:
//!
//! * a **header read timeout**: a connection that has not sent a complete
//!   request head within it (at the start, or between keep-alive requests) is
//!   closed, so half-open connections (slowloris) cannot be held forever;
//! * a **connection limit**: at most `max_connections` sockets are open. When
//!   a new connection arrives at the limit, the oldest connection with no
//!   request in flight (a half-open or idle one) is closed to make room, so an
//!   attacker's idle sockets cannot keep `/healthz` or a real client out, and
//!   the service never runs out of file descriptors;
//! * a **lingering close**: a response to a request whose body was not read
//!   (an early 401, 403, 413, 415) says `Connection: close`; after it is
//!   flushed the service sends FIN and keeps reading and discarding what the
//!   client still sends (bounded in bytes and time) before closing. Closing a
//!   socket with unread data makes the kernel send a reset, which can destroy
//!   the response before the client reads it: this is what made a client
//!   posting a body to a refused request see "peer disconnected".

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue, Request, Response, Version};
use axum::Router;
use http_body::{Body as HttpBody, Frame, SizeHint};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, Semaphore};
use tokio::time::Sleep;
use tokio_rustls::TlsAcceptor;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;

use crate::metrics::Metrics;

/// How connections are bounded (from `[limits]` in the configuration).
#[derive(Debug, Clone)]
pub struct ConnectionLimits {
    /// Most open connections; the oldest idle one is closed to admit a new one.
    pub max_connections: usize,
    /// Time allowed for a complete request head (and the TLS handshake), and
    /// the longest a keep-alive connection may stay idle.
    pub header_read_timeout: Duration,
    /// Most bytes read and thrown away after a response that closes the
    /// connection, so the client finishes sending and reads the response.
    pub linger_bytes: u64,
    /// Longest such lingering.
    pub linger_timeout: Duration,
    /// How long a shutdown waits for requests in flight.
    pub shutdown_grace: Duration,
}

/// Serves `app` on `listener` (over TLS with `tls`) until `shutdown`
/// completes, then lets requests in flight finish (for at most
/// `limits.shutdown_grace`).
pub async fn serve(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    app: Router,
    limits: ConnectionLimits,
    metrics: Arc<Metrics>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let max = limits.max_connections.clamp(1, Semaphore::MAX_PERMITS);
    let permits = Arc::new(Semaphore::new(max));
    let table = Arc::new(Table::default());
    let stop = CancellationToken::new();
    let stopper = stop.clone();
    tokio::spawn(async move {
        shutdown.await;
        stopper.cancel();
    });
    let limits = Arc::new(limits);
    loop {
        let stream = tokio::select! {
            _ = stop.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // EMFILE and friends: wait a little instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let Some(permit) = admit(&permits, &table, &metrics, &stop).await else {
            break;
        };
        // Registered here, in accept order, so eviction takes the oldest.
        let (id, slot) = table.insert();
        let connection = Connection {
            app: app.clone(),
            tls: tls.clone(),
            limits: limits.clone(),
            table: table.clone(),
            metrics: metrics.clone(),
            stop: stop.clone(),
        };
        tokio::spawn(async move {
            connection.run(stream, id, slot).await;
            drop(permit);
        });
    }
    drop(listener);
    let wait_all = permits.acquire_many(max as u32);
    let _ = tokio::time::timeout(limits.shutdown_grace, wait_all).await;
    Ok(())
}

/// A connection slot: waits for a free one, closing the oldest idle
/// connection when all are taken. `None` when shutting down.
async fn admit(
    permits: &Arc<Semaphore>,
    table: &Table,
    metrics: &Metrics,
    stop: &CancellationToken,
) -> Option<tokio::sync::OwnedSemaphorePermit> {
    loop {
        if let Ok(permit) = permits.clone().try_acquire_owned() {
            return Some(permit);
        }
        // Created before looking, so a request finishing meanwhile wakes us.
        let became_idle = table.idle.notified();
        if table.evict_oldest_idle() {
            metrics.connection_evicted();
            // The evicted connection's task ends at once and frees its slot.
            return tokio::select! {
                _ = stop.cancelled() => None,
                p = permits.clone().acquire_owned() => p.ok(),
            };
        }
        // Every connection is busy: wait for a slot or for one to go idle.
        tokio::select! {
            _ = stop.cancelled() => return None,
            _ = became_idle => {}
            p = permits.clone().acquire_owned() => return p.ok(),
        }
    }
}

/// The open connections, oldest first, with their requests in flight.
#[derive(Default)]
struct Table {
    next_id: AtomicU64,
    slots: Mutex<BTreeMap<u64, Arc<Slot>>>,
    /// Signalled whenever a connection's last request in flight finishes.
    idle: Notify,
}

#[derive(Default)]
struct Slot {
    in_flight: AtomicUsize,
    evict: CancellationToken,
    /// Set when a response closes the connection before its request body
    /// was read: only then does the close linger.
    linger: Arc<AtomicBool>,
}

impl Table {
    fn slots(&self) -> MutexGuard<'_, BTreeMap<u64, Arc<Slot>>> {
        self.slots.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn insert(&self) -> (u64, Arc<Slot>) {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let slot = Arc::new(Slot::default());
        self.slots().insert(id, slot.clone());
        (id, slot)
    }

    fn remove(&self, id: u64) {
        self.slots().remove(&id);
    }

    /// Asks the oldest connection without a request in flight to close.
    fn evict_oldest_idle(&self) -> bool {
        let slots = self.slots();
        let victim = slots
            .values()
            .find(|s| s.in_flight.load(Ordering::Acquire) == 0 && !s.evict.is_cancelled());
        match victim {
            Some(slot) => {
                slot.evict.cancel();
                true
            }
            None => false,
        }
    }
}

/// Everything one connection's task needs.
struct Connection {
    app: Router,
    tls: Option<TlsAcceptor>,
    limits: Arc<ConnectionLimits>,
    table: Arc<Table>,
    metrics: Arc<Metrics>,
    stop: CancellationToken,
}

/// Unregisters a connection however its task ends.
struct Registered {
    id: u64,
    table: Arc<Table>,
    metrics: Arc<Metrics>,
}

impl Drop for Registered {
    fn drop(&mut self) {
        self.table.remove(self.id);
        self.metrics.connection_closed();
    }
}

impl Connection {
    async fn run(self, stream: TcpStream, id: u64, slot: Arc<Slot>) {
        self.metrics.connection_opened();
        let _registered = Registered {
            id,
            table: self.table.clone(),
            metrics: self.metrics.clone(),
        };
        let _ = stream.set_nodelay(true);
        let io = Lingering {
            inner: stream,
            wanted: slot.linger.clone(),
            cap: self.limits.linger_bytes,
            timeout: self.limits.linger_timeout,
            state: Linger::Open,
        };
        let evicted = slot.evict.clone();
        tokio::select! {
            _ = self.serve(io, slot) => {}
            _ = evicted.cancelled() => tracing::debug!("idle connection closed to admit a new one"),
        }
    }

    async fn serve(&self, io: Lingering<TcpStream>, slot: Arc<Slot>) {
        match &self.tls {
            None => self.http1(io, slot).await,
            Some(acceptor) => {
                let handshake = acceptor.accept(io);
                match tokio::time::timeout(self.limits.header_read_timeout, handshake).await {
                    Ok(Ok(stream)) => self.http1(stream, slot).await,
                    Ok(Err(e)) => tracing::debug!(error = %e, "TLS handshake failed"),
                    Err(_) => tracing::debug!("TLS handshake timed out"),
                }
            }
        }
    }

    async fn http1<S>(&self, io: S, slot: Arc<Slot>)
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let app = self.app.clone();
        let table = self.table.clone();
        let service = hyper::service::service_fn(move |req| {
            handle(
                app.clone(),
                InFlight::enter(slot.clone(), table.clone()),
                req,
            )
        });
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(self.limits.header_read_timeout);
        let conn = builder.serve_connection(TokioIo::new(io), service);
        tokio::pin!(conn);
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(error = %e, "connection ended with an error");
                }
            }
            _ = self.stop.cancelled() => {
                conn.as_mut().graceful_shutdown();
                let _ = conn.await;
            }
        }
    }
}

/// Runs one request through the router. A response to a request whose body
/// was not read to the end closes the connection (the rest of the body is
/// drained by the lingering close, not parsed as a next request).
async fn handle(
    app: Router,
    in_flight: InFlight,
    req: Request<Incoming>,
) -> Result<Response<Body>, Infallible> {
    let http1 = req.version() <= Version::HTTP_11;
    let ended = Arc::new(AtomicBool::new(req.body().is_end_stream()));
    let req = req.map(|inner| {
        Body::new(TrackedBody {
            inner,
            ended: ended.clone(),
        })
    });
    let in_flight_slot = in_flight.slot.clone();
    let resp = match app.oneshot(req).await {
        Ok(resp) => resp,
        Err(never) => match never {},
    };
    let mut resp = resp.map(|inner| {
        Body::new(GuardedBody {
            inner,
            _in_flight: in_flight,
        })
    });
    if http1 && !ended.load(Ordering::Acquire) {
        in_flight_slot.linger.store(true, Ordering::Release);
        resp.headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    Ok(resp)
}

/// Counts a request as in flight on its connection until its response body
/// is sent (or dropped): busy connections are never evicted.
struct InFlight {
    slot: Arc<Slot>,
    table: Arc<Table>,
}

impl InFlight {
    fn enter(slot: Arc<Slot>, table: Arc<Table>) -> InFlight {
        slot.in_flight.fetch_add(1, Ordering::AcqRel);
        InFlight { slot, table }
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        if self.slot.in_flight.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.table.idle.notify_waiters();
        }
    }
}

/// A request body that records whether it was read to the end.
struct TrackedBody {
    inner: Incoming,
    ended: Arc<AtomicBool>,
}

impl HttpBody for TrackedBody {
    type Data = Bytes;
    type Error = hyper::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, hyper::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        if matches!(polled, Poll::Ready(None)) || self.inner.is_end_stream() {
            self.ended.store(true, Ordering::Release);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// A response body that keeps its request counted as in flight.
struct GuardedBody {
    inner: Body,
    _in_flight: InFlight,
}

impl HttpBody for GuardedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// A stream whose shutdown, once `wanted`, is a lingering close: FIN first,
/// then what the peer still sends is read and discarded until it closes,
/// `cap` bytes were read or `timeout` passed, so the close never turns into
/// a reset that destroys the response. Otherwise (an idle connection closed
/// by timeout, eviction or shutdown) it is a plain shutdown.
struct Lingering<S> {
    inner: S,
    wanted: Arc<AtomicBool>,
    cap: u64,
    timeout: Duration,
    state: Linger,
}

enum Linger {
    Open,
    Draining {
        drained: u64,
        deadline: Pin<Box<Sleep>>,
    },
    Done,
}

impl<S: AsyncRead + Unpin> AsyncRead for Lingering<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncWrite for Lingering<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        loop {
            match &mut this.state {
                Linger::Open => {
                    // Sends FIN after everything written so far.
                    if let Err(e) = std::task::ready!(Pin::new(&mut this.inner).poll_shutdown(cx)) {
                        this.state = Linger::Done;
                        return Poll::Ready(Err(e));
                    }
                    if !this.wanted.load(Ordering::Acquire) {
                        this.state = Linger::Done;
                        continue;
                    }
                    this.state = Linger::Draining {
                        drained: 0,
                        deadline: Box::pin(tokio::time::sleep(this.timeout)),
                    };
                }
                Linger::Draining { drained, deadline } => {
                    let mut scratch = [0u8; 8192];
                    let mut buf = ReadBuf::new(&mut scratch);
                    match Pin::new(&mut this.inner).poll_read(cx, &mut buf) {
                        Poll::Ready(Ok(())) if !buf.filled().is_empty() => {
                            *drained += buf.filled().len() as u64;
                            if *drained > this.cap {
                                this.state = Linger::Done;
                            }
                        }
                        // The peer closed (or failed): nothing left to protect.
                        Poll::Ready(_) => this.state = Linger::Done,
                        Poll::Pending => {
                            if deadline.as_mut().poll(cx).is_ready() {
                                this.state = Linger::Done;
                            } else {
                                return Poll::Pending;
                            }
                        }
                    }
                }
                Linger::Done => return Poll::Ready(Ok(())),
            }
        }
    }
}

/// The rustls server configuration of a PEM certificate chain and key
/// (ring provider, TLS 1.2 and 1.3, HTTP/1.1 by ALPN), checked as a reload
/// would check it ([`crate::tls`]).
pub fn tls_acceptor(cert: &std::path::Path, key: &std::path::Path) -> Result<TlsAcceptor, String> {
    crate::tls::ReloadingCert::load(cert, key)?.acceptor()
}
