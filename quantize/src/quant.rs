//! The arithmetic of int8 quantisation: symmetric scales per channel or per
//! tensor, quantise and dequantise, and the error of a quantised tensor.
//!
//! Every scheme here is symmetric (zero point 0) with codes in `-127..=127`, so
//! that `-q` is always representable and products of two codes fit the int32
//! accumulators of integer matrix products with room to spare.

/// The largest int8 code used.
pub const QMAX: f32 = 127.0;

/// Which axis of a 2-D `[rows, cols]` tensor carries the channels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelAxis {
    /// One scale per row (embedding tables: one per token).
    Rows,
    /// One scale per column (`MatMul` weights `[K, N]`: one per output).
    Cols,
}

/// An int8 tensor with one scale per channel.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantized {
    /// The codes, in the layout of the float tensor.
    pub codes: Vec<i8>,
    /// One scale per channel; `value ≈ code * scale`.
    pub scales: Vec<f32>,
    /// The channel axis.
    pub axis: ChannelAxis,
    /// Number of columns of the 2-D view.
    pub cols: usize,
}

impl Quantized {
    /// The scale of element `index`.
    pub fn scale_of(&self, index: usize) -> f32 {
        match self.axis {
            ChannelAxis::Rows => self.scales[index / self.cols],
            ChannelAxis::Cols => self.scales[index % self.cols],
        }
    }

    /// The dequantised values.
    pub fn dequantize(&self) -> Vec<f32> {
        self.codes.iter().enumerate().map(|(i, &q)| f32::from(q) * self.scale_of(i)).collect()
    }
}

/// The symmetric scale for values whose largest magnitude is `abs_max`. A zero
/// or non-finite range gets scale 1 (every code is then 0).
pub fn symmetric_scale(abs_max: f32) -> f32 {
    if abs_max > 0.0 && abs_max.is_finite() { abs_max / QMAX } else { 1.0 }
}

/// `round_half_to_even(x / scale)` saturated to `-127..=127`, as ONNX
/// `QuantizeLinear` with zero point 0 computes it (except that -128 is never
/// produced).
pub fn quantize_value(x: f32, scale: f32) -> i8 {
    (x / scale).round_ties_even().clamp(-QMAX, QMAX) as i8
}

/// Quantises a `[rows, cols]` tensor symmetrically, one scale per channel.
/// `values.len()` must be a multiple of `cols` (`cols > 0`).
pub fn quantize_per_channel(values: &[f32], cols: usize, axis: ChannelAxis) -> Quantized {
    let cols = cols.max(1);
    let rows = values.len() / cols;
    let channels = match axis {
        ChannelAxis::Rows => rows,
        ChannelAxis::Cols => cols,
    };
    let mut abs_max = vec![0f32; channels];
    for (i, v) in values.iter().enumerate() {
        let c = if axis == ChannelAxis::Rows { i / cols } else { i % cols };
        abs_max[c] = abs_max[c].max(v.abs());
    }
    let scales: Vec<f32> = abs_max.into_iter().map(symmetric_scale).collect();
    let mut q = Quantized { codes: Vec::with_capacity(values.len()), scales, axis, cols };
    for (i, &v) in values.iter().enumerate() {
        let code = quantize_value(v, q.scale_of(i));
        q.codes.push(code);
    }
    q
}

/// Quantises and dequantises `values` with one `scale` (an activation).
pub fn fake_quantize(values: &[f32], scale: f32) -> Vec<f32> {
    values.iter().map(|&v| f32::from(quantize_value(v, scale)) * scale).collect()
}

/// How activation ranges are chosen from calibration values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RangeMethod {
    /// The largest magnitude seen.
    MinMax,
    /// This percentile (0-100) of the magnitudes seen; larger values saturate.
    Percentile(f64),
}

impl std::fmt::Display for RangeMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RangeMethod::MinMax => f.write_str("min/max"),
            RangeMethod::Percentile(p) => write!(f, "percentile {p}"),
        }
    }
}

/// The magnitude range chosen for `abs_values` (which it reorders). Empty
/// input gives 0.
pub fn range_of(abs_values: &mut [f32], method: RangeMethod) -> f32 {
    if abs_values.is_empty() {
        return 0.0;
    }
    match method {
        RangeMethod::MinMax => abs_values.iter().copied().fold(0.0, f32::max),
        RangeMethod::Percentile(p) => {
            let p = p.clamp(0.0, 100.0) / 100.0;
            let k = ((abs_values.len() - 1) as f64 * p).round() as usize;
            let (_, v, _) = abs_values.select_nth_unstable_by(k, f32::total_cmp);
            *v
        }
    }
}

/// The error of an approximation against its reference.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct ErrorStats {
    /// Root mean square of the difference.
    pub rmse: f64,
    /// Largest absolute difference.
    pub max_abs: f64,
    /// Root mean square of the reference (to read `rmse` against).
    pub rms: f64,
    /// Number of values compared.
    pub n: usize,
}

impl ErrorStats {
    /// Compares `approx` with `reference` element by element (the shorter
    /// length counts).
    pub fn between(reference: &[f32], approx: &[f32]) -> Self {
        let mut acc = ErrorAccumulator::default();
        acc.add(reference, approx);
        acc.finish()
    }

    /// `rmse / rms`, or 0 for an all-zero reference.
    pub fn relative_rmse(&self) -> f64 {
        if self.rms > 0.0 { self.rmse / self.rms } else { 0.0 }
    }
}

/// Accumulates [`ErrorStats`] over many pairs of slices.
#[derive(Debug, Clone, Default)]
pub struct ErrorAccumulator {
    sq_err: f64,
    sq_ref: f64,
    max_abs: f64,
    n: usize,
}

impl ErrorAccumulator {
    /// Adds one pair of slices.
    pub fn add(&mut self, reference: &[f32], approx: &[f32]) {
        for (&r, &a) in reference.iter().zip(approx) {
            let d = f64::from(r) - f64::from(a);
            self.sq_err += d * d;
            self.sq_ref += f64::from(r) * f64::from(r);
            self.max_abs = self.max_abs.max(d.abs());
            self.n += 1;
        }
    }

    /// The statistics so far.
    pub fn finish(&self) -> ErrorStats {
        let n = self.n.max(1) as f64;
        ErrorStats { rmse: (self.sq_err / n).sqrt(), max_abs: self.max_abs, rms: (self.sq_ref / n).sqrt(), n: self.n }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_column_scales_follow_each_column() {
        let w = [1.0, -0.1, -2.0, 0.05, 0.5, 0.0];
        let q = quantize_per_channel(&w, 3, ChannelAxis::Cols);
        assert_eq!(q.scales, [1.0 / QMAX, 0.5 / QMAX, 2.0 / QMAX]);
        assert_eq!(q.codes, [127, -25, -127, 6, 127, 0]);
    }

    #[test]
    fn zero_channels_stay_zero() {
        let q = quantize_per_channel(&[0.0, 0.0, 3.0, -3.0], 2, ChannelAxis::Rows);
        assert_eq!(q.codes, [0, 0, 127, -127]);
        assert_eq!(q.dequantize(), [0.0, 0.0, 3.0, -3.0]);
    }

    #[test]
    fn percentile_ignores_outliers() {
        let mut v: Vec<f32> = (0..1000).map(|i| i as f32 / 1000.0).collect();
        v.push(100.0);
        assert_eq!(range_of(&mut v.clone(), RangeMethod::MinMax), 100.0);
        let p = range_of(&mut v, RangeMethod::Percentile(99.0));
        assert!(p < 1.0, "{p}");
    }
}
