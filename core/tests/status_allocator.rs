//! Random status-list index allocation: never reused, uniform over the free
//! indexes, no ordering leak, and a clear error when the list is full.

use std::collections::HashSet;

use elicence_core::status::{Bitstring, IndexAllocator, StatusError, StatusSize, MIN_BITS};
use rand_core::{impls, RngCore};

/// Deterministic test RNG (SplitMix64), so failures reproduce.
struct SplitMix(u64);

impl RngCore for SplitMix {
    fn next_u32(&mut self) -> u32 {
        self.next_u64() as u32
    }
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        impls::fill_bytes_via_next(self, dest)
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

#[test]
fn allocations_never_repeat() {
    let allocator = IndexAllocator::new(131_072).unwrap();
    let mut rng = SplitMix(1);
    let mut used = HashSet::new();
    for _ in 0..20_000 {
        let index = allocator.allocate(&mut rng, |i| used.contains(&i)).unwrap();
        assert!(index < 131_072);
        assert!(used.insert(index), "index {index} handed out twice");
    }
}

#[test]
fn a_full_list_is_an_error_after_every_index_was_handed_out_once() {
    let allocator = IndexAllocator::new(1000).unwrap();
    let mut rng = SplitMix(2);
    let mut used = HashSet::new();
    for _ in 0..1000 {
        let index = allocator.allocate(&mut rng, |i| used.contains(&i)).unwrap();
        assert!(used.insert(index));
    }
    assert_eq!(used.len(), 1000);
    assert!(used.iter().all(|&i| i < 1000));
    let err = allocator
        .allocate(&mut rng, |i| used.contains(&i))
        .unwrap_err();
    assert_eq!(err, StatusError::ListFull { entries: 1000 });
    assert!(err.to_string().contains("start a new list"));
    assert_eq!(err.spec_code(), None);
}

#[test]
fn picks_are_uniform_over_the_free_indexes() {
    // Half of a 20-entry list is used: each of the 10 free indexes should get
    // about a tenth of 50,000 picks.
    let allocator = IndexAllocator::new(20).unwrap();
    let used = |i: u64| i % 2 == 0;
    let mut rng = SplitMix(3);
    let mut counts = [0u32; 20];
    for _ in 0..50_000 {
        let index = allocator.allocate(&mut rng, used).unwrap();
        assert!(!used(index));
        counts[index as usize] += 1;
    }
    for (index, &count) in counts.iter().enumerate() {
        if index % 2 == 0 {
            assert_eq!(count, 0);
        } else {
            // Expected 5,000, standard deviation about 67.
            assert!((4_700..=5_300).contains(&count), "index {index}: {count}");
        }
    }
}

#[test]
fn a_nearly_full_list_still_finds_its_last_free_indexes_uniformly() {
    // Three free indexes among 10,000: random draws almost always miss, so
    // the counting fallback is what answers.
    let allocator = IndexAllocator::new(10_000).unwrap();
    let free = [0u64, 5_017, 9_999];
    let used = |i: u64| !free.contains(&i);
    let mut rng = SplitMix(4);
    let mut counts = [0u32; 3];
    for _ in 0..1_500 {
        let index = allocator.allocate(&mut rng, used).unwrap();
        counts[free.iter().position(|&f| f == index).unwrap()] += 1;
    }
    // Expected 500 each, standard deviation about 18.
    for count in counts {
        assert!((420..=580).contains(&count), "{counts:?}");
    }
}

#[test]
fn allocation_order_reveals_nothing() {
    // The first licences of a new list are spread over the whole list, not
    // packed at its start, and their indexes do not grow with issuance order.
    let allocator = IndexAllocator::new(131_072).unwrap();
    let mut rng = SplitMix(5);
    let mut used = HashSet::new();
    let mut order = Vec::new();
    for _ in 0..100 {
        let index = allocator.allocate(&mut rng, |i| used.contains(&i)).unwrap();
        used.insert(index);
        order.push(index);
    }
    let low = order.iter().filter(|&&i| i < 65_536).count();
    assert!((30..=70).contains(&low), "{low} of 100 in the lower half");
    let rises = order.windows(2).filter(|w| w[1] > w[0]).count();
    assert!((30..=70).contains(&rises), "{rises} of 99 steps go up");
    assert!(order.iter().any(|&i| i > 120_000));
}

#[test]
fn allocator_size_comes_from_the_list() {
    let list = Bitstring::new(MIN_BITS * 2).unwrap();
    let one = IndexAllocator::for_bitstring(&list, StatusSize::ONE).unwrap();
    assert_eq!(one.entries(), 262_144);
    let two = IndexAllocator::for_bitstring(&list, StatusSize::new(2).unwrap()).unwrap();
    assert_eq!(two.entries(), 131_072);
    let mut rng = SplitMix(6);
    for _ in 0..1000 {
        let index = two.allocate(&mut rng, |_| false).unwrap();
        // Every allocated index is usable in the list.
        list.get_status(index, StatusSize::new(2).unwrap()).unwrap();
    }
    for entries in [0, 16 * 1024 * 1024 * 8 + 1, u64::MAX] {
        assert_eq!(
            IndexAllocator::new(entries),
            Err(StatusError::InvalidAllocatorSize { entries })
        );
    }
    assert!(IndexAllocator::new(16 * 1024 * 1024 * 8).is_ok());
}
