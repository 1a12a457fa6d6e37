//! The licence API: issue (single and batch), fetch by licence IRI with
//! content negotiation, and revoke / suspend / reinstate.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use elicence_core::jose;
use elicence_core::keys::KeyAlgorithm;
use elicence_core::licence::LicenceIri;
use futures_util::{stream, StreamExt, TryStreamExt};
use serde_json::{json, Value};
use tokio::io::{AsyncBufRead, AsyncBufReadExt};

use crate::admin::Scope;
use crate::batch::{self, LineError, LineSplitter, RecordSplitter, RowResult, Scan};
use crate::http::auth::{self, Caller};
use crate::http::body::{content_type, read_json, too_large};
use crate::http::negotiate::{choose, Representation};
use crate::http::problem::Problem;
use crate::issue::{self, IssueError, Issued};
use crate::registry::Agency;
use crate::server::AppState;
use crate::store::StoredCredential;
use crate::writer::{StatusAction, StatusOutcome};
use elicence_render::html::{licence_page, PageStatus};

type St = State<Arc<AppState>>;

/// The caller's agency (404 if it was deleted).
pub fn caller_agency(state: &AppState, caller: &Caller) -> Result<Arc<Agency>, Problem> {
    agency(state, &caller.agency)
}

/// Brings the registry up to date with the database when the admin CLI
/// changed an agency or a key (one single-row read when nothing changed), and
/// drops status lists signed before the change.
pub fn refresh_registry(state: &AppState) -> Result<(), Problem> {
    let reloaded = state
        .pool
        .with(|c| state.registry.refresh(c))
        .map_err(Problem::from)?;
    if reloaded {
        state.publisher.clear();
    }
    Ok(())
}

/// An agency by code, current as of this request; an unknown code is a 404
/// answered from memory (unknown codes never cause a reload).
pub fn agency(state: &AppState, code: &str) -> Result<Arc<Agency>, Problem> {
    refresh_registry(state)?;
    state
        .registry
        .get(code)
        .ok_or_else(|| Problem::not_found(format!("no agency `{code}`")))
}

fn issued_response(issued: &Issued) -> Response {
    let status = if issued.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let mut resp = (status, issued.credential.as_str().to_string()).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Ok(iri) = LicenceIri::parse(&issued.id) {
        if let Ok(v) = HeaderValue::from_str(&iri.to_uri()) {
            h.insert(header::LOCATION, v);
        }
    }
    resp
}

/// `POST /licences`: issue one licence under the token's agency.
#[utoipa::path(post, path = "/licences", tag = "licences",
    request_body(content = String, content_type = "application/json", description = "Licence data as in examples/licence.json; `issuer` may be left out"),
    responses((status = 201, description = "Issued: the signed credential"), (status = 200, description = "The same request was issued before: the stored credential"),
        (status = 401, description = "No valid token"), (status = 403, description = "Token lacks the issue scope"),
        (status = 409, description = "A different licence with this type and number exists"), (status = 422, description = "Invalid licence data")),
    security(("bearer" = [])))]
pub async fn post_licence(
    State(state): St,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, Problem> {
    let caller = auth::authenticate(&state, &headers)?;
    caller.require(Scope::Issue)?;
    let agency = caller_agency(&state, &caller)?;
    let data = read_json(&headers, body, state.config.limits.max_body_bytes).await?;
    let issued = issue::issue_licence(&state, &agency, data, &caller.actor()).await?;
    Ok(issued_response(&issued))
}

fn row_result(row: u64, r: Result<Issued, IssueError>) -> RowResult {
    match r {
        Ok(i) => RowResult {
            row,
            status: if i.created { 201 } else { 200 },
            id: Some(i.id),
            error: None,
            field: None,
        },
        Err(e) => {
            let (status, field, id) = match &e {
                IssueError::Invalid { field, .. } | IssueError::Unsecurable { field, .. } => {
                    (422, Some(field.clone()), None)
                }
                IssueError::Reserved { field, .. } => (403, Some(field.clone()), None),
                IssueError::Conflict { id } => (409, None, Some(id.clone())),
                IssueError::NoKey(_) => (409, None, None),
                IssueError::Internal(_) => (500, None, None),
            };
            if status == 500 {
                tracing::error!(error = %e, row, "batch row failed");
            }
            RowResult {
                row,
                status,
                id,
                error: Some(e.to_string()),
                field,
            }
        }
    }
}

fn invalid_row(row: u64, error: String) -> RowResult {
    RowResult {
        row,
        status: 422,
        id: None,
        error: Some(error),
        field: None,
    }
}

/// Lines of a request body, each size-checked while it is read (see
/// [`LineSplitter`]): an endless line is refused after `max` bytes.
struct BodyLines<R> {
    reader: R,
    splitter: LineSplitter,
}

impl<R: AsyncBufRead + Unpin> BodyLines<R> {
    async fn next_line(&mut self) -> Result<Option<String>, LineError> {
        let BodyLines { reader, splitter } = self;
        loop {
            let buf = reader.fill_buf().await?;
            if buf.is_empty() {
                return if splitter.has_partial_line() {
                    splitter.take()
                } else {
                    Ok(None)
                };
            }
            match splitter.scan(buf)? {
                Scan::Line(n) => {
                    reader.consume(n);
                    return splitter.take();
                }
                Scan::More(n) => reader.consume(n),
            }
        }
    }
}

fn line_error_row(row: u64, e: &LineError) -> RowResult {
    RowResult {
        row,
        status: if matches!(e, LineError::TooLong(_)) {
            413
        } else {
            400
        },
        id: None,
        error: Some(format!("cannot read the body: {e}")),
        field: None,
    }
}

/// `POST /licences:batch`: JSON Lines or CSV in, one result line per row out,
/// streamed as rows complete (in input order). Rows are independent: a bad row
/// fails alone.
#[utoipa::path(post, path = "/licences:batch", tag = "licences",
    request_body(content = String, content_type = "application/x-ndjson", description = "One licence data object per line (application/x-ndjson or application/jsonl), or text/csv with a header of dotted field names"),
    responses((status = 200, description = "application/x-ndjson: one {row, status, id, error, field} object per input row"),
        (status = 401, description = "No valid token"), (status = 403, description = "Token lacks the issue scope"),
        (status = 415, description = "Not JSON Lines or CSV"), (status = 422, description = "Bad CSV header")),
    security(("bearer" = [])))]
pub async fn post_batch(
    State(state): St,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, Problem> {
    let caller = auth::authenticate(&state, &headers)?;
    caller.require(Scope::Issue)?;
    let agency = caller_agency(&state, &caller)?;
    let ct = content_type(&headers);
    let csv = match ct.as_str() {
        "text/csv" => true,
        "application/x-ndjson"
        | "application/jsonl"
        | "application/json-lines"
        | "application/jsonlines" => false,
        other => {
            return Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "Unsupported media type",
                format!("send application/x-ndjson or text/csv, not `{other}`"),
            ))
        }
    };
    let limit = state.config.limits.max_batch_bytes;
    let max_rows = state.config.limits.max_batch_rows as u64;
    let max_line = state.config.limits.max_body_bytes;
    let reader =
        tokio_util::io::StreamReader::new(body.into_data_stream().map_err(std::io::Error::other));
    let mut lines = BodyLines {
        reader: tokio::io::BufReader::new(reader),
        // CSV from old spreadsheets may end lines with a lone CR.
        splitter: LineSplitter::new(max_line, csv),
    };

    // CSV: the header must be right before anything is issued.
    let mut header: Option<Vec<String>> = None;
    if csv {
        let mut splitter = RecordSplitter::default();
        loop {
            let line = match lines.next_line().await {
                Ok(Some(line)) => line,
                Ok(None) => return Err(Problem::invalid("csv", "the CSV has no header row")),
                Err(LineError::TooLong(_)) => return Err(too_large(max_line)),
                Err(e) => return Err(Problem::bad_request(format!("cannot read the body: {e}"))),
            };
            if splitter.pending_len() > max_line {
                return Err(too_large(max_line));
            }
            if let Some(rec) = splitter.push_line(&line) {
                let cells = batch::parse_record(&rec).map_err(|e| Problem::invalid("csv", e))?;
                header = Some(batch::csv_header(&cells).map_err(|e| Problem::invalid("csv", e))?);
                break;
            }
        }
    }

    // Rows as they arrive: (row number, parsed licence data or an error).
    let state2 = state.clone();
    let rows = stream::unfold(
        (lines, RecordSplitter::default(), 0u64, 0usize, false),
        move |(mut lines, mut splitter, mut row, mut bytes, done)| {
            let header = header.clone();
            async move {
                if done {
                    return None;
                }
                loop {
                    let line = match lines.next_line().await {
                        Ok(Some(l)) => l,
                        Ok(None) => {
                            if splitter.is_open() {
                                return Some((
                                    Err(invalid_row(
                                        row + 1,
                                        "unterminated quoted CSV cell".into(),
                                    )),
                                    (lines, splitter, row, bytes, true),
                                ));
                            }
                            return None;
                        }
                        Err(e) => {
                            return Some((
                                Err(line_error_row(row + 1, &e)),
                                (lines, splitter, row, bytes, true),
                            ))
                        }
                    };
                    bytes += line.len() + 1;
                    if bytes > limit || line.len() + splitter.pending_len() > max_line {
                        return Some((
                            Err(RowResult {
                                row: row + 1,
                                status: 413,
                                id: None,
                                error: Some(too_large(limit).detail),
                                field: None,
                            }),
                            (lines, splitter, row, bytes, true),
                        ));
                    }
                    let item = match &header {
                        None => {
                            row += 1;
                            if line.trim().is_empty() {
                                continue;
                            }
                            crate::http::body::parse_json(line.as_bytes(), max_line)
                                .map_err(|p| invalid_row(row, p.detail))
                        }
                        Some(h) => {
                            let Some(rec) = splitter.push_line(&line) else {
                                continue;
                            };
                            row += 1;
                            if rec.trim().is_empty() {
                                continue;
                            }
                            batch::parse_record(&rec)
                                .and_then(|cells| batch::csv_row_to_licence(h, &cells))
                                .map_err(|e| invalid_row(row, e))
                        }
                    };
                    if row > max_rows {
                        return Some((
                            Err(RowResult {
                                row,
                                status: 413,
                                id: None,
                                error: Some(format!("more than {max_rows} rows in one batch")),
                                field: None,
                            }),
                            (lines, splitter, row, bytes, true),
                        ));
                    }
                    return Some((item.map(|v| (row, v)), (lines, splitter, row, bytes, false)));
                }
            }
        },
    );
    let actor = caller.actor();
    let results = rows
        .map(move |item| {
            let state = state2.clone();
            let agency = agency.clone();
            let actor = actor.clone();
            async move {
                match item {
                    Ok((row, data)) => row_result(
                        row,
                        issue::issue_licence(&state, &agency, data, &actor).await,
                    ),
                    Err(r) => r,
                }
            }
        })
        .buffered(64)
        .map(|r| {
            let mut line = serde_json::to_vec(&r).unwrap_or_default();
            line.push(b'\n');
            Ok::<Bytes, std::io::Error>(Bytes::from(line))
        });
    let mut resp = Response::new(Body::from_stream(results));
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-ndjson"),
    );
    Ok(resp)
}

/// The stored credential at a licence IRI path, after access checks.
fn find(
    state: &AppState,
    headers: &HeaderMap,
    code: &str,
    type_code: &str,
    segment: &str,
    need: Option<Scope>,
) -> Result<(Arc<Agency>, StoredCredential), Problem> {
    let agency = agency(state, code)?;
    if let Some(scope) = need {
        let caller = auth::authenticate(state, headers)?;
        caller.require(scope)?;
        caller.require_agency(code)?;
    }
    let iri = LicenceIri::parse(&format!(
        "{}/licences/{type_code}/{segment}",
        agency.base_url
    ))
    .map_err(|e| Problem::not_found(format!("not a licence IRI: {e}")))?;
    let stored = state
        .pool
        .with(|c| crate::store::credential_by_id(c, code, iri.as_str()))
        .map_err(Problem::from)?
        .ok_or_else(|| Problem::not_found(format!("no licence {}", iri.as_str())))?;
    Ok((agency, stored))
}

/// `GET /agencies/{code}/licences/{type}/{number}`: the License Access link.
#[utoipa::path(get, path = "/agencies/{code}/licences/{type}/{number}", tag = "licences",
    params(("code" = String, Path, description = "Agency code"), ("type" = String, Path, description = "Licence type code"), ("number" = String, Path, description = "Licence number segment (`/` as `~`, space as `_`)")),
    responses((status = 200, description = "text/html page, application/vc, application/json, application/ld+json, application/vc+jwt or the signed PDF/A-3 licence (application/pdf) by Accept"),
        (status = 404, description = "No such licence"), (status = 406, description = "No acceptable representation")))]
pub async fn get_licence(
    State(state): St,
    headers: HeaderMap,
    Path((code, type_code, segment)): Path<(String, String, String)>,
) -> Result<Response, Problem> {
    let need = (!state.config.public_licences).then_some(Scope::Read);
    let (agency, stored) = find(&state, &headers, &code, &type_code, &segment, need)?;
    let rep = choose(&headers).ok_or_else(|| {
        Problem::new(
            StatusCode::NOT_ACCEPTABLE,
            "not-acceptable",
            "Not acceptable",
            "available: text/html, application/vc, application/json, application/ld+json, application/vc+jwt, application/pdf",
        )
    })?;
    if rep == Representation::Pdf {
        let pdf = crate::http::pdf::licence_pdf(&state, &agency, &stored).await?;
        let mut resp = (StatusCode::OK, Body::from(pdf.as_ref().clone())).into_response();
        let h = resp.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(rep.media_type()),
        );
        h.insert(header::VARY, HeaderValue::from_static("Accept"));
        return Ok(resp);
    }
    let body = match rep {
        Representation::Html => {
            let credential: Value =
                serde_json::from_str(&stored.credential).map_err(|e| Problem::internal(&e))?;
            let shown = if stored.revoked {
                PageStatus::Revoked
            } else if stored.suspended {
                PageStatus::Suspended
            } else {
                PageStatus::Active
            };
            licence_page(&credential, shown)
        }
        Representation::Jwt => {
            let mut credential: Value =
                serde_json::from_str(&stored.credential).map_err(|e| Problem::internal(&e))?;
            if let Some(m) = credential.as_object_mut() {
                m.remove("proof");
            }
            let now = time::OffsetDateTime::now_utc();
            let key = agency
                .current_key(now, KeyAlgorithm::Ed25519)
                .ok_or_else(|| {
                    Problem::from(crate::error::IssuerError::NoValidKey(agency.code.clone()))
                })?;
            // Signed now with today's key: `iat` says so, so the key-window
            // check holds for licences issued before a key rotation. (A
            // credential issued through the VC API may carry its own `iat`.)
            let (signing, kid) = (&key.signing, &key.verification_method);
            if credential.get("iat").is_some() {
                jose::sign_vc_jwt(&credential, signing, kid)
            } else {
                jose::sign_vc_jwt_at(&credential, signing, kid, now)
            }
            .map_err(|e| Problem::internal(&e))?
        }
        _ => stored.credential,
    };
    let mut resp = (StatusCode::OK, body).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(rep.media_type()),
    );
    h.insert(header::VARY, HeaderValue::from_static("Accept"));
    Ok(resp)
}

/// `POST /agencies/{code}/licences/{type}/{number}/{action}` with action
/// `revoke`, `suspend` or `reinstate`; `offer` is the OpenID4VCI offer
/// ([`crate::http::oid4vci::post_offer`]).
#[utoipa::path(post, path = "/agencies/{code}/licences/{type}/{number}/{action}", tag = "licences",
    params(("code" = String, Path, description = "Agency code"), ("type" = String, Path, description = "Licence type code"), ("number" = String, Path, description = "Licence number segment"), ("action" = String, Path, description = "revoke, suspend or reinstate (scope revoke); offer (scope issue): an OpenID4VCI Credential Offer, 201 {credential_offer_uri, offer, tx_code, expires_at} (docs/wallets.md)")),
    responses((status = 200, description = "Status after the change: {id, revoked, suspended, changed}"),
        (status = 401, description = "No valid token"), (status = 403, description = "Token lacks the revoke scope or acts for another agency"),
        (status = 404, description = "No such licence or action"), (status = 409, description = "Revoked licences cannot be suspended or reinstated")),
    security(("bearer" = [])))]
pub async fn post_status(
    State(state): St,
    headers: HeaderMap,
    Path((code, type_code, segment, action)): Path<(String, String, String, String)>,
    body: Body,
) -> Result<Response, Problem> {
    if action == "offer" {
        let (_, stored) = find(
            &state,
            &headers,
            &code,
            &type_code,
            &segment,
            Some(Scope::Issue),
        )?;
        return crate::http::oid4vci::post_offer(&state, &headers, &code, stored, &type_code, body)
            .await;
    }
    let action = match action.as_str() {
        "revoke" => StatusAction::Revoke,
        "suspend" => StatusAction::Suspend,
        "reinstate" => StatusAction::Reinstate,
        other => {
            return Err(Problem::not_found(format!(
                "no action `{other}` (revoke, suspend, reinstate)"
            )))
        }
    };
    let caller = auth::authenticate(&state, &headers)?;
    caller.require(Scope::Revoke)?;
    caller.require_agency(&code)?;
    let (_, stored) = find(&state, &headers, &code, &type_code, &segment, None)?;
    apply_status(&state, &caller, &stored.id, action).await
}

/// Applies a status change for the caller's agency and answers with the new state.
pub async fn apply_status(
    state: &AppState,
    caller: &Caller,
    id: &str,
    action: StatusAction,
) -> Result<Response, Problem> {
    let changed = change_status(state, &caller.agency, id, action, &caller.actor(), None).await?;
    let stored = state
        .pool
        .with(|c| crate::store::credential_by_id(c, &caller.agency, id))
        .map_err(Problem::from)?
        .ok_or_else(|| Problem::not_found(format!("no credential {id}")))?;
    Ok((
        StatusCode::OK,
        axum::Json(json!({
            "id": id,
            "action": action.name(),
            "changed": changed,
            "revoked": stored.revoked,
            "suspended": stored.suspended,
        })),
    )
        .into_response())
}

/// Revokes, suspends or reinstates credential `id` of `agency` for `actor`
/// (with an optional reason for the audit log), and drops the cached status
/// list: the one status-change path of the API and the console. `Ok(false)`
/// means it already had that status.
pub async fn change_status(
    state: &AppState,
    agency: &str,
    id: &str,
    action: StatusAction,
    actor: &str,
    reason: Option<&str>,
) -> Result<bool, Problem> {
    let outcome = state
        .writer
        .change_status_because(agency, id, action, actor, reason)
        .await
        .map_err(Problem::from)?;
    let changed = match outcome {
        StatusOutcome::Changed(list) => {
            state.publisher.invalidate(agency, list);
            state.metrics.status_changed();
            true
        }
        StatusOutcome::Unchanged => false,
        StatusOutcome::NotFound => return Err(Problem::not_found(format!("no credential {id}"))),
        StatusOutcome::Revoked => {
            return Err(Problem::conflict(
                "the credential is revoked: revocation is final",
            ))
        }
        StatusOutcome::NoStatus => {
            return Err(Problem::conflict(
                "the credential was issued without a status entry",
            ))
        }
    };
    Ok(changed)
}
