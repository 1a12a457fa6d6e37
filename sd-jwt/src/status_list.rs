//! IETF Token Status List (draft-ietf-oauth-status-list): a byte array of
//! 1, 2, 4 or 8-bit statuses (index 0 in the least significant bits of byte
//! 0), zlib-compressed (RFC 1950) and base64url-encoded as `lst`, signed as a
//! Status List Token (`typ: statuslist+jwt`, `sub` = its own URI, `iat`,
//! `exp`, `ttl`). A Referenced Token names it in `status.status_list`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use elicence_core::keys::{KeyError, PublicKey, Signer, SigningKey};
use serde_json::{json, Map, Value};
use time::OffsetDateTime;

use crate::error::{Part, SdJwtError};
use crate::jws::{self, DEFAULT_ALGORITHMS};
use crate::verify::numeric_date;

/// The `typ` of a Status List Token.
pub const STATUS_LIST_JWT_TYPE: &str = "statuslist+jwt";
/// The largest list accepted (decompressed): 16 MiB is 134 million 1-bit
/// entries, far beyond any agency; a bigger "list" is a decompression bomb.
pub const MAX_LIST_BYTES: usize = 16 << 20;

/// Why a status list or Status List Token is unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatusListError {
    /// `bits` is not 1, 2, 4 or 8.
    #[error("`bits` must be 1, 2, 4 or 8, not {0}")]
    BadBits(String),
    /// `lst` is not base64url of zlib-compressed bytes (or is too big).
    #[error("`lst`: {0}")]
    BadEncoding(String),
    /// The `status_list` object is missing members or has extra ones.
    #[error("`status_list`: {0}")]
    Shape(String),
    /// The index is past the end of the list.
    #[error("index {index} is outside the list ({len} entries)")]
    OutOfRange {
        /// The index.
        index: u64,
        /// The list's length in entries.
        len: u64,
    },
    /// A status value does not fit in `bits`.
    #[error("status {value} does not fit in {bits} bits")]
    ValueTooLarge {
        /// The value.
        value: u8,
        /// The list's bits.
        bits: u8,
    },
    /// The token's JWS is unusable (alg, typ, crit, signature, key).
    #[error(transparent)]
    Token(#[from] SdJwtError),
    /// `sub` is not the URI the Referenced Token names.
    #[error(
        "the Status List Token's sub is {found:?}, not {expected:?}, the list the credential names"
    )]
    WrongSubject {
        /// The URI in the Referenced Token.
        expected: String,
        /// The token's `sub`.
        found: String,
    },
    /// The token's `iss` differs from the Referenced Token's.
    #[error("the Status List Token was issued by {found:?}, not by {expected:?}")]
    WrongIssuer {
        /// The credential's `iss`.
        expected: String,
        /// The list's `iss`.
        found: String,
    },
    /// A required claim is missing or malformed.
    #[error("Status List Token claim `{claim}`: {reason}")]
    BadClaim {
        /// The claim.
        claim: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// `now` is at or after the token's `exp`: a replayed old list.
    #[error("the Status List Token expired at {0}")]
    Expired(i64),
    /// The token's `iat` lies in the future.
    #[error("the Status List Token claims to be issued in the future ({0})")]
    IssuedInFuture(i64),
}

/// Status values (draft §7.1): what one entry means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenStatus {
    /// 0x00: valid.
    Valid,
    /// 0x01: revoked, for good.
    Invalid,
    /// 0x02: suspended, reversible.
    Suspended,
    /// Anything else (0x03 application-specific, reserved values).
    Other(u8),
}

impl TokenStatus {
    /// Reads a raw value.
    pub fn from_value(value: u8) -> TokenStatus {
        match value {
            0 => TokenStatus::Valid,
            1 => TokenStatus::Invalid,
            2 => TokenStatus::Suspended,
            v => TokenStatus::Other(v),
        }
    }

    /// The raw value.
    pub fn value(self) -> u8 {
        match self {
            TokenStatus::Valid => 0,
            TokenStatus::Invalid => 1,
            TokenStatus::Suspended => 2,
            TokenStatus::Other(v) => v,
        }
    }
}

/// A decoded status list: `bits` per entry over `bytes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusList {
    bits: u8,
    bytes: Vec<u8>,
}

fn check_bits(bits: u8) -> Result<u8, StatusListError> {
    match bits {
        1 | 2 | 4 | 8 => Ok(bits),
        other => Err(StatusListError::BadBits(other.to_string())),
    }
}

impl StatusList {
    /// An all-VALID list of at least `entries` entries (whole bytes).
    pub fn new(bits: u8, entries: u64) -> Result<StatusList, StatusListError> {
        let bits = check_bits(bits)?;
        let bytes = entries
            .checked_mul(u64::from(bits))
            .map(|b| b.div_ceil(8))
            .and_then(|b| usize::try_from(b).ok())
            .filter(|b| *b <= MAX_LIST_BYTES)
            .ok_or(StatusListError::OutOfRange {
                index: entries,
                len: (MAX_LIST_BYTES as u64) * 8 / u64::from(bits),
            })?;
        Ok(StatusList {
            bits,
            bytes: vec![0; bytes],
        })
    }

    /// A list over raw bytes (as an issuer keeps it).
    pub fn from_bytes(bits: u8, bytes: Vec<u8>) -> Result<StatusList, StatusListError> {
        let bits = check_bits(bits)?;
        if bytes.len() > MAX_LIST_BYTES {
            return Err(StatusListError::BadEncoding("the list is too large".into()));
        }
        Ok(StatusList { bits, bytes })
    }

    /// Bits per entry.
    pub fn bits(&self) -> u8 {
        self.bits
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Number of entries.
    pub fn len(&self) -> u64 {
        self.bytes.len() as u64 * 8 / u64::from(self.bits)
    }

    /// Whether the list has no entries.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    fn locate(&self, index: u64) -> Result<(usize, u32, u8), StatusListError> {
        let out = || StatusListError::OutOfRange {
            index,
            len: self.len(),
        };
        if index >= self.len() {
            return Err(out());
        }
        let bit = index * u64::from(self.bits);
        let byte = usize::try_from(bit / 8).map_err(|_| out())?;
        let shift = (bit % 8) as u32;
        let mask = if self.bits == 8 {
            0xff
        } else {
            (1u8 << self.bits) - 1
        };
        Ok((byte, shift, mask))
    }

    /// The status at `index`.
    pub fn get(&self, index: u64) -> Result<TokenStatus, StatusListError> {
        let (byte, shift, mask) = self.locate(index)?;
        Ok(TokenStatus::from_value((self.bytes[byte] >> shift) & mask))
    }

    /// Sets the status at `index`.
    pub fn set(&mut self, index: u64, status: TokenStatus) -> Result<(), StatusListError> {
        let (byte, shift, mask) = self.locate(index)?;
        let value = status.value();
        if value & !mask != 0 {
            return Err(StatusListError::ValueTooLarge {
                value,
                bits: self.bits,
            });
        }
        self.bytes[byte] = (self.bytes[byte] & !(mask << shift)) | (value << shift);
        Ok(())
    }

    /// The JSON `status_list` object: `{"bits": …, "lst": BASE64URL(ZLIB(bytes))}`.
    pub fn to_json(&self) -> Value {
        let compressed = miniz_oxide::deflate::compress_to_vec_zlib(&self.bytes, 9);
        json!({"bits": self.bits, "lst": URL_SAFE_NO_PAD.encode(compressed)})
    }

    /// Reads a JSON `status_list` object (exactly `bits` and `lst`; an
    /// `aggregation_uri` is tolerated).
    pub fn from_json(value: &Value) -> Result<StatusList, StatusListError> {
        let map = value
            .as_object()
            .ok_or_else(|| StatusListError::Shape("not a JSON object".into()))?;
        if let Some(extra) = map
            .keys()
            .find(|k| !matches!(k.as_str(), "bits" | "lst" | "aggregation_uri"))
        {
            return Err(StatusListError::Shape(format!(
                "unexpected member {extra:?}"
            )));
        }
        let bits = match map.get("bits") {
            Some(Value::Number(n)) => n
                .as_u64()
                .and_then(|b| u8::try_from(b).ok())
                .ok_or_else(|| StatusListError::BadBits(n.to_string()))?,
            Some(other) => return Err(StatusListError::BadBits(other.to_string())),
            None => return Err(StatusListError::Shape("missing `bits`".into())),
        };
        let bits = check_bits(bits)?;
        let lst = map
            .get("lst")
            .and_then(Value::as_str)
            .ok_or_else(|| StatusListError::Shape("missing string `lst`".into()))?;
        let compressed = URL_SAFE_NO_PAD
            .decode(lst)
            .map_err(|_| StatusListError::BadEncoding("not base64url (no padding)".into()))?;
        let bytes =
            miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(&compressed, MAX_LIST_BYTES)
                .map_err(|e| {
                    StatusListError::BadEncoding(format!("not zlib DEFLATE data: {:?}", e.status))
                })?;
        Ok(StatusList { bits, bytes })
    }
}

/// The claims of a Status List Token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusListToken {
    /// `sub`: the token's own URI (what Referenced Tokens name).
    pub uri: String,
    /// `iss`, when the Referenced Tokens carry one (ours do).
    pub issuer: Option<String>,
    /// `iat`: the instant the list is as of.
    pub issued_at: i64,
    /// `exp`: after this the token is never used.
    pub expires_at: Option<i64>,
    /// `ttl`: seconds a consumer may cache it.
    pub ttl: Option<u64>,
    /// The list.
    pub list: StatusList,
}

impl StatusListToken {
    /// Signs the token (`typ: statuslist+jwt`) with `key` under `kid`.
    pub fn sign(&self, key: &SigningKey, kid: &str) -> String {
        let (header, claims) = self.parts(kid);
        jws::sign(&header, &claims, key)
    }

    /// [`StatusListToken::sign`] with any [`Signer`] (a key in a hardware
    /// token, whose signing can fail).
    pub fn try_sign(&self, key: &(impl Signer + ?Sized), kid: &str) -> Result<String, KeyError> {
        let (header, claims) = self.parts(kid);
        jws::try_sign(&header, &claims, key)
    }

    /// The JWS header and claims of the token.
    fn parts(&self, kid: &str) -> (Map<String, Value>, Map<String, Value>) {
        let mut header = Map::new();
        header.insert("typ".into(), Value::from(STATUS_LIST_JWT_TYPE));
        header.insert("kid".into(), Value::from(kid));
        let mut claims = Map::new();
        if let Some(iss) = &self.issuer {
            claims.insert("iss".into(), Value::from(iss.clone()));
        }
        claims.insert("sub".into(), Value::from(self.uri.clone()));
        claims.insert("iat".into(), Value::from(self.issued_at));
        if let Some(exp) = self.expires_at {
            claims.insert("exp".into(), Value::from(exp));
        }
        if let Some(ttl) = self.ttl {
            claims.insert("ttl".into(), Value::from(ttl));
        }
        claims.insert("status_list".into(), self.list.to_json());
        (header, claims)
    }
}

/// A Status List Token's header and claims, signature not yet checked.
#[derive(Debug, Clone)]
pub struct UnverifiedStatusList<'a> {
    jws: jws::DecodedJws<'a>,
}

impl<'a> UnverifiedStatusList<'a> {
    /// Decodes a Status List Token: `alg` ES256/EdDSA, `typ: statuslist+jwt`, no `crit`.
    pub fn decode(token: &'a str) -> Result<UnverifiedStatusList<'a>, StatusListError> {
        Ok(UnverifiedStatusList {
            jws: jws::decode(
                token.trim(),
                Part::StatusListToken,
                &DEFAULT_ALGORITHMS,
                &[STATUS_LIST_JWT_TYPE],
            )?,
        })
    }

    /// The header's `kid`: which key to look up.
    pub fn kid(&self) -> Option<&str> {
        self.jws.kid()
    }

    /// The (unverified) `iss`.
    pub fn issuer(&self) -> Option<&str> {
        self.jws.payload.get("iss").and_then(Value::as_str)
    }

    /// Checks the signature with `key`, then the claims: `sub` is
    /// `expected_uri`, `iss` (when both have one) is `expected_issuer`,
    /// `iat` not in the future and `now` before `exp` (when `now` is given;
    /// bundles are judged at each verification's own clock).
    pub fn verify(
        &self,
        key: &PublicKey,
        expected_uri: &str,
        expected_issuer: Option<&str>,
        now: Option<OffsetDateTime>,
    ) -> Result<StatusListToken, StatusListError> {
        self.jws.verify(key, Part::StatusListToken)?;
        let p = &self.jws.payload;
        let claim = |claim: &'static str, reason: &str| StatusListError::BadClaim {
            claim,
            reason: reason.to_owned(),
        };
        let uri = p
            .get("sub")
            .and_then(Value::as_str)
            .ok_or_else(|| claim("sub", "missing or not a string"))?;
        if uri != expected_uri {
            return Err(StatusListError::WrongSubject {
                expected: expected_uri.to_owned(),
                found: uri.to_owned(),
            });
        }
        let issuer = match p.get("iss") {
            None => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => return Err(claim("iss", "not a string")),
        };
        if let (Some(expected), Some(found)) = (expected_issuer, &issuer) {
            if expected != found {
                return Err(StatusListError::WrongIssuer {
                    expected: expected.to_owned(),
                    found: found.clone(),
                });
            }
        }
        let date = |name: &'static str| {
            numeric_date(p, name).map_err(|_| claim(name, "not a NumericDate"))
        };
        let issued_at = date("iat")?.ok_or_else(|| claim("iat", "missing"))?;
        let expires_at = date("exp")?;
        let ttl = match p.get("ttl") {
            None => None,
            Some(v) => Some(
                v.as_u64()
                    .filter(|t| *t > 0)
                    .ok_or_else(|| claim("ttl", "not a positive number of seconds"))?,
            ),
        };
        if let Some(now) = now.map(OffsetDateTime::unix_timestamp) {
            if issued_at > now + 300 {
                return Err(StatusListError::IssuedInFuture(issued_at));
            }
            if let Some(exp) = expires_at.filter(|e| now >= *e) {
                return Err(StatusListError::Expired(exp));
            }
        }
        let list = StatusList::from_json(
            p.get("status_list")
                .ok_or_else(|| claim("status_list", "missing"))?,
        )?;
        Ok(StatusListToken {
            uri: uri.to_owned(),
            issuer,
            issued_at,
            expires_at,
            ttl,
            list,
        })
    }
}
