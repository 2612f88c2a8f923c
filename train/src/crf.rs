//! A linear-chain CRF over the BIO tags: its training loss.
//!
//! The slot head's logits are the CRF's emission scores; the CRF adds a
//! learned score for every pair of neighbouring tags (`transitions[from, to]`)
//! and for the first tag (`start`). Training minimises the negative
//! log-likelihood of the gold tag sequence; decoding ([`hearth::bio::decode_tags_crf`])
//! finds the best sequence with Viterbi under the BIO rules.

use candle_core::{D, Tensor};

/// The summed negative log-likelihood of the gold tags of the rows whose
/// `weights` entry is 1 (rows with weight 0, such as intent-only examples,
/// add nothing).
///
/// `emissions` is `[B, T, K]`; row `r` has `lengths[r]` real tokens, and
/// `tags` is `[B * T]` row-major (entries past a row's length are ignored).
/// `transitions` is `[K, K]` and `start` `[K]`.
pub fn nll(
    emissions: &Tensor,
    lengths: &[usize],
    tags: &[u32],
    weights: &[f32],
    transitions: &Tensor,
    start: &Tensor,
) -> candle_core::Result<Tensor> {
    let (b, t, k) = emissions.dims3()?;
    let device = emissions.device();
    // The partition function, by the forward algorithm in shifted
    // probability space (one matrix product per step); each row's value is
    // read at its last real token.
    let exp_transitions = transitions.exp()?;
    let mut alpha = emissions.narrow(1, 0, 1)?.squeeze(1)?.broadcast_add(start)?;
    let mut alphas = Vec::with_capacity(t);
    alphas.push(alpha.clone());
    for step in 1..t {
        let emit = emissions.narrow(1, step, 1)?.squeeze(1)?;
        // The shift only keeps exp() in range; its gradient cancels out.
        let shift = alpha.max_keepdim(1)?.detach();
        let summed = alpha.broadcast_sub(&shift)?.exp()?.matmul(&exp_transitions)?;
        alpha = summed.log()?.broadcast_add(&shift)?.add(&emit)?;
        alphas.push(alpha.clone());
    }
    let last: Vec<u32> = lengths.iter().map(|&l| l.clamp(1, t) as u32 - 1).collect();
    let last = Tensor::from_vec(last, (b, 1, 1), device)?.broadcast_as((b, 1, k))?.contiguous()?;
    let alpha = Tensor::stack(&alphas, 1)?.gather(&last, 1)?.squeeze(1)?;
    let log_z = alpha.log_sum_exp(D::Minus1)?;
    let weight = Tensor::from_vec(weights.to_vec(), b, device)?;
    let log_z = log_z.mul(&weight)?.sum_all()?;

    // The gold path's score: its emissions, its first tag and its pairs.
    let mut token_weight = vec![0f32; b * t];
    let mut pairs = Vec::new();
    for (row, (&len, &w)) in lengths.iter().zip(weights).enumerate() {
        if w == 0.0 || len == 0 {
            continue;
        }
        let row_tags = &tags[row * t..row * t + len.min(t)];
        token_weight[row * t..row * t + row_tags.len()].fill(1.0);
        pairs.extend(row_tags.windows(2).map(|p| p[0] * k as u32 + p[1]));
    }
    let gold_tags = Tensor::from_vec(tags.to_vec(), (b * t, 1), device)?;
    let token_weight = Tensor::from_vec(token_weight, (b * t, 1), device)?;
    let mut gold = emissions.reshape((b * t, k))?.gather(&gold_tags, 1)?.mul(&token_weight)?.sum_all()?;
    let firsts: Vec<u32> = first_indices(lengths, tags, weights, t);
    if !firsts.is_empty() {
        let n = firsts.len();
        gold = gold.add(&start.index_select(&Tensor::from_vec(firsts, n, device)?, 0)?.sum_all()?)?;
    }
    if !pairs.is_empty() {
        let n = pairs.len();
        let flat = transitions.reshape(k * k)?;
        gold = gold.add(&flat.index_select(&Tensor::from_vec(pairs, n, device)?, 0)?.sum_all()?)?;
    }
    log_z.sub(&gold)
}

/// The first gold tag of every weighted, non-empty row.
fn first_indices(lengths: &[usize], tags: &[u32], weights: &[f32], t: usize) -> Vec<u32> {
    lengths
        .iter()
        .zip(weights)
        .enumerate()
        .filter(|(_, (len, w))| **len > 0 && **w != 0.0)
        .map(|(row, _)| tags[row * t])
        .collect()
}

#[cfg(test)]
mod tests {
    use candle_core::{Device, Tensor};

    use super::*;

    /// Brute force: log of the sum over every tag sequence of exp(score).
    fn brute_log_z(emissions: &[Vec<f32>], transitions: &[Vec<f32>], start: &[f32]) -> f32 {
        let k = start.len();
        let len = emissions.len();
        let mut total = 0f64;
        for code in 0..k.pow(len as u32) {
            let path: Vec<usize> = (0..len).map(|i| (code / k.pow(i as u32)) % k).collect();
            let mut s = start[path[0]] + emissions[0][path[0]];
            for i in 1..len {
                s += transitions[path[i - 1]][path[i]] + emissions[i][path[i]];
            }
            total += f64::from(s).exp();
        }
        total.ln() as f32
    }

    #[test]
    fn nll_matches_brute_force_and_ignores_padding_and_unweighted_rows() -> candle_core::Result<()> {
        let device = Device::Cpu;
        let k = 3;
        let transitions = vec![vec![0.1, -0.4, 0.3], vec![0.2, 0.5, -0.1], vec![-0.3, 0.0, 0.6]];
        let start = vec![0.2, -0.1, 0.4];
        // Row 0 has 3 tokens, row 1 has 2 (one padding step), row 2 is unweighted.
        let e: Vec<Vec<Vec<f32>>> = vec![
            vec![vec![0.5, -0.2, 0.1], vec![0.0, 0.3, -0.5], vec![0.7, 0.1, 0.2]],
            vec![vec![-0.3, 0.8, 0.0], vec![0.4, 0.4, -0.2], vec![9.0, 9.0, 9.0]],
            vec![vec![1.0, 2.0, 3.0], vec![1.0, 2.0, 3.0], vec![1.0, 2.0, 3.0]],
        ];
        let tags = vec![0, 1, 2, 1, 0, 0, 2, 2, 2];
        let flat: Vec<f32> = e.iter().flatten().flatten().copied().collect();
        let emissions = Tensor::from_vec(flat, (3, 3, k), &device)?;
        let trans = Tensor::from_vec(transitions.iter().flatten().copied().collect::<Vec<_>>(), (k, k), &device)?;
        let start_t = Tensor::from_vec(start.clone(), k, &device)?;
        let got = nll(&emissions, &[3, 2, 3], &tags, &[1.0, 1.0, 0.0], &trans, &start_t)?.to_scalar::<f32>()?;

        let gold0 = start[0] + e[0][0][0] + transitions[0][1] + e[0][1][1] + transitions[1][2] + e[0][2][2];
        let gold1 = start[1] + e[1][0][1] + transitions[1][0] + e[1][1][0];
        let want =
            brute_log_z(&e[0], &transitions, &start) - gold0 + brute_log_z(&e[1][..2], &transitions, &start) - gold1;
        assert!((got - want).abs() < 1e-4, "got {got}, want {want}");
        Ok(())
    }

    #[test]
    fn nll_gradient_matches_finite_differences() -> candle_core::Result<()> {
        let device = Device::Cpu;
        let k = 3;
        let emissions = Tensor::from_vec(
            vec![0.5f32, -0.2, 0.1, 0.0, 0.3, -0.5, 0.7, 0.1, 0.2, -0.3, 0.8, 0.0, 0.4, 0.4, -0.2, 0.0, 0.0, 0.0],
            (2, 3, k),
            &device,
        )?;
        let values = vec![0.1f32, -0.4, 0.3, 0.2, 0.5, -0.1, -0.3, 0.0, 0.6];
        let transitions = candle_core::Var::from_vec(values.clone(), (k, k), &device)?;
        let start = Tensor::zeros(k, candle_core::DType::F32, &device)?;
        let (lengths, tags, weights) = ([3, 2], [0u32, 1, 2, 1, 0, 0], [1.0f32, 1.0]);
        let loss = nll(&emissions, &lengths, &tags, &weights, transitions.as_tensor(), &start)?;
        let grad =
            loss.backward()?.get(transitions.as_tensor()).expect("a gradient").flatten_all()?.to_vec1::<f32>()?;
        for i in 0..k * k {
            let at = |delta: f32| -> candle_core::Result<f32> {
                let mut v = values.clone();
                v[i] += delta;
                let tr = Tensor::from_vec(v, (k, k), &device)?;
                nll(&emissions, &lengths, &tags, &weights, &tr, &start)?.to_scalar::<f32>()
            };
            let numeric = (at(1e-2)? - at(-1e-2)?) / 2e-2;
            assert!((numeric - grad[i]).abs() < 1e-2, "entry {i}: numeric {numeric}, autograd {}", grad[i]);
        }
        Ok(())
    }
}
