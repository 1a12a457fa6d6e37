//! What the suites do locally with Digital Bazaar's libraries, done with our
//! core crate: keys from the suites' fixtures, Data Integrity proofs with the
//! deliberate defects of the suites' generators (`invalidCreateProof` and
//! friends), signed presentations (`createVp`), and dereferencing did:key
//! verification methods (the suites' document loaders).

use elicence_core::did::{did_key, resolve_did_key};
use elicence_core::keys::{PublicKey, SigningKey};
use elicence_core::proof::{Cryptosuite, ProofEngine};
use serde_json::{json, Map, Value};

/// A key the suites sign with, and its did:key identity.
#[derive(Clone)]
pub struct LocalKey {
    pub signing: SigningKey,
    /// `did:key:z…` (the `controller`, used as `issuer`).
    pub did: String,
    /// `did:key:z…#z…`.
    pub vm: String,
}

impl LocalKey {
    /// From a Multikey secret as Digital Bazaar's libraries serialize it:
    /// for Ed25519 the 64-byte secret||public form is accepted too.
    pub fn from_secret_multibase(secret: &str) -> Result<LocalKey, String> {
        let signing = match SigningKey::from_secret_multikey(secret) {
            Ok(k) => k,
            Err(first) => {
                // ed25519-priv (0x1300) with the 32-byte public key appended.
                let bytes = bs58::decode(secret.trim_start_matches('z'))
                    .into_vec()
                    .map_err(|e| e.to_string())?;
                if bytes.len() == 66 && bytes[..2] == [0x80, 0x26] {
                    let mut short = vec![0x80, 0x26];
                    short.extend_from_slice(&bytes[2..34]);
                    let s = format!("z{}", bs58::encode(short).into_string());
                    SigningKey::from_secret_multikey(&s).map_err(|e| e.to_string())?
                } else {
                    return Err(first.to_string());
                }
            }
        };
        Ok(LocalKey::from_signing(signing))
    }

    /// Wraps a key with its did:key identity.
    pub fn from_signing(signing: SigningKey) -> LocalKey {
        let public = signing.public_key();
        let did = did_key(&public);
        let vm = format!("{did}#{}", public.to_multikey());
        LocalKey { signing, did, vm }
    }

    /// The eddsa-2022 test key of data-integrity-test-suite-assertion
    /// (`vc-generator/secret.js`).
    pub fn di_assertion_default() -> LocalKey {
        LocalKey::from_secret_multibase(
            "zrv3rbPamVDGvrm7LkYPLWYJ35P9audujKKsWn3x29EUiGwwhdZQd1iHhrsmZidtVALBQmhX3j9E5Fvx6Kr29DPt6LH",
        )
        .expect("the suite's key")
    }

    /// The key of vc-data-model-2.0-test-suite's `data-generator.js`.
    pub fn dm2_local() -> LocalKey {
        LocalKey::from_secret_multibase(
            "zrv1a6V2qqSGkBz7QPw4yJedKc8X9dEdug7c3MEzNUDVEmkyVcXtTWNLQLArgKXzN7LbGMTVjqE2CbdrqpnxqtxmY1M",
        )
        .expect("the suite's key")
    }
}

/// Which members the proof gets, and how it is computed. `None` members are
/// left out, as the suites' generators leave them out.
#[derive(Debug, Clone)]
pub struct ProofSpec {
    pub id: Option<String>,
    pub proof_type: Option<String>,
    pub cryptosuite: Option<String>,
    pub created: Option<String>,
    pub expires: Option<String>,
    pub verification_method: Option<String>,
    pub proof_purpose: Option<String>,
    pub challenge: Option<String>,
    pub domain: Option<String>,
    pub previous_proof: Option<String>,
    /// The algorithm actually used to canonicalize and hash.
    pub suite: Cryptosuite,
    /// Canonicalize the document with JCS even for an RDFC suite
    /// (`canonizeJcs`).
    pub canonize_jcs: bool,
    /// Hash with SHA-512 instead of the suite's hash (`digestSha512`).
    pub digest_sha512: bool,
    /// State the proof's `@context` in the proof (JCS suites do).
    pub context_in_proof: bool,
}

impl ProofSpec {
    /// A correct `assertionMethod` proof of `suite` by `key`, created now.
    pub fn new(suite: Cryptosuite, key: &LocalKey) -> ProofSpec {
        ProofSpec {
            id: None,
            proof_type: Some("DataIntegrityProof".into()),
            cryptosuite: Some(suite.name().into()),
            created: Some(super::iso_now()),
            expires: None,
            verification_method: Some(key.vm.clone()),
            proof_purpose: Some("assertionMethod".into()),
            challenge: None,
            domain: None,
            previous_proof: None,
            suite,
            canonize_jcs: false,
            digest_sha512: false,
            context_in_proof: matches!(
                suite,
                Cryptosuite::EddsaJcs2022 | Cryptosuite::EcdsaJcs2019
            ),
        }
    }

    fn options(&self) -> Map<String, Value> {
        let mut m = Map::new();
        let mut put = |k: &str, v: &Option<String>| {
            if let Some(v) = v {
                m.insert(k.into(), Value::String(v.clone()));
            }
        };
        put("id", &self.id);
        put("type", &self.proof_type);
        put("created", &self.created);
        put("expires", &self.expires);
        put("verificationMethod", &self.verification_method);
        put("cryptosuite", &self.cryptosuite);
        put("proofPurpose", &self.proof_purpose);
        put("challenge", &self.challenge);
        put("domain", &self.domain);
        put("previousProof", &self.previous_proof);
        m
    }
}

fn sha(alg: &str, data: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    match alg {
        "512" => sha2::Sha512::digest(data).to_vec(),
        _ => sha2::Sha256::digest(data).to_vec(),
    }
}

/// Adds a proof to `doc` as the suites' generators do. The signature is
/// over `hash(C(proofConfig)) || hash(C(document))`, where the document
/// includes the proofs named by `previousProof`. Returns an error only if
/// our canonicalizer cannot process the deliberately broken configuration;
/// the caller then signs what it can (the verifier must refuse either way).
pub fn add_proof(doc: &Value, spec: &ProofSpec, key: &LocalKey) -> Value {
    let mut unsecured = doc.clone();
    let existing: Vec<Value> = super::as_list(doc.get("proof"));
    if let Some(m) = unsecured.as_object_mut() {
        m.remove("proof");
        if let Some(prev) = &spec.previous_proof {
            let matching: Vec<Value> = existing
                .iter()
                .filter(|p| p.get("id").and_then(Value::as_str) == Some(prev.as_str()))
                .cloned()
                .collect();
            m.insert("proof".into(), Value::Array(matching));
        }
    }
    let mut proof = spec.options();
    let mut config = proof.clone();
    if let Some(ctx) = doc.get("@context") {
        config.insert("@context".into(), ctx.clone());
    }
    let engine = ProofEngine::shipped();
    let hash = spec.suite.hash_algorithm(key.signing.algorithm());
    let jcs = |v: &Value| {
        elicence_core::jcs::canonicalize(v)
            .map(String::into_bytes)
            .unwrap_or_default()
    };
    let config_value = Value::Object(config.clone());
    let canon_config = engine
        .canonicalize(spec.suite, hash, &config_value)
        .unwrap_or_else(|_| jcs(&config_value));
    let canon_doc = if spec.canonize_jcs {
        jcs(&unsecured)
    } else {
        engine
            .canonicalize(spec.suite, hash, &unsecured)
            .unwrap_or_else(|_| jcs(&unsecured))
    };
    let hash_bytes = |d: &[u8]| -> Vec<u8> {
        if spec.digest_sha512 {
            sha("512", d)
        } else {
            hash.digest(d)
        }
    };
    let mut data = hash_bytes(&canon_config);
    data.extend(hash_bytes(&canon_doc));
    let signature = key.signing.sign(&data);
    if spec.context_in_proof {
        if let Some(ctx) = doc.get("@context") {
            proof.insert("@context".into(), ctx.clone());
        }
    }
    proof.insert(
        "proofValue".into(),
        Value::String(format!("z{}", bs58::encode(signature).into_string())),
    );
    let mut secured = doc.clone();
    let mut all = existing;
    all.push(Value::Object(proof));
    if let Some(m) = secured.as_object_mut() {
        let value = if all.len() == 1 {
            all.pop().unwrap_or(Value::Null)
        } else {
            Value::Array(all)
        };
        m.insert("proof".into(), value);
    }
    secured
}

/// The suites' `createVp` (vc-data-model-2.0-test-suite
/// `tests/data-generator.js` @f7d4cd90): each credential without a proof
/// gets `issuer = key` and an eddsa-rdfc-2022 `assertionMethod` proof, then
/// the presentation gets an eddsa-rdfc-2022 `authentication` proof with the
/// suite's random challenge.
///
/// As in JavaScript, the caller's presentation is changed: `createVp`
/// assigns `credential.issuer` on the caller's credential and replaces the
/// caller's `presentation.verifiableCredential` with the signed credentials
/// (only the returned presentation is a copy, `klona(presentation)`). A test
/// that edits the same presentation and calls it again therefore edits an
/// already signed credential, which is not signed again.
pub fn create_vp(presentation: &mut Value, key: &LocalKey, challenge: &str) -> Value {
    if let Some(Value::Array(vcs)) = presentation.get_mut("verifiableCredential") {
        for vc in vcs.iter_mut() {
            if vc.get("proof").is_some() {
                continue;
            }
            if let Some(m) = vc.as_object_mut() {
                m.insert("issuer".into(), Value::String(key.did.clone()));
            }
            *vc = add_proof(vc, &ProofSpec::new(Cryptosuite::EddsaRdfc2022, key), key);
        }
    }
    let mut spec = ProofSpec::new(Cryptosuite::EddsaRdfc2022, key);
    spec.proof_purpose = Some("authentication".into());
    spec.challenge = Some(challenge.to_string());
    add_proof(presentation, &spec, key)
}

/// `u` + base64url of 16 random bytes (the suite's `challenge`).
pub fn random_challenge() -> String {
    use base64::Engine;
    use rand_core::RngCore;
    let mut b = [0u8; 16];
    rand_core::OsRng.fill_bytes(&mut b);
    format!(
        "u{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
    )
}

/// The suites' document loader for a did:key verification method: the
/// Multikey verification method document.
pub fn dereference_vm(vm: &str) -> Result<Value, String> {
    if !vm.starts_with("did:key:") {
        return Err(format!(
            "NotFoundError: the suite resolves did:key only, not {vm}"
        ));
    }
    let key = resolve_did_key(vm).map_err(|e| e.to_string())?;
    let multikey = key.to_multikey();
    let did = format!("did:key:{multikey}");
    Ok(json!({
        "@context": "https://w3id.org/security/multikey/v1",
        "id": format!("{did}#{multikey}"),
        "type": "Multikey",
        "controller": did,
        "publicKeyMultibase": multikey,
    }))
}

/// The suites' document loader for a did:key DID: its DID document, the
/// key listed under every verification relationship (did-method-key).
pub fn dereference_did(did: &str) -> Result<Value, String> {
    let vm = dereference_vm(did)?;
    let id = vm["id"].clone();
    Ok(json!({
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": vm["controller"],
        "verificationMethod": [vm],
        "authentication": [id],
        "assertionMethod": [id],
        "capabilityDelegation": [id],
        "capabilityInvocation": [id],
    }))
}

/// The raw public key bytes of a did:key (the suites' `getPublicKeyBytes`).
pub fn public_key_bytes(did_or_vm: &str) -> Result<Vec<u8>, String> {
    let key: PublicKey = resolve_did_key(did_or_vm).map_err(|e| e.to_string())?;
    let mb = key.to_multikey();
    let bytes = bs58::decode(&mb[1..])
        .into_vec()
        .map_err(|e| e.to_string())?;
    Ok(bytes[2..].to_vec())
}

/// Decodes `z`-multibase base58btc (the suites' `bs58Decode`).
pub fn bs58_decode(s: &str) -> Result<Vec<u8>, String> {
    let rest = s
        .strip_prefix('z')
        .ok_or_else(|| format!("`{s}` is not base58btc multibase"))?;
    bs58::decode(rest).into_vec().map_err(|e| e.to_string())
}
