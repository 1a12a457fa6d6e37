//! The GZIP container (RFC 1952) around raw DEFLATE (RFC 1951), as the
//! `encodedList` of a status list needs it.
//!
//! `miniz_oxide` does the DEFLATE work (pure Rust, so it builds for wasm);
//! this module writes and checks the 10-byte header and the CRC-32/ISIZE
//! trailer itself. Decompression is bounded: the caller gives the largest
//! output it accepts, so a few kilobytes of input cannot expand into
//! gigabytes (a decompression bomb).

use miniz_oxide::inflate::core::{decompress as inflate, inflate_flags, DecompressorOxide};
use miniz_oxide::inflate::TINFLStatus;

use super::StatusError;

/// DEFLATE level used when compressing: 9, the smallest output, since a list
/// is compressed once by the issuer and downloaded by every verifier.
const LEVEL: u8 = 9;

const ID1: u8 = 0x1f;
const ID2: u8 = 0x8b;
const CM_DEFLATE: u8 = 8;
const FHCRC: u8 = 0x02;
const FEXTRA: u8 = 0x04;
const FNAME: u8 = 0x08;
const FCOMMENT: u8 = 0x10;
const FRESERVED: u8 = 0xe0;
/// OS byte 255, "unknown": the list does not depend on where it was made.
const OS_UNKNOWN: u8 = 255;

/// The CRC-32 of RFC 1952 §8 (ISO 3309 polynomial, reflected), which the
/// GZIP trailer carries to detect corrupted data.
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc = CRC_TABLE[usize::from((crc as u8) ^ byte)] ^ (crc >> 8);
    }
    !crc
}

const CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut n = 0;
    while n < 256 {
        let mut c = n as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xedb8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        table[n] = c;
        n += 1;
    }
    table
};

/// Compresses `data` into one GZIP member: no file name, no timestamp
/// (MTIME 0, so equal lists give equal bytes and no issuing time leaks).
pub fn compress(data: &[u8]) -> Vec<u8> {
    let deflated = miniz_oxide::deflate::compress_to_vec(data, LEVEL);
    let mut out = Vec::with_capacity(deflated.len() + 18);
    out.extend_from_slice(&[ID1, ID2, CM_DEFLATE, 0, 0, 0, 0, 0, 0, OS_UNKNOWN]);
    out.extend_from_slice(&deflated);
    out.extend_from_slice(&crc32(data).to_le_bytes());
    // ISIZE is the length modulo 2^32 (RFC 1952 §2.3.1).
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

/// Decompresses exactly one GZIP member of at most `max_output` bytes.
///
/// Strict on purpose: reserved flag bits, a bad header CRC, a CRC-32 or
/// ISIZE mismatch, truncation and any byte after the member (including a
/// second member) are errors, because a status list that two decoders could
/// read differently must not be trusted.
pub fn decompress(data: &[u8], max_output: usize) -> Result<Vec<u8>, StatusError> {
    if data.len() < 2 || data[0] != ID1 || data[1] != ID2 {
        return Err(StatusError::NotGzip);
    }
    let header_len = parse_header(data)?;
    // A member is header, DEFLATE data (at least 2 bytes) and an 8-byte trailer.
    if data.len() < header_len + 2 + 8 {
        return Err(StatusError::Truncated);
    }
    let trailer_at = data.len() - 8;
    let claimed_size = read_u32_le(data, trailer_at + 4)?;
    // ISIZE may lie (or be garbage in a truncated member), so it only sizes
    // the first buffer; DEFLATE cannot expand more than 1032:1, which bounds
    // that guess as well.
    let deflate_data = &data[header_len..];
    let size_hint = usize::try_from(claimed_size)
        .unwrap_or(usize::MAX)
        .min(deflate_data.len().saturating_mul(1032));
    let (output, consumed) = inflate_raw(deflate_data, size_hint, max_output)?;
    let member_end = header_len + consumed;
    match member_end.cmp(&trailer_at) {
        std::cmp::Ordering::Greater => return Err(StatusError::Truncated),
        std::cmp::Ordering::Less => {
            return Err(StatusError::CorruptGzip(format!(
                "{} bytes after the end of the DEFLATE data (only one GZIP member is accepted)",
                trailer_at - member_end
            )))
        }
        std::cmp::Ordering::Equal => {}
    }
    if read_u32_le(data, trailer_at)? != crc32(&output) {
        return Err(StatusError::CorruptGzip("CRC-32 mismatch".into()));
    }
    if claimed_size != output.len() as u32 {
        return Err(StatusError::CorruptGzip(format!(
            "ISIZE says {claimed_size} bytes, the data holds {}",
            output.len()
        )));
    }
    Ok(output)
}

/// Checks the fixed header and skips the optional fields; returns the header
/// length.
fn parse_header(data: &[u8]) -> Result<usize, StatusError> {
    if data.len() < 10 {
        return Err(StatusError::Truncated);
    }
    if data[2] != CM_DEFLATE {
        return Err(StatusError::CorruptGzip(format!(
            "compression method {} (only 8, DEFLATE, exists)",
            data[2]
        )));
    }
    let flags = data[3];
    if flags & FRESERVED != 0 {
        return Err(StatusError::CorruptGzip(
            "reserved header flag bits set".into(),
        ));
    }
    let mut at = 10;
    if flags & FEXTRA != 0 {
        let xlen = usize::from(read_u16_le(data, at)?);
        at = at
            .checked_add(2 + xlen)
            .filter(|&end| end <= data.len())
            .ok_or(StatusError::Truncated)?;
    }
    for flag in [FNAME, FCOMMENT] {
        if flags & flag != 0 {
            let nul = data
                .get(at..)
                .and_then(|rest| rest.iter().position(|&b| b == 0))
                .ok_or(StatusError::Truncated)?;
            at += nul + 1;
        }
    }
    if flags & FHCRC != 0 {
        let stored = read_u16_le(data, at)?;
        if stored != (crc32(&data[..at]) & 0xffff) as u16 {
            return Err(StatusError::CorruptGzip("header CRC mismatch".into()));
        }
        at += 2;
    }
    Ok(at)
}

/// Inflates raw DEFLATE data; returns the output and how many input bytes
/// the DEFLATE stream used. `size_hint` sizes the first buffer; the output
/// never grows past `max_output`.
fn inflate_raw(
    input: &[u8],
    size_hint: usize,
    max_output: usize,
) -> Result<(Vec<u8>, usize), StatusError> {
    let flags = inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
    let mut output = vec![0u8; size_hint.clamp(1, max_output.max(1))];
    let mut decompressor = Box::<DecompressorOxide>::default();
    let mut consumed = 0usize;
    let mut written = 0usize;
    loop {
        let rest = input.get(consumed..).ok_or(StatusError::Truncated)?;
        let (status, used, produced) =
            inflate(&mut decompressor, rest, &mut output, written, flags);
        consumed += used;
        written += produced;
        match status {
            TINFLStatus::Done => {
                output.truncate(written);
                return Ok((output, consumed));
            }
            TINFLStatus::HasMoreOutput => {
                if output.len() >= max_output {
                    return Err(StatusError::TooLarge {
                        limit_bytes: max_output,
                    });
                }
                let grown = output.len().saturating_mul(2).min(max_output);
                output.resize(grown, 0);
            }
            TINFLStatus::NeedsMoreInput | TINFLStatus::FailedCannotMakeProgress => {
                return Err(StatusError::Truncated)
            }
            other => {
                return Err(StatusError::CorruptGzip(format!(
                    "invalid DEFLATE data ({other:?})"
                )))
            }
        }
    }
}

fn read_u16_le(data: &[u8], at: usize) -> Result<u16, StatusError> {
    data.get(at..at + 2)
        .and_then(|b| <[u8; 2]>::try_from(b).ok())
        .map(u16::from_le_bytes)
        .ok_or(StatusError::Truncated)
}

fn read_u32_le(data: &[u8], at: usize) -> Result<u32, StatusError> {
    data.get(at..at + 4)
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map(u32::from_le_bytes)
        .ok_or(StatusError::Truncated)
}
