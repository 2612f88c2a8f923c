#!/usr/bin/env bash
# Regenerates every measured table in BENCHMARKS.md. Each table sits between
# `<!-- begin: NAME -->` and `<!-- end: NAME -->` and is the output of one
# command below; the prose around the tables is written by hand.
# Usage: benches/report.sh [--no-onnxruntime]
#   (onnxruntime comes from PyPI; without network, pass --no-onnxruntime)
set -euo pipefail
cd "$(dirname "$0")/.."
ort=1
[ "${1:-}" = --no-onnxruntime ] && ort=0
out="$(mktemp -d)"
bash benches/size.sh > "$out/size"
cargo bench -q --features onnx --bench percentiles > "$out/latency"
if [ "$ort" = 1 ]; then bash benches/compare.sh | sed -n '/^onnxruntime/,$p' > "$out/onnxruntime"; fi
bash benches/instructions.sh > "$out/instructions"
# size.sh left the static aarch64 release build in place.
bash benches/instructions.sh target/aarch64-unknown-linux-gnu/release/hearth > "$out/instructions-aarch64"
bash benches/rss.sh > "$out/memory"
cargo bench -q --bench framed > "$out/framed"
python3 - "$out" <<'PY'
import pathlib, re, sys
out = pathlib.Path(sys.argv[1])
doc = pathlib.Path("BENCHMARKS.md")
text = doc.read_text(encoding="utf-8")
for block in out.iterdir():
    body = block.read_text(encoding="utf-8").strip()
    pattern = re.compile(rf"(<!-- begin: {block.name} -->\n).*?(\n<!-- end: {block.name} -->)", re.S)
    if not pattern.search(text):
        sys.exit(f"BENCHMARKS.md has no block {block.name}")
    text = pattern.sub(lambda m: m.group(1) + body + m.group(2), text)
doc.write_text(text, encoding="utf-8")
PY
rm -rf "$out"
echo "BENCHMARKS.md updated"
