#!/usr/bin/env python3
"""Latency of the shipped ONNX models in onnxruntime, beside tract's.

Usage: benches/ort_latency.py TRACT_TABLE TEXTS < TOKENS
  TEXTS: the utterances, one a line.
  TOKENS: their tokens, one line each, the output of `hearth tokenize --vocab`.
  TRACT_TABLE: the Markdown table printed by
  `cargo bench --features onnx --bench percentiles`.
Prints one Markdown table: per utterance and model, tract's and
onnxruntime's p50/p99 in microseconds (one thread each) and the ratio.
Called by benches/compare.sh, which makes both inputs in the same run.
"""
import json
import sys
import time

import numpy as np
import onnxruntime as ort

WARMUP, RUNS = 200, 3000
MODELS = ["hearth-f32.onnx", "hearth-int8.onnx"]


def percentiles(samples):
    samples = sorted(samples)
    at = lambda q: samples[round((len(samples) - 1) * q)] * 1e6
    return at(0.5), at(0.99)


def time_session(session, ids):
    feed = {session.get_inputs()[0].name: np.array([ids], dtype=np.int64)}
    for _ in range(WARMUP):
        session.run(None, feed)
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        session.run(None, feed)
        samples.append(time.perf_counter() - start)
    return percentiles(samples)


def tract_rows(path):
    """(model file, utterance) -> (p50, p99) from the percentiles table."""
    rows = {}
    for line in open(path, encoding="utf-8"):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].startswith("parse, "):
            model, _, text = cells[0][len("parse, "):].partition(": ")
            rows[(model, text.strip('"'))] = (float(cells[2]), float(cells[3]))
    return rows


def main():
    tract = tract_rows(sys.argv[1])
    texts = [line.rstrip("\n") for line in open(sys.argv[2], encoding="utf-8") if line.strip()]
    utterances = [[t["id"] for t in json.loads(line)] for line in sys.stdin if line.strip()]
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    nan = (float("nan"), float("nan"))
    print(f"onnxruntime {ort.__version__}, one thread; tract from the same run.\n")
    print("| model | utterance | tokens | tract p50 / p99 (µs) | onnxruntime p50 / p99 (µs) | tract / onnxruntime (p50) |")
    print("|---|---|---|---|---|---|")
    ort_f32 = {}
    for model in MODELS:
        session = ort.InferenceSession(f"models/{model}", options, providers=["CPUExecutionProvider"])
        for text, ids in zip(texts, utterances):
            p50, p99 = time_session(session, ids)
            t50, t99 = tract.get((model, text), nan)
            if model == "hearth-f32.onnx":
                ort_f32[text] = p50
            print(f"| {model} | {text} | {len(ids)} | {t50:.0f} / {t99:.0f} | {p50:.0f} / {p99:.0f} | {t50 / p50:.2f} |")
    # The aim: tract int8 (the NNEF file the device loads) no slower than
    # onnxruntime running the float model.
    print("\n| utterance | tract int8 NNEF p50 (µs) | onnxruntime f32 p50 (µs) | ratio |")
    print("|---|---|---|---|")
    for text in texts:
        t50 = tract.get(("hearth-int8.nnef.tgz", text), nan)[0]
        print(f"| {text} | {t50:.0f} | {ort_f32[text]:.0f} | {t50 / ort_f32[text]:.2f} |")


if __name__ == "__main__":
    main()
