//! Quantise -> dequantise round trips on random tensors stay within budget.

use hearth_quantize::quant::{ChannelAxis, ErrorStats, QMAX, fake_quantize, quantize_per_channel, symmetric_scale};
use hearth_quantize::tensors::WEIGHT_REL_RMSE_BUDGET;
use proptest::prelude::*;

fn tensor() -> impl Strategy<Value = (usize, Vec<f32>)> {
    (1usize..24, 1usize..24, -6i32..4).prop_flat_map(|(rows, cols, exp)| {
        let mag = 10f32.powi(exp);
        (Just(cols), prop::collection::vec(-mag..mag, rows * cols))
    })
}

/// Whether `back` is within half a quantisation `step` of `value`.
///
/// The quotient `value / step` and the product `code * step` are each
/// rounded to f32, so a value a hair past a half step can land on an exact
/// tie and round inward; the slack allows those two roundings (half an ulp
/// each, of `value` and of `back`) and nothing more.
fn within_half_a_step(value: f32, back: f32, step: f32) -> bool {
    let slack = (value.abs() + back.abs()) * f32::EPSILON;
    (value - back).abs() <= step * 0.5 + slack
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn every_value_is_within_half_a_step((cols, values) in tensor(), by_rows in any::<bool>()) {
        let axis = if by_rows { ChannelAxis::Rows } else { ChannelAxis::Cols };
        let q = quantize_per_channel(&values, cols, axis);
        let back = q.dequantize();
        for (i, (&v, &b)) in values.iter().zip(&back).enumerate() {
            let step = q.scale_of(i);
            prop_assert!(within_half_a_step(v, b, step), "{v} -> {b}, step {step}");
            prop_assert!(q.codes[i] >= -127, "code {}", q.codes[i]);
            prop_assert!(v == 0.0 || b == 0.0 || v.signum() == b.signum(), "sign of {v} flipped to {b}");
        }
    }

    #[test]
    fn the_largest_value_of_each_channel_is_exact((cols, values) in tensor()) {
        let q = quantize_per_channel(&values, cols, ChannelAxis::Cols);
        for c in 0..cols {
            let column: Vec<f32> = values.iter().skip(c).step_by(cols).copied().collect();
            let max = column.iter().fold(0f32, |m, v| m.max(v.abs()));
            prop_assert_eq!(q.scales[c], symmetric_scale(max));
            if max > 0.0 {
                let codes: Vec<i8> = q.codes.iter().skip(c).step_by(cols).copied().collect();
                prop_assert!(codes.iter().any(|&k| f32::from(k).abs() == QMAX));
            }
        }
    }

    #[test]
    fn gaussian_like_weights_meet_the_rmse_budget(seed in any::<u64>(), cols in 8usize..64) {
        // Sums of uniforms: bell-shaped like trained weights.
        let mut state = seed | 1;
        let mut next = || { state ^= state << 13; state ^= state >> 7; state ^= state << 17; (state >> 40) as f32 / (1u64 << 24) as f32 - 0.5 };
        let values: Vec<f32> = (0..cols * 32).map(|_| (0..4).map(|_| next()).sum::<f32>()).collect();
        let q = quantize_per_channel(&values, cols, ChannelAxis::Cols);
        let e = ErrorStats::between(&values, &q.dequantize());
        prop_assert!(e.relative_rmse() <= WEIGHT_REL_RMSE_BUDGET, "{e:?}");
    }

    #[test]
    fn activations_saturate_beyond_their_range(values in prop::collection::vec(-4f32..4.0, 1..200), range in 0.01f32..3.0) {
        let scale = symmetric_scale(range);
        for (&v, &b) in values.iter().zip(&fake_quantize(&values, scale)) {
            if v.abs() <= range {
                prop_assert!(within_half_a_step(v, b, scale), "{v} -> {b}");
            } else {
                prop_assert!((b.abs() - range).abs() <= range * 1e-5, "{v} -> {b}, range {range}");
            }
        }
    }
}
