//! The Authorization Request (OpenID4VP 1.0 §5): the relying party's signed
//! request object (JAR, RFC 9101, `typ: oauth-authz-req+jwt`) fetched by
//! reference, the `openid4vp://` link that points at it, and the holder's
//! checks before it shows anyone's name: signature by the certificate in
//! `x5c`, the certificate naming the client identifier, the response going
//! to that name, the request not expired.

use std::time::SystemTime;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use elicence_core::keys::SigningKey;
use elicence_sd_jwt::jws::{self, Alg};
use elicence_sd_jwt::Part;
use serde_json::{json, Map, Value};
use x509_cert::Certificate;

use crate::client::{self, ClientError, ClientId};
use crate::dcql::{DcqlError, DcqlQuery};

/// The `typ` of a request object (RFC 9101 §10.8).
pub const REQUEST_OBJECT_TYPE: &str = "oauth-authz-req+jwt";
/// The link scheme wallets register for.
pub const SCHEME: &str = "openid4vp://";
/// The static discovery `aud` of a request object (OpenID4VP 1.0 §5.8).
pub const SELF_ISSUED_AUDIENCE: &str = "https://self-issued.me/v2";
/// The response mode where the wallet posts a form to `response_uri`.
pub const DIRECT_POST: &str = "direct_post";
/// The response mode where the wallet posts an encrypted JWE (HAIP).
pub const DIRECT_POST_JWT: &str = "direct_post.jwt";
/// Longest request object a holder reads.
pub const MAX_REQUEST_OBJECT: usize = 64 * 1024;

/// Why a link or request object is refused.
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    /// The link is not an OpenID4VP link we can follow.
    #[error("not an OpenID4VP link: {0}")]
    Link(String),
    /// The request object is malformed or breaks the protocol.
    #[error("invalid request object: {0}")]
    Invalid(String),
    /// The request object's signature or identity does not hold.
    #[error("the verifier's identity could not be verified: {0}")]
    Identity(String),
    /// The request expired.
    #[error("the request expired at {0} (Unix time): ask the verifier for a new one")]
    Expired(i64),
    /// Its DCQL query is malformed.
    #[error(transparent)]
    Dcql(#[from] DcqlError),
    /// Its client identifier or certificate is refused.
    #[error(transparent)]
    Client(#[from] ClientError),
}

fn invalid(msg: impl Into<String>) -> RequestError {
    RequestError::Invalid(msg.into())
}

/// What the relying party asks, as carried in the request object.
#[derive(Debug, Clone, PartialEq)]
pub struct AuthorizationRequest {
    /// `x509_san_dns:<name>` or `redirect_uri:<uri>`.
    pub client_id: String,
    /// Where the wallet posts its answer.
    pub response_uri: String,
    /// `direct_post` or `direct_post.jwt`.
    pub response_mode: String,
    /// `client_metadata`: for `direct_post.jwt`, the relying party's
    /// encryption key (`jwks`) and `encrypted_response_enc_values_supported`.
    pub client_metadata: Option<Value>,
    /// Fresh per request: the holder binds its presentation to it.
    pub nonce: String,
    /// Fresh per request: echoed in the response, ties it to this request.
    pub state: String,
    /// What is asked for.
    pub dcql_query: DcqlQuery,
    /// When the request was made (Unix time).
    pub iat: i64,
    /// When it expires (Unix time).
    pub exp: i64,
}

impl AuthorizationRequest {
    fn claims(&self) -> Map<String, Value> {
        let mut c = Map::new();
        c.insert("iss".into(), json!(self.client_id));
        c.insert("aud".into(), json!(SELF_ISSUED_AUDIENCE));
        c.insert("iat".into(), json!(self.iat));
        c.insert("exp".into(), json!(self.exp));
        c.insert("response_type".into(), json!("vp_token"));
        c.insert("client_id".into(), json!(self.client_id));
        c.insert("response_mode".into(), json!(self.response_mode));
        c.insert("response_uri".into(), json!(self.response_uri));
        c.insert("nonce".into(), json!(self.nonce));
        c.insert("state".into(), json!(self.state));
        if let Some(m) = &self.client_metadata {
            c.insert("client_metadata".into(), m.clone());
        }
        c.insert(
            "dcql_query".into(),
            serde_json::to_value(&self.dcql_query).unwrap_or(Value::Null),
        );
        c
    }

    /// The request object signed with `key` (ES256), the certificate chain
    /// in `x5c`: for `x509_san_dns` client identifiers.
    pub fn sign(&self, key: &SigningKey, x5c: &[String]) -> String {
        let mut header = Map::new();
        header.insert("typ".into(), json!(REQUEST_OBJECT_TYPE));
        header.insert("x5c".into(), json!(x5c));
        jws::sign(&header, &self.claims(), key)
    }

    /// The request object unsigned (`alg: none`): `redirect_uri` client
    /// identifiers only, which OpenID4VP forbids to sign.
    pub fn unsigned(&self) -> String {
        let header = json!({"alg": "none", "typ": REQUEST_OBJECT_TYPE});
        format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(Value::Object(self.claims()).to_string())
        )
    }
}

fn encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The `openid4vp://` link to a request object by reference.
pub fn wallet_link(client_id: &str, request_uri: &str) -> String {
    format!(
        "{SCHEME}?client_id={}&request_uri={}",
        encode(client_id),
        encode(request_uri)
    )
}

/// What an `openid4vp://` link carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalletLink {
    /// The client identifier, which the request object must repeat.
    pub client_id: String,
    /// Where to fetch the request object.
    pub request_uri: String,
}

/// Reads an `openid4vp://` (or `openid4vp:`) link with `client_id` and `request_uri`.
pub fn parse_link(link: &str) -> Result<WalletLink, RequestError> {
    let link = link.trim();
    let query = link
        .strip_prefix("openid4vp://")
        .or_else(|| link.strip_prefix("openid4vp:"))
        .ok_or_else(|| RequestError::Link("it does not start with openid4vp://".into()))?;
    let query = query.trim_start_matches('/');
    let query = query.strip_prefix('?').unwrap_or(query);
    let mut client_id = None;
    let mut request_uri = None;
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        match k.as_ref() {
            "client_id" => client_id = Some(v.into_owned()),
            "request_uri" => request_uri = Some(v.into_owned()),
            "request" => {
                return Err(RequestError::Link(
                    "requests by value are not accepted: the verifier must sign a request object by reference".into(),
                ))
            }
            _ => {}
        }
    }
    let client_id = client_id.ok_or_else(|| RequestError::Link("no client_id".into()))?;
    let request_uri = request_uri.ok_or_else(|| RequestError::Link("no request_uri".into()))?;
    if !(request_uri.starts_with("https://") || is_local_http(&request_uri)) {
        return Err(RequestError::Link(format!(
            "request_uri {request_uri:?} must be https (http only on localhost)"
        )));
    }
    Ok(WalletLink {
        client_id,
        request_uri,
    })
}

/// The host of an http(s) URL.
pub fn host_of(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit('@').next()?;
    if let Some(v6) = authority.strip_prefix('[') {
        return v6.split(']').next();
    }
    authority.split(':').next().filter(|h| !h.is_empty())
}

/// Plain http is accepted for loopback only (development and tests).
pub fn is_local_http(url: &str) -> bool {
    url.starts_with("http://") && matches!(host_of(url), Some("localhost" | "127.0.0.1" | "::1"))
}

/// How the holder knows who is asking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifierIdentity {
    /// The request was signed by the key of a certificate naming `dns`.
    Certificate {
        /// The DNS name, checked against the certificate.
        dns: String,
        /// The certificate's subject.
        subject: String,
        /// The trust anchor the chain reached; `None`: no anchor vouches
        /// for it (the name is only as good as the response host match).
        anchor: Option<String>,
    },
    /// `redirect_uri:` development requests: unsigned, nobody vouches.
    Unverified {
        /// Where the answer goes.
        redirect_uri: String,
    },
}

impl std::fmt::Display for VerifierIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VerifierIdentity::Certificate {
                dns,
                subject,
                anchor: Some(a),
            } => write!(f, "{dns} (certificate {subject}, issued under trusted {a})"),
            VerifierIdentity::Certificate { dns, subject, anchor: None } => write!(
                f,
                "{dns} (certificate {subject}; NOT vouched for by a trusted authority: only the web address matches)"
            ),
            VerifierIdentity::Unverified { redirect_uri } => write!(
                f,
                "UNVERIFIED development verifier at {redirect_uri} (redirect_uri: nobody vouches for it)"
            ),
        }
    }
}

/// A request object the holder has checked.
#[derive(Debug, Clone)]
pub struct VerifiedRequest {
    /// What is asked.
    pub request: AuthorizationRequest,
    /// Who asks.
    pub identity: VerifierIdentity,
}

fn decode_segment(s: &str, what: &str) -> Result<Map<String, Value>, RequestError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(s)
        .map_err(|_| invalid(format!("the {what} is not base64url")))?;
    match elicence_core::json::parse_strict(&bytes) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(invalid(format!("the {what} is not a JSON object"))),
    }
}

fn string(c: &Map<String, Value>, name: &str) -> Result<String, RequestError> {
    match c.get(name) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        _ => Err(invalid(format!("`{name}` is missing or not a string"))),
    }
}

fn int(c: &Map<String, Value>, name: &str) -> Result<i64, RequestError> {
    c.get(name)
        .and_then(Value::as_i64)
        .ok_or_else(|| invalid(format!("`{name}` is missing or not a number")))
}

/// The holder's checks of a request object fetched for `link`: `typ`,
/// the same `client_id` as the link, its identity (x509_san_dns: ES256
/// signature by the `x5c` leaf naming the DNS name, chain to `anchors` when
/// given, else the response must go to that very host; redirect_uri:
/// unsigned and answered at that URI), `response_type`, `response_mode`
/// `direct_post`, a nonce, a state, not expired at `now`, a valid DCQL query.
pub fn verify_request_object(
    jwt: &str,
    link: &WalletLink,
    anchors: &[Certificate],
    now: SystemTime,
) -> Result<VerifiedRequest, RequestError> {
    if jwt.len() > MAX_REQUEST_OBJECT {
        return Err(invalid("larger than 64 KiB"));
    }
    let jwt = jwt.trim();
    let mut parts = jwt.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(invalid("not a compact JWT"));
    };
    let header = decode_segment(h, "header")?;
    let typ_ok = header
        .get("typ")
        .and_then(Value::as_str)
        .is_some_and(|t| t.eq_ignore_ascii_case(REQUEST_OBJECT_TYPE));
    if !typ_ok {
        return Err(invalid(format!("`typ` must be {REQUEST_OBJECT_TYPE}")));
    }
    let claims = decode_segment(p, "payload")?;
    let client_id = string(&claims, "client_id")?;
    if client_id != link.client_id {
        return Err(RequestError::Identity(format!(
            "the request object is for client_id {client_id:?}, the link for {:?}",
            link.client_id
        )));
    }
    let response_uri = string(&claims, "response_uri")?;
    let identity = match ClientId::parse(&client_id)? {
        ClientId::X509SanDns(dns) => {
            let decoded = jws::decode(jwt, Part::IssuerJwt, &[Alg::Es256], &[REQUEST_OBJECT_TYPE])
                .map_err(|e| RequestError::Identity(e.to_string()))?;
            let x5c: Vec<String> = decoded
                .header
                .get("x5c")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            let chain = client::from_x5c(&x5c)?;
            client::check_dns_name(&chain[0], &dns)?;
            let key = client::public_key(&chain[0])?;
            decoded
                .verify(&key, Part::IssuerJwt)
                .map_err(|e| RequestError::Identity(e.to_string()))?;
            let anchor = if anchors.is_empty() {
                None
            } else {
                Some(client::verify_chain(&chain, anchors, now)?)
            };
            if anchor.is_none()
                && !host_of(&response_uri).is_some_and(|h| h.eq_ignore_ascii_case(&dns))
            {
                return Err(RequestError::Identity(format!(
                    "the answer would go to {response_uri}, not to {dns}, and no trusted authority vouches for {dns}"
                )));
            }
            VerifierIdentity::Certificate {
                subject: client::subject(&chain[0]),
                dns,
                anchor,
            }
        }
        ClientId::RedirectUri(uri) => {
            let alg = header.get("alg").and_then(Value::as_str);
            if alg != Some("none") || !s.is_empty() {
                return Err(invalid("redirect_uri requests must not be signed"));
            }
            if uri != response_uri {
                return Err(RequestError::Identity(format!(
                    "redirect_uri client {uri} asks for answers at {response_uri}"
                )));
            }
            VerifierIdentity::Unverified { redirect_uri: uri }
        }
    };
    if !(response_uri.starts_with("https://") || is_local_http(&response_uri)) {
        return Err(invalid(
            "response_uri must be https (http only on localhost)",
        ));
    }
    if string(&claims, "response_type")? != "vp_token" {
        return Err(invalid("response_type must be vp_token"));
    }
    let response_mode = string(&claims, "response_mode")?;
    if response_mode != DIRECT_POST && response_mode != DIRECT_POST_JWT {
        return Err(invalid(format!(
            "response_mode {response_mode:?} is not supported (direct_post, direct_post.jwt)"
        )));
    }
    let client_metadata = claims.get("client_metadata").cloned();
    if response_mode == DIRECT_POST_JWT {
        encryption_key(client_metadata.as_ref())?;
    }
    let exp = int(&claims, "exp")?;
    let now_s = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    if now_s >= exp {
        return Err(RequestError::Expired(exp));
    }
    let dcql = claims
        .get("dcql_query")
        .ok_or_else(|| invalid("no dcql_query"))?;
    let request = AuthorizationRequest {
        client_id,
        response_uri,
        response_mode,
        client_metadata,
        nonce: string(&claims, "nonce")?,
        state: string(&claims, "state")?,
        dcql_query: DcqlQuery::parse(dcql)?,
        iat: int(&claims, "iat").unwrap_or(0),
        exp,
    };
    Ok(VerifiedRequest { request, identity })
}

/// The relying party's response encryption key from `client_metadata`:
/// the first `jwks` key that is a P-256 EC key (its `kid`, if any), and
/// the content encryption to use (A128GCM unless only A256GCM is offered).
pub fn encryption_key(
    metadata: Option<&Value>,
) -> Result<(p256::PublicKey, Option<String>, &'static str), RequestError> {
    let m = metadata.ok_or_else(|| invalid("direct_post.jwt needs client_metadata"))?;
    let keys = m
        .get("jwks")
        .and_then(|j| j.get("keys"))
        .and_then(Value::as_array)
        .ok_or_else(|| invalid("client_metadata.jwks.keys is missing"))?;
    let (key, jwk) = keys
        .iter()
        .find_map(|k| crate::jwe::from_jwk(k).ok().map(|p| (p, k)))
        .ok_or_else(|| invalid("client_metadata.jwks has no P-256 key"))?;
    let offered: Vec<&str> = m
        .get("encrypted_response_enc_values_supported")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_else(|| vec!["A128GCM"]);
    let enc = crate::jwe::ENC_VALUES
        .into_iter()
        .find(|e| offered.contains(e))
        .ok_or_else(|| invalid("no supported encrypted_response_enc_values_supported"))?;
    let kid = jwk.get("kid").and_then(Value::as_str).map(str::to_owned);
    Ok((key, kid, enc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use elicence_core::keys::KeyAlgorithm;

    fn request(client_id: &str, response_uri: &str, exp: i64) -> AuthorizationRequest {
        AuthorizationRequest {
            client_id: client_id.into(),
            response_uri: response_uri.into(),
            response_mode: DIRECT_POST.into(),
            client_metadata: None,
            nonce: "n-1".into(),
            state: "s-1".into(),
            dcql_query: DcqlQuery::parse(&json!({"credentials": [{"id": "l", "format": "dc+sd-jwt", "meta": {"vct_values": ["v"]}}]})).unwrap(),
            iat: 0,
            exp,
        }
    }

    fn later() -> i64 {
        time::OffsetDateTime::now_utc().unix_timestamp() + 300
    }

    #[test]
    fn links_round_trip_and_refuse_plain_http_elsewhere() {
        let link = wallet_link(
            "x509_san_dns:bank.example",
            "https://bank.example/r/1?x=a&b",
        );
        let parsed = parse_link(&link).unwrap();
        assert_eq!(parsed.client_id, "x509_san_dns:bank.example");
        assert_eq!(parsed.request_uri, "https://bank.example/r/1?x=a&b");
        assert!(
            parse_link("openid4vp://?client_id=a&request_uri=http%3A%2F%2Fevil.example%2Fr")
                .is_err()
        );
        assert!(parse_link("https://bank.example").is_err());
        assert!(parse_link("openid4vp://?client_id=a&request=xyz").is_err());
        assert_eq!(host_of("http://localhost:8080/x"), Some("localhost"));
    }

    #[test]
    fn a_signed_request_is_verified_and_a_forged_one_refused() {
        let key = SigningKey::generate(KeyAlgorithm::P256, &mut rand_core::OsRng);
        let pem = client::self_signed_certificate(&key, "bank.example", 1).unwrap();
        let chain = client::read_pem_chain(&pem).unwrap();
        let x5c = client::x5c(&chain).unwrap();
        let cid = "x509_san_dns:bank.example";
        let link = WalletLink {
            client_id: cid.into(),
            request_uri: "https://bank.example/r".into(),
        };
        let jwt = request(cid, "https://bank.example/resp", later()).sign(&key, &x5c);
        let now = SystemTime::now();
        let ok = verify_request_object(&jwt, &link, &[], now).unwrap();
        assert!(matches!(
            ok.identity,
            VerifierIdentity::Certificate { anchor: None, .. }
        ));
        let ok = verify_request_object(&jwt, &link, &chain, now).unwrap();
        assert!(matches!(
            ok.identity,
            VerifierIdentity::Certificate {
                anchor: Some(_),
                ..
            }
        ));

        // Answers going elsewhere, with nobody vouching: refused.
        let elsewhere = request(cid, "https://evil.example/resp", later()).sign(&key, &x5c);
        assert!(matches!(
            verify_request_object(&elsewhere, &link, &[], now),
            Err(RequestError::Identity(_))
        ));
        // Signed by another key than the certificate's.
        let other = SigningKey::generate(KeyAlgorithm::P256, &mut rand_core::OsRng);
        let forged = request(cid, "https://bank.example/resp", later()).sign(&other, &x5c);
        assert!(matches!(
            verify_request_object(&forged, &link, &[], now),
            Err(RequestError::Identity(_))
        ));
        // A certificate for another name.
        let evil = client::x5c(
            &client::read_pem_chain(
                &client::self_signed_certificate(&other, "evil.example", 1).unwrap(),
            )
            .unwrap(),
        )
        .unwrap();
        let wrong_name = request(cid, "https://bank.example/resp", later()).sign(&other, &evil);
        assert!(matches!(
            verify_request_object(&wrong_name, &link, &[], now),
            Err(RequestError::Client(ClientError::NameMismatch { .. }))
        ));
        // Unsigned with an x509 client id.
        let unsigned = request(cid, "https://bank.example/resp", later()).unsigned();
        assert!(verify_request_object(&unsigned, &link, &[], now).is_err());
        // Expired.
        let old = request(cid, "https://bank.example/resp", 10).sign(&key, &x5c);
        assert!(matches!(
            verify_request_object(&old, &link, &[], now),
            Err(RequestError::Expired(10))
        ));
        // Another client id than the link's.
        let link2 = WalletLink {
            client_id: "x509_san_dns:other.example".into(),
            ..link
        };
        assert!(matches!(
            verify_request_object(&jwt, &link2, &[], now),
            Err(RequestError::Identity(_))
        ));
    }

    #[test]
    fn redirect_uri_requests_are_unsigned_and_answered_at_that_uri() {
        let uri = "http://localhost:9/resp";
        let cid = format!("redirect_uri:{uri}");
        let link = WalletLink {
            client_id: cid.clone(),
            request_uri: "http://localhost:9/r".into(),
        };
        let jwt = request(&cid, uri, later()).unsigned();
        let ok = verify_request_object(&jwt, &link, &[], SystemTime::now()).unwrap();
        assert!(matches!(ok.identity, VerifierIdentity::Unverified { .. }));
        let elsewhere = request(&cid, "http://localhost:9/other", later()).unsigned();
        assert!(verify_request_object(&elsewhere, &link, &[], SystemTime::now()).is_err());
    }
}
