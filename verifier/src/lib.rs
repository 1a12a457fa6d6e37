//! Offline verification policy.
