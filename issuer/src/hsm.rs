//! Agency signing keys held in a hardware security module through PKCS#11.
//!
//! An agency listed in `[hsm].agencies` gets its keys generated inside the
//! token (`C_GenerateKeyPair`, `CKA_SENSITIVE` true, `CKA_EXTRACTABLE`
//! false): the private key never exists outside the device, so no
//! administrator, backup or database dump can copy it. The database keeps
//! only the key's label in the token and its public key; the master key
//! does not protect these keys (and its rotation does not touch them).
//!
//! Ed25519 signs with `CKM_EDDSA`; P-256 and P-384 with `CKM_ECDSA` over a
//! SHA-256 / SHA-384 digest computed here, the raw `r||s` result taken as
//! our proofs need it (P-256 with low S, as the software signer gives it).
//!
//! `C_Sign` is not re-entrant within one session, so signing borrows one
//! session of a small pool, each behind its own mutex; a session the device
//! dropped is reopened once before the request fails with a 503.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::mechanism::eddsa::{EddsaParams, EddsaSignatureScheme};
use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::AuthPin;
use elicence_core::keys::{KeyAlgorithm, KeyError, PublicKey, Signer, SigningKey};
use serde::Deserialize;
use sha2::Digest as _;
use zeroize::Zeroizing;

use crate::error::IssuerError;

/// `[hsm]`: the PKCS#11 token that holds HSM agencies' keys.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HsmConfig {
    /// The vendor's PKCS#11 library, e.g. `/usr/lib/softhsm/libsofthsm2.so`.
    pub module: PathBuf,
    /// The label of the token (as `softhsm2-util --show-slots` or the
    /// vendor's tool prints it), so a re-numbered slot is still found.
    pub token_label: String,
    /// An environment variable holding the user PIN (exactly one of
    /// `pin_env` and `pin_file`). The PIN is never logged.
    #[serde(default)]
    pub pin_env: Option<String>,
    /// A file holding the user PIN, readable by the service only.
    #[serde(default)]
    pub pin_file: Option<PathBuf>,
    /// Agencies (by code) whose new keys are generated in the token; the
    /// others keep software keys under the master key.
    #[serde(default)]
    pub agencies: Vec<String>,
    /// PKCS#11 sessions kept open for signing: how many signatures may be
    /// under way at once (the device serialises within a session).
    #[serde(default = "default_sessions")]
    pub sessions: usize,
}

fn default_sessions() -> usize {
    4
}

impl HsmConfig {
    /// Refuses settings that cannot work, before anything is loaded.
    pub fn check(&self) -> Result<(), String> {
        match (&self.pin_env, &self.pin_file) {
            (Some(_), None) | (None, Some(_)) => {}
            _ => return Err("hsm: give exactly one of `pin_env` or `pin_file`".into()),
        }
        if self.token_label.is_empty() || self.token_label.len() > 32 {
            return Err("hsm.token_label must be 1-32 bytes (a PKCS#11 token label)".into());
        }
        if !(1..=64).contains(&self.sessions) {
            return Err("hsm.sessions must be between 1 and 64".into());
        }
        Ok(())
    }

    /// Whether agency `code`'s new keys go into the token.
    pub fn holds(&self, code: &str) -> bool {
        self.agencies.iter().any(|a| a == code)
    }

    fn pin(&self) -> Result<AuthPin, IssuerError> {
        let text = match (&self.pin_env, &self.pin_file) {
            (Some(var), None) => Zeroizing::new(std::env::var(var).map_err(|_| {
                IssuerError::Hsm(format!(
                    "environment variable {var} (the token PIN) is not set"
                ))
            })?),
            (None, Some(path)) => read_pin_file(path)?,
            _ => {
                return Err(IssuerError::Hsm(
                    "give exactly one of `pin_env` or `pin_file`".into(),
                ))
            }
        };
        Ok(AuthPin::from(text.trim().to_string()))
    }
}

/// Reads the PIN file, refusing one that other users can access.
fn read_pin_file(path: &Path) -> Result<Zeroizing<String>, IssuerError> {
    crate::crypto::read_secret_file(path, |m| IssuerError::Hsm(format!("PIN file {m}")))
}

/// One PKCS#11 context per library for the whole process: `C_Initialize`
/// may run only once, and the admin CLI and the service may share a process
/// (tests), so contexts are kept, never finalised.
fn context(module: &Path) -> Result<Pkcs11, IssuerError> {
    static CONTEXTS: OnceLock<Mutex<HashMap<PathBuf, Pkcs11>>> = OnceLock::new();
    let contexts = CONTEXTS.get_or_init(|| Mutex::new(HashMap::new()));
    let mut contexts = contexts
        .lock()
        .map_err(|_| IssuerError::Hsm("PKCS#11 context lock poisoned".into()))?;
    if let Some(ctx) = contexts.get(module) {
        return Ok(ctx.clone());
    }
    let ctx = Pkcs11::new(module).map_err(|e| {
        IssuerError::Hsm(format!(
            "cannot load the PKCS#11 module {}: {e}",
            module.display()
        ))
    })?;
    match ctx.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
        Ok(()) | Err(CkError::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => {}
        Err(e) => {
            return Err(IssuerError::Hsm(format!(
                "PKCS#11 module {}: C_Initialize failed: {e}",
                module.display()
            )))
        }
    }
    contexts.insert(module.to_path_buf(), ctx.clone());
    Ok(ctx)
}

/// A logged-in PKCS#11 token with a pool of sessions.
pub struct Hsm {
    ctx: Pkcs11,
    slot: Slot,
    token_label: String,
    pin: AuthPin,
    sessions: Vec<Mutex<Session>>,
    next: AtomicUsize,
}

impl std::fmt::Debug for Hsm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hsm")
            .field("token_label", &self.token_label)
            .field("sessions", &self.sessions.len())
            .finish_non_exhaustive()
    }
}

fn ck(what: &str) -> impl Fn(CkError) -> IssuerError + '_ {
    move |e| IssuerError::Hsm(format!("{what}: {e}"))
}

impl Hsm {
    /// Loads the module, finds the token by label and logs in: every
    /// misconfiguration (no library, no such token, wrong PIN) is a clear
    /// error here, at start, rather than at the first signature.
    pub fn open(config: &HsmConfig) -> Result<Arc<Hsm>, IssuerError> {
        config.check().map_err(IssuerError::Hsm)?;
        let pin = config.pin()?;
        let ctx = context(&config.module)?;
        let mut labels = Vec::new();
        let mut found = None;
        for slot in ctx.get_slots_with_token().map_err(ck("C_GetSlotList"))? {
            let info = ctx.get_token_info(slot).map_err(ck("C_GetTokenInfo"))?;
            let label = info.label().trim_end().to_string();
            if label == config.token_label {
                found = Some(slot);
                break;
            }
            labels.push(label);
        }
        let slot = found.ok_or_else(|| {
            IssuerError::Hsm(format!(
                "no token labelled `{}` in PKCS#11 module {} (tokens present: {})",
                config.token_label,
                config.module.display(),
                if labels.is_empty() {
                    "none".to_string()
                } else {
                    labels.join(", ")
                }
            ))
        })?;
        let mut sessions = Vec::with_capacity(config.sessions);
        for _ in 0..config.sessions {
            let session = ctx.open_rw_session(slot).map_err(ck("C_OpenSession"))?;
            sessions.push(Mutex::new(session));
        }
        let hsm = Hsm {
            ctx,
            slot,
            token_label: config.token_label.clone(),
            pin,
            sessions,
            next: AtomicUsize::new(0),
        };
        hsm.with_session(|s| login(s, &hsm.pin, &hsm.token_label))?;
        Ok(Arc::new(hsm))
    }

    /// The token's label.
    pub fn token_label(&self) -> &str {
        &self.token_label
    }

    /// Runs `f` on a session no one else is using: a free one if any, else
    /// waits for the one round-robin picks. `C_Sign` is not re-entrant
    /// within a session, so the mutex is what keeps concurrent requests apart.
    fn with_session<T>(
        &self,
        f: impl Fn(&Session) -> Result<T, IssuerError>,
    ) -> Result<T, IssuerError> {
        let n = self.sessions.len();
        let start = self.next.fetch_add(1, Ordering::Relaxed) % n;
        let mut guard = None;
        for i in 0..n {
            if let Ok(g) = self.sessions[(start + i) % n].try_lock() {
                guard = Some(g);
                break;
            }
        }
        let mut guard = match guard {
            Some(g) => g,
            None => self.sessions[start]
                .lock()
                .map_err(|_| IssuerError::Hsm("HSM session lock poisoned".into()))?,
        };
        match f(&guard) {
            Err(IssuerError::HsmSession(reason)) => {
                // The device closed the session (restart, failover): open a
                // new one, log in again if needed, and try once more.
                tracing::warn!(token = %self.token_label, %reason, "reopening HSM session");
                let fresh = self
                    .ctx
                    .open_rw_session(self.slot)
                    .map_err(ck("C_OpenSession"))?;
                login(&fresh, &self.pin, &self.token_label)?;
                *guard = fresh;
                f(&guard).map_err(|e| match e {
                    IssuerError::HsmSession(reason) => IssuerError::Hsm(reason),
                    other => other,
                })
            }
            other => other,
        }
    }

    /// Generates a key pair inside the token under `label` (and `CKA_ID`
    /// `id`): private half sensitive and never extractable. Returns its
    /// public key.
    pub fn generate(
        &self,
        algorithm: KeyAlgorithm,
        label: &str,
        id: &[u8],
    ) -> Result<PublicKey, IssuerError> {
        let (mechanism, key_type, params) = match algorithm {
            KeyAlgorithm::Ed25519 => (
                Mechanism::EccEdwardsKeyPairGen,
                KeyType::EC_EDWARDS,
                OID_ED25519,
            ),
            KeyAlgorithm::P256 => (Mechanism::EccKeyPairGen, KeyType::EC, OID_P256),
            KeyAlgorithm::P384 => (Mechanism::EccKeyPairGen, KeyType::EC, OID_P384),
        };
        let public_template = [
            Attribute::Token(true),
            Attribute::Private(false),
            Attribute::Verify(true),
            Attribute::KeyType(key_type),
            Attribute::EcParams(params.to_vec()),
            Attribute::Label(label.as_bytes().to_vec()),
            Attribute::Id(id.to_vec()),
        ];
        let private_template = [
            Attribute::Token(true),
            Attribute::Private(true),
            Attribute::Sensitive(true),
            Attribute::Extractable(false),
            Attribute::Sign(true),
            Attribute::KeyType(key_type),
            Attribute::Label(label.as_bytes().to_vec()),
            Attribute::Id(id.to_vec()),
        ];
        let (public, _private) = self.with_session(|s| {
            s.generate_key_pair(&mechanism, &public_template, &private_template)
                .map_err(session_error("C_GenerateKeyPair"))
        })?;
        let point = self.with_session(|s| ec_point(s, public))?;
        public_key_from_point(algorithm, &point)
    }

    /// Finds the private key labelled `label` and checks that it is one
    /// this service would have made: sensitive, never extractable.
    fn find_private(&self, label: &str) -> Result<ObjectHandle, IssuerError> {
        self.with_session(|s| find_private_in(s, &self.token_label, label))
    }

    /// Destroys both halves of the key pair labelled `label` (a key made
    /// for a database row that was never committed).
    pub fn destroy(&self, label: &str) -> Result<(), IssuerError> {
        self.with_session(|s| {
            let found = s
                .find_objects(&[Attribute::Label(label.as_bytes().to_vec())])
                .map_err(session_error("C_FindObjects"))?;
            for object in found {
                s.destroy_object(object)
                    .map_err(session_error("C_DestroyObject"))?;
            }
            Ok(())
        })
    }

    /// The signer for the stored key `label` whose public key the database
    /// publishes as `public`. A self-test signature proves the token's key
    /// is that key before anything is signed with it.
    pub fn key(self: &Arc<Self>, label: &str, public: PublicKey) -> Result<HsmKey, IssuerError> {
        let handle = self.find_private(label)?;
        let key = HsmKey {
            hsm: self.clone(),
            label: label.to_string(),
            handle: Mutex::new(handle),
            public,
        };
        let probe = b"elicence-issuer HSM key self-test";
        let signature = key.sign_raw(probe)?;
        public.verify(probe, &signature).map_err(|_| {
            IssuerError::Hsm(format!(
                "token `{}`: key `{label}` does not match the public key in the database",
                self.token_label
            ))
        })?;
        Ok(key)
    }
}

/// [`Hsm::find_private`] on a session already held.
fn find_private_in(
    session: &Session,
    token: &str,
    label: &str,
) -> Result<ObjectHandle, IssuerError> {
    let found = session
        .find_objects(&[
            Attribute::Class(ObjectClass::PRIVATE_KEY),
            Attribute::Label(label.as_bytes().to_vec()),
        ])
        .map_err(session_error("C_FindObjects"))?;
    let [key] = found.as_slice() else {
        return Err(IssuerError::Hsm(format!(
            "token `{token}`: expected one private key labelled `{label}`, found {}",
            found.len()
        )));
    };
    let attrs = session
        .get_attributes(
            *key,
            &[AttributeType::Sensitive, AttributeType::Extractable],
        )
        .map_err(session_error("C_GetAttributeValue"))?;
    let safe = attrs
        .iter()
        .any(|a| matches!(a, Attribute::Sensitive(true)))
        && attrs
            .iter()
            .any(|a| matches!(a, Attribute::Extractable(false)));
    if !safe {
        return Err(IssuerError::Hsm(format!(
            "token `{token}`: key `{label}` is extractable or not sensitive; \
             refusing to use a key that could have left the device"
        )));
    }
    Ok(*key)
}

/// Logs the user in; a session of an application already logged in is fine.
fn login(session: &Session, pin: &AuthPin, token: &str) -> Result<(), IssuerError> {
    match session.login(UserType::User, Some(pin)) {
        Ok(()) | Err(CkError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => Ok(()),
        Err(CkError::Pkcs11(RvError::PinIncorrect, _)) => Err(IssuerError::Hsm(format!(
            "token `{token}`: wrong PIN (CKR_PIN_INCORRECT)"
        ))),
        Err(CkError::Pkcs11(RvError::PinLocked, _)) => Err(IssuerError::Hsm(format!(
            "token `{token}`: the user PIN is locked (CKR_PIN_LOCKED); the security officer must reset it"
        ))),
        Err(e) => Err(IssuerError::Hsm(format!("token `{token}`: C_Login failed: {e}"))),
    }
}

/// Sorts a PKCS#11 failure: a lost session is retried on a fresh one.
fn session_error(what: &'static str) -> impl Fn(CkError) -> IssuerError {
    move |e| match e {
        CkError::Pkcs11(
            RvError::SessionHandleInvalid
            | RvError::SessionClosed
            | RvError::DeviceRemoved
            | RvError::TokenNotPresent
            | RvError::UserNotLoggedIn,
            _,
        ) => IssuerError::HsmSession(format!("{what}: {e}")),
        other => IssuerError::Hsm(format!("{what}: {other}")),
    }
}

// DER of the curves' object identifiers (CKA_EC_PARAMS).
const OID_ED25519: &[u8] = &[0x06, 0x03, 0x2b, 0x65, 0x70];
const OID_P256: &[u8] = &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
const OID_P384: &[u8] = &[0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22];

fn ec_point(session: &Session, public: ObjectHandle) -> Result<Vec<u8>, IssuerError> {
    let attrs = session
        .get_attributes(public, &[AttributeType::EcPoint])
        .map_err(session_error("C_GetAttributeValue"))?;
    attrs
        .into_iter()
        .find_map(|a| match a {
            Attribute::EcPoint(p) => Some(p),
            _ => None,
        })
        .ok_or_else(|| IssuerError::Hsm("the token gave no CKA_EC_POINT".into()))
}

/// The public key in a `CKA_EC_POINT`: a DER OCTET STRING around the
/// encoded point (PKCS#11 3.0), or the bare point as some tokens give it.
fn public_key_from_point(algorithm: KeyAlgorithm, point: &[u8]) -> Result<PublicKey, IssuerError> {
    let expected = match algorithm {
        KeyAlgorithm::Ed25519 => 32,
        KeyAlgorithm::P256 => 65,
        KeyAlgorithm::P384 => 97,
    };
    let raw = match point {
        [0x04, len, rest @ ..] if usize::from(*len) == expected && rest.len() == expected => rest,
        bare if bare.len() == expected => bare,
        _ => {
            return Err(IssuerError::Hsm(format!(
                "the token's {algorithm} public key has an unexpected encoding ({} bytes)",
                point.len()
            )))
        }
    };
    // Wrapped as SubjectPublicKeyInfo (fixed headers per curve) to reuse
    // core's checked parser.
    let header: &[u8] = match algorithm {
        KeyAlgorithm::Ed25519 => &SPKI_ED25519,
        KeyAlgorithm::P256 => &SPKI_P256,
        KeyAlgorithm::P384 => &SPKI_P384,
    };
    let mut der = header.to_vec();
    der.extend_from_slice(raw);
    Ok(PublicKey::from_spki_der(&der)?)
}

const SPKI_ED25519: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];
const SPKI_P256: [u8; 26] = [
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
    0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];
const SPKI_P384: [u8; 23] = [
    0x30, 0x76, 0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x05, 0x2b,
    0x81, 0x04, 0x00, 0x22, 0x03, 0x62, 0x00,
];

/// An agency key held in the token: its label and public key; the private
/// half stays in the device.
pub struct HsmKey {
    hsm: Arc<Hsm>,
    label: String,
    handle: Mutex<ObjectHandle>,
    public: PublicKey,
}

impl std::fmt::Debug for HsmKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HsmKey")
            .field("token", &self.hsm.token_label)
            .field("label", &self.label)
            .field("public_key", &self.public.to_multikey())
            .finish()
    }
}

impl HsmKey {
    /// The key's label in the token.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// Signs as [`SigningKey::sign`] would: Ed25519 with `CKM_EDDSA`; ECDSA
    /// over the curve's hash with `CKM_ECDSA`, `r||s`, P-256 with low S.
    fn sign_raw(&self, msg: &[u8]) -> Result<Vec<u8>, IssuerError> {
        let algorithm = self.public.algorithm();
        let (mechanism, data): (Mechanism<'_>, Vec<u8>) = match algorithm {
            KeyAlgorithm::Ed25519 => (
                Mechanism::Eddsa(EddsaParams::new(EddsaSignatureScheme::Pure)),
                msg.to_vec(),
            ),
            KeyAlgorithm::P256 => (Mechanism::Ecdsa, sha2::Sha256::digest(msg).to_vec()),
            KeyAlgorithm::P384 => (Mechanism::Ecdsa, sha2::Sha384::digest(msg).to_vec()),
        };
        let signature = self.hsm.with_session(|s| {
            let handle = *self
                .handle
                .lock()
                .map_err(|_| IssuerError::Hsm("HSM key lock poisoned".into()))?;
            match s.sign(&mechanism, handle, &data) {
                Err(CkError::Pkcs11(
                    RvError::KeyHandleInvalid | RvError::ObjectHandleInvalid,
                    _,
                )) => {
                    // The device was restarted or the login lost: object
                    // handles change, labels do not.
                    login(s, &self.hsm.pin, &self.hsm.token_label)?;
                    let fresh = find_private_in(s, &self.hsm.token_label, &self.label)?;
                    if let Ok(mut slot) = self.handle.lock() {
                        *slot = fresh;
                    }
                    s.sign(&mechanism, fresh, &data)
                        .map_err(session_error("C_Sign"))
                }
                other => other.map_err(session_error("C_Sign")),
            }
        })?;
        raw_signature(algorithm, signature)
    }
}

/// The signature as our proofs carry it: Ed25519 as is; ECDSA `r||s`
/// (DER accepted from tokens that give it), P-256 with S normalised low.
fn raw_signature(algorithm: KeyAlgorithm, signature: Vec<u8>) -> Result<Vec<u8>, IssuerError> {
    let bad = |why: &str| IssuerError::Hsm(format!("the token's {algorithm} signature {why}"));
    match algorithm {
        KeyAlgorithm::Ed25519 if signature.len() == 64 => Ok(signature),
        KeyAlgorithm::Ed25519 => Err(bad("is not 64 bytes")),
        KeyAlgorithm::P256 => {
            let sig = p256::ecdsa::Signature::from_slice(&signature)
                .or_else(|_| p256::ecdsa::Signature::from_der(&signature))
                .map_err(|_| bad("is neither r||s nor DER"))?;
            Ok(sig.normalize_s().unwrap_or(sig).to_bytes().to_vec())
        }
        KeyAlgorithm::P384 if signature.len() == 96 => Ok(signature),
        KeyAlgorithm::P384 => Err(bad("is not 96 bytes (r||s)")),
    }
}

impl Signer for HsmKey {
    fn algorithm(&self) -> KeyAlgorithm {
        self.public.algorithm()
    }
    fn public_key(&self) -> PublicKey {
        self.public
    }
    fn try_sign(&self, msg: &[u8]) -> Result<Vec<u8>, KeyError> {
        self.sign_raw(msg).map_err(|e| {
            tracing::error!(key = %self.label, error = %e, "HSM signing failed");
            KeyError::SignerFailed(e.to_string())
        })
    }
}

/// An agency's signing key as the service holds it: decrypted in memory
/// (software), or a handle on a key that stays in the HSM.
#[derive(Debug)]
pub enum AgencySigner {
    /// A key stored sealed under the master key, opened in memory.
    Software(SigningKey),
    /// A key generated in, and never leaving, the PKCS#11 token.
    Hsm(HsmKey),
}

impl AgencySigner {
    /// The key's algorithm.
    pub fn algorithm(&self) -> KeyAlgorithm {
        match self {
            AgencySigner::Software(k) => k.algorithm(),
            AgencySigner::Hsm(k) => k.public.algorithm(),
        }
    }

    /// Its public half.
    pub fn public_key(&self) -> PublicKey {
        match self {
            AgencySigner::Software(k) => k.public_key(),
            AgencySigner::Hsm(k) => k.public,
        }
    }

    /// Whether the private key lives in the HSM.
    pub fn in_hsm(&self) -> bool {
        matches!(self, AgencySigner::Hsm(_))
    }
}

impl Signer for AgencySigner {
    fn algorithm(&self) -> KeyAlgorithm {
        AgencySigner::algorithm(self)
    }
    fn public_key(&self) -> PublicKey {
        AgencySigner::public_key(self)
    }
    fn try_sign(&self, msg: &[u8]) -> Result<Vec<u8>, KeyError> {
        match self {
            AgencySigner::Software(k) => Ok(k.sign(msg)),
            AgencySigner::Hsm(k) => k.try_sign(msg),
        }
    }
}

/// The label of agency `code`'s key `id` in the token: unique, and telling
/// an operator listing the token whose key it is.
pub fn key_label(code: &str, id: &str) -> String {
    format!("elicence/{code}/{id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ec_points_are_read_wrapped_or_bare() {
        let key = SigningKey::generate(KeyAlgorithm::P256, &mut rand_core::OsRng).public_key();
        let PublicKey::P256(p) = key else {
            unreachable!()
        };
        let bare = p.to_encoded_point(false).as_bytes().to_vec();
        let mut wrapped = vec![0x04, 65];
        wrapped.extend_from_slice(&bare);
        assert_eq!(
            public_key_from_point(KeyAlgorithm::P256, &bare).unwrap(),
            key
        );
        assert_eq!(
            public_key_from_point(KeyAlgorithm::P256, &wrapped).unwrap(),
            key
        );
        assert!(public_key_from_point(KeyAlgorithm::P256, &bare[1..]).is_err());
    }

    #[test]
    fn p256_signatures_come_out_low_s_whatever_the_token_gives() {
        let key = SigningKey::generate(KeyAlgorithm::P256, &mut rand_core::OsRng);
        let SigningKey::P256(inner) = &key else {
            unreachable!()
        };
        let msg = b"licence";
        let sig: p256::ecdsa::Signature = p256::ecdsa::signature::Signer::sign(inner, msg);
        let low = sig.normalize_s().unwrap_or(sig);
        // The high-S twin of the same signature, as a token may return it.
        let high = p256::ecdsa::Signature::from_scalars(low.r(), -*low.s()).unwrap();
        for given in [high.to_bytes().to_vec(), high.to_der().as_bytes().to_vec()] {
            let out = raw_signature(KeyAlgorithm::P256, given).unwrap();
            assert_eq!(out, low.to_bytes().to_vec());
            key.public_key().verify(msg, &out).unwrap();
        }
        assert!(raw_signature(KeyAlgorithm::Ed25519, vec![0; 63]).is_err());
    }

    #[test]
    fn pin_settings_are_checked() {
        let mut c: HsmConfig = toml::from_str(
            "module = \"/x.so\"\ntoken_label = \"t\"\npin_env = \"P\"\npin_file = \"/p\"",
        )
        .unwrap();
        assert!(c.check().unwrap_err().contains("exactly one"));
        c.pin_file = None;
        assert!(c.check().is_ok());
        c.sessions = 0;
        assert!(c.check().is_err());
    }
}
