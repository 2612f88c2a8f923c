//! An ONNX `LSTM` rewritten as one ONNX `Scan` with integer matrix products.
//!
//! Outside the loop, once per utterance: the input projection of every
//! direction in one `MatMulInteger` (`X` quantised per tensor, `W` per gate
//! row), rescaled to float, plus both biases. Inside the loop, per step: one
//! `MatMulInteger` of the hidden state of all directions `[B, 1, D*H]` with a
//! block-diagonal `R`, then the gates in float. Columns are laid out gate-major
//! (`i` of every direction, then `o`, `f`, `c`), so the pre-activations reshape
//! to `[B, 4, D*H]` and one `Sigmoid` covers every gate of every direction: the
//! candidate's `tanh(x)` is computed as `2 * sigmoid(2x) - 1`, its factor 2
//! folded into the scales and bias. The gates are then cut along the gate axis;
//! cutting the flat row instead makes tract split the recurrent product into
//! four. The reverse direction reads its projection through a second scan
//! input that runs backwards; a mask zeroes the other direction's columns in
//! each.
//!
//! Supported: `layout = 0`, default activations, no `clip`, no
//! `input_forget`, no `sequence_lens`, no peepholes; anything else is
//! [`QuantError::UnsupportedForm`].

use tract_onnx::pb::{GraphProto, NodeProto, TensorProto, tensor_proto::DataType};

use crate::error::{QuantError, Result};
use crate::graph::Names;
use crate::proto::{self, f32_tensor, i8_tensor, i64_tensor, int_attr, ints_attr, node};
use crate::quant::{ChannelAxis, ErrorStats, Quantized, quantize_per_channel};
use crate::tensors::{TensorReport, WEIGHT_REL_RMSE_BUDGET};

/// The inputs, outputs and form of one `LSTM` node.
#[derive(Debug, Clone, PartialEq)]
pub struct LstmNode {
    /// Node name.
    pub name: String,
    /// `X` `[T, B, I]`.
    pub x: String,
    /// `W` `[D, 4H, I]`.
    pub w: String,
    /// `R` `[D, 4H, H]`.
    pub r: String,
    /// `B` `[D, 8H]`.
    pub b: Option<String>,
    /// `initial_h` `[D, B, H]`.
    pub initial_h: Option<String>,
    /// `initial_c` `[D, B, H]`.
    pub initial_c: Option<String>,
    /// `Y` `[T, D, B, H]`.
    pub y: Option<String>,
    /// `Y_h` `[D, B, H]`.
    pub y_h: Option<String>,
    /// `Y_c` `[D, B, H]`.
    pub y_c: Option<String>,
    /// `hidden_size`.
    pub hidden: usize,
    /// Per direction index: true when it runs backwards in time.
    pub reverse: Vec<bool>,
}

fn slot(list: &[String], i: usize) -> Option<String> {
    list.get(i).filter(|s| !s.is_empty()).cloned()
}

impl LstmNode {
    /// Reads `node`, refusing the forms the rewrite does not support.
    pub fn parse(node: &NodeProto) -> Result<Self> {
        let unsupported =
            |what: String| QuantError::UnsupportedForm { node: node.name.clone(), op: node.op_type.clone(), what };
        if proto::attr_int(node, "layout", 0) != 0 {
            return Err(unsupported("layout = 1 (batch first); export with layout 0".into()));
        }
        if proto::attr(node, "clip").is_some() {
            return Err(unsupported(format!("clip = {}", proto::attr_float(node, "clip", 0.0))));
        }
        if proto::attr_int(node, "input_forget", 0) != 0 {
            return Err(unsupported("input_forget = 1".into()));
        }
        if let Some(a) = proto::attr(node, "activations") {
            let names: Vec<String> = a.strings.iter().map(|s| String::from_utf8_lossy(s).to_lowercase()).collect();
            let default = names.chunks(3).all(|c| c == ["sigmoid", "tanh", "tanh"]);
            if !default {
                return Err(unsupported(format!("activations {names:?} (only Sigmoid, Tanh, Tanh)")));
            }
        }
        if slot(&node.input, 4).is_some() {
            return Err(unsupported("input sequence_lens (every sequence must run its full length)".into()));
        }
        if slot(&node.input, 7).is_some() {
            return Err(unsupported("input P (peepholes)".into()));
        }
        let direction = proto::attr_string(node, "direction").unwrap_or_else(|| "forward".into());
        let reverse = match direction.as_str() {
            "forward" => vec![false],
            "reverse" => vec![true],
            "bidirectional" => vec![false, true],
            other => return Err(unsupported(format!("direction {other:?}"))),
        };
        let hidden = proto::attr_int(node, "hidden_size", 0);
        if hidden <= 0 {
            return Err(unsupported("missing hidden_size".into()));
        }
        let need =
            |i: usize, what: &str| slot(&node.input, i).ok_or_else(|| unsupported(format!("missing input {what}")));
        Ok(LstmNode {
            name: node.name.clone(),
            x: need(0, "X")?,
            w: need(1, "W")?,
            r: need(2, "R")?,
            b: slot(&node.input, 3),
            initial_h: slot(&node.input, 5),
            initial_c: slot(&node.input, 6),
            y: slot(&node.output, 0),
            y_h: slot(&node.output, 1),
            y_c: slot(&node.output, 2),
            hidden: hidden as usize,
            reverse,
        })
    }
}

/// Scales of the two activations the rewrite quantises.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LstmScales {
    /// Scale of `X`.
    pub x: f32,
    /// Scale of the hidden state.
    pub h: f32,
}

/// The weights of one LSTM in the combined, gate-major column layout.
#[derive(Debug, Clone)]
struct Combined {
    /// `[I, 4DH]`.
    w: Vec<f32>,
    /// `[DH, 4DH]`, block-diagonal.
    r: Vec<f32>,
    /// `[4DH]`, `Wb + Rb`.
    bias: Vec<f32>,
    inputs: usize,
}

fn combine(lstm: &LstmNode, w: &TensorProto, r: &TensorProto, b: Option<&TensorProto>) -> Result<Combined> {
    let (d, h) = (lstm.reverse.len(), lstm.hidden);
    let wd = proto::dims(w);
    if wd.len() != 3 || wd[0] != d || wd[1] != 4 * h {
        return Err(QuantError::tensor(
            &w.name,
            format!("W of {} has shape {wd:?}, expected [{d}, {}, I]", lstm.name, 4 * h),
        ));
    }
    let rd = proto::dims(r);
    if rd != [d, 4 * h, h] {
        return Err(QuantError::tensor(
            &r.name,
            format!("R of {} has shape {rd:?}, expected [{d}, {}, {h}]", lstm.name, 4 * h),
        ));
    }
    let inputs = wd[2];
    let (wv, rv) = (proto::f32_values(w)?, proto::f32_values(r)?);
    let bv = match b {
        Some(b) => {
            let v = proto::f32_values(b)?;
            if v.len() != d * 8 * h {
                return Err(QuantError::tensor(
                    &b.name,
                    format!("B of {} has {} values, expected {}", lstm.name, v.len(), d * 8 * h),
                ));
            }
            v
        }
        None => vec![0.0; d * 8 * h],
    };
    let n = 4 * d * h;
    let col = |g: usize, dir: usize, j: usize| g * d * h + dir * h + j;
    let mut c = Combined { w: vec![0.0; inputs * n], r: vec![0.0; d * h * n], bias: vec![0.0; n], inputs };
    for dir in 0..d {
        for g in 0..4 {
            for j in 0..h {
                let row = g * h + j;
                let cc = col(g, dir, j);
                for k in 0..inputs {
                    c.w[k * n + cc] = wv[(dir * 4 * h + row) * inputs + k];
                }
                for k in 0..h {
                    c.r[(dir * h + k) * n + cc] = rv[(dir * 4 * h + row) * h + k];
                }
                c.bias[cc] = bv[dir * 8 * h + row] + bv[dir * 8 * h + 4 * h + row];
            }
        }
    }
    Ok(c)
}

/// The error of a combined quantised matrix against the original weight
/// (block-diagonal zeros excluded: they stay exactly zero).
fn weight_report(name: &str, shape: Vec<usize>, float: &[f32], q: &Quantized) -> TensorReport {
    let deq = q.dequantize();
    let (reference, approx): (Vec<f32>, Vec<f32>) =
        float.iter().zip(&deq).filter(|(f, _)| **f != 0.0).map(|(f, a)| (*f, *a)).unzip();
    let largest = q.scales.iter().copied().fold(0f32, f32::max);
    TensorReport {
        name: name.to_string(),
        role: "weight".into(),
        shape,
        granularity: format!("int8, per gate row and direction ({} scales)", q.scales.len()),
        error: ErrorStats::between(&reference, &approx),
        max_abs_budget: Some(f64::from(largest) / 2.0),
        rel_rmse_budget: WEIGHT_REL_RMSE_BUDGET,
    }
}

/// What the rewrite of one LSTM adds to the graph.
#[derive(Debug, Clone)]
pub struct ScanRewrite {
    /// Nodes replacing the `LSTM`, in order.
    pub nodes: Vec<NodeProto>,
    /// New initializers of the outer graph.
    pub initializers: Vec<TensorProto>,
    /// Error of `W` and `R`.
    pub reports: Vec<TensorReport>,
}

/// Rewrites `lstm` (with weights `w`, `r`, `b`) as a `Scan` with integer
/// matrix products, quantising `X` and the hidden state with `scales`.
pub fn rewrite(
    lstm: &LstmNode,
    w: &TensorProto,
    r: &TensorProto,
    b: Option<&TensorProto>,
    scales: LstmScales,
    names: &mut Names,
) -> Result<ScanRewrite> {
    let (d, h) = (lstm.reverse.len(), lstm.hidden);
    let (dh, n) = (d * h, 4 * d * h);
    let c = combine(lstm, w, r, b)?;
    let wq = quantize_per_channel(&c.w, n, ChannelAxis::Cols);
    let rq = quantize_per_channel(&c.r, n, ChannelAxis::Cols);
    let reports =
        vec![weight_report(&lstm.w, proto::dims(w), &c.w, &wq), weight_report(&lstm.r, proto::dims(r), &c.r, &rq)];
    let base = if lstm.name.is_empty() { "lstm".to_string() } else { lstm.name.clone() };
    let p = |names: &mut Names, what: &str| names.fresh(&format!("{base}_{what}"));
    let mut inits = Vec::new();
    let mut nodes = Vec::new();

    // The input projection, once per utterance.
    let (x_scale, zero) = (p(names, "x_scale"), p(names, "zero_point"));
    inits.push(f32_tensor(&x_scale, &[], &[scales.x]));
    inits.push(i8_tensor(&zero, &[], &[0]));
    let w_codes = p(names, "W_i8");
    inits.push(i8_tensor(&w_codes, &[c.inputs, n], &wq.codes));
    let x_col_scale = p(names, "xw_scale");
    let xs: Vec<f32> = wq.scales.iter().enumerate().map(|(col, s)| s * scales.x * cell_factor(col, dh)).collect();
    inits.push(f32_tensor(&x_col_scale, &[n], &xs));
    let bias = p(names, "bias");
    let doubled: Vec<f32> = c.bias.iter().enumerate().map(|(col, b)| b * cell_factor(col, dh)).collect();
    inits.push(f32_tensor(&bias, &[n], &doubled));
    let xq = p(names, "x_i8");
    nodes.push(node(&xq, "QuantizeLinear", &[&lstm.x, &x_scale, &zero], &[&xq], vec![]));
    let xw32 = p(names, "xw_i32");
    nodes.push(node(&xw32, "MatMulInteger", &[&xq, &w_codes], &[&xw32], vec![]));
    let xwf = p(names, "xw_f32");
    nodes.push(node(&xwf, "Cast", &[&xw32], &[&xwf], vec![int_attr("to", DataType::Float as i64)]));
    let xws = p(names, "xw_scaled");
    nodes.push(node(&xws, "Mul", &[&xwf, &x_col_scale], &[&xws], vec![]));
    let xw_tbn = p(names, "xw_tbn");
    nodes.push(node(&xw_tbn, "Add", &[&xws, &bias], &[&xw_tbn], vec![]));
    // [T, B, 4DH] -> [T, B, 1, 4DH]: each step then matches the state's [B, 1, 4DH].
    let shape_tb1n = p(names, "shape_tb1n");
    inits.push(i64_tensor(&shape_tb1n, &[4], &[0, 0, 1, -1]));
    let xw = p(names, "xw");
    nodes.push(node(&xw, "Reshape", &[&xw_tbn, &shape_tb1n], &[&xw], vec![]));
    let mut scan_inputs = Vec::new();
    if d == 1 {
        scan_inputs.push(xw.clone());
    } else {
        for dir in 0..d {
            let mask: Vec<f32> = (0..n).map(|col| if (col % dh) / h == dir { 1.0 } else { 0.0 }).collect();
            let mask_name = p(names, &format!("mask{dir}"));
            inits.push(f32_tensor(&mask_name, &[n], &mask));
            let masked = p(names, &format!("xw{dir}"));
            nodes.push(node(&masked, "Mul", &[&xw, &mask_name], &[&masked], vec![]));
            scan_inputs.push(masked);
        }
    }

    // Initial states [B, 1, DH].
    let shape_b_dh = p(names, "shape_b1dh");
    inits.push(i64_tensor(&shape_b_dh, &[3], &[0, 1, -1]));
    let mut zeros: Option<String> = None;
    let mut initial = |given: &Option<String>, what: &str, names: &mut Names, nodes: &mut Vec<NodeProto>| -> String {
        if let Some(t) = given {
            let moved = names.fresh(&format!("{base}_{what}_bdh"));
            nodes.push(node(&moved, "Transpose", &[t], &[&moved], vec![ints_attr("perm", &[1, 0, 2])]));
            let flat = names.fresh(&format!("{base}_{what}0"));
            nodes.push(node(&flat, "Reshape", &[&moved, &shape_b_dh], &[&flat], vec![]));
            return flat;
        }
        if let Some(z) = &zeros {
            return z.clone();
        }
        // Zeros of shape [B, 1, DH], B taken from X at run time: X[0, :, 0:1] * 0[1, 1, DH].
        let first = names.fresh(&format!("{base}_x_first"));
        let (index, start, end, axis) = (
            names.fresh(&format!("{base}_zero_index")),
            names.fresh(&format!("{base}_zero_start")),
            names.fresh(&format!("{base}_zero_end")),
            names.fresh(&format!("{base}_zero_axis")),
        );
        inits.push(i64_tensor(&index, &[], &[0]));
        inits.push(i64_tensor(&start, &[1], &[0]));
        inits.push(i64_tensor(&end, &[1], &[1]));
        inits.push(i64_tensor(&axis, &[1], &[1]));
        nodes.push(node(&first, "Gather", &[&lstm.x, &index], &[&first], vec![int_attr("axis", 0)]));
        let column = names.fresh(&format!("{base}_x_first_column"));
        nodes.push(node(&column, "Slice", &[&first, &start, &end, &axis], &[&column], vec![]));
        let b11 = names.fresh(&format!("{base}_shape_b11"));
        inits.push(i64_tensor(&b11, &[3], &[0, 1, 1]));
        let column3 = names.fresh(&format!("{base}_x_first_b11"));
        nodes.push(node(&column3, "Reshape", &[&column, &b11], &[&column3], vec![]));
        let zero_row = names.fresh(&format!("{base}_zero_row"));
        inits.push(f32_tensor(&zero_row, &[1, 1, dh], &vec![0.0; dh]));
        let out = names.fresh(&format!("{base}_zero_state"));
        nodes.push(node(&out, "Mul", &[&column3, &zero_row], &[&out], vec![]));
        zeros = Some(out.clone());
        out
    };
    let h0 = initial(&lstm.initial_h, "h", names, &mut nodes);
    let c0 = initial(&lstm.initial_c, "c", names, &mut nodes);

    // The loop.
    let body = body(&base, &rq, scales.h, d, h, names);
    let (h_last, c_last) = (p(names, "h_last"), p(names, "c_last"));
    let ys: Vec<String> = (0..d).map(|dir| p(names, &format!("ys{dir}"))).collect();
    let directions: Vec<i64> = lstm.reverse.iter().map(|&r| i64::from(r)).collect();
    let mut inputs: Vec<&str> = vec![&h0, &c0];
    inputs.extend(scan_inputs.iter().map(String::as_str));
    let mut outputs: Vec<&str> = vec![&h_last, &c_last];
    outputs.extend(ys.iter().map(String::as_str));
    let scan_name = names.fresh(&format!("{base}_scan"));
    nodes.push(node(
        &scan_name,
        "Scan",
        &inputs,
        &outputs,
        vec![
            proto::graph_attr("body", body),
            int_attr("num_scan_inputs", d as i64),
            ints_attr("scan_input_directions", &directions),
            ints_attr("scan_output_directions", &directions),
        ],
    ));

    // Outputs in the LSTM's layout.
    if let Some(y) = &lstm.y {
        let shape = p(names, "shape_t1bh");
        inits.push(i64_tensor(&shape, &[4], &[0, 1, -1, h as i64]));
        let mut parts = Vec::new();
        for (dir, ys_dir) in ys.iter().enumerate() {
            let own = if d == 1 {
                ys_dir.clone()
            } else {
                let (starts, ends, axes) =
                    (p(names, &format!("y{dir}_start")), p(names, &format!("y{dir}_end")), p(names, "y_axis"));
                inits.push(i64_tensor(&starts, &[1], &[(dir * h) as i64]));
                inits.push(i64_tensor(&ends, &[1], &[((dir + 1) * h) as i64]));
                inits.push(i64_tensor(&axes, &[1], &[3]));
                let sliced = p(names, &format!("y{dir}_tbh"));
                nodes.push(node(&sliced, "Slice", &[ys_dir, &starts, &ends, &axes], &[&sliced], vec![]));
                sliced
            };
            let out = if d == 1 { y.clone() } else { p(names, &format!("y{dir}")) };
            nodes.push(node(&out, "Reshape", &[&own, &shape], &[&out], vec![]));
            parts.push(out);
        }
        if d > 1 {
            let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
            nodes.push(node(y, "Concat", &refs, &[y], vec![int_attr("axis", 1)]));
        }
    }
    for (last, out) in [(&h_last, &lstm.y_h), (&c_last, &lstm.y_c)] {
        let Some(out) = out else { continue };
        let shape = names.fresh(&format!("{base}_shape_bdh"));
        inits.push(i64_tensor(&shape, &[3], &[0, d as i64, h as i64]));
        let split = names.fresh(&format!("{out}_bdh"));
        nodes.push(node(&split, "Reshape", &[last, &shape], &[&split], vec![]));
        nodes.push(node(out, "Transpose", &[&split], &[out], vec![ints_attr("perm", &[1, 0, 2])]));
    }
    Ok(ScanRewrite { nodes, initializers: inits, reports })
}

/// A graph under construction whose names come from one [`Names`].
struct Builder<'a> {
    g: GraphProto,
    names: &'a mut Names,
    base: &'a str,
    axis1: String,
}

impl Builder<'_> {
    fn fresh(&mut self, s: &str) -> String {
        self.names.fresh(&format!("{}_{s}", self.base))
    }

    fn op(&mut self, op: &str, inputs: &[&str], out: &str) -> String {
        let name = self.fresh(out);
        let attrs = if op == "Cast" { vec![int_attr("to", DataType::Float as i64)] } else { vec![] };
        self.g.node.push(node(&name, op, inputs, &[&name], attrs));
        name
    }

    /// `input[:, from..to]`.
    fn slice(&mut self, input: &str, from: usize, to: usize, out: &str) -> String {
        let mut bound = |v: usize| -> String {
            let name = format!("{}_at{v}", self.axis1);
            if !self.g.initializer.iter().any(|t| t.name == name) {
                self.g.initializer.push(i64_tensor(&name, &[1], &[v as i64]));
            }
            name
        };
        let (s, e) = (bound(from), bound(to));
        let axis = self.axis1.clone();
        self.op("Slice", &[input, &s, &e, &axis], out)
    }
}

/// 2 for the columns of the cell candidate `c` (the last `DH` of every
/// group of `4DH`), 1 elsewhere: the body computes `tanh(x)` as
/// `2 * sigmoid(2x) - 1`, so that one `Sigmoid` covers all four gates.
fn cell_factor(col: usize, dh: usize) -> f32 {
    if col % (4 * dh) >= 3 * dh { 2.0 } else { 1.0 }
}

/// The loop body: state `h`, `c` `[B, 1, DH]`; one projection slice
/// `[B, 1, 4DH]` per direction. The pre-activations are viewed as
/// `[B, 4, DH]` (gate, direction and unit), squashed by one `Sigmoid` and cut
/// along the gate axis.
fn body(base: &str, rq: &Quantized, h_scale: f32, d: usize, h: usize, names: &mut Names) -> GraphProto {
    let (dh, n) = (d * h, 4 * d * h);
    let g = GraphProto { name: names.fresh(&format!("{base}_body")), ..Default::default() };
    let axis1 = names.fresh(&format!("{base}_axis1"));
    let mut b = Builder { g, names, base, axis1 };
    let (h_prev, c_prev) = (b.fresh("h_prev"), b.fresh("c_prev"));
    let xs: Vec<String> = (0..d).map(|dir| b.fresh(&format!("xw{dir}_t"))).collect();
    for x in [&h_prev, &c_prev].into_iter().chain(&xs) {
        b.g.input.push(proto::value_info(x, DataType::Float, Some(3)));
    }
    let (hs, zp, r_codes, r_scale) =
        (b.fresh("h_scale"), b.fresh("h_zero_point"), b.fresh("R_i8"), b.fresh("hr_scale"));
    let (gate_shape, two, minus_one) = (b.fresh("shape_b4dh"), b.fresh("two"), b.fresh("minus_one"));
    let col_scales: Vec<f32> =
        rq.scales.iter().enumerate().map(|(col, s)| s * h_scale * cell_factor(col, dh)).collect();
    let axis = b.axis1.clone();
    b.g.initializer.extend([
        f32_tensor(&hs, &[], &[h_scale]),
        i8_tensor(&zp, &[], &[0]),
        i8_tensor(&r_codes, &[dh, n], &rq.codes),
        f32_tensor(&r_scale, &[n], &col_scales),
        i64_tensor(&axis, &[1], &[1]),
        i64_tensor(&gate_shape, &[3], &[0, 4, dh as i64]),
        f32_tensor(&two, &[], &[2.0]),
        f32_tensor(&minus_one, &[], &[-1.0]),
    ]);
    let hq = b.op("QuantizeLinear", &[&h_prev, &hs, &zp], "h_i8");
    let hr32 = b.op("MatMulInteger", &[&hq, &r_codes], "hr_i32");
    let hrf = b.op("Cast", &[&hr32], "hr_f32");
    let mut gates = b.op("Mul", &[&hrf, &r_scale], "hr");
    for x in &xs {
        gates = b.op("Add", &[&gates, x], "gates");
    }
    let by_gate = b.op("Reshape", &[&gates, &gate_shape], "gates_b4dh");
    let act = b.op("Sigmoid", &[&by_gate], "act");
    let i = b.slice(&act, 0, 1, "i");
    let o = b.slice(&act, 1, 2, "o");
    let f = b.slice(&act, 2, 3, "f");
    let half_cand = b.slice(&act, 3, 4, "sigmoid_2x");
    let twice = b.op("Mul", &[&half_cand, &two], "twice");
    let cand = b.op("Add", &[&twice, &minus_one], "cand");
    let fc = b.op("Mul", &[&f, &c_prev], "fc");
    let ic = b.op("Mul", &[&i, &cand], "ic");
    let c = b.op("Add", &[&fc, &ic], "c");
    let tanh_c = b.op("Tanh", &[&c], "tanh_c");
    let h_new = b.op("Mul", &[&o, &tanh_c], "h");
    b.g.output.push(proto::value_info(&h_new, DataType::Float, Some(3)));
    b.g.output.push(proto::value_info(&c, DataType::Float, Some(3)));
    for dir in 0..d {
        let y = b.op("Identity", &[&h_new], &format!("y{dir}_t"));
        b.g.output.push(proto::value_info(&y, DataType::Float, Some(3)));
    }
    b.g
}
