//! Key generation, signing and every key format round trip, plus bad inputs.

use elicence_core::keys::{KeyAlgorithm, KeyError, PublicKey, SigningKey};
use rand_core::OsRng;

/// Every algorithm this build supports (P-384 only with the `p384` feature).
fn algs() -> Vec<KeyAlgorithm> {
    #[allow(unused_mut)]
    let mut algs = vec![KeyAlgorithm::Ed25519, KeyAlgorithm::P256];
    #[cfg(feature = "p384")]
    algs.push(KeyAlgorithm::P384);
    algs
}

#[test]
fn algorithm_names_round_trip() {
    for alg in algs() {
        assert_eq!(alg.to_string().parse::<KeyAlgorithm>().unwrap(), alg);
    }
    assert_eq!(KeyAlgorithm::P256.to_string(), "P-256");

    assert_eq!(
        "ed25519".parse::<KeyAlgorithm>().unwrap(),
        KeyAlgorithm::Ed25519
    );
    assert_eq!(
        "RSA".parse::<KeyAlgorithm>(),
        Err(KeyError::UnsupportedAlgorithm("RSA".into()))
    );
}

#[test]
fn sign_and_verify_with_every_algorithm() {
    for alg in algs() {
        let key = SigningKey::generate(alg, &mut OsRng);
        assert_eq!(key.algorithm(), alg);
        let public = key.public_key();
        let msg = "ใบอนุญาตประกอบธุรกิจ".as_bytes();
        let sig = key.sign(msg);
        assert_eq!(sig.len(), alg.signature_len());
        public.verify(msg, &sig).unwrap();
        assert_eq!(
            public.verify(b"other", &sig),
            Err(KeyError::SignatureMismatch)
        );
        assert!(matches!(
            public.verify(msg, &sig[..sig.len() - 1]),
            Err(KeyError::MalformedSignature { .. })
        ));
        let other = SigningKey::generate(alg, &mut OsRng).public_key();
        assert_eq!(other.verify(msg, &sig), Err(KeyError::SignatureMismatch));
    }
}

#[test]
fn p256_signatures_are_deterministic_and_low_s() {
    let key = SigningKey::generate(KeyAlgorithm::P256, &mut OsRng);
    // n/2 for P-256: S must not exceed it.
    let half_n =
        hex::decode("7fffffff800000007fffffffffffffffde737d56d38bcf4279dce5617e3192a8").unwrap();
    for i in 0..32u8 {
        let msg = [i; 40];
        let sig = key.sign(&msg);
        assert_eq!(sig, key.sign(&msg), "RFC 6979 signatures are deterministic");
        assert!(sig[32..] <= half_n[..], "high S in signature {i}");
    }
}

#[cfg(feature = "p384")]
#[test]
fn p384_signs_sha384_with_rfc6979_and_takes_96_byte_signatures() {
    let key = SigningKey::generate(KeyAlgorithm::P384, &mut OsRng);
    let msg = b"licence";
    let sig = key.sign(msg);
    assert_eq!(sig.len(), 96);
    assert_eq!(sig, key.sign(msg), "RFC 6979 signatures are deterministic");
    // The p384 crate, hashing with SHA-384, accepts it: ES384 / FIPS 186-5.
    let SigningKey::P384(inner) = &key else {
        panic!("not a P-384 key")
    };
    use p384::ecdsa::signature::Verifier as _;
    let parsed = p384::ecdsa::Signature::from_slice(&sig).unwrap();
    inner.verifying_key().verify(msg, &parsed).unwrap();
    // A P-256-sized signature, or a P-384 signature of zeros, is malformed.
    let public = key.public_key();
    assert!(matches!(
        public.verify(msg, &sig[..64]),
        Err(KeyError::MalformedSignature {
            algorithm: "P-384",
            ..
        })
    ));
    assert!(matches!(
        public.verify(msg, &[0u8; 96]),
        Err(KeyError::MalformedSignature { .. })
    ));
    // A P-384 signature never verifies under a P-256 key (wrong length).
    let p256 = SigningKey::generate(KeyAlgorithm::P256, &mut OsRng).public_key();
    assert!(matches!(
        p256.verify(msg, &sig),
        Err(KeyError::MalformedSignature {
            algorithm: "P-256",
            ..
        })
    ));
}

#[test]
fn p256_verification_rejects_zero_r_or_s() {
    let key = SigningKey::generate(KeyAlgorithm::P256, &mut OsRng).public_key();
    assert!(matches!(
        key.verify(b"m", &[0u8; 64]),
        Err(KeyError::MalformedSignature { .. })
    ));
}

#[test]
fn multikey_round_trip_and_prefixes() {
    let ed = SigningKey::generate(KeyAlgorithm::Ed25519, &mut OsRng);
    let p = SigningKey::generate(KeyAlgorithm::P256, &mut OsRng);
    assert!(ed.public_key().to_multikey().starts_with("z6Mk"));
    assert!(p.public_key().to_multikey().starts_with("zDn"));
    for key in algs()
        .into_iter()
        .map(|a| SigningKey::generate(a, &mut OsRng))
    {
        let mk = key.public_key().to_multikey();
        assert_eq!(PublicKey::from_multikey(&mk).unwrap(), key.public_key());
        let secret = key.to_secret_multikey();
        let back = SigningKey::from_secret_multikey(&secret).unwrap();
        assert_eq!(back.public_key(), key.public_key());
    }
}

#[test]
fn w3c_secret_multikeys_parse_to_their_public_keys() {
    // From the vc-di-eddsa and vc-di-ecdsa test vectors.
    let cases = [
        (
            "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq",
            "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
        ),
        (
            "z42twTcNeSYcnqg1FLuSFs2bsGH3ZqbRHFmvS9XMsYhjxvHN",
            "zDnaepBuvsQ8cpsWrVKw8fbpGpvPeNSjVPTWoq6cRqaYzBKVP",
        ),
    ];
    for (secret, public) in cases {
        let key = SigningKey::from_secret_multikey(secret).unwrap();
        assert_eq!(key.public_key().to_multikey(), public);
        assert_eq!(key.to_secret_multikey().as_str(), secret);
    }
}

#[test]
fn bad_multikeys_are_rejected_with_clear_errors() {
    assert!(matches!(
        PublicKey::from_multikey("u7QE"),
        Err(KeyError::NotBase58Multibase(_))
    ));
    assert!(matches!(
        PublicKey::from_multikey("z0OIl"),
        Err(KeyError::InvalidBase58(_))
    ));
    assert!(matches!(
        PublicKey::from_multikey("z"),
        Err(KeyError::InvalidBase58(_))
    ));
    // secp256k1-pub (0xe7): a multicodec we do not support.
    let mut k1 = vec![0xe7, 0x01, 0x02];
    k1.extend_from_slice(&[0x11; 32]);
    assert_eq!(
        PublicKey::from_multikey(&format!("z{}", bs58::encode(&k1).into_string())),
        Err(KeyError::UnsupportedMulticodec("e701".into()))
    );

    // Right prefix, truncated key.
    let mk = SigningKey::generate(KeyAlgorithm::Ed25519, &mut OsRng)
        .public_key()
        .to_multikey();
    let mut bytes = bs58::decode(&mk[1..]).into_vec().unwrap();
    bytes.pop();
    let short = format!("z{}", bs58::encode(&bytes).into_string());
    assert!(matches!(
        PublicKey::from_multikey(&short),
        Err(KeyError::WrongKeyLength {
            expected: 32,
            actual: 31,
            ..
        })
    ));
    // A public multikey is not a secret one.
    assert!(matches!(
        SigningKey::from_secret_multikey(&mk),
        Err(KeyError::UnsupportedMulticodec(_))
    ));
    // A P-256 "point" that is not on the curve.
    let mut bad = vec![0x80, 0x24, 0x02];
    bad.extend_from_slice(&[0xff; 32]);
    assert_eq!(
        PublicKey::from_multikey(&format!("z{}", bs58::encode(&bad).into_string())),
        Err(KeyError::InvalidKey("P-256"))
    );
}

#[test]
fn jwk_round_trip() {
    for alg in algs() {
        let key = SigningKey::generate(alg, &mut OsRng);
        let jwk = key.public_key().to_jwk();
        assert!(jwk.get("d").is_none(), "public JWK must not carry d");
        assert_eq!(PublicKey::from_jwk(&jwk).unwrap(), key.public_key());
        let private: serde_json::Value = serde_json::from_str(&key.to_private_jwk()).unwrap();
        assert!(private["d"].is_string());
        let back = SigningKey::from_private_jwk(&private).unwrap();
        assert_eq!(back.to_secret_multikey(), key.to_secret_multikey());
    }
    let ed = SigningKey::generate(KeyAlgorithm::Ed25519, &mut OsRng)
        .public_key()
        .to_jwk();
    assert_eq!(ed["kty"], "OKP");
    assert_eq!(ed["crv"], "Ed25519");
    let p = SigningKey::generate(KeyAlgorithm::P256, &mut OsRng)
        .public_key()
        .to_jwk();
    assert_eq!(p["kty"], "EC");
    assert_eq!(p["crv"], "P-256");
}

#[test]
fn rfc8037_ed25519_jwk_example() {
    // RFC 8037 Appendix A.1/A.2.
    let jwk = serde_json::json!({
        "kty": "OKP", "crv": "Ed25519",
        "d": "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
        "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
    });
    let key = SigningKey::from_private_jwk(&jwk).unwrap();
    assert_eq!(key.public_key(), PublicKey::from_jwk(&jwk).unwrap());
}

#[test]
fn bad_jwks_are_rejected() {
    use serde_json::json;
    let cases = [
        json!("not an object"),
        json!({"kty": "RSA", "crv": "P-256", "x": "AA"}),
        json!({"kty": "EC", "crv": "P-384", "x": "AA", "y": "AA"}),
        json!({"kty": "OKP", "crv": "Ed25519"}),
        json!({"kty": "OKP", "crv": "Ed25519", "x": "!!!"}),
        json!({"kty": "OKP", "crv": "Ed25519", "x": "AAAA"}),
        json!({"kty": "EC", "crv": "P-256", "x": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "y": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}),
        // P-384 with P-256-sized coordinates, and a point not on the curve.
        json!({"kty": "EC", "crv": "P-384", "x": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "y": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}),
        json!({"kty": "EC", "crv": "P-384", "x": "A".repeat(64), "y": "A".repeat(64)}),
        json!({"kty": "EC", "crv": "P-521", "x": "AA", "y": "AA"}),
    ];
    for jwk in cases {
        assert!(PublicKey::from_jwk(&jwk).is_err(), "{jwk}");
    }
    // Mismatched public and private members.
    let a = SigningKey::generate(KeyAlgorithm::Ed25519, &mut OsRng);
    let b = SigningKey::generate(KeyAlgorithm::Ed25519, &mut OsRng);
    let mut jwk: serde_json::Value = serde_json::from_str(&a.to_private_jwk()).unwrap();
    jwk["x"] = b.public_key().to_jwk()["x"].clone();
    assert!(matches!(
        SigningKey::from_private_jwk(&jwk),
        Err(KeyError::InvalidJwk(_))
    ));
}

#[test]
fn pkcs8_and_spki_pem_round_trip() {
    for alg in algs() {
        let key = SigningKey::generate(alg, &mut OsRng);
        let pem = key.to_pkcs8_pem();
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
        let back = SigningKey::from_pkcs8_pem(&pem, None).unwrap();
        assert_eq!(back.to_secret_multikey(), key.to_secret_multikey());
        let spki = key.public_key().to_spki_pem();
        assert!(spki.starts_with("-----BEGIN PUBLIC KEY-----\n"));
        assert_eq!(PublicKey::from_spki_pem(&spki).unwrap(), key.public_key());
    }
}

#[test]
fn encrypted_pkcs8_round_trip_and_errors() {
    for alg in algs() {
        let key = SigningKey::generate(alg, &mut OsRng);
        let pem = key
            .to_encrypted_pkcs8_pem(b"correct horse", &mut OsRng)
            .unwrap();
        assert!(pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"));
        let back = SigningKey::from_pkcs8_pem(&pem, Some(b"correct horse")).unwrap();
        assert_eq!(back.public_key(), key.public_key());
        assert_eq!(
            SigningKey::from_pkcs8_pem(&pem, Some(b"wrong horse")).unwrap_err(),
            KeyError::WrongPassphrase
        );
        assert_eq!(
            SigningKey::from_pkcs8_pem(&pem, None).unwrap_err(),
            KeyError::PassphraseRequired
        );
    }
    let key = SigningKey::generate(KeyAlgorithm::Ed25519, &mut OsRng);
    assert!(matches!(
        key.to_encrypted_pkcs8_pem(b"", &mut OsRng),
        Err(KeyError::EncryptionFailed(_))
    ));
}

#[test]
fn encrypted_pem_never_contains_the_plain_key() {
    let key = SigningKey::generate(KeyAlgorithm::Ed25519, &mut OsRng);
    let plain = key.to_pkcs8_pem();
    let plain_body: String = plain.lines().filter(|l| !l.starts_with("-----")).collect();
    let enc = key.to_encrypted_pkcs8_pem(b"pw", &mut OsRng).unwrap();
    assert!(!enc.contains(&plain_body[..40]));
    // Two encryptions use fresh salt and IV.
    assert_ne!(enc, key.to_encrypted_pkcs8_pem(b"pw", &mut OsRng).unwrap());
}

#[test]
fn malformed_and_unsupported_pem_are_rejected() {
    assert!(matches!(
        SigningKey::from_pkcs8_pem("not a pem", None),
        Err(KeyError::MalformedPem(_))
    ));
    assert!(matches!(
        SigningKey::from_pkcs8_pem(
            "-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n",
            None
        ),
        Err(KeyError::MalformedPem(_))
    ));
    let key = SigningKey::generate(KeyAlgorithm::Ed25519, &mut OsRng);
    let spki = key.public_key().to_spki_pem();
    assert_eq!(
        SigningKey::from_pkcs8_pem(&spki, None).unwrap_err(),
        KeyError::UnsupportedPemLabel("PUBLIC KEY".into())
    );
    // An X25519 PKCS#8 key (RFC 8410 example): not a signing algorithm we support.
    let x25519 = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VuBCIEINQB0Fdaac/Xxbfrot5CQTK4yDqDlfrJN5Ax7CqvTosr\n-----END PRIVATE KEY-----\n";
    assert!(matches!(
        SigningKey::from_pkcs8_pem(x25519, None),
        Err(KeyError::UnsupportedAlgorithm(_))
    ));
}

#[test]
fn debug_output_never_shows_the_secret() {
    for alg in algs() {
        let key = SigningKey::generate(alg, &mut OsRng);
        let debug = format!("{key:?}");
        assert!(debug.contains(&key.public_key().to_multikey()));
        assert!(debug.contains(alg.name()));
        assert!(!debug.contains(key.to_secret_multikey().as_str()));
        let secret = key.to_secret_multikey();
        let raw = bs58::decode(&secret[1..]).into_vec().unwrap();
        assert!(!debug.contains(&hex::encode(&raw[2..])));
        assert!(!debug.contains(&format!("{:?}", &raw[2..6])), "{debug}");
    }
}

/// Keys written by OpenSSL 3.0 (`genpkey`, `pkcs8 -topk8 -v2 aes-256-cbc`,
/// `pkcs8 -topk8 -scrypt`, `ec`, `pkey -pubout`; P-384 with
/// `-pkeyopt ec_paramgen_curve:P-384`), passphrase "ทดสอบ pw": we must read
/// them all.
mod openssl_written {
    pub const ED25519_PBKDF2: &str = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIGbMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAgK6gPYTPd9qwICCAAw\nDAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEED0O1xlAABxZJavIsXE+oLcEQIkc\nf1lcARYgoIcMAZAyocD5Gl/we+Nvfhx3JpGi7vkH1y/N8NDkhukYF0l7UGqQlHP3\nNWll5muoNUJZp4Rskx0=\n-----END ENCRYPTED PRIVATE KEY-----\n";
    pub const P256_SCRYPT: &str = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIHkME8GCSqGSIb3DQEFDTBCMCEGCSsGAQQB2kcECzAUBAhpqvGTNayH0gICQAAC\nAQgCAQEwHQYJYIZIAWUDBAEqBBApcCplRQjKbCcp/KPmvgUdBIGQppA3u39FoFRJ\nTcVUYxrOk82nGi9xXllNQNWTkoOB2tb5lPPy8LwYv54aK5TQk3uIprsfi3WMaOLl\ntdLY7cP97JGiztOX4IF93kQHDIimh/ad/TVTMS45NrplG6j2EXIsHLqE398x9v+P\nU9Ph2ZdaYXO5Fi6/AgyOfZzObZwxAz6bLTYDswM2csf7sDnvzIen\n-----END ENCRYPTED PRIVATE KEY-----\n";
    pub const P256_SEC1: &str = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEILfRiDQ29+pQhP8ivdeL+d5snb6wLgNp5TSwbl2nDZVEoAoGCCqGSM49\nAwEHoUQDQgAEFKYiyDwKrIw7DPD/iQiVPAbRFmw5OAIy75Qq6g+SBY7JbE+Mih8l\n8Co+I4ECSFSeGxALkw6W4n7IBoWJyMH/sA==\n-----END EC PRIVATE KEY-----\n";
    pub const ED25519_SPKI: &str = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAjdRnUBim3omZQX7cEfG8+qslITRUB6YfVGXKTWjn7UU=\n-----END PUBLIC KEY-----\n";
    pub const P384_PLAIN: &str = "-----BEGIN PRIVATE KEY-----\nMIG2AgEAMBAGByqGSM49AgEGBSuBBAAiBIGeMIGbAgEBBDDQ5KIhyAE2hrCcw84g\ntwd+A86G0GdJFEKL6gzHPsFGHJBe69evRw9t7k+gS9zj9YuhZANiAAQm6EwCnTHC\nEDM7FwPUipO8hXEANGCZZGFs5g0ch9X5GJvMbz6zyxyWRlMr7SZsl4NoGmzNiPUZ\nxyg0vX8reLqxkPcTU46X5DBFupQA5z+WI2Nwc3GtVX9fcCx2YODXR0g=\n-----END PRIVATE KEY-----\n";
    pub const P384_SCRYPT: &str = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBFDBPBgkqhkiG9w0BBQ0wQjAhBgkrBgEEAdpHBAswFAQISfDmDaNRvqQCAkAA\nAgEIAgEBMB0GCWCGSAFlAwQBKgQQKbavUYlnpSBGDbsbclAJvgSBwJJocK9st9ah\nJp8m16DQWm5TFjWbB6PPDEXC98zOzSQFAQ82oX5wYm2/wPMyJclE8nnrKJUnVqf8\n5bMTMNUQT/xr9MwcjWfxm5JvYs/jstlfDj28SVYuTXvKmHjys7YaeGHzG3IvT4v+\nOsWyfuPI17sQVo3+uxnKkyAMtEEcf1a3XqI/2l1qVjTaMxsMZzCe34PmIBiTbt4/\nNTQtFNXZCCT6wttcnvjFv6czZFC1ZF+lhwACjE+yTtxchMllw8RVLw==\n-----END ENCRYPTED PRIVATE KEY-----\n";
    pub const P384_SEC1: &str = "-----BEGIN EC PRIVATE KEY-----\nMIGkAgEBBDDQ5KIhyAE2hrCcw84gtwd+A86G0GdJFEKL6gzHPsFGHJBe69evRw9t\n7k+gS9zj9YugBwYFK4EEACKhZANiAAQm6EwCnTHCEDM7FwPUipO8hXEANGCZZGFs\n5g0ch9X5GJvMbz6zyxyWRlMr7SZsl4NoGmzNiPUZxyg0vX8reLqxkPcTU46X5DBF\nupQA5z+WI2Nwc3GtVX9fcCx2YODXR0g=\n-----END EC PRIVATE KEY-----\n";
    pub const P384_SPKI: &str = "-----BEGIN PUBLIC KEY-----\nMHYwEAYHKoZIzj0CAQYFK4EEACIDYgAEJuhMAp0xwhAzOxcD1IqTvIVxADRgmWRh\nbOYNHIfV+RibzG8+s8sclkZTK+0mbJeDaBpszYj1GccoNL1/K3i6sZD3E1OOl+Qw\nRbqUAOc/liNjcHNxrVV/X3AsdmDg10dI\n-----END PUBLIC KEY-----\n";
    pub const P256_SPKI: &str = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEFKYiyDwKrIw7DPD/iQiVPAbRFmw5\nOAIy75Qq6g+SBY7JbE+Mih8l8Co+I4ECSFSeGxALkw6W4n7IBoWJyMH/sA==\n-----END PUBLIC KEY-----\n";
}

#[test]
fn reads_keys_written_by_openssl() {
    use openssl_written::*;
    let pw = "ทดสอบ pw".as_bytes();
    let ed = SigningKey::from_pkcs8_pem(ED25519_PBKDF2, Some(pw)).unwrap();
    assert_eq!(ed.algorithm(), KeyAlgorithm::Ed25519);
    assert_eq!(
        ed.public_key(),
        PublicKey::from_spki_pem(ED25519_SPKI).unwrap()
    );
    let p = SigningKey::from_pkcs8_pem(P256_SCRYPT, Some(pw)).unwrap();
    assert_eq!(p.algorithm(), KeyAlgorithm::P256);
    assert_eq!(p.public_key(), PublicKey::from_spki_pem(P256_SPKI).unwrap());
    let sec1 = SigningKey::from_pkcs8_pem(P256_SEC1, None).unwrap();
    assert_eq!(sec1.public_key(), p.public_key());
    // Our SPKI encoding is byte-identical to OpenSSL's.
    assert_eq!(p.public_key().to_spki_pem(), P256_SPKI);
    assert_eq!(ed.public_key().to_spki_pem(), ED25519_SPKI);
    assert_eq!(
        SigningKey::from_pkcs8_pem(ED25519_PBKDF2, Some(b"nope")).unwrap_err(),
        KeyError::WrongPassphrase
    );
}

#[cfg(feature = "p384")]
#[test]
fn reads_p384_keys_written_by_openssl_and_writes_the_same_bytes() {
    use openssl_written::*;
    let pw = "ทดสอบ pw".as_bytes();
    let plain = SigningKey::from_pkcs8_pem(P384_PLAIN, None).unwrap();
    assert_eq!(plain.algorithm(), KeyAlgorithm::P384);
    let public = PublicKey::from_spki_pem(P384_SPKI).unwrap();
    assert_eq!(plain.public_key(), public);
    let encrypted = SigningKey::from_pkcs8_pem(P384_SCRYPT, Some(pw)).unwrap();
    assert_eq!(encrypted.public_key(), public);
    let sec1 = SigningKey::from_pkcs8_pem(P384_SEC1, None).unwrap();
    assert_eq!(sec1.public_key(), public);
    assert_eq!(
        SigningKey::from_pkcs8_pem(P384_SCRYPT, Some(b"nope")).unwrap_err(),
        KeyError::WrongPassphrase
    );
    // Our PKCS#8 and SPKI encodings are byte-identical to OpenSSL's.
    assert_eq!(plain.to_pkcs8_pem().as_str(), P384_PLAIN);
    assert_eq!(public.to_spki_pem(), P384_SPKI);
}

/// The W3C vc-di-ecdsa P-384 key pair.
const W3C_P384_SECRET: &str =
    "z2fanyY7zgwNpZGxX5fXXibvScNaUWNprHU9dKx7qpVj7mws9J8LLt4mDB5TyH2GLHWkUc";
const W3C_P384_PUBLIC: &str =
    "z82LkuBieyGShVBhvtE2zoiD6Kma4tJGFtkAhxR5pfkp5QPw4LutoYWhvQCnGjdVn14kujQ";

#[cfg(feature = "p384")]
#[test]
fn p384_names_multikeys_and_jwks() {
    assert_eq!(KeyAlgorithm::P384.to_string(), "P-384");
    for name in ["P-384", "p384", "secp384r1"] {
        assert_eq!(name.parse::<KeyAlgorithm>().unwrap(), KeyAlgorithm::P384);
    }
    // The W3C key pair: secret and public Multikeys agree and round trip.
    let key = SigningKey::from_secret_multikey(W3C_P384_SECRET).unwrap();
    assert_eq!(key.algorithm(), KeyAlgorithm::P384);
    assert_eq!(key.public_key().to_multikey(), W3C_P384_PUBLIC);
    assert_eq!(key.to_secret_multikey().as_str(), W3C_P384_SECRET);
    // multicodec p384-pub (0x1201) as a varint, then a 49-byte compressed point.
    let raw = bs58::decode(&W3C_P384_PUBLIC[1..]).into_vec().unwrap();
    assert_eq!(&raw[..2], &[0x81, 0x24]);
    assert_eq!(raw.len(), 2 + 49);
    // JWK: EC / P-384 with 48-byte coordinates (64 base64url characters).
    let jwk = key.public_key().to_jwk();
    assert_eq!(jwk["kty"], "EC");
    assert_eq!(jwk["crv"], "P-384");
    assert_eq!(jwk["x"].as_str().unwrap().len(), 64);
    assert_eq!(jwk["y"].as_str().unwrap().len(), 64);
    let private: serde_json::Value = serde_json::from_str(&key.to_private_jwk()).unwrap();
    assert_eq!(private["d"].as_str().unwrap().len(), 64);
}

#[cfg(feature = "p384")]
#[test]
fn bad_p384_multikeys_are_rejected_with_clear_errors() {
    let multikey = |bytes: &[u8]| format!("z{}", bs58::encode(bytes).into_string());
    // A P-384 point must be compressed (49 bytes), as Multikey requires.
    let PublicKey::P384(inner) = PublicKey::from_multikey(W3C_P384_PUBLIC).unwrap() else {
        panic!("not a P-384 key")
    };
    let mut uncompressed = vec![0x81, 0x24];
    uncompressed.extend_from_slice(inner.to_encoded_point(false).as_bytes());
    assert_eq!(
        PublicKey::from_multikey(&multikey(&uncompressed)),
        Err(KeyError::WrongKeyLength {
            algorithm: "P-384 (compressed)",
            expected: 49,
            actual: 97
        })
    );
    // A P-384 "point" that is not on the curve.
    let mut bad = vec![0x81, 0x24, 0x02];
    bad.extend_from_slice(&[0xff; 48]);
    assert_eq!(
        PublicKey::from_multikey(&multikey(&bad)),
        Err(KeyError::InvalidKey("P-384"))
    );
    // A P-384 secret scalar of P-256 size.
    let mut short = vec![0x87, 0x26];
    short.extend_from_slice(&[0x11; 32]);
    assert!(matches!(
        SigningKey::from_secret_multikey(&multikey(&short)),
        Err(KeyError::WrongKeyLength {
            expected: 48,
            actual: 32,
            ..
        })
    ));
}

/// Without the `p384` feature (the browser inspector's build) P-384 keys in
/// every form are refused with one clear error, never mistaken for another
/// key type.
#[cfg(not(feature = "p384"))]
#[test]
fn builds_without_p384_refuse_p384_keys_clearly() {
    let not_built = KeyError::NotInThisBuild("P-384");
    assert_eq!("P-384".parse::<KeyAlgorithm>(), Err(not_built.clone()));
    assert_eq!(
        PublicKey::from_multikey(W3C_P384_PUBLIC),
        Err(not_built.clone())
    );
    assert_eq!(
        SigningKey::from_secret_multikey(W3C_P384_SECRET).unwrap_err(),
        not_built
    );
    let jwk = serde_json::json!({"kty": "EC", "crv": "P-384", "x": "A", "y": "A"});
    assert_eq!(PublicKey::from_jwk(&jwk), Err(not_built.clone()));
    assert_eq!(
        PublicKey::from_spki_pem(openssl_written::P384_SPKI),
        Err(not_built.clone())
    );
    assert_eq!(
        SigningKey::from_pkcs8_pem(openssl_written::P384_PLAIN, None).unwrap_err(),
        not_built
    );
    let pw = "ทดสอบ pw".as_bytes();
    assert_eq!(
        SigningKey::from_pkcs8_pem(openssl_written::P384_SCRYPT, Some(pw)).unwrap_err(),
        not_built
    );
    assert!(matches!(
        SigningKey::from_pkcs8_pem(openssl_written::P384_SEC1, None),
        Err(KeyError::InvalidKey(_))
    ));
}
