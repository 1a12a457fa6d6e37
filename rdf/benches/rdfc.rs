//! RDFC-1.0 canonicalization speed.
//!
//! * `eddsa-rdfc-2022 canonDocDataInt`: the credential of the vc-di-eddsa
//!   test vectors (no blank nodes; serialization and sorting only).
//! * `eddsa-rdfc-2022 employ canonDocDataInt`: the employment credential of
//!   the same vectors, a typical hot path (~25 quads, 3 blank nodes), with its
//!   blank nodes renamed to random labels and the statements shuffled first so
//!   nothing benefits from already-canonical input.
//! * `rdf-canon test044`: a "poison" graph the suite still expects to be
//!   computable (Hash N-Degree Quads with thousands of permutations).
//!
//! Criterion prints the time per canonicalization (µs).

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use elicence_rdf::model::{Quad, Term};
use elicence_rdf::nquads;
use elicence_rdf::rdfc::canonicalize;
use std::path::PathBuf;

fn vectors() -> PathBuf {
    std::env::var_os("ELICENCE_SHARED_VECTORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/vectors"))
        })
}

fn load(relative: &str) -> Vec<Quad> {
    let path = vectors().join(relative);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("missing test vector {}: {e}", path.display()));
    nquads::parse(&text).expect("valid N-Quads")
}

/// Small deterministic PRNG (xorshift64*), so runs are comparable.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// Renames every blank node to a random label and shuffles the quads.
fn scramble(quads: &[Quad], seed: u64) -> Vec<Quad> {
    let mut rng = Rng(seed);
    let mut names = std::collections::HashMap::new();
    let mut rename = |t: &Term| match t {
        Term::BlankNode(l) => Term::BlankNode(
            names
                .entry(l.clone())
                .or_insert_with(|| format!("b{:016x}", rng.next()))
                .clone(),
        ),
        other => other.clone(),
    };
    let mut out: Vec<Quad> = quads
        .iter()
        .map(|q| Quad {
            subject: rename(&q.subject),
            predicate: q.predicate.clone(),
            object: rename(&q.object),
            graph: q.graph.as_ref().map(&mut rename),
        })
        .collect();
    let mut rng = Rng(seed ^ 0x9E37_79B9_7F4A_7C15);
    for i in (1..out.len()).rev() {
        let j = (rng.next() % (i as u64 + 1)) as usize;
        out.swap(i, j);
    }
    out
}

fn bench(c: &mut Criterion) {
    let cases = [
        (
            "eddsa-rdfc-2022 canonDocDataInt",
            "w3c-vc-di-eddsa/TestVectors/eddsa-rdfc-2022/canonDocDataInt.txt",
        ),
        (
            "eddsa-rdfc-2022 employ canonDocDataInt",
            "w3c-vc-di-eddsa/TestVectors/eddsa-rdfc-2022/employ/canonDocDataInt.txt",
        ),
        (
            "rdf-canon test044 (poison, computable)",
            "w3c-rdf-canon/rdfc10/test044-in.nq",
        ),
    ];
    for (name, file) in cases {
        let quads = scramble(&load(file), 0x5eed_1234_abcd_0001);
        let expected = canonicalize(&load(file)).expect("canonicalizes");
        assert_eq!(canonicalize(&quads).expect("canonicalizes"), expected);
        c.bench_function(name, |b| {
            b.iter(|| canonicalize(black_box(&quads)).expect("canonicalizes"))
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
