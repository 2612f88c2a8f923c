#!/usr/bin/env bash
# Peak resident memory of `hearth chat` over a 1,000-line conversation, and
# cold start to the first reply. Usage: benches/rss.sh [MODEL_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
model="${1:-models}"
cargo build --release -q
data="$(mktemp -d)"
script="$data/script.txt"
lines=(
  "turn on the kitchen light" "turn it off" "dim the desk lamp to 30%" "and the bedroom too"
  "把客厅的灯调暗一点" "卧室的也打开" "set a timer for 5 minutes" "is the front door locked"
  "what time is it" "how warm is it in the bedroom"
)
for i in $(seq 0 999); do echo "${lines[$((i % ${#lines[@]}))]}"; done > "$script"
/usr/bin/time -f "%M" -o "$data/rss" target/release/hearth chat --model "$model" --data-dir "$data" < "$script" > /dev/null
echo "peak RSS over 1,000 lines: $(cat "$data/rss") KiB"
start=$(date +%s%N)
echo "turn on the kitchen light" | target/release/hearth chat --model "$model" --data-dir "$data" > /dev/null
end=$(date +%s%N)
echo "cold start to first reply (one line, then exit): $(( (end - start) / 1000000 )) ms"
rm -rf "$data"
