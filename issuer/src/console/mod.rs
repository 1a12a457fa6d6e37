//! The agency console at `/console/`: staff of an agency sign in with a
//! password and a TOTP code, issue licences from a form driven by the
//! licence catalogue, find them, and revoke, suspend or reinstate them,
//! in Thai or English, from a laptop or a phone (see `docs/console.md`).
//!
//! - [`accounts`]: accounts, roles, Argon2id passwords, sign-in with lockout
//! - [`totp`]: RFC 6238 one-time codes
//! - [`session`]: server-side sessions, cookies and CSRF tokens
//! - [`i18n`]: Thai by default, English on request
//! - [`form`]: the catalogue-driven issue form and its dates
//! - [`pages`]: the pages (maud: every value escaped by construction)
//! - [`routes`]: the handlers, on the same issuance and status code as the API
//! - [`search`]: finding licences through a trigram index of names
//! - [`assets`]: one style sheet and one small script
//!
//! Every form carries its session's CSRF token and every POST checks it
//! before anything else; every change lands in the audit log with the
//! account (`user:ID:NAME`) as actor.

pub mod accounts;
pub mod assets;
pub mod form;
pub mod i18n;
pub mod pages;
pub mod routes;
pub mod search;
pub mod session;
pub mod totp;

use std::sync::Arc;

use axum::routing::get;
use axum::Router;

use crate::server::AppState;

/// The console's routes, nested by the service's router.
pub fn router() -> Router<Arc<AppState>> {
    use routes::*;
    Router::new()
        .route("/console", get(to_home))
        .route("/console/", get(home))
        .route("/console/static/console.css", get(css))
        .route("/console/static/console.js", get(js))
        .route("/console/login", get(login_page).post(login))
        .route("/console/logout", axum::routing::post(logout))
        .route("/console/issue", get(issue_page).post(issue))
        .route("/console/licences", get(search))
        .route("/console/licences.csv", get(export))
        .route("/console/licences/{type}/{number}", get(licence))
        .route("/console/licences/{type}/{number}/print", get(print))
        .route("/console/licences/{type}/{number}/pdf", get(pdf))
        .route(
            "/console/licences/{type}/{number}/status/{action}",
            get(confirm_status).post(change_status),
        )
        .route("/console/users", get(users).post(add_user))
        .route(
            "/console/users/{username}/{action}",
            axum::routing::post(user_action),
        )
        .route("/console/audit", get(audit_log))
}
