//! Raw DEFLATE (RFC 1951) with the LC1 preset dictionary, and bounded inflation.
//!
//! A licence is too short for DEFLATE to learn its words from the licence
//! itself, so both sides start with a window already holding text that
//! licences repeat: URL parts, Thai words of licences, company names and
//! addresses (in Thai-8, as the CBOR carries them), and English ones. Back
//! references may reach into it; it is never transmitted.

use miniz_oxide::deflate::core::{
    compress_to_output, create_comp_flags_from_zip_params, CompressorOxide, TDEFLFlush, TDEFLStatus,
};
use miniz_oxide::inflate::core::inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
use miniz_oxide::inflate::core::{decompress, DecompressorOxide};
use miniz_oxide::inflate::TINFLStatus;

#[cfg(test)]
use serde_json::Value;

#[cfg(test)]
use super::dictionary::{DEFLATE_WORDS, TEMPLATE};
use super::error::QrError;
#[cfg(test)]
use super::strings::thai8_bytes;
#[cfg(test)]
use super::value::write_lc1;
#[cfg(test)]
use super::vocabulary::{ENGLISH_WORDS, PROVINCE_DISTRICTS, THAI_WORDS};

/// The preset window: the first part of the LC2 priming text, which ships
/// coded (see `priming`); a unit test rebuilds it with [`build_dictionary`]
/// and pins its hash.
pub fn preset_dictionary() -> &'static [u8] {
    &super::priming::primed().text[..super::priming::DICTIONARY_LEN]
}

/// "Province", written before every province name but Bangkok's.
#[cfg(test)]
const PROVINCE: &str = "จังหวัด";
/// Bangkok is not a จังหวัด but a special administrative area.
#[cfg(test)]
const BANGKOK: &str = "กรุงเทพมหานคร";

/// The preset window from its sources: the provinces and their districts,
/// the English then the Thai vocabulary, the [`DEFLATE_WORDS`], all
/// concatenated (Thai in Thai-8), then the LC1 CBOR of the [`TEMPLATE`]
/// credential. The parts most licences use come last, where back references
/// are cheapest.
#[cfg(test)]
pub fn build_dictionary() -> Vec<u8> {
    let mut out = Vec::with_capacity(16 * 1024);
    let mut push = |word: &str| match thai8_bytes(word) {
        Some(bytes) => out.extend_from_slice(&bytes),
        None => out.extend_from_slice(word.as_bytes()),
    };
    for (province, districts) in PROVINCE_DISTRICTS {
        if *province != BANGKOK {
            push(PROVINCE);
        }
        push(province);
        districts.iter().for_each(|d| push(d));
    }
    ENGLISH_WORDS.iter().for_each(|w| push(w));
    THAI_WORDS.iter().for_each(|w| push(w));
    DEFLATE_WORDS.iter().for_each(|w| push(w));
    let template: Value = serde_json::from_str(TEMPLATE).unwrap();
    write_lc1(&mut out, &template).unwrap();
    out
}

/// Raw DEFLATE of `data` at miniz_oxide's maximum level, primed with the
/// preset dictionary: the dictionary is compressed first and its output,
/// up to a sync flush (which ends on a byte boundary), thrown away.
pub fn compress(data: &[u8]) -> Vec<u8> {
    compress_with(preset_dictionary(), data)
}

/// Raw DEFLATE of `data` primed with `dictionary` (empty: no dictionary):
/// the shorter of two encoders' outputs. Any DEFLATE stream is valid LC1, and
/// neither encoder wins everywhere: zlib's match finder (pure-Rust zlib-rs)
/// uses the dictionary's long matches better on whole licences (465 against
/// 490 bytes for the reference licence), miniz_oxide is shorter on tiny inputs.
/// Deterministic: the same input always gives the same payload.
pub fn compress_with(dictionary: &[u8], data: &[u8]) -> Vec<u8> {
    let miniz = compress_with_miniz(dictionary, data);
    match compress_with_zlib(dictionary, data) {
        Some(zlib) if zlib.len() < miniz.len() => zlib,
        _ => miniz,
    }
}

/// zlib's best level, raw stream, window primed with `dictionary`; `None`
/// if zlib refuses (then miniz_oxide's output is used).
fn compress_with_zlib(dictionary: &[u8], data: &[u8]) -> Option<Vec<u8>> {
    use flate2::{Compress, Compression, FlushCompress, Status};
    let mut compressor = Compress::new_with_window_bits(Compression::best(), false, 15);
    if !dictionary.is_empty() {
        compressor.set_dictionary(dictionary).ok()?;
    }
    let mut out = Vec::with_capacity(data.len() + 64);
    loop {
        let consumed = usize::try_from(compressor.total_in()).ok()?;
        let rest = data.get(consumed..)?;
        match compressor
            .compress_vec(rest, &mut out, FlushCompress::Finish)
            .ok()?
        {
            Status::StreamEnd => return Some(out),
            _ => out.reserve(out.capacity().max(64)),
        }
    }
}

/// miniz_oxide's encoder, primed by compressing the dictionary up to a sync
/// flush and discarding that output.
fn compress_with_miniz(dictionary: &[u8], data: &[u8]) -> Vec<u8> {
    // Level 10 ("uber"), raw stream (negative window bits), default strategy.
    let flags = create_comp_flags_from_zip_params(10, -15, 0);
    let mut compressor = Box::new(CompressorOxide::new(flags));
    if !dictionary.is_empty() {
        compress_to_output(&mut compressor, dictionary, TDEFLFlush::Sync, |_| true);
    }
    let mut out = Vec::with_capacity(data.len() / 2 + 64);
    let (status, _) = compress_to_output(&mut compressor, data, TDEFLFlush::Finish, |chunk| {
        out.extend_from_slice(chunk);
        true
    });
    debug_assert_eq!(status, TDEFLStatus::Done);
    out
}

/// Inflates `data` against the preset dictionary into at most `max` bytes: a
/// stream that needs more is refused, one that ends early is corrupt, and
/// bytes after the end of the stream are refused.
pub fn inflate(data: &[u8], max: usize) -> Result<Vec<u8>, QrError> {
    let dictionary = preset_dictionary();
    let start = dictionary.len();
    let mut out = Vec::with_capacity(start + max);
    out.extend_from_slice(dictionary);
    out.resize(start + max, 0);
    let mut state = Box::<DecompressorOxide>::default();
    let (status, consumed, written) = decompress(
        &mut state,
        data,
        &mut out,
        start,
        TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF,
    );
    match status {
        TINFLStatus::Done if consumed < data.len() => Err(QrError::TrailingBytes {
            layer: "DEFLATE",
            count: data.len() - consumed,
        }),
        TINFLStatus::Done => {
            out.truncate(start + written);
            out.drain(..start);
            Ok(out)
        }
        TINFLStatus::HasMoreOutput => Err(QrError::InflatedTooLarge { max }),
        TINFLStatus::NeedsMoreInput | TINFLStatus::FailedCannotMakeProgress => {
            Err(QrError::Inflate {
                reason: "the stream ends before its last block",
            })
        }
        _ => Err(QrError::Inflate {
            reason: "invalid DEFLATE data",
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The dictionary is part of format version 1: any change breaks every
    /// printed licence. Its SHA-256 is published in docs/qr-format.md.
    #[test]
    fn the_preset_dictionary_is_pinned() {
        use sha2::{Digest, Sha256};
        assert!(build_dictionary() == preset_dictionary());
        let hash = Sha256::digest(preset_dictionary());
        let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(preset_dictionary().len(), PINNED_LEN, "{hex}");
        assert_eq!(hex, PINNED_SHA256);
    }

    const PINNED_LEN: usize = 13105;
    const PINNED_SHA256: &str = "5cd4828f3bba929e27cb6e2ccc9581662b364e0a3f9dba3d39a6c18357fcd7f2";

    #[test]
    fn round_trips_and_uses_the_dictionary() {
        let text = "https://licence.example.go.th/licences/food-sale/x Company Limited".as_bytes();
        let primed = compress(text);
        let plain = compress_with(&[], text);
        assert!(
            primed.len() < plain.len(),
            "{} vs {}",
            primed.len(),
            plain.len()
        );
        assert_eq!(inflate(&primed, 1024).unwrap(), text);
        assert_eq!(inflate(&compress(b""), 1024).unwrap(), b"");
        let big = vec![7u8; 5000];
        assert_eq!(inflate(&compress(&big), 5000).unwrap(), big);
        assert_eq!(
            inflate(&compress(&big), 4999),
            Err(QrError::InflatedTooLarge { max: 4999 })
        );
    }
}
