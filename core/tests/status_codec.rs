//! Bitstring Status List encoding: the spec's own `encodedList`, lists made
//! by other GZIP implementations (zlib via Python, flate2), bit order,
//! multi-bit entries, round trips, and every kind of bad input.

use std::io::{Read, Write};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use elicence_core::status::{gzip, Bitstring, StatusError, StatusSize, MAX_BYTES, MIN_BITS};

/// Bitstring Status List 1.0 (W3C Recommendation, 15 May 2025), Examples 3
/// and 5: an all-zero list of 131,072 bits.
const SPEC_ENCODED_LIST: &str =
    "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA";

/// Made with Python's `gzip.compress(bits, compresslevel=6, mtime=0)` (zlib):
/// 16 KB with bits 0, 7, 8, 94567 and 131071 set.
const ZLIB_FIVE_BITS: &str =
    "uH4sIAAAAAAAAA-3OsQ0AAAQAMD7nczeYJNJe0K4AAAAAAAAAAAAAAOCZvA4AAAAAsJUDrxDDXQBAAAA";
/// The same bits, hand-framed by Python around zlib's raw DEFLATE with every
/// optional header field: FEXTRA, FNAME, FCOMMENT and FHCRC, a non-zero MTIME.
const ZLIB_ALL_HEADER_FIELDS: &str = "uH4sIHgDxU2UCAwYAWFkCAGFibGlzdC5iaW4AZWxpY2VuY2UgdGVzdABDCu3QAREAAAQEMN-c5nJwW4RNFwAAAAAAAAAAAAAAz0QBAAAAwDVZrxDDXQBAAAA";
const FIVE_BITS: [u64; 5] = [0, 7, 8, 94_567, 131_071];
/// Python/zlib: 32 KB of 2-bit entries, entry 5 = 3, entry 6 = 1,
/// entry 131071 = 2 (value bits left to right, first = most significant).
const ZLIB_TWO_BIT_ENTRIES: &str =
    "uH4sIAAAAAAACA-3BAQ0AAAwCIGcm-2d7kANZAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAOC7HgZiyHEAgAAA";

/// Deterministic test RNG (SplitMix64), so failures reproduce.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

fn set_bits(list: &Bitstring) -> Vec<u64> {
    (0..list.len_bits())
        .filter(|&i| list.get(i).unwrap())
        .collect()
}

fn compressed_bytes(encoded: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(&encoded[1..]).unwrap()
}

fn encode_bytes(gzip_bytes: &[u8]) -> String {
    format!("u{}", URL_SAFE_NO_PAD.encode(gzip_bytes))
}

#[test]
fn spec_example_is_an_all_zero_16kb_list() {
    let list = Bitstring::decode(SPEC_ENCODED_LIST).unwrap();
    assert_eq!(list.len_bits(), 131_072);
    assert_eq!(list.len_bits(), MIN_BITS as u64);
    assert!(!list.is_below_minimum());
    assert!(list.as_bytes().iter().all(|&b| b == 0));
    assert_eq!(list.get(94_567), Ok(false), "the spec's example index");
}

#[test]
fn our_all_zero_list_decodes_like_the_spec_example() {
    let ours = Bitstring::new(MIN_BITS).unwrap().encode();
    assert!(ours.starts_with('u'));
    assert_eq!(
        Bitstring::decode(&ours).unwrap(),
        Bitstring::decode(SPEC_ENCODED_LIST).unwrap()
    );
    // Compressed bytes may differ between DEFLATE encoders; both are small.
    assert!(ours.len() < 120, "{} characters", ours.len());
    // Our header: GZIP magic, DEFLATE, no flags, MTIME 0 (nothing leaks the
    // publication time), OS 255 (unknown).
    assert_eq!(
        &compressed_bytes(&ours)[..10],
        &[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]
    );
    // Encoding is deterministic: equal lists give equal strings.
    assert_eq!(ours, Bitstring::new(MIN_BITS).unwrap().encode());
}

#[test]
fn index_zero_is_the_most_significant_bit_of_the_first_byte() {
    let mut list = Bitstring::new(MIN_BITS).unwrap();
    list.set(0, true).unwrap();
    let decoded = Bitstring::decode(&list.encode()).unwrap();
    assert_eq!(decoded.as_bytes()[0], 0x80);
    // And independently of our decoder: flate2 reads our GZIP.
    let mut raw = Vec::new();
    flate2::read::GzDecoder::new(&compressed_bytes(&list.encode())[..])
        .read_to_end(&mut raw)
        .unwrap();
    assert_eq!(raw.len(), 16_384);
    assert_eq!(raw[0], 0x80);
    assert!(raw[1..].iter().all(|&b| b == 0));

    let mut list = Bitstring::new(MIN_BITS).unwrap();
    list.set(7, true).unwrap();
    list.set(131_071, true).unwrap();
    let bytes = Bitstring::decode(&list.encode())
        .unwrap()
        .as_bytes()
        .to_vec();
    assert_eq!(bytes[0], 0x01, "index 7 is the right-most bit of byte 0");
    assert_eq!(bytes[16_383], 0x01, "the last index is the right-most bit");
}

#[test]
fn lists_gzipped_by_zlib_decode_with_the_right_bits() {
    for encoded in [ZLIB_FIVE_BITS, ZLIB_ALL_HEADER_FIELDS] {
        let list = Bitstring::decode(encoded).unwrap();
        assert_eq!(list.len_bits(), 131_072);
        assert_eq!(set_bits(&list), FIVE_BITS);
        assert_eq!(list.as_bytes()[0], 0x81, "bits 0 and 7");
        assert_eq!(list.as_bytes()[1], 0x80, "bit 8");
    }
    // Re-encoding gives different bytes (another encoder) but the same list.
    let ours = Bitstring::decode(ZLIB_FIVE_BITS).unwrap().encode();
    assert_eq!(
        Bitstring::decode(&ours).unwrap(),
        Bitstring::decode(ZLIB_FIVE_BITS).unwrap()
    );
}

#[test]
fn two_bit_entries_from_zlib_read_most_significant_bit_first() {
    let two = StatusSize::new(2).unwrap();
    let list = Bitstring::decode(ZLIB_TWO_BIT_ENTRIES).unwrap();
    assert_eq!(list.entries(two), 131_072);
    assert_eq!(list.get_status(5, two), Ok(3));
    assert_eq!(list.get_status(6, two), Ok(1));
    assert_eq!(list.get_status(131_071, two), Ok(2));
    assert_eq!(list.get_status(4, two), Ok(0));
    assert_eq!(list.get_status(7, two), Ok(0));
    assert_eq!(list.as_bytes()[1], 0b0011_0100, "entries 5 and 6 in byte 1");
    assert_eq!(
        list.get_status(131_072, two),
        Err(StatusError::IndexOutOfRange {
            index: 131_072,
            entries: 131_072
        })
    );
}

#[test]
fn multi_bit_values_round_trip_for_every_size() {
    let mut rng = SplitMix(7);
    for bits in 1..=8u64 {
        let size = StatusSize::new(bits).unwrap();
        let mut list = Bitstring::new(MIN_BITS * bits as usize).unwrap();
        assert_eq!(list.entries(size), 131_072);
        let mut written = Vec::new();
        for _ in 0..200 {
            let index = rng.next() % 131_072;
            let value = (rng.next() % u64::from(size.values())) as u8;
            list.set_status(index, size, value).unwrap();
            written.retain(|&(i, _)| i != index);
            written.push((index, value));
        }
        let decoded = Bitstring::decode(&list.encode()).unwrap();
        for &(index, value) in &written {
            assert_eq!(decoded.get_status(index, size), Ok(value), "size {bits}");
        }
        let max = (size.values() - 1) as u8;
        list.set_status(0, size, max).unwrap();
        assert_eq!(list.get_status(0, size), Ok(max));
        if bits < 8 {
            assert_eq!(
                list.set_status(0, size, max + 1),
                Err(StatusError::ValueTooLarge {
                    value: max + 1,
                    status_size: bits as u8
                })
            );
        }
    }
}

#[test]
fn a_three_bit_entry_spans_two_bytes() {
    let three = StatusSize::new(3).unwrap();
    let mut list = Bitstring::new(MIN_BITS * 3).unwrap();
    // Entry 2 is bits 6, 7 and 8.
    list.set_status(2, three, 0b101).unwrap();
    assert_eq!(list.as_bytes()[0], 0b0000_0010);
    assert_eq!(list.as_bytes()[1], 0b1000_0000);
    assert_eq!(list.get_status(2, three), Ok(5));
    list.set_status(2, three, 0b010).unwrap();
    assert_eq!(list.as_bytes()[0], 0b0000_0001);
    assert_eq!(list.as_bytes()[1], 0);
}

#[test]
fn random_sets_round_trip_and_agree_with_flate2() {
    let mut rng = SplitMix(42);
    for round in 0..20 {
        let mut list = Bitstring::new(MIN_BITS * (1 + round % 3)).unwrap();
        let count = 1 + rng.next() % 3000;
        for _ in 0..count {
            let index = rng.next() % list.len_bits();
            list.set(index, true).unwrap();
        }
        // Clearing works too (suspension is reversible).
        let first = set_bits(&list)[0];
        list.set(first, false).unwrap();
        assert_eq!(list.get(first), Ok(false));

        let encoded = list.encode();
        assert_eq!(Bitstring::decode(&encoded).unwrap(), list);

        // flate2 (crc32fast, another miniz_oxide) reads ours…
        let mut raw = Vec::new();
        flate2::read::GzDecoder::new(&compressed_bytes(&encoded)[..])
            .read_to_end(&mut raw)
            .unwrap();
        assert_eq!(raw, list.as_bytes());
        // …and we read flate2's.
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(list.as_bytes()).unwrap();
        let theirs = encode_bytes(&encoder.finish().unwrap());
        assert_eq!(Bitstring::decode(&theirs).unwrap(), list);
    }
}

#[test]
fn crc32_matches_the_standard_check_value() {
    assert_eq!(gzip::crc32(b"123456789"), 0xcbf4_3926);
    assert_eq!(gzip::crc32(b""), 0);
}

#[test]
fn wrong_multibase_prefix_is_rejected() {
    let without_prefix = &SPEC_ENCODED_LIST[1..];
    assert_eq!(
        Bitstring::decode(without_prefix),
        Err(StatusError::MultibasePrefix { found: Some('H') })
    );
    for (input, found) in [
        ("", None),
        ("U", Some('U')), // multibase base64url *with* padding
        ("mH4sI", Some('m')),
        ("zabc", Some('z')),
        (" uH4sI", Some(' ')),
    ] {
        assert_eq!(
            Bitstring::decode(input),
            Err(StatusError::MultibasePrefix { found })
        );
    }
    let err = Bitstring::decode("zabc").unwrap_err();
    assert_eq!(err.spec_code(), Some("MALFORMED_VALUE_ERROR"));
}

#[test]
fn non_canonical_base64url_is_rejected() {
    let bytes = compressed_bytes(SPEC_ENCODED_LIST);
    // 50 bytes need padding, and their last base64 character has two unused
    // bits that canonical encoders leave at zero.
    let short = &bytes[..50];
    let padded = format!(
        "u{}",
        base64::engine::general_purpose::URL_SAFE.encode(short)
    );
    assert!(padded.ends_with('='));
    let canonical = URL_SAFE_NO_PAD.encode(short);
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let last = ALPHABET
        .iter()
        .position(|&c| c == *canonical.as_bytes().last().unwrap())
        .unwrap();
    assert_eq!(last & 0b11, 0);
    let trailing_bits = format!(
        "u{}{}",
        &canonical[..canonical.len() - 1],
        ALPHABET[last | 1] as char
    );
    let standard_alphabet = format!(
        "u{}",
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(&bytes)
    );
    assert!(standard_alphabet.contains('+') || standard_alphabet.contains('/'));
    let with_space = SPEC_ENCODED_LIST.replacen('A', " A", 1);
    for bad in [
        padded,
        standard_alphabet,
        with_space,
        trailing_bits,
        "u!!!!".to_string(),
        "uA".to_string(),
    ] {
        assert!(
            matches!(Bitstring::decode(&bad), Err(StatusError::Base64(_))),
            "{bad:?}"
        );
    }
}

#[test]
fn data_that_is_not_gzip_is_rejected() {
    let zlib_wrapped = {
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(&[0u8; 16_384]).unwrap();
        e.finish().unwrap()
    };
    let raw_deflate = miniz_oxide::deflate::compress_to_vec(&[0u8; 16_384], 6);
    for bytes in [
        b"hello world".to_vec(),
        vec![0u8; 16_384],
        zlib_wrapped,
        raw_deflate,
        vec![],
        vec![0x1f],
    ] {
        assert_eq!(
            Bitstring::decode(&encode_bytes(&bytes)),
            Err(StatusError::NotGzip)
        );
    }
}

#[test]
fn every_truncation_is_an_error() {
    let mut list = Bitstring::new(MIN_BITS).unwrap();
    for i in FIVE_BITS {
        list.set(i, true).unwrap();
    }
    let bytes = compressed_bytes(&list.encode());
    for len in 0..bytes.len() {
        let result = Bitstring::decode(&encode_bytes(&bytes[..len]));
        assert!(result.is_err(), "a {len}-byte prefix decoded");
    }
    // The end of the DEFLATE data without the trailer is reported as truncated.
    assert_eq!(
        Bitstring::decode(&encode_bytes(&bytes[..bytes.len() - 8])),
        Err(StatusError::Truncated)
    );
    assert_eq!(
        Bitstring::decode(&encode_bytes(&bytes[..5])),
        Err(StatusError::Truncated)
    );
}

#[test]
fn corrupt_members_are_rejected() {
    let mut list = Bitstring::new(MIN_BITS).unwrap();
    list.set(94_567, true).unwrap();
    let good = compressed_bytes(&list.encode());
    let n = good.len();
    let corrupt = |edit: &dyn Fn(&mut Vec<u8>)| {
        let mut bytes = good.clone();
        edit(&mut bytes);
        Bitstring::decode(&encode_bytes(&bytes))
    };
    let is_corrupt =
        |r: Result<Bitstring, StatusError>| matches!(r, Err(StatusError::CorruptGzip(_)));

    assert!(is_corrupt(corrupt(&|b| b[n - 8] ^= 1)), "CRC-32");
    assert!(is_corrupt(corrupt(&|b| b[n - 4] ^= 1)), "ISIZE");
    assert!(is_corrupt(corrupt(&|b| b[2] = 7)), "compression method");
    assert!(is_corrupt(corrupt(&|b| b[3] = 0x20)), "reserved flag");
    assert!(is_corrupt(corrupt(&|b| b.push(0))), "trailing byte");
    assert!(
        is_corrupt(corrupt(&|b| b.extend_from_slice(&good.clone()))),
        "a second member"
    );
    // A header CRC that does not match the header.
    let mut with_hcrc = good[..10].to_vec();
    with_hcrc[3] = 0x02;
    with_hcrc.extend_from_slice(&[0x12, 0x34]);
    with_hcrc.extend_from_slice(&good[10..]);
    assert!(is_corrupt(Bitstring::decode(&encode_bytes(&with_hcrc))));
    // Invalid DEFLATE: block type 3 is reserved.
    let mut bad_block = good[..10].to_vec();
    bad_block.extend_from_slice(&[0x07, 0, 0, 0]);
    bad_block.extend_from_slice(&good[n - 8..]);
    assert!(is_corrupt(Bitstring::decode(&encode_bytes(&bad_block))));
}

#[test]
fn no_single_byte_corruption_panics_or_changes_the_list() {
    let mut list = Bitstring::new(MIN_BITS).unwrap();
    for i in FIVE_BITS {
        list.set(i, true).unwrap();
    }
    let good = compressed_bytes(&list.encode());
    for at in 0..good.len() {
        for flip in [0x01u8, 0x80, 0xff] {
            let mut bytes = good.clone();
            bytes[at] ^= flip;
            // Some bytes carry no list data (MTIME, XFL, OS, the FTEXT flag,
            // padding bits after the last DEFLATE block): those may still
            // decode, but never to another list (CRC-32 and ISIZE).
            if let Ok(decoded) = Bitstring::decode(&encode_bytes(&bytes)) {
                assert_eq!(decoded, list, "byte {at} ^ {flip:#x} changed the list");
            }
        }
    }
}

#[test]
fn decompression_bombs_stop_at_the_limit() {
    // 16 MiB + 1 of zeros compresses to ~16 KB.
    let bomb = gzip::compress(&vec![0u8; MAX_BYTES + 1]);
    assert!(bomb.len() < 40_000);
    assert_eq!(
        Bitstring::decode(&encode_bytes(&bomb)),
        Err(StatusError::TooLarge {
            limit_bytes: MAX_BYTES
        })
    );
    // A lying ISIZE does not get it through either.
    let mut lying = bomb.clone();
    let n = lying.len();
    lying[n - 4..].copy_from_slice(&16_384u32.to_le_bytes());
    assert_eq!(
        Bitstring::decode(&encode_bytes(&lying)),
        Err(StatusError::TooLarge {
            limit_bytes: MAX_BYTES
        })
    );
    // gzip::decompress honours any caller limit.
    let small = gzip::compress(&[0u8; 1000]);
    assert_eq!(
        gzip::decompress(&small, 999),
        Err(StatusError::TooLarge { limit_bytes: 999 })
    );
    assert_eq!(gzip::decompress(&small, 1000).unwrap().len(), 1000);
}

#[test]
fn short_lists_decode_but_are_flagged() {
    let short = Bitstring::from_bytes(vec![0x80; 1024]).unwrap();
    assert!(short.is_below_minimum());
    let decoded = Bitstring::decode(&short.encode()).unwrap();
    assert!(decoded.is_below_minimum());
    assert_eq!(decoded.len_bits(), 8192);
    assert_eq!(decoded.get(8), Ok(true));
    assert!(!Bitstring::decode(SPEC_ENCODED_LIST)
        .unwrap()
        .is_below_minimum());
}

#[test]
fn an_empty_list_is_rejected() {
    assert_eq!(
        Bitstring::decode(&encode_bytes(&gzip::compress(&[]))),
        Err(StatusError::EmptyList)
    );
    assert_eq!(
        Bitstring::from_bytes(Vec::new()),
        Err(StatusError::EmptyList)
    );
}

#[test]
fn new_lists_must_meet_the_minimum_and_fit_the_limit() {
    for bits in [0, 8, MIN_BITS - 8, MIN_BITS + 1, (MAX_BYTES + 1) * 8] {
        assert!(
            matches!(Bitstring::new(bits), Err(StatusError::InvalidLength { .. })),
            "{bits}"
        );
    }
    assert_eq!(Bitstring::new(MIN_BITS + 8).unwrap().len_bits(), 131_080);
    assert_eq!(
        Bitstring::from_bytes(vec![0; MAX_BYTES + 1]),
        Err(StatusError::TooLarge {
            limit_bytes: MAX_BYTES
        })
    );
}

#[test]
fn out_of_range_bits_are_errors_not_panics() {
    let mut list = Bitstring::new(MIN_BITS).unwrap();
    for index in [131_072, u64::MAX] {
        assert_eq!(
            list.get(index),
            Err(StatusError::IndexOutOfRange {
                index,
                entries: 131_072
            })
        );
        assert!(list.set(index, true).is_err());
        assert!(list.get_status(index, StatusSize::ONE).is_err());
    }
    let eight = StatusSize::new(8).unwrap();
    assert_eq!(list.entries(eight), 16_384);
    assert_eq!(
        list.set_status(16_384, eight, 1),
        Err(StatusError::IndexOutOfRange {
            index: 16_384,
            entries: 16_384
        })
    );
    assert_eq!(
        list.get(131_072).unwrap_err().spec_code(),
        Some("RANGE_ERROR")
    );
}

#[test]
fn status_sizes_are_one_to_eight_bits() {
    assert_eq!(StatusSize::default(), StatusSize::ONE);
    assert_eq!(StatusSize::new(8).unwrap().values(), 256);
    assert!(matches!(
        StatusSize::new(0),
        Err(StatusError::MalformedEntry { .. })
    ));
    assert_eq!(
        StatusSize::new(9),
        Err(StatusError::UnsupportedStatusSize(9))
    );
}
