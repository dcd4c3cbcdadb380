//! 故意丢包（`--drop P`）：按比例 P 丢掉收到的数据报，在本机上也能看见
//! UDP 的“发出去不知道到没到”。
//!
//! Loopback drops a datagram only when the receiver's buffer is full (the
//! benchmark lost some at 500 clients), so a class rarely sees it; this
//! makes loss happen on demand. The
//! choice is made by a tiny pseudo-random generator (SplitMix64): no crate,
//! and the same `--seed` drops the same datagrams, so a test or the book
//! can show one exact run.

use std::time::{SystemTime, UNIX_EPOCH};

/// 决定每个数据报丢不丢：比例来自 `--drop`，同一个 `--seed` 丢的总是同一批。
pub struct Loss {
    /// The fraction to drop, `0.0 <= fraction < 1.0` (checked by the
    /// command line).
    fraction: f64,
    state: u64,
}

impl Loss {
    /// `seed` fixes the sequence; without it, the clock and the process id
    /// pick one.
    pub fn new(fraction: f64, seed: Option<u64>) -> Self {
        let state = seed.unwrap_or_else(|| {
            let nanos = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() as u64);
            nanos ^ u64::from(std::process::id()).rotate_left(32)
        });
        Loss { fraction, state }
    }

    // ANCHOR: draw
    /// 这一个数据报要不要丢。
    pub fn drop_this(&mut self) -> bool {
        // --drop 0（默认）什么都不丢，也不用抽随机数。
        self.fraction > 0.0 && self.next_unit() < self.fraction
    }

    /// 下一个 `[0, 1)` 之间的随机数。
    fn next_unit(&mut self) -> f64 {
        // SplitMix64（Steele、Lea、Flood，2014）：状态只是一个 u64，
        // 几行就写完，对课堂演示足够“随机”。
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        // 取高 53 位，正好填满 f64 的尾数。
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
    // ANCHOR_END: draw
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dropped(fraction: f64, seed: u64, n: usize) -> usize {
        let mut loss = Loss::new(fraction, Some(seed));
        (0..n).filter(|_| loss.drop_this()).count()
    }

    #[test]
    fn zero_drops_nothing() {
        assert_eq!(dropped(0.0, 1, 10_000), 0);
    }

    #[test]
    fn the_fraction_is_kept_over_many_datagrams() {
        for fraction in [0.01, 0.1, 0.3, 0.5, 0.9, 0.999] {
            for seed in [0, 1, 42, u64::MAX] {
                let n = 20_000;
                let got = dropped(fraction, seed, n) as f64 / n as f64;
                // 20,000 draws: the standard deviation is at most 0.0036.
                assert!(
                    (got - fraction).abs() < 0.02,
                    "fraction {fraction}, seed {seed}: dropped {got}"
                );
            }
        }
    }

    #[test]
    fn the_same_seed_drops_the_same_datagrams() {
        let pattern = |seed| {
            let mut loss = Loss::new(0.5, Some(seed));
            (0..64).map(|_| loss.drop_this()).collect::<Vec<_>>()
        };
        assert_eq!(pattern(7), pattern(7));
        assert_ne!(pattern(7), pattern(8));
    }

    #[test]
    fn no_long_runs_at_one_half() {
        // A broken generator (stuck bits, a short cycle) shows up as long
        // runs of the same answer.
        let mut loss = Loss::new(0.5, Some(3));
        let draws: Vec<bool> = (0..10_000).map(|_| loss.drop_this()).collect();
        let longest = draws
            .chunk_by(|a, b| a == b)
            .map(<[bool]>::len)
            .max()
            .unwrap();
        assert!(longest < 30, "a run of {longest}");
    }

    #[test]
    fn unseeded_runs_differ() {
        let a = Loss::new(0.5, None).state;
        std::thread::sleep(std::time::Duration::from_millis(2));
        let b = Loss::new(0.5, None).state;
        assert_ne!(a, b);
    }
}
