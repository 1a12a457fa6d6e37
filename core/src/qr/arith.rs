//! The binary arithmetic coder of LC2 (docs/qr-format.md §8.1): 32-bit,
//! carry-less, 12-bit probabilities, integer arithmetic only, so every
//! platform (native, wasm, another language) produces and reads the very
//! same bytes.
//!
//! Bytes beyond the end of the coded data read as zero, which lets the
//! encoder end with a single byte and drop trailing zero bytes.

/// Probabilities are in units of 1/4096: `p` is the chance that the next bit
/// is 1, in 1..=4095.
pub const PROBABILITY_BITS: u32 = 12;

/// The interval split for probability `p1` of a 1 bit: the largest value
/// that still codes a 1. Always in `[x1, x2)` for `x1 < x2`.
fn split(x1: u32, x2: u32, p1: u16) -> u32 {
    let range = x2 - x1;
    let p = u32::from(p1);
    x1 + (range >> PROBABILITY_BITS) * p + (((range & 0xFFF) * p) >> PROBABILITY_BITS)
}

/// Writes bits under the probabilities a model gives.
pub struct Encoder {
    x1: u32,
    x2: u32,
    out: Vec<u8>,
}

impl Encoder {
    /// An empty stream.
    pub fn new() -> Self {
        Encoder {
            x1: 0,
            x2: u32::MAX,
            out: Vec::with_capacity(512),
        }
    }

    /// Codes `bit` (true = 1), which the model gave probability `p1`/4096 of being 1.
    pub fn encode(&mut self, bit: bool, p1: u16) {
        let mid = split(self.x1, self.x2, p1);
        if bit {
            self.x2 = mid;
        } else {
            self.x1 = mid + 1;
        }
        while (self.x1 ^ self.x2) & 0xFF00_0000 == 0 {
            self.out.push((self.x2 >> 24) as u8);
            self.x1 <<= 8;
            self.x2 = (self.x2 << 8) | 0xFF;
        }
    }

    /// The coded bytes. The final interval `[x1, x2]` differs in its top
    /// byte, so `x2` with its lower 24 bits cleared lies inside it: one byte
    /// ends the stream, and trailing zero bytes are left out (a decoder reads
    /// zeros past the end).
    pub fn finish(mut self) -> Vec<u8> {
        self.out.push((self.x2 >> 24) as u8);
        while self.out.last() == Some(&0) {
            self.out.pop();
        }
        self.out
    }
}

/// Reads back the bits an [`Encoder`] wrote, given the same probabilities.
pub struct Decoder<'a> {
    x1: u32,
    x2: u32,
    x: u32,
    data: &'a [u8],
    position: usize,
}

impl<'a> Decoder<'a> {
    /// Starts reading `data`.
    pub fn new(data: &'a [u8]) -> Self {
        let mut decoder = Decoder {
            x1: 0,
            x2: u32::MAX,
            x: 0,
            data,
            position: 0,
        };
        for _ in 0..4 {
            decoder.x = (decoder.x << 8) | u32::from(decoder.next_byte());
        }
        decoder
    }

    fn next_byte(&mut self) -> u8 {
        let byte = self.data.get(self.position).copied().unwrap_or(0);
        self.position += 1;
        byte
    }

    /// The next bit, which the model gives probability `p1`/4096 of being 1.
    pub fn decode(&mut self, p1: u16) -> bool {
        let mid = split(self.x1, self.x2, p1);
        let bit = self.x <= mid;
        if bit {
            self.x2 = mid;
        } else {
            self.x1 = mid + 1;
        }
        while (self.x1 ^ self.x2) & 0xFF00_0000 == 0 {
            self.x1 <<= 8;
            self.x2 = (self.x2 << 8) | 0xFF;
            self.x = (self.x << 8) | u32::from(self.next_byte());
        }
        bit
    }

    /// Bytes of input consumed so far, counting the zeros read past the end.
    pub fn consumed(&self) -> usize {
        self.position
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_round_trip_under_any_probabilities() {
        let mut state = 0x1234_5678u32;
        let mut rand = move || {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state
        };
        let bits: Vec<(bool, u16)> = (0..20_000)
            .map(|_| {
                let p = (rand() % 4095 + 1) as u16;
                // Mostly agree with the probability, sometimes not.
                let bit = (rand() % 4096) < u32::from(p);
                (bit, p)
            })
            .collect();
        let mut encoder = Encoder::new();
        for &(bit, p) in &bits {
            encoder.encode(bit, p);
        }
        let coded = encoder.finish();
        let mut decoder = Decoder::new(&coded);
        for &(bit, p) in &bits {
            assert_eq!(decoder.decode(p), bit);
        }
        // Extreme probabilities, both ways.
        let mut encoder = Encoder::new();
        for i in 0..1000 {
            encoder.encode(i % 7 == 0, if i % 2 == 0 { 1 } else { 4095 });
        }
        let coded = encoder.finish();
        let mut decoder = Decoder::new(&coded);
        for i in 0..1000 {
            assert_eq!(
                decoder.decode(if i % 2 == 0 { 1 } else { 4095 }),
                i % 7 == 0
            );
        }
    }

    #[test]
    fn certain_bits_cost_almost_nothing() {
        let mut encoder = Encoder::new();
        for _ in 0..8000 {
            encoder.encode(true, 4095);
        }
        assert!(encoder.finish().len() <= 2);
    }
}
