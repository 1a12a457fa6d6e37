//! Bearer-token authentication. A token acts for one agency with a set of
//! scopes; tokens are looked up by their SHA-256 and compared in constant time.
//! The token itself is never logged.

use axum::http::{header, HeaderMap};

use crate::admin::{parse_scopes, Scope};
use crate::crypto::{hashes_equal, token_hash};
use crate::http::problem::Problem;
use crate::server::AppState;

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The token's id: the actor in the audit log.
    pub token_id: String,
    /// The only agency this caller may act for.
    pub agency: String,
    /// What it may do.
    pub scopes: Vec<Scope>,
}

impl Caller {
    /// The audit actor name.
    pub fn actor(&self) -> String {
        format!("token:{}", self.token_id)
    }

    /// Fails with 403 unless the token has `scope`.
    pub fn require(&self, scope: Scope) -> Result<(), Problem> {
        if self.scopes.contains(&scope) {
            Ok(())
        } else {
            Err(Problem::forbidden(format!(
                "this token lacks the `{scope}` scope"
            )))
        }
    }

    /// Fails with 403 unless the caller acts for `agency`.
    pub fn require_agency(&self, agency: &str) -> Result<(), Problem> {
        if self.agency == agency {
            Ok(())
        } else {
            Err(Problem::forbidden(
                "this token acts for another agency".to_string(),
            ))
        }
    }
}

/// The bearer token of a request, if any (never logged).
fn bearer(headers: &HeaderMap) -> Result<Option<&str>, Problem> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value
        .to_str()
        .map_err(|_| Problem::unauthorized("malformed Authorization header"))?;
    let (scheme, token) = value
        .split_once(' ')
        .ok_or_else(|| Problem::unauthorized("use `Authorization: Bearer TOKEN`"))?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(Problem::unauthorized("use `Authorization: Bearer TOKEN`"));
    }
    Ok(Some(token.trim()))
}

/// Authenticates a request: 401 without a valid, unrevoked token.
pub fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<Caller, Problem> {
    optional(state, headers)?.ok_or_else(|| Problem::unauthorized("a bearer token is required"))
}

/// Authenticates if a token is present (401 if it is present but invalid).
pub fn optional(state: &AppState, headers: &HeaderMap) -> Result<Option<Caller>, Problem> {
    let Some(token) = bearer(headers)? else {
        return Ok(None);
    };
    let hash = token_hash(token);
    let row = state
        .pool
        .with(|c| crate::store::token_by_hash(c, &hash))
        .map_err(Problem::from)?;
    match row {
        Some(row) if !row.revoked && hashes_equal(&row.hash, &hash) => Ok(Some(Caller {
            token_id: row.id,
            agency: row.agency,
            scopes: parse_scopes(&row.scopes),
        })),
        _ => Err(Problem::unauthorized("unknown or revoked token")),
    }
}
