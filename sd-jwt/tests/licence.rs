//! A licence as an SD-JWT VC: the mapping both ways, Thai text exact, the
//! disclosed view validated like the W3C licence, issuer identifiers, and
//! the licence types' Type Metadata generated from the catalogue.

mod common;

use common::*;
use elicence_core::licence::model::BilingualText;
use elicence_core::licence::LicenceError;
use elicence_sd_jwt::disclosure::Disclosure;
use elicence_sd_jwt::jws;
use elicence_sd_jwt::licence::{
    is_selected, issue_licence, issue_licence_data, selector, DisclosedLicence, LICENCE_CLAIMS,
};
use elicence_sd_jwt::type_metadata::{
    catalogue_type_metadata, integrity_matches, licence_type_code, type_metadata, vct_for,
    LicenceTypeInfo, VCT_BASE,
};
use elicence_sd_jwt::vc::{did_for_issuer, issuer_for_did};
use elicence_sd_jwt::{present, verify_vc, SdJwtError, VerifyOptions};
use rand_core::OsRng;
use serde_json::{json, Value};

fn names() -> (BilingualText, BilingualText) {
    let data = licence_data();
    (data.issuer.name, data.licence_type.name)
}

#[test]
fn a_fully_disclosed_licence_maps_back_to_the_same_business_licence() {
    for key in [p256(), ed25519()] {
        let original = licence();
        let issued = issued(&key, Some(&holder()));
        let vc = verify_vc(
            &issued,
            &fixed(key.public_key()),
            &VerifyOptions::new(now()),
        )
        .unwrap();
        let disclosed = DisclosedLicence::from_vc(&vc, VCT_BASE).unwrap();
        assert_eq!(disclosed.issuer_did, DIW);
        assert_eq!(disclosed.licence_type_code, "factory-op");
        let (issuer_name, type_name) = names();
        let back = disclosed
            .into_business_licence(issuer_name, type_name)
            .unwrap();
        assert_eq!(back, original);
    }
}

#[test]
fn thai_text_travels_byte_for_byte_never_normalised() {
    let mut data = licence_data();
    // U+0E33 (SARA AM) and its NFKC decomposition U+0E4D U+0E32 look alike;
    // each must come back as written. Likewise a tone mark before a vowel.
    data.licensee.name.th = "บริษัท น\u{0E49}\u{0E33}ดี จำกัด".into();
    data.permitted_activities = vec![
        "ทำน้ำแข็ง".into(),
        "ท\u{0E4D}\u{0E32}น\u{0E49}\u{0E33}แข็ง".into(),
    ];
    let key = p256();
    let sd = issue_licence_data(&data, &options(&key, None), &key, &mut OsRng).unwrap();
    let vc = verify_vc(
        &sd.serialize(),
        &fixed(key.public_key()),
        &VerifyOptions::new(now()),
    )
    .unwrap();
    let claims = &vc.sd_jwt.claims;
    assert_eq!(
        claims["licensee"]["legalName"]["th"]
            .as_str()
            .unwrap()
            .as_bytes(),
        data.licensee.name.th.as_bytes()
    );
    let activities: Vec<&str> = claims["permittedActivities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        activities,
        ["ทำน้ำแข็ง", "ท\u{0E4D}\u{0E32}น\u{0E49}\u{0E33}แข็ง"]
    );
    assert_ne!(activities[0], activities[1]);
}

#[test]
fn invalid_licence_data_is_refused_by_field_before_signing() {
    let key = p256();
    let mut data = licence_data();
    data.licensee.juristic_person_id = "0105536112015".into();
    match issue_licence_data(&data, &options(&key, None), &key, &mut OsRng) {
        Err(SdJwtError::Licence(e)) => assert_eq!(e.field(), "licensee.juristicPersonId"),
        other => panic!("{other:?}"),
    }
}

/// An SD-JWT VC with the licence's visible claims and these disclosed ones.
fn with_claims(extra: &[(&str, Value)]) -> Result<DisclosedLicence, SdJwtError> {
    let key = p256();
    let disclosures: Vec<Disclosure> = extra
        .iter()
        .map(|(n, v)| Disclosure::new("c2FsdHNhbHQ".into(), Some((*n).into()), v.clone()))
        .collect();
    let digests: Vec<&str> = disclosures.iter().map(|d| d.digest.as_str()).collect();
    let payload = json!({
        "iss": "https://licence.diw.example.go.th",
        "vct": vct_for(VCT_BASE, "factory-op"),
        "iat": 1767225600, "_sd": digests,
    });
    let mut token = jws::sign(
        json!({"typ": "dc+sd-jwt"}).as_object().unwrap(),
        payload.as_object().unwrap(),
        &key,
    );
    token.push('~');
    for d in &disclosures {
        token.push_str(&d.encoded);
        token.push('~');
    }
    let vc = verify_vc(&token, &fixed(key.public_key()), &VerifyOptions::new(now()))?;
    DisclosedLicence::from_vc(&vc, VCT_BASE)
}

#[test]
fn disclosed_claims_are_validated_like_the_w3c_licence() {
    let ok = with_claims(&[
        ("licenceNumber", json!("ข-12345/2565")),
        (
            "licenceIri",
            json!("https://licence.diw.example.go.th/licences/factory-op/ข-12345~2565"),
        ),
    ])
    .unwrap();
    assert_eq!(ok.licence_iri.unwrap().number(), "ข-12345/2565");

    let field = |r: Result<DisclosedLicence, SdJwtError>| match r {
        Err(SdJwtError::Licence(e)) => e.field().to_owned(),
        Err(SdJwtError::BadClaim { claim, .. }) => claim,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        field(with_claims(&[(
            "licensee",
            json!({"juristicPersonId": "0105536112015"})
        )])),
        "licensee.juristicPersonId"
    );
    // A citizen's ID (valid check digit, but not a juristic person's).
    assert_eq!(
        field(with_claims(&[(
            "licensee",
            json!({"juristicPersonId": "1101700230705"})
        )])),
        "licensee.juristicPersonId"
    );
    assert_eq!(
        field(with_claims(&[(
            "licenceIri",
            json!("https://licence.diw.example.go.th/licences/food-sale/1")
        )])),
        "licenceIri"
    );
    assert_eq!(
        field(with_claims(&[
            ("licenceNumber", json!("ข-99999/2565")),
            (
                "licenceIri",
                json!("https://licence.diw.example.go.th/licences/factory-op/ข-12345~2565")
            ),
        ])),
        "licenceNumber"
    );
    assert_eq!(
        field(with_claims(&[("licenceNumber", json!(" 1"))])),
        "licenceNumber"
    );
    assert_eq!(
        field(with_claims(&[(
            "premises",
            json!({"address": {"th": "a\u{0007}b"}})
        )])),
        "premises.address.th"
    );
    assert_eq!(
        field(with_claims(&[(
            "licensee",
            json!({"legalName": {"th": "ก"}})
        )])),
        "licensee.legalName.en"
    );
    assert_eq!(
        field(with_claims(&[("bankBalance", json!(1))])),
        "bankBalance"
    );
    assert_eq!(
        field(with_claims(&[("licensee", json!({"nationalId": "1"}))])),
        "licensee.nationalId"
    );
    assert_eq!(field(with_claims(&[("sub", json!("bank"))])), "sub");
    assert_eq!(
        field(with_claims(&[("conditions", json!([1]))])),
        "conditions[0]"
    );
    // An incomplete disclosure does not make a whole licence.
    let partial = with_claims(&[("licenceNumber", json!("ข-12345/2565"))]).unwrap();
    let (a, b) = names();
    assert!(matches!(
        partial.into_business_licence(a, b),
        Err(SdJwtError::Licence(
            LicenceError::Empty { .. } | LicenceError::Missing { .. }
        ))
    ));
}

#[test]
fn issuer_identifiers_map_to_agency_dids_and_back() {
    for (did, iss) in [
        (
            "did:web:licence.diw.example.go.th",
            "https://licence.diw.example.go.th",
        ),
        (
            "did:web:licence.example.go.th:agencies:bangrak",
            "https://licence.example.go.th/agencies/bangrak",
        ),
        ("did:web:localhost%3A8443:a", "https://localhost:8443/a"),
        (
            "did:key:zDnaeg4S44tbRSGBctP9TVspywkqbJ4pNdJhed3Uk4F5gZSBV",
            "did:key:zDnaeg4S44tbRSGBctP9TVspywkqbJ4pNdJhed3Uk4F5gZSBV",
        ),
    ] {
        assert_eq!(issuer_for_did(did).unwrap(), iss);
        assert_eq!(did_for_issuer(iss).as_deref(), Some(did));
    }
    for not_canonical in [
        "https://licence.diw.example.go.th/",
        "https://Licence.diw.example.go.th",
        "https://licence.diw.example.go.th?x=1",
        "https://licence.diw.example.go.th#k",
        "http://licence.diw.example.go.th",
        "https://licence.diw.example.go.th//a",
        "licence.diw.example.go.th",
    ] {
        assert_eq!(did_for_issuer(not_canonical), None, "{not_canonical}");
    }
}

#[test]
fn every_disclosable_claim_has_a_name_a_holder_can_use() {
    let key = p256();
    let holder = holder();
    let issued = issued(&key, Some(&holder));
    let all: Vec<&str> = LICENCE_CLAIMS.iter().map(|c| c.name).collect();
    let keep = selector(&all).unwrap();
    let shown = present(&issued, &|p| is_selected(&keep, p), None).unwrap();
    // Everything but `sub` (this licence has no business DID).
    assert_eq!(shown, issued);
    for claim in LICENCE_CLAIMS {
        let keep = selector(&[claim.name]).unwrap();
        let shown = present(&issued, &|p| is_selected(&keep, p), None).unwrap();
        let vc = verify_vc(&shown, &fixed(key.public_key()), &VerifyOptions::new(now())).unwrap();
        assert!(
            vc.sd_jwt.disclosed.iter().all(|p| claim.covers(p)),
            "{}: {:?}",
            claim.name,
            vc.sd_jwt.disclosed
        );
    }
}

#[test]
fn vct_is_the_catalogue_base_and_the_type_code() {
    assert_eq!(
        vct_for(VCT_BASE, "food-sale"),
        "https://w3id.org/elicence/vct/food-sale"
    );
    assert_eq!(
        licence_type_code(VCT_BASE, "https://w3id.org/elicence/vct/food-sale"),
        Some("food-sale")
    );
    for bad in [
        "https://w3id.org/elicence/vct/",
        "https://w3id.org/elicence/vct/food/sale",
        "https://w3id.org/elicence/vct/-x",
        "https://evil.example/elicence/vct/food-sale",
        "https://w3id.org/elicence/vctfood-sale",
    ] {
        assert_eq!(licence_type_code(VCT_BASE, bad), None, "{bad}");
    }
}

#[test]
fn type_metadata_comes_from_the_catalogue_with_thai_and_english_names() {
    let catalogue: Value = serde_json::from_slice(
        &std::fs::read(vectors().join("../catalogue/licence-catalogue.json")).unwrap(),
    )
    .unwrap();
    let all = catalogue_type_metadata(VCT_BASE, &catalogue).unwrap();
    assert_eq!(
        all.len(),
        catalogue["licenceTypes"].as_array().unwrap().len()
    );
    let factory = all
        .iter()
        .find(|m| m.vct == "https://w3id.org/elicence/vct/factory-op")
        .unwrap();
    let doc: Value = serde_json::from_slice(&factory.bytes).unwrap();
    assert_eq!(doc, factory.document);
    assert_eq!(doc["vct"], factory.vct);
    assert_eq!(doc["display"][0]["locale"], "th");
    assert_eq!(
        doc["display"][0]["name"],
        "ใบอนุญาตประกอบกิจการโรงงาน (ร.ง.๔)"
    );
    assert_eq!(
        doc["display"][1]["name"],
        "Factory operation licence (Ror.Ngor.4)"
    );
    assert_eq!(
        doc["display"][0]["description"],
        "พระราชบัญญัติโรงงาน พ.ศ. ๒๕๓๕ มาตรา ๑๒"
    );
    let claims = doc["claims"].as_array().unwrap();
    assert_eq!(claims.len(), LICENCE_CLAIMS.len());
    let juristic = claims
        .iter()
        .find(|c| c["path"] == json!(["licensee", "juristicPersonId"]))
        .unwrap();
    assert_eq!(juristic["display"][0]["label"], "เลขทะเบียนนิติบุคคล");
    assert_eq!(juristic["sd"], "always");
    // factory-op requires conditions; the business DID is optional.
    let by_path = |p: Value| claims.iter().find(|c| c["path"] == p).unwrap()["mandatory"].clone();
    assert_eq!(by_path(json!(["conditions", null])), json!(true));
    assert_eq!(by_path(json!(["sub"])), json!(false));

    // Integrity: over the exact bytes, any change breaks it.
    assert!(factory.integrity.starts_with("sha256-"));
    assert!(integrity_matches(&factory.integrity, &factory.bytes));
    assert!(integrity_matches(
        &format!("sha384-abc {}", factory.integrity),
        &factory.bytes
    ));
    let info: LicenceTypeInfo =
        serde_json::from_value(catalogue["licenceTypes"][0].clone()).unwrap();
    let mut renamed = info.clone();
    renamed.name.th.push('ฯ');
    let changed = type_metadata(VCT_BASE, &renamed);
    assert!(!integrity_matches(&factory.integrity, &changed.bytes));
    assert_eq!(type_metadata(VCT_BASE, &info), *factory, "deterministic");

    // A bad catalogue is refused.
    assert!(matches!(
        catalogue_type_metadata(
            VCT_BASE,
            &json!({"licenceTypes": [{"code": "a/b", "name": {"th": "ก", "en": "a"}}]})
        ),
        Err(SdJwtError::Request(_))
    ));
    assert!(catalogue_type_metadata(VCT_BASE, &json!({"x": 1})).is_err());
}

#[test]
fn an_issued_licence_can_carry_its_type_metadata_integrity() {
    let key = p256();
    let catalogue: Value = serde_json::from_slice(
        &std::fs::read(vectors().join("../catalogue/licence-catalogue.json")).unwrap(),
    )
    .unwrap();
    let metadata = catalogue_type_metadata(VCT_BASE, &catalogue).unwrap();
    let factory = metadata
        .iter()
        .find(|m| m.vct.ends_with("/factory-op"))
        .unwrap();
    let mut opts = options(&key, None);
    opts.vct_integrity = Some(factory.integrity.clone());
    let sd = issue_licence(&licence(), &opts, &key, &mut OsRng).unwrap();
    let vc = verify_vc(
        &sd.serialize(),
        &fixed(key.public_key()),
        &VerifyOptions::new(now()),
    )
    .unwrap();
    assert!(integrity_matches(
        vc.vct_integrity.as_deref().unwrap(),
        &factory.bytes
    ));
}
