#!/usr/bin/env bash
# Peak resident memory of `hearth chat` over a 1,000-line conversation, and
# cold start to the first reply (median of five runs), as a Markdown table.
# Usage: benches/rss.sh [MODEL_DIR]
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
# Cold start: from starting the process to its first reply on standard output.
starts=()
for _ in 1 2 3 4 5; do
    start=$(date +%s%N)
    { echo "turn on the kitchen light"; sleep 1; } \
        | target/release/hearth chat --model "$model" --data-dir "$data" \
        | { head -n 1 > /dev/null; date +%s%N > "$data/replied"; cat > /dev/null; }
    starts+=($(( ($(cat "$data/replied") - start) / 1000000 )))
done
median=$(printf '%s\n' "${starts[@]}" | sort -n | sed -n 3p)
echo "| \`hearth chat\`, model \`$(sed -n 's/^model = "\(.*\)"/\1/p' "$model/model.toml")\` | |"
echo "|---|---|"
echo "| peak RSS over 1,000 lines | $(sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' "$data/rss") KiB |"
echo "| cold start to first reply (median of 5) | $median ms |"
rm -rf "$data"
