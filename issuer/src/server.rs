//! Wiring: state from configuration, the writer thread, and serving (plain
//! HTTP or TLS via rustls) until Ctrl-C / SIGTERM; on SIGHUP (and every
//! `reload_check_seconds`) a replaced TLS certificate or master key is
//! picked up without a restart.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;

use crate::config::{Config, TlsConfig};
use crate::crypto::MasterKey;
use crate::error::IssuerError;
use crate::hsm::Hsm;
use crate::metrics::Metrics;
use crate::registry::Registry;
use crate::status::{Allocator, Publisher};
use crate::store::{self, ReadPool};
use crate::tls::ReloadingCert;
use crate::writer::Writer;

/// Everything handlers share.
#[derive(Debug)]
pub struct AppState {
    /// The configuration.
    pub config: Config,
    /// Agencies and their keys.
    pub registry: Registry,
    /// Read connections.
    pub pool: ReadPool,
    /// Status index allocation.
    pub allocator: Allocator,
    /// Published status lists.
    pub publisher: Publisher,
    /// The single writer.
    pub writer: Writer,
    /// Counters.
    pub metrics: Arc<Metrics>,
    /// OpenID4VCI offers, codes, access tokens and nonces (in memory).
    pub grants: elicence_oid4vci::GrantStore<crate::http::oid4vci::OfferSubject>,
    /// The inspector folder, checked at start.
    pub inspector: Option<crate::http::inspector::InspectorFolder>,
}

/// Opens the database, loads agencies (decrypting keys with the master key)
/// and starts the writer thread.
pub fn build_state(config: Config) -> Result<Arc<AppState>, IssuerError> {
    let inspector = match &config.inspector_dir {
        None => None,
        Some(dir) => Some(
            crate::http::inspector::check_inspector_dir(
                dir,
                &crate::http::inspector::protected_files(&config),
            )
            .map_err(|reason| IssuerError::Config {
                path: config.source.clone().unwrap_or_default(),
                reason,
            })?,
        ),
    };
    let master = MasterKey::load(&config.master_key)?;
    let write_conn = store::open(&config.database, config.durability)?;
    // A token that is missing or refuses the PIN stops the start here, with
    // the reason, rather than failing the first licence.
    let hsm = config.hsm.as_ref().map(Hsm::open).transpose()?;
    let registry = Registry::load_with(&write_conn, config.origin(), master, hsm)?
        .with_master_source(config.master_key.clone());
    let metrics = Arc::new(Metrics::default());
    let (writer, _handle) = Writer::start(
        write_conn,
        config.database.clone(),
        config.durability,
        config.limits.max_group_commit,
        metrics.clone(),
    );
    Ok(Arc::new(AppState {
        pool: ReadPool::new(&config.database, config.durability),
        allocator: Allocator::new(config.status.list_size, config.status.max_fill),
        publisher: Publisher::new(
            config.status.list_size,
            Duration::from_secs(config.status.ttl_seconds),
            Duration::from_secs(config.status.validity_seconds),
        ),
        registry,
        writer,
        metrics,
        inspector,
        grants: elicence_oid4vci::GrantStore::new(elicence_oid4vci::Limits::default()),
        config,
    }))
}

/// Serves `state` on an already bound listener (plain HTTP) until `shutdown`,
/// with the configured connection limits (see [`crate::conn`]).
pub async fn serve_on(
    listener: TcpListener,
    state: Arc<AppState>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), IssuerError> {
    serve_with(listener, None, state, shutdown).await
}

/// Serves `state` on `listener`, over TLS when `tls` is given, until `shutdown`.
pub async fn serve_with(
    listener: TcpListener,
    tls: Option<tokio_rustls::TlsAcceptor>,
    state: Arc<AppState>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), IssuerError> {
    let limits = state.config.connection_limits();
    let metrics = state.metrics.clone();
    let app = crate::http::router(state);
    crate::conn::serve(listener, tls, app, limits, metrics, shutdown).await?;
    Ok(())
}

/// The TLS acceptor of a `[tls]` configuration.
pub fn tls_acceptor(tls: &TlsConfig) -> Result<tokio_rustls::TlsAcceptor, IssuerError> {
    tls_cert(tls)?
        .acceptor()
        .map_err(|reason| tls_error(tls, reason))
}

/// The certificate of a `[tls]` configuration, checked, ready to be
/// reloaded while the service runs (see [`crate::tls`]).
pub fn tls_cert(tls: &TlsConfig) -> Result<Arc<ReloadingCert>, IssuerError> {
    ReloadingCert::load(&tls.cert, &tls.key).map_err(|reason| tls_error(tls, reason))
}

fn tls_error(tls: &TlsConfig, reason: String) -> IssuerError {
    IssuerError::Config {
        path: tls.cert.clone(),
        reason: format!("TLS certificate/key: {reason}"),
    }
}

/// Picks up replaced files without a restart: on SIGHUP and every
/// `reload_check_seconds` (unless 0), the TLS certificate/key pair
/// ([`ReloadingCert::reload`]) and the master key
/// ([`Registry::check_master_key`]) are read again, until `stop`.
pub async fn watch_reloads(
    state: Arc<AppState>,
    cert: Option<Arc<ReloadingCert>>,
    stop: tokio_util::sync::CancellationToken,
) {
    #[cfg(unix)]
    let mut hangup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()).ok();
    let every = state.config.reload_check_seconds;
    let mut ticks = (every > 0).then(|| {
        let mut t = tokio::time::interval(Duration::from_secs(every));
        t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        t
    });
    loop {
        let hup = async {
            #[cfg(unix)]
            if let Some(h) = hangup.as_mut() {
                h.recv().await;
                return;
            }
            std::future::pending::<()>().await
        };
        let tick = async {
            match ticks.as_mut() {
                Some(t) => {
                    t.tick().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = hup => tracing::info!("SIGHUP: checking TLS certificate and master key"),
            _ = tick => {}
        }
        let (state, cert) = (state.clone(), cert.clone());
        let checked = tokio::task::spawn_blocking(move || {
            if let Some(cert) = cert {
                cert.reload();
            }
            state
                .pool
                .with(|conn| state.registry.check_master_key(conn))
        })
        .await;
        if let Ok(Err(e)) = checked {
            tracing::warn!(error = %e, "master key check failed; will try again");
        }
    }
}

/// Serves `/metrics` and `/healthz` (no token) on the separate metrics
/// listener until `shutdown`.
pub async fn serve_metrics_on(
    listener: TcpListener,
    state: Arc<AppState>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), IssuerError> {
    let mut limits = state.config.connection_limits();
    limits.max_connections = limits.max_connections.min(64);
    let metrics = state.metrics.clone();
    let app = crate::http::metrics_router(state);
    crate::conn::serve(listener, None, app, limits, metrics, shutdown).await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}

/// Runs the service described by `config` (blocking the calling thread).
pub fn run(config: Config) -> Result<(), IssuerError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listen: SocketAddr = config.listen;
        let cert = config.tls.as_ref().map(tls_cert).transpose()?;
        let tls = match (&cert, &config.tls) {
            (Some(cert), Some(conf)) => {
                Some(cert.acceptor().map_err(|reason| tls_error(conf, reason))?)
            }
            _ => None,
        };
        let metrics_listen = config.metrics.listen;
        let state = build_state(config)?;
        let stop = tokio_util::sync::CancellationToken::new();
        let stopper = stop.clone();
        tokio::spawn(async move {
            shutdown_signal().await;
            stopper.cancel();
        });
        tokio::spawn(watch_reloads(state.clone(), cert, stop.clone()));
        if let Some(addr) = metrics_listen {
            let listener = TcpListener::bind(addr).await?;
            tracing::info!(%addr, "metrics listening");
            let (state, stop) = (state.clone(), stop.clone());
            tokio::spawn(async move {
                if let Err(e) = serve_metrics_on(listener, state, stop.cancelled_owned()).await {
                    tracing::error!(error = %e, "metrics listener failed");
                }
            });
        }
        tracing::info!(%listen, tls = tls.is_some(), agencies = state.registry.all().len(), "elicence-issuer listening");
        let listener = TcpListener::bind(listen).await?;
        serve_with(listener, tls, state, stop.cancelled_owned()).await
    })
}

/// Installs structured logging: JSON lines when `ELICENCE_LOG_FORMAT=json`,
/// level from `RUST_LOG` (default `info`). Logs never contain keys or tokens.
pub fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let json = std::env::var("ELICENCE_LOG_FORMAT").is_ok_and(|v| v == "json");
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
