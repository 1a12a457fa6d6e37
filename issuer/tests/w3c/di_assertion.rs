//! w3c-ccg/data-integrity-test-suite-assertion, the shared tests the eddsa
//! and ecdsa suites call: `checkDataIntegrityProofFormat` (suites/create.js)
//! and `checkDataIntegrityProofVerifyErrors` (suites/verify.js), with the
//! test vectors of its `vc-generator` (generators.js) made by
//! [`super::local`].

use elicence_core::jsonld;
use elicence_core::proof::{Cryptosuite, ShippedContexts};
use serde_json::{json, Value};

use super::local::{add_proof, LocalKey, ProofSpec};
use super::{
    as_list, ensure, iso_now, matches_date_regex, parses_as_url, urn_uuid, Endpoint, Report, Stop,
    T,
};

/// `validVc.json` of the assertion suite.
pub fn valid_vc() -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"name": "Alice"}
    })
}

/// `createInitialVc` (helpers.js): a fresh `urn:uuid` id, the configured
/// issuer id, `{credential, options}`; the issuer's data or its error.
pub fn create_initial_vc(issuer: &Endpoint<'_>, vc: &Value) -> Result<Value, String> {
    let mut credential = vc.clone();
    credential["id"] = json!(urn_uuid());
    credential["issuer"] = json!(issuer.issuer_id());
    issuer.post(&issuer.issue_body(credential)).into_result()
}

/// `jsonld.expand` over the shipped contexts (the suites load the same
/// W3C contexts from their own copies).
fn expand(doc: &Value) -> Result<Vec<Value>, String> {
    match jsonld::expand(doc, &ShippedContexts) {
        Ok(Value::Array(items)) => Ok(items),
        Ok(other) => Ok(vec![other]),
        Err(e) => Err(format!("jsonld.expand: {e}")),
    }
}

/// `shouldMapToUrl`: every value of `term` in the expansion has a URL `@id`.
fn should_map_to_url(doc: &Value, term: &str) -> T {
    for node in expand(doc)? {
        let values = node
            .get(term)
            .and_then(Value::as_array)
            .ok_or_else(|| Stop::Fail(format!("Expected property \"{term}\" to exist.")))?;
        for v in values {
            let url = v.get("@id").and_then(Value::as_str).unwrap_or_default();
            ensure(
                parses_as_url(url),
                format!("Expected \"{v}\" \"@id\" URL to be parsed."),
            )?;
        }
    }
    Ok(())
}

/// `runDataIntegrityProofFormatTests` for one issuer (`describe(vendorName)`).
pub fn format_tests(
    report: &mut Report,
    suite: &'static str,
    group: &str,
    issuer: Result<Endpoint<'_>, String>,
    cryptosuite_name: Option<&str>,
) {
    let data = issuer
        .and_then(|i| create_initial_vc(&i, &valid_vc()))
        .map_err(|e| format!("\"before all\" hook failed: {e}"));
    let proofs: Vec<Value> = data
        .as_ref()
        .map(|d| as_list(d.get("proof")))
        .unwrap_or_default();
    let data = || data.clone().map_err(Stop::Fail);
    let mut it = |title: &str, body: &dyn Fn() -> T| report.it(suite, group, title, body);
    it(
        "When expressing a data integrity proof on an object, a proof property MUST be used.",
        &|| {
            ensure(
                data()?.get("proof").is_some_and(|p| !p.is_null()),
                "Expected proof to exist.",
            )
        },
    );
    it("If present (proof), its value MUST be either a single object, or an unordered set of objects", &|| {
        let d = data()?;
        let proof = d.get("proof").filter(|p| !p.is_null()).ok_or("Expected proof to exist.")?;
        let ok = match proof {
            Value::Array(a) => a.iter().all(Value::is_object),
            v => v.is_object(),
        };
        ensure(ok, "Expected proof to beeither an object or an unordered set of objects.")
    });
    it(
        "(\"proof.id\") An optional identifier for the proof, which MUST be a URL.",
        &|| {
            data()?;
            for p in &proofs {
                if let Some(id) = p.get("id") {
                    ensure(
                        id.as_str().is_some_and(parses_as_url),
                        "Expected \"proof.id\" URL to be parsed.",
                    )?;
                }
            }
            Ok(())
        },
    );
    it("The specific proof type used for the cryptographic proof MUST be specified as a string that maps to a URL.", &|| {
        let d = data()?;
        for p in &proofs {
            let t = p.get("type").ok_or("expected proof to have property 'type'")?;
            ensure(t.is_string(), "Expected \"proof.type\" to be a string.")?;
            for node in expand(&json!({"@context": d["@context"], "type": t}))? {
                let types = node.get("@type").and_then(Value::as_array).ok_or("Expected @type to exist.")?;
                for u in types {
                    ensure(u.as_str().is_some_and(parses_as_url), "Expected \"@type\" URL to be parsed.")?;
                }
            }
        }
        Ok(())
    });
    it("\"proof.type\" field MUST be \"DataIntegrityProof\" and the associated document MUST include expected contexts.", &|| {
        let d = data()?;
        for p in &proofs {
            let t = p.get("type").and_then(Value::as_str).ok_or("Expected \"proof.type\" to be a string.")?;
            ensure(t == "DataIntegrityProof", "expected false to equal true")?;
            let ctx = as_list(d.get("@context"));
            ensure(
                ctx.iter().any(|c| c == "https://www.w3.org/ns/credentials/v2" || c == "https://w3id.org/security/data-integrity/v2"),
                "expected false to equal true",
            )?;
        }
        Ok(())
    });
    it("If the proof type is DataIntegrityProof, cryptosuite MUST be specified; otherwise, cryptosuite MAY be specified. If specified, its value MUST be a string.", &|| {
        data()?;
        for p in &proofs {
            if p.get("type") == Some(&json!("DataIntegrityProof")) {
                let c = p.get("cryptosuite").ok_or("If the proof type is DataIntegrityProof, cryptosuite MUST be specified")?;
                ensure(c.is_string(), "cryptosuite value MUST be a string.")?;
            }
        }
        Ok(())
    });
    for field in ["created", "expires"] {
        it(&format!("if \"proof.{field}\" field exists, it MUST be a valid XMLSCHEMA-11 dateTimeStamp value."), &|| {
            data()?;
            for p in &proofs {
                if let Some(v) = p.get(field).filter(|v| !v.is_null()) {
                    ensure(v.as_str().is_some_and(matches_date_regex), format!("expected {v} to match the dateTimeStamp pattern"))?;
                }
            }
            Ok(())
        });
    }
    it("A verification method is the means and information needed to verify the proof. If included, the value MUST be a string that maps to a [URL]", &|| {
        let d = data()?;
        for p in &proofs {
            let mut doc = p.clone();
            doc["@context"] = d["@context"].clone();
            should_map_to_url(&doc, "https://w3id.org/security#verificationMethod")?;
        }
        Ok(())
    });
    it("The reason the proof was created (\"proof.proofPurpose\") MUST be specified as a string that maps to a URL", &|| {
        let d = data()?;
        for p in &proofs {
            ensure(p.get("proofPurpose").is_some_and(Value::is_string), "expected proofPurpose to be a string")?;
            let mut doc = p.clone();
            doc["@context"] = d["@context"].clone();
            should_map_to_url(&doc, "https://w3id.org/security#proofPurpose")?;
        }
        Ok(())
    });
    it(
        "\"proof.proofValue\" field MUST exist and be a string.",
        &|| {
            data()?;
            for p in &proofs {
                ensure(
                    p.get("proofValue").is_some_and(Value::is_string),
                    "expected proofValue to be a string",
                )?;
            }
            Ok(())
        },
    );
    it("The contents of the value (\"proof.proofValue\") MUST be expressed with a header and encoding as described in Section 2.4 Multibase.", &|| {
        data()?;
        for p in &proofs {
            let suite = p.get("cryptosuite").and_then(Value::as_str).unwrap_or_default();
            let (prefix, name) = if matches!(suite, "ecdsa-sd-2023" | "bbs-2023") {
                ('u', "base64url-no-pad")
            } else {
                ('z', "base58btc")
            };
            let v = p.get("proofValue").and_then(Value::as_str).unwrap_or_default();
            ensure(v.starts_with(prefix), format!("Expected \"proof.proofValue\" to be a {name} value"))?;
            // The suite tests the whole value, header included, against
            // the alphabet ('z' is itself a base58 character).
            let valid = match prefix {
                'z' => super::is_bs58(v),
                _ => v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
            };
            ensure(valid, format!("Expected \"proof.proofValue\" to be a valid {name} value"))?;
        }
        Ok(())
    });
    it("The domain property is OPTIONAL. It conveys one or more security domains in which the proof is meant to be used. If specified, the associated value MUST be either a string, or an unordered set of strings. A verifier SHOULD use the value to ensure that the proof was intended to be used in the security domain in which the verifier is operating.", &|| {
        data()?;
        for p in &proofs {
            if let Some(d) = p.get("domain").filter(|d| truthy(d)) {
                let ok = match d {
                    Value::Array(a) => a.iter().all(Value::is_string),
                    v => v.is_string(),
                };
                ensure(ok, "Expected \"proof.domain\" to be either a string or an unordered set of strings.")?;
            }
        }
        Ok(())
    });
    it(
        "if \"proof.challenge\" field exists, it MUST be a string.",
        &|| {
            data()?;
            for p in &proofs {
                if p.get("challenge").is_some_and(truthy) {
                    ensure(
                        p.get("domain").is_some(),
                        "Expected \"proof.domain\" to be specified.",
                    )?;
                    ensure(
                        p["challenge"].is_string(),
                        "Expected \"proof.challenge\" to be a string.",
                    )?;
                }
            }
            Ok(())
        },
    );
    for field in ["previousProof", "nonce"] {
        it(
            &format!("if \"proof.{field}\" field exists, it MUST be a string."),
            &|| {
                data()?;
                for p in &proofs {
                    if p.get(field).is_some_and(truthy) {
                        ensure(
                            p[field].is_string(),
                            format!("Expected \"proof.{field}\" to be a string."),
                        )?;
                    }
                }
                Ok(())
            },
        );
    }
    if let Some(name) = cryptosuite_name {
        it("The value of the cryptosuite property MUST be a string that identifies the cryptographic suite.", &|| {
            data()?;
            ensure(
                proofs.iter().any(|p| p.get("cryptosuite") == Some(&json!(name))),
                format!("Expected at least one proof with cryptosuite {name}"),
            )
        });
        it("The value of the cryptosuite property MUST be a string that identifies the cryptographic suite. If the processing environment supports subtypes of string, the type of the cryptosuite value MUST be the https://w3id.org/security#cryptosuiteString subtype of string.", &|| {
            let d = data()?;
            let prop = "https://w3id.org/security#cryptosuite";
            for p in &proofs {
                let c = p.get("cryptosuite").ok_or("Expected property \"proof.cryptosuite\" to exist.")?;
                let t = p.get("type").ok_or("Expected property \"proof.type\" to exist.")?;
                for node in expand(&json!({"@context": d["@context"], "cryptosuite": c, "type": t}))? {
                    let values = node.get(prop).and_then(Value::as_array).ok_or(format!("Expected property {prop} to exist."))?;
                    ensure(
                        values.iter().any(|v| v.get("@type") == Some(&json!("https://w3id.org/security#cryptosuiteString")) && v.get("@value") == Some(&json!(name))),
                        format!("Expected {prop} with @value {name} & @type https://w3id.org/security#cryptosuiteString"),
                    )?;
                }
            }
            Ok(())
        });
    }
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::String(s) => !s.is_empty(),
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        _ => true,
    }
}

/// The test vectors of the assertion suite's `generateTestData` (mandatory,
/// created and authentication generators), eddsa-rdfc-2022 by its key.
pub struct VerifyVectors {
    vectors: Vec<(&'static str, Value)>,
}

impl VerifyVectors {
    pub fn generate() -> VerifyVectors {
        let key = LocalKey::di_assertion_default();
        let mut credential = valid_vc();
        credential["issuer"] = json!(key.did);
        let base = || ProofSpec::new(Cryptosuite::EddsaRdfc2022, &key);
        let sign = |spec: ProofSpec| add_proof(&credential, &spec, &key);
        let no_offset = || iso_now().trim_end_matches('Z').to_string();
        let mut vectors = vec![("issuedVc", sign(base()))];
        let mut s = base();
        s.proof_type = Some("UnknownProofType".into());
        vectors.push(("invalidProofType", sign(s)));
        let mut s = base();
        s.verification_method = None;
        vectors.push(("noVm", sign(s)));
        let mut s = base();
        s.verification_method = Some("did:key:invalidVm".into());
        vectors.push(("invalidVm", sign(s)));
        let mut s = base();
        s.proof_purpose = None;
        vectors.push(("noProofPurpose", sign(s)));
        // invalidProofPurpose without a mockPurpose: the purpose's term is
        // set to `undefined`, so no proofPurpose is written.
        let mut s = base();
        s.proof_purpose = None;
        vectors.push(("invalidProofPurpose", sign(s)));
        let mut s = base();
        s.created = Some("invalidDate".into());
        vectors.push(("invalidCreated", sign(s)));
        let mut s = base();
        s.created = Some(no_offset());
        vectors.push(("noOffsetCreated", sign(s)));
        let mut s = base();
        s.expires = Some(no_offset());
        vectors.push(("noOffsetExpires", sign(s)));
        let mut s = base();
        s.cryptosuite = Some("UnknownCryptosuite".into());
        vectors.push(("invalidCryptosuite", sign(s)));
        let mut s = base();
        s.proof_purpose = Some("authentication".into());
        s.challenge = Some("1235abcd6789".into());
        s.domain = Some("invalid-vc-domain.example.com".into());
        vectors.push(("invalidDomain", sign(s)));
        let mut s = base();
        s.proof_purpose = Some("authentication".into());
        s.challenge = Some("invalid-challenge".into());
        s.domain = Some("domain.example".into());
        vectors.push(("invalidChallenge", sign(s)));
        VerifyVectors { vectors }
    }

    pub fn clone_of(&self, name: &str) -> Value {
        self.vectors
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or(Value::Null)
    }
}

/// `verificationFail` (assertions.js): the verifier must answer 400 or 422.
pub fn verification_fail(verifier: &Endpoint<'_>, credential: &Value, options: Value) -> T {
    let mut opts = json!({"checks": ["proof"]});
    if let (Some(o), Some(extra)) = (opts.as_object_mut(), options.as_object()) {
        for (k, v) in extra {
            o.insert(k.clone(), v.clone());
        }
    }
    let r = verifier.post(&json!({"verifiableCredential": credential, "options": opts}));
    ensure(!r.ok, "Expected no result from verifier.")?;
    ensure(
        r.status == 400 || r.status == 422,
        format!(
            "Expected \"status\" to be oneOf 400,422. (got {})",
            r.status
        ),
    )
}

/// `runDataIntegrityProofVerifyTests` for one verifier, with the default
/// optional tests (`created` and `authentication`).
pub fn verify_tests(
    report: &mut Report,
    suite: &'static str,
    group: &str,
    verifier: &Endpoint<'_>,
    v: &VerifyVectors,
    expected_proof_type: &str,
) {
    let fail = |c: &Value| verification_fail(verifier, c, json!({}));
    let mut it = |title: &str, body: &dyn Fn() -> T| report.it(suite, group, title, body);
    it(
        "If the \"proof\" field is missing, an error MUST be raised.",
        &|| {
            let mut c = v.clone_of("issuedVc");
            c.as_object_mut().unwrap().remove("proof");
            fail(&c)
        },
    );
    it(
        "If the \"proof\" field is invalid, an error MUST be raised.",
        &|| {
            let mut c = v.clone_of("issuedVc");
            c["proof"] = Value::Null;
            fail(&c)
        },
    );
    it(
        "If the \"proof.type\" field is missing, an error MUST be raised.",
        &|| {
            let mut c = v.clone_of("issuedVc");
            c["proof"].as_object_mut().unwrap().remove("type");
            fail(&c)
        },
    );
    it(&format!("If the \"proof.type\" field is not the string \"{expected_proof_type}\", an error MUST be raised."), &|| {
        fail(&v.clone_of("invalidProofType"))
    });
    it(
        "If the \"proof.verificationMethod\" field is missing, an error MUST be raised.",
        &|| fail(&v.clone_of("noVm")),
    );
    it(
        "If the \"proof.verificationMethod\" field is invalid, an error MUST be raised.",
        &|| fail(&v.clone_of("invalidVm")),
    );
    it(
        "If the \"proof.proofPurpose\" field is missing, an error MUST be raised.",
        &|| fail(&v.clone_of("noProofPurpose")),
    );
    it(
        "If the \"proof.proofPurpose\" field is invalid, an error MUST be raised.",
        &|| fail(&v.clone_of("invalidProofPurpose")),
    );
    it("If the \"proof.proofPurpose\" value does not match \"options.expectedProofPurpose\", an error MUST be raised.", &|| {
        verification_fail(verifier, &v.clone_of("issuedVc"), json!({"expectedProofPurpose": "authentication"}))
    });
    it(
        "If the \"proof.proofValue\" field is missing, an error MUST be raised.",
        &|| {
            let mut c = v.clone_of("issuedVc");
            c["proof"].as_object_mut().unwrap().remove("proofValue");
            fail(&c)
        },
    );
    it(
        "If the \"proof.proofValue\" field is invalid, an error MUST be raised.",
        &|| {
            let mut c = v.clone_of("issuedVc");
            c["proof"]["proofValue"] = Value::Null;
            fail(&c)
        },
    );
    it("The date and time the proof was created is OPTIONAL and, if included, MUST be specified as an [XMLSCHEMA11-2] dateTimeStamp string, either in Universal Coordinated Time (UTC), denoted by a Z at the end of the value, or with a time zone offset relative to UTC.", &|| {
        fail(&v.clone_of("invalidCreated"))
    });
    it("(created) Time values that are incorrectly serialized without an offset MUST be interpreted as UTC.", &|| {
        fail(&v.clone_of("noOffsetCreated"))
    });
    it("(expires) Time values that are incorrectly serialized without an offset MUST be interpreted as UTC.", &|| {
        fail(&v.clone_of("noOffsetExpires"))
    });
    it(
        "If the \"proof.proofValue\" field is not multibase-encoded, an error MUST be raised.",
        &|| {
            let mut c = v.clone_of("issuedVc");
            let pv = c["proof"]["proofValue"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            c["proof"]["proofValue"] = json!(pv.get(1..).unwrap_or_default());
            fail(&c)
        },
    );
    it("The value of the cryptosuite property MUST be a string that identifies the cryptographic suite. If the processing environment supports subtypes of string, the type of the cryptosuite value MUST be the https://w3id.org/security#cryptosuiteString subtype of string.", &|| {
        fail(&v.clone_of("invalidCryptosuite"))
    });
    it("If the \"options.domain\" is set and it does not match \"proof.domain\", an error MUST be raised.", &|| {
        verification_fail(verifier, &v.clone_of("invalidDomain"), json!({"domain": "domain.example"}))
    });
    it("If the \"options.challenge\" is set and it does not match \"proof.challenge\", an error MUST be raised.", &|| {
        verification_fail(verifier, &v.clone_of("invalidChallenge"), json!({"domain": "domain.example", "challenge": "1235abcd6789"}))
    });
}
