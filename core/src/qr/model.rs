//! The LC2 byte model (docs/qr-format.md §8.2): predicts each bit of the
//! LC2 CBOR from what came before, so the arithmetic coder spends few bits on
//! what a licence is expected to say.
//!
//! A small context-mixing model: adaptive bit counters under order-0 to
//! order-6 contexts, a word context and two contexts of the CBOR structure
//! (which member, which byte of it), a match model that follows the longest
//! earlier repeat, a gated linear mixer in the logistic domain, and a final
//! adaptive probability map. Before any licence byte it reads the
//! priming text (§8.3), so the Thai and English vocabulary of licences and
//! the shape of a service-issued licence are known from the first bit.
//! Everything is integer arithmetic with fixed table sizes: encoder and
//! decoder (and other implementations) stay in lock step.

use std::sync::OnceLock;

/// `squash(d) ≈ 4096 / (1 + e^(-d/256))`: logistic domain to probability,
/// interpolated between `T[i] = round(4096 / (1 + e^(-(i-16)/2)))`.
fn squash(d: i32) -> i32 {
    const T: [i32; 33] = [
        1, 2, 4, 6, 10, 17, 27, 45, 74, 120, 194, 311, 488, 747, 1102, 1546, 2048, 2550, 2994,
        3349, 3608, 3785, 3902, 3976, 4022, 4051, 4069, 4079, 4086, 4090, 4092, 4094, 4095,
    ];
    if d > 2047 {
        return 4095;
    }
    if d < -2047 {
        return 1;
    }
    let w = d & 127;
    let i = ((d >> 7) + 16) as usize;
    (T[i] * (128 - w) + T[i + 1] * w + 64) >> 7
}

/// The inverse of [`squash`], as a table: probability (0..4096) to
/// logistic domain, the smallest `d` with `squash(d) >= p`.
fn stretch_table() -> &'static [i16] {
    static TABLE: OnceLock<Vec<i16>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = vec![2047i16; 4096];
        let mut next = 0usize;
        for d in -2047..=2047i16 {
            let p = squash(i32::from(d)) as usize;
            while next <= p && next < table.len() {
                table[next] = d;
                next += 1;
            }
        }
        table
    })
}

/// Largest count of a counter: beyond it the counter adapts at rate 1/(LIMIT+1.5).
const COUNTER_LIMIT: u32 = 60;

/// `65536 / (n + 1.5)`: the adaptation rate of a counter that has seen `n` bits.
fn rate(n: u32) -> i32 {
    (131_072 / (2 * n + 3)) as i32
}

/// An adaptive bit probability in a `u32`: the probability of a 1 in the
/// high 16 bits (0..65535), then an 8-bit check of the context that owns
/// the slot (hashed tables), then the number of bits seen (up to
/// [`COUNTER_LIMIT`]).
#[derive(Clone, Copy)]
struct Counter;

const COUNTER_START: u32 = 0x8000_0000;

impl Counter {
    fn p(slot: u32) -> u16 {
        ((slot >> 20) as u16).clamp(1, 4095)
    }
    fn known(slot: u32) -> bool {
        slot & 0xFF != 0
    }
    /// Claims `slot` for the context with `check` if another context owns it.
    fn claim(slot: &mut u32, check: u32) {
        if (*slot >> 8) & 0xFF != check {
            *slot = COUNTER_START | check << 8;
        }
    }
    fn update(slot: &mut u32, bit: bool) {
        let n = *slot & 0xFF;
        let p = (*slot >> 16) as i32;
        let target = if bit { 65535 } else { 0 };
        let p = p + (((target - p) * rate(n)) >> 16);
        *slot = ((p as u32) << 16) | (*slot & 0xFF00) | (n + 1).min(COUNTER_LIMIT);
    }
}

/// Hashed context orders (bytes of history) besides order 0 and 1.
const ORDERS: [usize; 4] = [2, 3, 4, 6];
/// Hashed contexts: the orders, the word, and two of the CBOR structure.
const HASHED: usize = ORDERS.len() + 3;
/// log2 of the slots of each hashed context table.
const TABLE_BITS: u32 = 16;
/// Inputs to the mixer: order 0, order 1, the hashed contexts, match, bias.
const INPUTS: usize = 2 + HASHED + 1 + 1;
/// Match model: repeats shorter than this are not followed.
const MIN_MATCH: usize = 5;
const MATCH_HASH_BITS: u32 = 16;
const MAX_MATCH: usize = 32;
/// Mixer weight sets: by match length bucket (4) and by structural state (3).
const WEIGHT_SETS: usize = 4 * 3;
/// Mixer learning rate: error × RATE × input >> SHIFT.
const MIXER_RATE: i32 = 6;
const MIXER_SHIFT: u32 = 13;
/// APM adaptation: 1/2^RATE of the distance per bit.
const APM_RATE: u32 = 6;
/// Positions within an item the field context tells apart (later ones share).
const FIELD_OFFSETS: u32 = 6;
/// Adaptive probability map: interpolation points per context.
const APM_POINTS: usize = 33;
/// Deepest CBOR nesting the structure tracker follows: one more than the
/// decoder accepts.
const MAX_FRAMES: usize = super::MAX_DEPTH + 1;

fn hash(a: u32, b: u32) -> u32 {
    (a.wrapping_mul(0x2F0F_3C8B) ^ b.wrapping_add(0x9E37_79B9)).wrapping_mul(0x85EB_CA6B)
        ^ (a >> 15)
}

/// One open CBOR array or map.
#[derive(Clone, Copy)]
struct Frame {
    map: bool,
    /// Items (arrays) or members (maps) still to come.
    remaining: u64,
    /// Maps: the next item is a member name.
    expecting_key: bool,
    /// Maps: the name of the member being read (or last read); arrays: the
    /// name of the member holding the array.
    key: u32,
    /// Arrays: index of the next item.
    index: u32,
    /// The tag in front of the array or map, if any.
    tag: u32,
}

/// Where in the CBOR structure the next byte is: follows heads, lengths and
/// member names byte by byte, so the model knows "the first byte of the
/// length of the Thai address" or "the second item of a date-time".
#[derive(Clone)]
struct Structure {
    frames: Vec<Frame>,
    /// Bytes of an argument still to come, the head's major type, the value so far.
    argument: (u8, u8, u64),
    /// String content bytes still to come.
    skip: u64,
    /// The context id of the current item, and how far into it we are.
    field: u32,
    offset: u32,
    /// Hash of the current string's bytes: names a text member name.
    key_text: u32,
    /// A tag read, applying to the next item.
    tag: u32,
    /// 0: next byte starts an item; 1: argument byte; 2: string content.
    state: u32,
    /// Top-level items completed so far: a payload ends when this grows.
    completed: u64,
    /// Bytes the last head said must follow at least (string length, item count).
    claim: u64,
}

impl Structure {
    fn new() -> Self {
        Structure {
            frames: Vec::with_capacity(MAX_FRAMES),
            argument: (0, 0, 0),
            skip: 0,
            field: 0,
            offset: 0,
            key_text: 0,
            tag: 0,
            state: 0,
            completed: 0,
            claim: 0,
        }
    }

    /// The context id for a new item at the current position: from the
    /// enclosing member's name, whether a name or a value comes, the array
    /// index (up to 3), and the tags in front of the container and the item.
    fn begin_item(&mut self) {
        let field = match self.frames.last() {
            Some(f) if f.map && f.expecting_key => hash(f.key, 0x4B45_5900),
            Some(f) if f.map => hash(f.key, 0x5641_4C00 ^ f.tag),
            Some(f) => hash(f.key, ((f.index.min(3) + 1) * 0x100) ^ f.tag),
            None => 0x524F_4F54,
        };
        self.field = if self.tag != 0 {
            hash(field, self.tag)
        } else {
            field
        };
        self.key_text = 0;
        self.offset = 0;
    }

    fn push(&mut self, byte: u8) {
        self.offset += 1;
        match self.state {
            1 => {
                let (left, major, value) = self.argument;
                let value = value << 8 | u64::from(byte);
                if left > 1 {
                    self.argument = (left - 1, major, value);
                } else {
                    self.head(major, value);
                }
                return;
            }
            2 => {
                self.key_text = hash(self.key_text, u32::from(byte));
                self.skip -= 1;
                if self.skip == 0 {
                    self.state = 0;
                    self.item_done(self.key_text | 0x8000_0000);
                }
                return;
            }
            _ => {}
        }
        let (major, info) = (byte >> 5, byte & 0x1F);
        match info {
            0..=23 if major != 7 => self.head(major, u64::from(info)),
            24..=27 => {
                self.state = 1;
                self.argument = (1 << (info - 24), if major == 7 { 8 } else { major }, 0);
            }
            _ => self.item_done(u32::from(byte)),
        }
    }

    fn head(&mut self, major: u8, value: u64) {
        self.state = 0;
        self.claim = match major {
            2..=4 => value,
            5 => value.saturating_mul(2),
            _ => 0,
        };
        match major {
            2 | 3 => {
                if value == 0 {
                    self.item_done(0x8000_0000);
                } else {
                    self.skip = value;
                    self.state = 2;
                }
            }
            4 | 5 => {
                let key = self.frames.last().map_or(0, |f| f.key);
                let frame = Frame {
                    map: major == 5,
                    remaining: value,
                    expecting_key: major == 5,
                    key: if major == 5 {
                        hash(key, 0x4D41_5000)
                    } else {
                        key
                    },
                    index: 0,
                    tag: self.tag,
                };
                self.tag = 0;
                if value == 0 {
                    self.item_done(0);
                } else if self.frames.len() < MAX_FRAMES {
                    self.frames.push(frame);
                    self.begin_item();
                } else {
                    // Deeper than any decoder accepts: end the document here,
                    // the CBOR reader refuses it.
                    self.completed += 1;
                }
            }
            6 => {
                self.tag = value.min(255) as u32 + 1;
                self.begin_item();
            }
            _ => self.item_done(value.min(u64::from(u32::MAX)) as u32),
        }
    }

    /// An item ended; `value` identifies it if it was a member name.
    fn item_done(&mut self, value: u32) {
        self.tag = 0;
        loop {
            let Some(frame) = self.frames.last_mut() else {
                self.completed += 1;
                break;
            };
            if frame.map && frame.expecting_key {
                frame.key = hash(value, 0x4B00);
                frame.expecting_key = false;
                break;
            }
            if frame.map {
                frame.expecting_key = true;
            } else {
                frame.index += 1;
            }
            frame.remaining = frame.remaining.saturating_sub(1);
            if frame.remaining > 0 {
                break;
            }
            self.frames.pop();
        }
        self.begin_item();
    }
}

/// The model's whole state; cloned from a primed copy for each payload.
#[derive(Clone)]
pub struct Model {
    order0: Vec<u32>,
    order1: Vec<u32>,
    hashed: Vec<Vec<u32>>,
    /// Per-byte context hashes of the hashed contexts.
    byte_hashes: [u32; HASHED],
    word_hash: u32,
    structure: Structure,
    /// Slots in use for the current bit.
    slots: [usize; 2 + HASHED],
    history: Vec<u8>,
    /// Partial byte with a leading 1 (1..=255).
    c0: u32,
    bit_position: u32,
    match_table: Vec<u32>,
    match_ptr: usize,
    match_len: usize,
    match_counters: Vec<u32>,
    match_slot: usize,
    weights: Vec<i32>,
    inputs: [i32; INPUTS],
    weight_set: usize,
    mixed: i32,
    apm: Vec<u16>,
    apm_index: usize,
    p_mix: u16,
    p_final: u16,
}

impl Model {
    /// A model that has seen nothing.
    pub fn new() -> Self {
        let mut apm = vec![0u16; 256 * APM_POINTS];
        for (i, v) in apm.iter_mut().enumerate() {
            let x = ((i % APM_POINTS) as i32 - 16) * 128;
            *v = (squash(x) * 16) as u16;
        }
        let mut model = Model {
            order0: vec![COUNTER_START; 256],
            order1: vec![COUNTER_START; 256 * 256],
            hashed: vec![vec![COUNTER_START; 1 << TABLE_BITS]; HASHED],
            byte_hashes: [0; HASHED],
            word_hash: 0,
            structure: Structure::new(),
            slots: [0; 2 + HASHED],
            history: Vec::with_capacity(32 * 1024),
            c0: 1,
            bit_position: 0,
            match_table: vec![0; 1 << MATCH_HASH_BITS],
            match_ptr: 0,
            match_len: 0,
            match_counters: vec![COUNTER_START; (MAX_MATCH + 1) * 2],
            match_slot: usize::MAX,
            weights: vec![(1 << 16) / 4; WEIGHT_SETS * INPUTS],
            inputs: [0; INPUTS],
            weight_set: 0,
            mixed: 0,
            apm,
            apm_index: 0,
            p_mix: 2048,
            p_final: 2048,
        };
        model.structure.begin_item();
        model.hash_contexts();
        model.predict();
        model
    }

    /// The model after reading the LC2 priming text, ready for a payload.
    pub fn primed() -> Model {
        super::priming::primed().model.clone()
    }

    /// Forgets the CBOR structure followed so far: a new document starts.
    pub fn begin_document(&mut self) {
        self.structure = Structure::new();
        self.structure.begin_item();
        self.hash_contexts();
        self.predict();
    }

    /// True at the start of a document: nothing open, no partial byte.
    #[cfg(test)]
    pub fn at_document_start(&self) -> bool {
        self.structure.frames.is_empty() && self.structure.state == 0 && self.bit_position == 0
    }

    /// Probability (1..=4095, in 1/4096) that the next bit is 1.
    pub fn p(&self) -> u16 {
        self.p_final
    }

    fn predict(&mut self) {
        let c0 = self.c0 as usize;
        let c1 = self.history.last().copied().unwrap_or(0) as usize;
        let mask = (1usize << TABLE_BITS) - 1;
        self.slots[0] = c0;
        self.slots[1] = c1 << 8 | c0;
        for (i, h) in self.byte_hashes.iter().enumerate() {
            let h = hash(*h, self.c0);
            let index = (h >> (32 - TABLE_BITS)) as usize & mask;
            Counter::claim(&mut self.hashed[i][index], h & 0xFF);
            self.slots[2 + i] = index;
        }
        let stretch_table = stretch_table();
        let stretch = |p: u16| i32::from(stretch_table[usize::from(p)]);
        let mut inputs = [0i32; INPUTS];
        inputs[0] = stretch(Counter::p(self.order0[self.slots[0]]));
        let known = |slot: u32| {
            if Counter::known(slot) {
                stretch(Counter::p(slot))
            } else {
                0
            }
        };
        inputs[1] = known(self.order1[self.slots[1]]);
        for i in 0..HASHED {
            inputs[2 + i] = known(self.hashed[i][self.slots[2 + i]]);
        }
        // Match model: the bit the earlier repeat continues with.
        self.match_slot = usize::MAX;
        let mut match_bucket = 0;
        if self.match_len > 0 {
            if let Some(&predicted) = self.history.get(self.match_ptr) {
                let predicted = u32::from(predicted) | 0x100;
                if predicted >> (8 - self.bit_position) == self.c0 {
                    let expected = (predicted >> (7 - self.bit_position)) & 1;
                    let len = self.match_len.min(MAX_MATCH);
                    self.match_slot = len * 2 + expected as usize;
                    inputs[INPUTS - 2] = stretch(Counter::p(self.match_counters[self.match_slot]));
                    match_bucket = if len < 8 {
                        1
                    } else if len < 16 {
                        2
                    } else {
                        3
                    };
                }
            }
        }
        inputs[INPUTS - 1] = 256;
        self.inputs = inputs;
        self.weight_set = (match_bucket * 3 + self.structure.state as usize) * INPUTS;
        let weights = &self.weights[self.weight_set..self.weight_set + INPUTS];
        let dot: i64 = weights
            .iter()
            .zip(inputs.iter())
            .map(|(w, x)| i64::from(*w) * i64::from(*x))
            .sum();
        self.mixed = (dot >> 16).clamp(-2047, 2047) as i32;
        self.p_mix = squash(self.mixed).clamp(1, 4095) as u16;
        // Adaptive probability map on the order-0 context.
        let x = self.mixed + 2048;
        let low = (x >> 7) as usize;
        let w = x & 127;
        self.apm_index = c0 * APM_POINTS + low + usize::from(w >= 64);
        let a = i32::from(self.apm[c0 * APM_POINTS + low]);
        let b = i32::from(self.apm[c0 * APM_POINTS + (low + 1).min(APM_POINTS - 1)]);
        let refined = ((a * (128 - w) + b * w) >> 11).clamp(1, 4095);
        self.p_final = ((i32::from(self.p_mix) + 3 * refined) / 4).clamp(1, 4095) as u16;
    }

    /// Learns `bit`, the bit just coded, and prepares the next prediction.
    pub fn update(&mut self, bit: bool) {
        Counter::update(&mut self.order0[self.slots[0]], bit);
        Counter::update(&mut self.order1[self.slots[1]], bit);
        for i in 0..HASHED {
            Counter::update(&mut self.hashed[i][self.slots[2 + i]], bit);
        }
        if self.match_slot != usize::MAX {
            Counter::update(&mut self.match_counters[self.match_slot], bit);
        }
        // Mixer: gradient step on coding cost.
        let err = ((i32::from(bit) << 12) - i32::from(self.p_mix)) * MIXER_RATE;
        let weights = &mut self.weights[self.weight_set..self.weight_set + INPUTS];
        for (w, x) in weights.iter_mut().zip(self.inputs.iter()) {
            *w += (x * err + (1 << (MIXER_SHIFT - 1))) >> MIXER_SHIFT;
        }
        // APM: move the nearer interpolation point toward the bit.
        let target = if bit { 65535 } else { 0 };
        let v = &mut self.apm[self.apm_index];
        *v = (i32::from(*v) + ((target - i32::from(*v)) >> APM_RATE)) as u16;

        self.c0 = (self.c0 << 1) | u32::from(bit);
        self.bit_position += 1;
        if self.bit_position == 8 {
            let byte = (self.c0 & 0xFF) as u8;
            self.end_byte(byte);
            self.c0 = 1;
            self.bit_position = 0;
        }
        self.predict();
    }

    fn hash_contexts(&mut self) {
        let n = self.history.len();
        for (i, order) in ORDERS.iter().enumerate() {
            let mut h = (*order as u32).wrapping_mul(0x3C6E_F372);
            for &b in &self.history[n.saturating_sub(*order)..] {
                h = hash(h, u32::from(b) + 1);
            }
            self.byte_hashes[i] = h;
        }
        let c1 = u32::from(self.history.last().copied().unwrap_or(0));
        let s = &self.structure;
        self.byte_hashes[ORDERS.len()] = hash(self.word_hash, 0x5749);
        self.byte_hashes[ORDERS.len() + 1] =
            hash(hash(s.field, s.offset.min(FIELD_OFFSETS)), 0x4649);
        self.byte_hashes[ORDERS.len() + 2] = hash(hash(s.field, c1 | 0x100), 0x4632);
    }

    fn end_byte(&mut self, byte: u8) {
        self.history.push(byte);
        self.structure.push(byte);
        let n = self.history.len();
        // Word context: the letters since the last space or punctuation.
        if byte.is_ascii_alphanumeric() || byte >= 0xA1 {
            self.word_hash = hash(self.word_hash, u32::from(byte));
        } else {
            self.word_hash = 0;
        }
        self.hash_contexts();
        // Match model: extend the current repeat, or look for a new one.
        if self.match_len > 0 && self.history.get(self.match_ptr) == Some(&byte) {
            self.match_len += 1;
            self.match_ptr += 1;
        } else {
            self.match_len = 0;
        }
        if n >= MIN_MATCH {
            let mut h = 0u32;
            for &b in &self.history[n - MIN_MATCH..] {
                h = hash(h, u32::from(b));
            }
            let index = (h >> (32 - MATCH_HASH_BITS)) as usize;
            if self.match_len == 0 {
                let candidate = self.match_table[index] as usize;
                if candidate > 0 {
                    let mut len = 0;
                    while len < MAX_MATCH
                        && len < candidate
                        && self.history[candidate - 1 - len] == self.history[n - 1 - len]
                    {
                        len += 1;
                    }
                    if len >= MIN_MATCH {
                        self.match_len = len;
                        self.match_ptr = candidate;
                    }
                }
            }
            self.match_table[index] = n as u32;
        }
    }
}

/// Most bytes a payload of `compressed` bytes may decode to: 32 times as
/// many plus 1 KiB. Licences decode to about 4 times as many; the bound
/// keeps the work a damaged or hostile payload causes in proportion to it.
pub fn decoded_limit(compressed: usize) -> usize {
    compressed.saturating_mul(32).saturating_add(1024)
}

/// Compresses `data` (LC2 CBOR) with the primed model.
pub fn compress(data: &[u8]) -> Vec<u8> {
    let mut model = Model::primed();
    let mut encoder = super::arith::Encoder::new();
    for &byte in data {
        for i in (0..8).rev() {
            let bit = byte >> i & 1 == 1;
            encoder.encode(bit, model.p());
            model.update(bit);
        }
    }
    encoder.finish()
}

/// Decompresses LC2 data: decodes bytes until they form one complete CBOR
/// item (the model's structure tracker says when), or refuses once `max`
/// bytes do not. Data beyond the last byte an encoder can have written is
/// refused too, so nothing can be appended to a payload.
pub fn decompress(data: &[u8], max: usize) -> Result<Vec<u8>, super::QrError> {
    let max = max.min(decoded_limit(data.len()));
    let mut model = Model::primed();
    let mut decoder = super::arith::Decoder::new(data);
    let mut out = Vec::with_capacity(1024);
    let done = model.structure.completed + 1;
    while model.structure.completed < done {
        // A damaged stream decodes to noise: stop at the first length or
        // count that cannot fit, rather than at the limit.
        let claim = std::mem::take(&mut model.structure.claim);
        if out.len() >= max || claim > (max - out.len()) as u64 {
            return Err(super::QrError::InflatedTooLarge { max });
        }
        let mut byte = 0u8;
        for _ in 0..8 {
            let bit = decoder.decode(model.p());
            model.update(bit);
            byte = byte << 1 | u8::from(bit);
        }
        out.push(byte);
    }
    // The decoder reads 4 bytes ahead; an encoder's last byte is the one
    // just before that window.
    let end = decoder.consumed().saturating_sub(3);
    if data.len() > end {
        return Err(super::QrError::TrailingBytes {
            layer: "arithmetic coding",
            count: data.len() - end,
        });
    }
    Ok(out)
}
