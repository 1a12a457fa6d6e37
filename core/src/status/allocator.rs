//! Random status-list index allocation for the issuer.

use rand_core::RngCore;

use super::{Bitstring, StatusError, StatusSize, MAX_BYTES};

/// How many random draws are tried before falling back to counting the free
/// indexes. With half the list used, 32 misses in a row happen once in 4
/// billion allocations.
const RANDOM_TRIES: u32 = 32;

/// Picks status-list indexes uniformly at random among the free ones, as the
/// spec advises (§2.1, §6.5): a sequential index would tell a verifier how
/// recently a licence was issued and how many were issued before it.
///
/// Pure: the issuer keeps the set of used indexes (every index ever handed
/// out, including those of revoked or expired licences, so that no index is
/// ever reused) and passes a lookup into [`IndexAllocator::allocate`]; it
/// records the returned index before allocating the next one. When the list
/// is full, allocation fails with [`StatusError::ListFull`] and the issuer
/// starts a new list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexAllocator {
    entries: u64,
}

impl IndexAllocator {
    /// An allocator for a list of `entries` entries (indexes `0..entries`):
    /// 1 up to the entries of the largest list we handle ([`MAX_BYTES`] * 8).
    pub fn new(entries: u64) -> Result<Self, StatusError> {
        if entries == 0 || entries > MAX_BYTES as u64 * 8 {
            return Err(StatusError::InvalidAllocatorSize { entries });
        }
        Ok(Self { entries })
    }

    /// An allocator for every entry of `bitstring` at `size` bits per entry.
    pub fn for_bitstring(bitstring: &Bitstring, size: StatusSize) -> Result<Self, StatusError> {
        Self::new(bitstring.entries(size))
    }

    /// The number of indexes this allocator hands out from.
    pub fn entries(&self) -> u64 {
        self.entries
    }

    /// A free index, uniformly distributed over the indexes for which
    /// `is_used` is false. Fails with [`StatusError::ListFull`] when there are
    /// none.
    ///
    /// Draws random indexes and returns the first free one; after a run of
    /// misses (a nearly full list) it counts the free indexes and picks one
    /// of them at random, which is equally uniform and always terminates.
    pub fn allocate<R, F>(&self, rng: &mut R, is_used: F) -> Result<u64, StatusError>
    where
        R: RngCore + ?Sized,
        F: Fn(u64) -> bool,
    {
        for _ in 0..RANDOM_TRIES {
            let candidate = uniform_below(rng, self.entries);
            if !is_used(candidate) {
                return Ok(candidate);
            }
        }
        let full = StatusError::ListFull {
            entries: self.entries,
        };
        let free = (0..self.entries)
            .filter(|&i| !is_used(i))
            .fold(0u64, |n, _| n + 1);
        if free == 0 {
            return Err(full);
        }
        let mut skip = uniform_below(rng, free);
        for index in (0..self.entries).filter(|&i| !is_used(i)) {
            if skip == 0 {
                return Ok(index);
            }
            skip -= 1;
        }
        // Only reachable if `is_used` changed its answers during the call.
        Err(full)
    }
}

/// A uniform integer in `0..bound` (`bound` > 0) without modulo bias: draws
/// below `2^64 mod bound` are rejected so the remaining range is a multiple
/// of `bound`.
fn uniform_below<R: RngCore + ?Sized>(rng: &mut R, bound: u64) -> u64 {
    let threshold = bound.wrapping_neg() % bound;
    loop {
        let x = rng.next_u64();
        if x >= threshold {
            return x % bound;
        }
    }
}
