#!/usr/bin/env bash
# tract against onnxruntime on the shipped models, in one run: the percentiles
# bench (tract), then the same utterances through onnxruntime (Python, from
# PyPI; installed here if missing). Optional, not run by CI.
# Usage: benches/compare.sh
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c "import onnxruntime, numpy" 2>/dev/null || python3 -m pip install -q onnxruntime numpy
out="$(mktemp -d)"
cargo bench -q --features onnx --bench percentiles > "$out/tract.md"
printf '%s\n' "turn on the kitchen light" "could you set the bedroom lights to 40 percent" "把客厅的灯调暗一点" \
    > "$out/texts.txt"
cargo run -q -- tokenize --vocab models/vocab.txt < "$out/texts.txt" > "$out/tokens.jsonl"
cat "$out/tract.md"
echo
python3 benches/ort_latency.py "$out/tract.md" "$out/texts.txt" < "$out/tokens.jsonl"
rm -rf "$out"
