//! Verification (RFC 9901 §7): the Issuer-signed JWT, the Disclosures, the
//! registered time claims, and the Key Binding JWT, refusing with a typed
//! [`SdJwtError`]. The caller supplies the clock and the issuer's key (a
//! trust bundle lookup in elicence-verifier); nothing is fetched.

use elicence_core::keys::PublicKey;
use serde_json::{Map, Value};
use time::{Duration, OffsetDateTime};

use crate::disclosure::{sha256_b64, ClaimPath, Disclosure};
use crate::error::{bad_claim, Part, SdJwtError};
use crate::jws::{self, Alg, DecodedJws, DEFAULT_ALGORITHMS};
use crate::process::{self, Processed};

/// The `typ` of a Key Binding JWT.
pub const KB_JWT_TYPE: &str = "kb+jwt";

/// What the verifier asks of the holder's Key Binding JWT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyBinding {
    /// A KB-JWT must be present, answer `nonce` for `audience`, and be at
    /// most `max_age` old (and not from the future beyond the clock skew).
    Required {
        /// The verifier's nonce for this exchange.
        nonce: String,
        /// The verifier's identifier (`aud`).
        audience: String,
        /// How old a KB-JWT may be.
        max_age: Duration,
    },
    /// A KB-JWT is not required; one that is present must still verify
    /// (signature by `cnf`, `sd_hash`, not from the future), but its nonce
    /// and audience are not judged: nobody asked for them.
    IfPresent,
}

/// How to verify; see [`VerifyOptions::new`] for the defaults.
#[derive(Debug, Clone)]
pub struct VerifyOptions {
    /// The verifier's clock.
    pub now: OffsetDateTime,
    /// JWS algorithms accepted (both JWTs).
    pub algorithms: Vec<Alg>,
    /// Accepted `typ` values of the Issuer-signed JWT (empty: not checked).
    pub types: Vec<String>,
    /// Key Binding policy.
    pub key_binding: KeyBinding,
    /// Check `nbf`/`exp` here. elicence-verifier turns this off to report
    /// validity as a check of its own; every other caller leaves it on.
    pub check_validity: bool,
    /// How far in the future an `iat` may be (clocks differ).
    pub clock_skew: Duration,
}

impl VerifyOptions {
    /// Defaults at `now`: ES256 and EdDSA, any `typ`, KB-JWT if present,
    /// validity checked, 5 minutes of clock skew.
    pub fn new(now: OffsetDateTime) -> VerifyOptions {
        VerifyOptions {
            now,
            algorithms: DEFAULT_ALGORITHMS.to_vec(),
            types: Vec::new(),
            key_binding: KeyBinding::IfPresent,
            check_validity: true,
            clock_skew: Duration::minutes(5),
        }
    }
}

/// The holder's Key Binding JWT, verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedKeyBinding {
    /// When the holder signed it.
    pub iat: i64,
    /// The nonce it answers.
    pub nonce: String,
    /// The verifier it is for.
    pub audience: String,
    /// The holder key it was signed with (the credential's `cnf.jwk`).
    pub holder_key: PublicKey,
}

/// A verified SD-JWT.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified {
    /// The Issuer-signed JWT's header.
    pub header: Map<String, Value>,
    /// The signed payload as issued (with `_sd` digests).
    pub signed_payload: Map<String, Value>,
    /// The claims as disclosed: visible claims plus every Disclosure present.
    pub claims: Map<String, Value>,
    /// Where each disclosed claim went, in order.
    pub disclosed: Vec<ClaimPath>,
    /// The JWS algorithm of the Issuer-signed JWT.
    pub alg: Alg,
    /// The Key Binding JWT, when there was one.
    pub key_binding: Option<VerifiedKeyBinding>,
}

/// The key that must have signed the Issuer-signed JWT, given its header and
/// (unverified) payload. Return [`SdJwtError::KeyResolution`] when there is none.
pub trait IssuerKeyResolver {
    /// Resolves the issuer's key for this JWT.
    fn resolve(
        &self,
        header: &Map<String, Value>,
        payload: &Map<String, Value>,
    ) -> Result<PublicKey, SdJwtError>;
}

impl<F> IssuerKeyResolver for F
where
    F: Fn(&Map<String, Value>, &Map<String, Value>) -> Result<PublicKey, SdJwtError>,
{
    fn resolve(
        &self,
        header: &Map<String, Value>,
        payload: &Map<String, Value>,
    ) -> Result<PublicKey, SdJwtError> {
        self(header, payload)
    }
}

/// A NumericDate claim (RFC 7519 §2), if present.
pub(crate) fn numeric_date(
    payload: &Map<String, Value>,
    claim: &str,
) -> Result<Option<i64>, SdJwtError> {
    match payload.get(claim) {
        None => Ok(None),
        Some(Value::Number(n)) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => Ok(Some(i)),
            (None, Some(f)) if f.is_finite() && f.abs() < 1e15 => Ok(Some(f.floor() as i64)),
            _ => Err(bad_claim(claim, "not a NumericDate")),
        },
        Some(_) => Err(bad_claim(claim, "not a NumericDate (a number of seconds)")),
    }
}

/// Verifies a compact SD-JWT (with or without a KB-JWT) and returns the
/// disclosed claims. Checks, in order: serialization; header (`alg` allowed
/// and not `none`, no `crit`, `typ` when asked); the issuer's signature;
/// `_sd_alg`; every Disclosure (well formed, unique, used, in its place, no
/// reserved name, no overwrite, no digest twice); `iat` not in the future,
/// `nbf`/`exp` at `now`; then the KB-JWT per `options.key_binding`.
pub fn verify(
    text: &str,
    resolver: &dyn IssuerKeyResolver,
    options: &VerifyOptions,
) -> Result<Verified, SdJwtError> {
    let compact = process::split(text)?;
    let types: Vec<&str> = options.types.iter().map(String::as_str).collect();
    let jwt = jws::decode(compact.jwt, Part::IssuerJwt, &options.algorithms, &types)?;
    let key = resolver.resolve(&jwt.header, &jwt.payload)?;
    jwt.verify(&key, Part::IssuerJwt)?;
    let (processed, _) = process::process(&jwt.payload, &compact.disclosures)?;
    check_times(&jwt.payload, options)?;

    let key_binding = match (&compact.kb_jwt, &options.key_binding) {
        (None, KeyBinding::Required { .. }) => return Err(SdJwtError::MissingKeyBinding),
        (None, KeyBinding::IfPresent) => None,
        (Some(kb), policy) => Some(check_key_binding(
            kb,
            compact.without_kb,
            &jwt.payload,
            policy,
            options,
        )?),
    };
    let Processed {
        claims, disclosed, ..
    } = processed;
    Ok(Verified {
        alg: jwt.alg,
        header: jwt.header,
        signed_payload: jwt.payload,
        claims,
        disclosed: disclosed.into_iter().map(|(p, _)| p).collect(),
        key_binding,
    })
}

fn check_times(payload: &Map<String, Value>, options: &VerifyOptions) -> Result<(), SdJwtError> {
    let now = options.now.unix_timestamp();
    if let Some(iat) = numeric_date(payload, "iat")? {
        if iat > now + options.clock_skew.whole_seconds() {
            return Err(SdJwtError::IssuedInFuture {
                part: Part::IssuerJwt,
                iat,
            });
        }
    }
    let nbf = numeric_date(payload, "nbf")?;
    let exp = numeric_date(payload, "exp")?;
    if options.check_validity {
        if let Some(nbf) = nbf.filter(|n| now < *n) {
            return Err(SdJwtError::NotYetValid(nbf));
        }
        if let Some(exp) = exp.filter(|e| now >= *e) {
            return Err(SdJwtError::Expired(exp));
        }
    }
    Ok(())
}

/// The holder key in `cnf.jwk` (RFC 7800), for Key Binding.
pub fn holder_key(payload: &Map<String, Value>) -> Result<PublicKey, SdJwtError> {
    let jwk = payload
        .get("cnf")
        .ok_or_else(|| SdJwtError::NoHolderKey("the SD-JWT has no `cnf` claim".into()))?
        .get("jwk")
        .ok_or_else(|| SdJwtError::NoHolderKey("`cnf` has no `jwk`".into()))?;
    PublicKey::from_jwk(jwk).map_err(|e| SdJwtError::NoHolderKey(e.to_string()))
}

fn kb_string(payload: &Map<String, Value>, claim: &str) -> Result<String, SdJwtError> {
    match payload.get(claim) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(bad_claim(&format!("KB-JWT {claim}"), "not a string")),
        None => Err(bad_claim(&format!("KB-JWT {claim}"), "missing")),
    }
}

/// Verifies a Key Binding JWT `kb` appended to `without_kb` (the SD-JWT up
/// to and including its last `~`) whose verified Issuer-signed payload is
/// `issuer_payload`: `typ: kb+jwt`, signed with `cnf.jwk`, `sd_hash` over
/// `without_kb`, `iat` not in the future and, when required, the nonce,
/// audience and age. [`verify`] calls it; a verifier reporting each of
/// these as its own check may call it directly.
pub fn check_key_binding(
    kb: &str,
    without_kb: &str,
    issuer_payload: &Map<String, Value>,
    policy: &KeyBinding,
    options: &VerifyOptions,
) -> Result<VerifiedKeyBinding, SdJwtError> {
    let decoded: DecodedJws<'_> =
        jws::decode(kb, Part::KeyBindingJwt, &options.algorithms, &[KB_JWT_TYPE])?;
    let holder = holder_key(issuer_payload)?;
    decoded.verify(&holder, Part::KeyBindingJwt)?;
    let p = &decoded.payload;
    let sd_hash = kb_string(p, "sd_hash")?;
    if sd_hash != sha256_b64(without_kb) {
        return Err(SdJwtError::SdHashMismatch);
    }
    let nonce = kb_string(p, "nonce")?;
    let audience = kb_string(p, "aud")?;
    let iat = numeric_date(p, "iat")?.ok_or_else(|| bad_claim("KB-JWT iat", "missing"))?;
    let now = options.now.unix_timestamp();
    if iat > now + options.clock_skew.whole_seconds() {
        return Err(SdJwtError::IssuedInFuture {
            part: Part::KeyBindingJwt,
            iat,
        });
    }
    if let KeyBinding::Required {
        nonce: want_nonce,
        audience: want_audience,
        max_age,
    } = policy
    {
        if &nonce != want_nonce {
            return Err(SdJwtError::NonceMismatch { found: nonce });
        }
        if &audience != want_audience {
            return Err(SdJwtError::AudienceMismatch { found: audience });
        }
        if now - iat > max_age.whole_seconds() {
            return Err(SdJwtError::KeyBindingTooOld { iat });
        }
    }
    Ok(VerifiedKeyBinding {
        iat,
        nonce,
        audience,
        holder_key: holder,
    })
}

/// An SD-JWT as its holder sees it, signature not checked: for a wallet
/// listing what it could disclose, never for trusting it.
#[derive(Debug, Clone, PartialEq)]
pub struct Inspected {
    /// The signed payload as issued.
    pub payload: Map<String, Value>,
    /// The claims rebuilt from every Disclosure, and where each went.
    pub processed: Processed,
    /// The Disclosures, decoded, in their issued order.
    pub disclosures: Vec<Disclosure>,
}

/// Decodes every Disclosure of an SD-JWT the holder received, with where
/// each one goes, without checking the issuer's signature.
pub fn inspect(text: &str) -> Result<Inspected, SdJwtError> {
    let compact = process::split(text)?;
    let payload = process::unverified_payload(compact.jwt)?;
    let (processed, disclosures) = process::process(&payload, &compact.disclosures)?;
    Ok(Inspected {
        payload,
        processed,
        disclosures,
    })
}
