//! The issuer's protocol state: offers with their single-use pre-authorized
//! codes, access tokens and `c_nonce`s. Held in memory (they live minutes;
//! a restart invalidates outstanding offers, and the agency makes a new
//! one), keyed by SHA-256 of the secrets, with caps so a flood of requests
//! cannot exhaust memory. Callers pass `now`; randomness is the OS's.

use std::collections::HashMap;
use std::sync::Mutex;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::error::Oid4vciError;

/// Lifetimes and limits of the protocol state.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Seconds an offer (and its pre-authorized code) stays redeemable.
    pub offer_ttl: i64,
    /// Seconds an access token is valid.
    pub token_ttl: i64,
    /// Seconds a `c_nonce` is valid.
    pub nonce_ttl: i64,
    /// Wrong `tx_code`s before the code is locked for good.
    pub max_pin_attempts: u32,
    /// Digits of the `tx_code`.
    pub pin_length: u32,
    /// Outstanding nonces (older ones are dropped first).
    pub max_nonces: usize,
    /// Outstanding offers and tokens, each.
    pub max_grants: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            offer_ttl: 600,
            token_ttl: 300,
            nonce_ttl: 300,
            max_pin_attempts: 5,
            pin_length: 6,
            max_nonces: 100_000,
            max_grants: 100_000,
        }
    }
}

/// A fresh random secret: 256 bits, base64url.
pub fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A uniformly random PIN of `digits` decimal digits.
pub fn random_pin(digits: u32) -> String {
    (0..digits)
        .map(|_| {
            // Rejection sampling: no modulo bias.
            loop {
                let b = (OsRng.next_u32() & 0xff) as u8;
                if b < 250 {
                    break char::from(b'0' + b % 10);
                }
            }
        })
        .collect()
}

fn digest(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

#[derive(Debug)]
enum CodeState {
    Open,
    Redeemed,
    Locked,
}

#[derive(Debug)]
struct Offer<T> {
    offer_id: String,
    code: String,
    pin_digest: [u8; 32],
    configurations: Vec<String>,
    subject: T,
    expires_at: i64,
    failed_pins: u32,
    state: CodeState,
}

#[derive(Debug)]
struct Token<T> {
    configurations: Vec<String>,
    subject: T,
    expires_at: i64,
    jkt: Option<String>,
}

#[derive(Debug)]
struct Inner<T> {
    offers: HashMap<[u8; 32], Offer<T>>,
    offer_ids: HashMap<String, [u8; 32]>,
    tokens: HashMap<[u8; 32], Token<T>>,
    nonces: HashMap<[u8; 32], i64>,
    dpop_jtis: HashMap<[u8; 32], i64>,
}

/// A new offer's secrets, returned once to the agency.
#[derive(Debug, Clone)]
pub struct NewOffer {
    /// The id in the offer URL (not secret enough to redeem anything alone).
    pub offer_id: String,
    /// The pre-authorized code.
    pub code: String,
    /// The PIN the agency delivers by another channel.
    pub pin: String,
    /// Unix time after which the code is refused.
    pub expires_at: i64,
}

/// What the holder of a valid access token may receive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant<T> {
    /// Configuration ids offered.
    pub configurations: Vec<String>,
    /// The issuer's subject (agency and licence).
    pub subject: T,
    /// The JWK thumbprint a DPoP-bound token is bound to.
    pub jkt: Option<String>,
}

/// A redeemed pre-authorized code.
#[derive(Debug, Clone)]
pub struct IssuedToken<T> {
    /// The bearer access token.
    pub access_token: String,
    /// Seconds it stays valid.
    pub expires_in: i64,
    /// What it grants.
    pub grant: Grant<T>,
}

/// Offers, codes, tokens and nonces of one issuer.
#[derive(Debug)]
pub struct GrantStore<T> {
    limits: Limits,
    inner: Mutex<Inner<T>>,
}

fn poisoned() -> Oid4vciError {
    Oid4vciError::InvalidRequest("the issuer's protocol state is unavailable".into())
}

impl<T: Clone> GrantStore<T> {
    /// An empty store with `limits`.
    pub fn new(limits: Limits) -> GrantStore<T> {
        GrantStore {
            limits,
            inner: Mutex::new(Inner {
                offers: HashMap::new(),
                offer_ids: HashMap::new(),
                tokens: HashMap::new(),
                nonces: HashMap::new(),
                dpop_jtis: HashMap::new(),
            }),
        }
    }

    /// The limits in force.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Records a new offer of `configurations` for `subject`, with a fresh
    /// pre-authorized code and PIN.
    pub fn create_offer(
        &self,
        subject: T,
        configurations: Vec<String>,
        now: i64,
    ) -> Result<NewOffer, Oid4vciError> {
        let mut inner = self.inner.lock().map_err(|_| poisoned())?;
        if inner.offers.len() >= self.limits.max_grants {
            inner.offers.retain(|_, o| o.expires_at > now);
            let live: std::collections::HashSet<[u8; 32]> = inner.offers.keys().copied().collect();
            inner.offer_ids.retain(|_, k| live.contains(k));
            if inner.offers.len() >= self.limits.max_grants {
                return Err(Oid4vciError::InvalidRequest(
                    "too many outstanding offers; try again later".into(),
                ));
            }
        }
        let new = NewOffer {
            offer_id: random_secret(),
            code: random_secret(),
            pin: random_pin(self.limits.pin_length),
            expires_at: now + self.limits.offer_ttl,
        };
        let key = digest(&new.code);
        inner.offer_ids.insert(new.offer_id.clone(), key);
        inner.offers.insert(
            key,
            Offer {
                offer_id: new.offer_id.clone(),
                code: new.code.clone(),
                pin_digest: digest(&new.pin),
                configurations,
                subject,
                expires_at: new.expires_at,
                failed_pins: 0,
                state: CodeState::Open,
            },
        );
        Ok(new)
    }

    /// The (pre-authorized code, configurations) of an offer still open, for
    /// `GET` of its `credential_offer_uri`.
    pub fn offer(&self, offer_id: &str, now: i64) -> Option<(String, Vec<String>, i64)> {
        let inner = self.inner.lock().ok()?;
        let key = inner.offer_ids.get(offer_id)?;
        let offer = inner.offers.get(key)?;
        (matches!(offer.state, CodeState::Open) && offer.expires_at > now).then(|| {
            (
                offer.code.clone(),
                offer.configurations.clone(),
                offer.expires_at,
            )
        })
    }

    /// Redeems a pre-authorized code with its PIN for an access token,
    /// bound to the DPoP key thumbprint `jkt` when given. The code works
    /// once; `max_pin_attempts` wrong PINs lock it for good.
    pub fn redeem(
        &self,
        code: &str,
        pin: Option<&str>,
        jkt: Option<String>,
        now: i64,
    ) -> Result<IssuedToken<T>, Oid4vciError> {
        let mut inner = self.inner.lock().map_err(|_| poisoned())?;
        let key = digest(code);
        let max = self.limits.max_pin_attempts;
        let offer = inner
            .offers
            .get_mut(&key)
            .ok_or_else(|| Oid4vciError::InvalidGrant("unknown pre-authorized code".into()))?;
        match offer.state {
            CodeState::Redeemed => {
                return Err(Oid4vciError::InvalidGrant(
                    "the pre-authorized code was already used".into(),
                ))
            }
            CodeState::Locked => return Err(Oid4vciError::InvalidGrant(
                "too many wrong tx_code values: the offer is locked; ask the agency for a new one"
                    .into(),
            )),
            CodeState::Open => {}
        }
        if offer.expires_at <= now {
            return Err(Oid4vciError::InvalidGrant(
                "the pre-authorized code has expired; ask the agency for a new offer".into(),
            ));
        }
        let Some(pin) = pin else {
            return Err(Oid4vciError::InvalidRequest(
                "this offer needs the tx_code (PIN) the agency sent".into(),
            ));
        };
        if !bool::from(digest(pin).ct_eq(&offer.pin_digest)) {
            offer.failed_pins += 1;
            if offer.failed_pins >= max {
                offer.state = CodeState::Locked;
                return Err(Oid4vciError::InvalidGrant(
                    "wrong tx_code; too many wrong tx_code values: the offer is now locked".into(),
                ));
            }
            return Err(Oid4vciError::InvalidGrant(format!(
                "wrong tx_code ({} attempts left)",
                max - offer.failed_pins
            )));
        }
        offer.state = CodeState::Redeemed;
        let grant = Grant {
            configurations: offer.configurations.clone(),
            subject: offer.subject.clone(),
            jkt,
        };
        let offer_id = offer.offer_id.clone();
        inner.offer_ids.remove(&offer_id);
        if inner.tokens.len() >= self.limits.max_grants {
            inner.tokens.retain(|_, t| t.expires_at > now);
        }
        let access_token = random_secret();
        inner.tokens.insert(
            digest(&access_token),
            Token {
                configurations: grant.configurations.clone(),
                subject: grant.subject.clone(),
                expires_at: now + self.limits.token_ttl,
                jkt: grant.jkt.clone(),
            },
        );
        Ok(IssuedToken {
            access_token,
            expires_in: self.limits.token_ttl,
            grant,
        })
    }

    /// What a bearer access token grants.
    pub fn access(&self, token: &str, now: i64) -> Result<Grant<T>, Oid4vciError> {
        let inner = self.inner.lock().map_err(|_| poisoned())?;
        let t = inner
            .tokens
            .get(&digest(token))
            .ok_or_else(|| Oid4vciError::InvalidToken("unknown access token".into()))?;
        if t.expires_at <= now {
            return Err(Oid4vciError::InvalidToken(
                "the access token has expired".into(),
            ));
        }
        Ok(Grant {
            configurations: t.configurations.clone(),
            subject: t.subject.clone(),
            jkt: t.jkt.clone(),
        })
    }

    /// Records a DPoP proof's `jti`: true the first time within its
    /// lifetime (`lifetime` seconds), false for a replay.
    pub fn first_use_of_jti(&self, jti: &str, lifetime: i64, now: i64) -> bool {
        let Ok(mut inner) = self.inner.lock() else {
            return false;
        };
        if inner.dpop_jtis.len() >= self.limits.max_nonces {
            inner.dpop_jtis.retain(|_, exp| *exp > now);
            if inner.dpop_jtis.len() >= self.limits.max_nonces {
                // Full of live proofs: refuse rather than forget one.
                return false;
            }
        }
        let key = digest(jti);
        match inner.dpop_jtis.get(&key) {
            Some(exp) if *exp > now => false,
            _ => {
                inner.dpop_jtis.insert(key, now + lifetime);
                true
            }
        }
    }

    /// A fresh `c_nonce` and its lifetime in seconds.
    pub fn new_nonce(&self, now: i64) -> Result<(String, i64), Oid4vciError> {
        let mut inner = self.inner.lock().map_err(|_| poisoned())?;
        if inner.nonces.len() >= self.limits.max_nonces {
            inner.nonces.retain(|_, exp| *exp > now);
            if inner.nonces.len() >= self.limits.max_nonces {
                // Drop the oldest half rather than refuse service.
                let mut exps: Vec<i64> = inner.nonces.values().copied().collect();
                exps.sort_unstable();
                let cut = exps[exps.len() / 2];
                inner.nonces.retain(|_, exp| *exp > cut);
            }
        }
        let nonce = random_secret();
        inner
            .nonces
            .insert(digest(&nonce), now + self.limits.nonce_ttl);
        Ok((nonce, self.limits.nonce_ttl))
    }

    /// Spends a `c_nonce`: true once, if it was issued here and has not expired.
    pub fn take_nonce(&self, nonce: &str, now: i64) -> bool {
        let Ok(mut inner) = self.inner.lock() else {
            return false;
        };
        inner
            .nonces
            .remove(&digest(nonce))
            .is_some_and(|exp| exp > now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> GrantStore<&'static str> {
        GrantStore::new(Limits::default())
    }

    #[test]
    fn code_is_single_use_and_pin_checked() {
        let s = store();
        let o = s.create_offer("lic", vec!["c".into()], 1000).unwrap();
        assert_eq!(o.pin.len(), 6);
        assert!(s.offer(&o.offer_id, 1000).is_some());
        let wrong = if o.pin == "000000" {
            "111111"
        } else {
            "000000"
        };
        assert!(matches!(
            s.redeem(&o.code, Some(wrong), None, 1001),
            Err(Oid4vciError::InvalidGrant(_))
        ));
        let t = s.redeem(&o.code, Some(&o.pin), None, 1002).unwrap();
        assert_eq!(s.access(&t.access_token, 1003).unwrap().subject, "lic");
        assert!(
            matches!(s.redeem(&o.code, Some(&o.pin), None, 1004), Err(Oid4vciError::InvalidGrant(d)) if d.contains("already used"))
        );
        assert!(s.offer(&o.offer_id, 1004).is_none());
        assert!(matches!(
            s.access(&t.access_token, 1000 + 301 + 2),
            Err(Oid4vciError::InvalidToken(_))
        ));
    }

    #[test]
    fn pin_guessing_locks_and_expiry_refuses() {
        let s = store();
        let o = s.create_offer("lic", vec![], 0).unwrap();
        let wrong = if o.pin == "000000" {
            "111111"
        } else {
            "000000"
        };
        for _ in 0..5 {
            assert!(s.redeem(&o.code, Some(wrong), None, 1).is_err());
        }
        let e = s.redeem(&o.code, Some(&o.pin), None, 2).unwrap_err();
        assert!(e.description().contains("locked"), "{e}");
        let o = s.create_offer("lic", vec![], 0).unwrap();
        let e = s.redeem(&o.code, Some(&o.pin), None, 600).unwrap_err();
        assert!(e.description().contains("expired"), "{e}");
    }

    #[test]
    fn nonces_are_single_use() {
        let s = store();
        let (n, ttl) = s.new_nonce(10).unwrap();
        assert_eq!(ttl, 300);
        assert!(s.take_nonce(&n, 11));
        assert!(!s.take_nonce(&n, 12));
        let (n, _) = s.new_nonce(10).unwrap();
        assert!(!s.take_nonce(&n, 310));
        assert!(!s.take_nonce("made-up", 11));
    }

    #[test]
    fn dpop_jti_replays_are_caught() {
        let s = store();
        assert!(s.first_use_of_jti("a", 360, 0));
        assert!(!s.first_use_of_jti("a", 360, 10));
        assert!(s.first_use_of_jti("b", 360, 10));
        assert!(s.first_use_of_jti("a", 360, 400));
    }
}
