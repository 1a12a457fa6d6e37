//! Permutations in Steinhaus–Johnson–Trotter order.
//!
//! RDFC-1.0 (Hash N-Degree Quads, step 5.4) walks every permutation of a list
//! of related blank nodes and keeps the first one giving the smallest path.
//! Which permutation is "first" only matters between equal paths (it can pick
//! a different, equally valid issuer), but we follow the reference
//! implementation (rdf-canonize / jsonld.js) exactly: the list is sorted and
//! permuted by SJT, so issued-identifier maps match theirs.
//!
//! Unlike the reference, positions rather than values are permuted, so a list
//! holding the same node twice still yields all n! orders.

/// Iterates permutations of `0..n`, without allocating per step.
pub(crate) struct Permuter {
    current: Vec<usize>,
    /// `true` when the element (by value) currently looks left.
    left: Vec<bool>,
}

impl Permuter {
    pub(crate) fn new(n: usize) -> Self {
        Permuter {
            current: (0..n).collect(),
            left: vec![true; n],
        }
    }

    /// The current permutation.
    pub(crate) fn current(&self) -> &[usize] {
        &self.current
    }

    /// Moves to the next permutation; `false` when all have been produced.
    pub(crate) fn advance(&mut self) -> bool {
        let len = self.current.len();
        // Find the largest mobile element: one looking at a smaller neighbour.
        let mut mobile: Option<(usize, usize)> = None; // (value, position)
        for (i, &element) in self.current.iter().enumerate() {
            let looks_at_smaller = if self.left[element] {
                i > 0 && element > self.current[i - 1]
            } else {
                i + 1 < len && element > self.current[i + 1]
            };
            if looks_at_smaller && mobile.is_none_or(|(k, _)| element > k) {
                mobile = Some((element, i));
            }
        }
        let Some((k, pos)) = mobile else {
            return false;
        };
        let swap = if self.left[k] { pos - 1 } else { pos + 1 };
        self.current.swap(pos, swap);
        for &element in &self.current {
            if element > k {
                self.left[element] = !self.left[element];
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn produces_every_permutation_once_in_sjt_order() {
        let mut p = Permuter::new(3);
        let mut seen = vec![p.current().to_vec()];
        while p.advance() {
            seen.push(p.current().to_vec());
        }
        assert_eq!(
            seen,
            vec![
                vec![0, 1, 2],
                vec![0, 2, 1],
                vec![2, 0, 1],
                vec![2, 1, 0],
                vec![1, 2, 0],
                vec![1, 0, 2]
            ]
        );
        let mut p = Permuter::new(5);
        let mut all = BTreeSet::from([p.current().to_vec()]);
        let mut count = 1;
        while p.advance() {
            all.insert(p.current().to_vec());
            count += 1;
        }
        assert_eq!((count, all.len()), (120, 120));
    }

    #[test]
    fn single_and_empty_lists() {
        assert!(!Permuter::new(1).advance());
        assert!(!Permuter::new(0).advance());
    }
}
