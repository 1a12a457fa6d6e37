//! JSON Web Key (RFC 7517/8037) forms: `OKP`/`Ed25519`, `EC`/`P-256` and
//! `EC`/`P-384`, for exchange with JOSE tooling.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Value};
use zeroize::Zeroizing;

use super::{KeyError, PublicKey, SigningKey};

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn member<'a>(jwk: &'a Value, name: &str) -> Result<&'a str, KeyError> {
    jwk.get(name)
        .ok_or_else(|| KeyError::InvalidJwk(format!("missing `{name}`")))?
        .as_str()
        .ok_or_else(|| KeyError::InvalidJwk(format!("`{name}` must be a string")))
}

fn coordinate<const N: usize>(jwk: &Value, name: &str) -> Result<Zeroizing<[u8; N]>, KeyError> {
    let bytes = Zeroizing::new(
        URL_SAFE_NO_PAD
            .decode(member(jwk, name)?)
            .map_err(|e| KeyError::InvalidJwk(format!("`{name}` is not base64url: {e}")))?,
    );
    let arr: [u8; N] = bytes.as_slice().try_into().map_err(|_| {
        KeyError::InvalidJwk(format!("`{name}` must be {N} bytes, got {}", bytes.len()))
    })?;
    Ok(Zeroizing::new(arr))
}

/// Which key type a JWK declares.
enum JwkKind {
    Ed25519,
    P256,
    #[cfg(feature = "p384")]
    P384,
}

fn kind(jwk: &Value) -> Result<JwkKind, KeyError> {
    if !jwk.is_object() {
        return Err(KeyError::InvalidJwk("a JWK must be a JSON object".into()));
    }
    let kty = member(jwk, "kty")?;
    let crv = member(jwk, "crv")?;
    match (kty, crv) {
        ("OKP", "Ed25519") => Ok(JwkKind::Ed25519),
        ("EC", "P-256") => Ok(JwkKind::P256),
        #[cfg(feature = "p384")]
        ("EC", "P-384") => Ok(JwkKind::P384),
        #[cfg(not(feature = "p384"))]
        ("EC", "P-384") => Err(KeyError::NotInThisBuild("P-384")),
        _ => Err(KeyError::UnsupportedAlgorithm(format!(
            "JWK kty={kty} crv={crv}"
        ))),
    }
}

impl PublicKey {
    /// The public JWK: `{"kty":"OKP","crv":"Ed25519","x"}` or
    /// `{"kty":"EC","crv":"P-256"|"P-384","x","y"}`.
    pub fn to_jwk(&self) -> Value {
        match self {
            PublicKey::Ed25519(k) => {
                json!({"kty": "OKP", "crv": "Ed25519", "x": b64(k.as_bytes())})
            }
            PublicKey::P256(k) => {
                let point = k.to_encoded_point(false);
                // An uncompressed SEC1 point always carries both coordinates.
                let x = point.x().map(|x| b64(x)).unwrap_or_default();
                let y = point.y().map(|y| b64(y)).unwrap_or_default();
                json!({"kty": "EC", "crv": "P-256", "x": x, "y": y})
            }
            #[cfg(feature = "p384")]
            PublicKey::P384(k) => {
                let point = k.to_encoded_point(false);
                let x = point.x().map(|x| b64(x)).unwrap_or_default();
                let y = point.y().map(|y| b64(y)).unwrap_or_default();
                json!({"kty": "EC", "crv": "P-384", "x": x, "y": y})
            }
        }
    }

    /// Parses a public JWK (any private `d` member is ignored). The point is
    /// checked to lie on the curve.
    pub fn from_jwk(jwk: &Value) -> Result<PublicKey, KeyError> {
        match kind(jwk)? {
            JwkKind::Ed25519 => {
                let x = coordinate::<32>(jwk, "x")?;
                ed25519_dalek::VerifyingKey::from_bytes(&x)
                    .map(PublicKey::Ed25519)
                    .map_err(|_| KeyError::InvalidKey("Ed25519"))
            }
            JwkKind::P256 => {
                let x = coordinate::<32>(jwk, "x")?;
                let y = coordinate::<32>(jwk, "y")?;
                let point =
                    p256::EncodedPoint::from_affine_coordinates((&*x).into(), (&*y).into(), false);
                p256::ecdsa::VerifyingKey::from_encoded_point(&point)
                    .map(PublicKey::P256)
                    .map_err(|_| KeyError::InvalidKey("P-256"))
            }
            #[cfg(feature = "p384")]
            JwkKind::P384 => {
                let x = coordinate::<48>(jwk, "x")?;
                let y = coordinate::<48>(jwk, "y")?;
                let point =
                    p384::EncodedPoint::from_affine_coordinates((&*x).into(), (&*y).into(), false);
                p384::ecdsa::VerifyingKey::from_encoded_point(&point)
                    .map(PublicKey::P384)
                    .map_err(|_| KeyError::InvalidKey("P-384"))
            }
        }
    }
}

impl SigningKey {
    /// The private JWK as JSON text (public members plus `d`). Returned as a
    /// string rather than a `serde_json::Value` so the secret can be zeroised
    /// on drop.
    pub fn to_private_jwk(&self) -> Zeroizing<String> {
        let d = Zeroizing::new(match self {
            SigningKey::Ed25519(k) => b64(Zeroizing::new(k.to_bytes()).as_ref()),
            SigningKey::P256(k) => b64(Zeroizing::new(k.to_bytes()).as_ref()),
            #[cfg(feature = "p384")]
            SigningKey::P384(k) => b64(Zeroizing::new(k.to_bytes()).as_ref()),
        });
        let public = self.public_key().to_jwk();
        let field = |name: &str| {
            public
                .get(name)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        Zeroizing::new(match self {
            SigningKey::Ed25519(_) => format!(
                r#"{{"kty":"OKP","crv":"Ed25519","x":"{}","d":"{}"}}"#,
                field("x"),
                d.as_str()
            ),
            SigningKey::P256(_) => format!(
                r#"{{"kty":"EC","crv":"P-256","x":"{}","y":"{}","d":"{}"}}"#,
                field("x"),
                field("y"),
                d.as_str()
            ),
            #[cfg(feature = "p384")]
            SigningKey::P384(_) => format!(
                r#"{{"kty":"EC","crv":"P-384","x":"{}","y":"{}","d":"{}"}}"#,
                field("x"),
                field("y"),
                d.as_str()
            ),
        })
    }

    /// Parses a private JWK; the public members, if present, must match `d`.
    pub fn from_private_jwk(jwk: &Value) -> Result<SigningKey, KeyError> {
        let key = match kind(jwk)? {
            JwkKind::Ed25519 => {
                let d = coordinate::<32>(jwk, "d")?;
                SigningKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(&d))
            }
            JwkKind::P256 => {
                let d = coordinate::<32>(jwk, "d")?;
                SigningKey::P256(
                    p256::ecdsa::SigningKey::from_slice(d.as_ref())
                        .map_err(|_| KeyError::InvalidKey("P-256"))?,
                )
            }
            #[cfg(feature = "p384")]
            JwkKind::P384 => {
                let d = coordinate::<48>(jwk, "d")?;
                SigningKey::P384(
                    p384::ecdsa::SigningKey::from_slice(d.as_ref())
                        .map_err(|_| KeyError::InvalidKey("P-384"))?,
                )
            }
        };
        if jwk.get("x").is_some() && PublicKey::from_jwk(jwk)? != key.public_key() {
            return Err(KeyError::InvalidJwk(
                "public members do not match the private key".into(),
            ));
        }
        Ok(key)
    }
}
