#!/usr/bin/env bash
# Instructions per utterance, counted by valgrind's callgrind (repeatable on a
# busy machine), against the model's multiply-adds per utterance (the compute
# floor). Each utterance is parsed once and 21 times by `hearth parse`; the
# difference over 20 is the cost of one parse, start-up excluded.
# Usage: benches/instructions.sh [BINARY]   (default: the host release build)
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-target/release/hearth}"
[ "$bin" = target/release/hearth ] && cargo build --release -q
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }
read -r embed hidden layers < <(python3 -c '
import json; c = json.load(open("models/report/metrics.json"))["config"]
print(c["embed"], c["hidden"], c["layers"])')
read -r n_intents n_tags < <(python3 -c '
import tomllib; l = tomllib.load(open("models/labels.toml", "rb"))
print(len(l["intents"]), 1 + 2 * len(l["slots"]))')
work="$(mktemp -d)"
count() { # instructions of `hearth parse` over the file $1
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" parse < "$1" 2>&1 >/dev/null \
        | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
echo "model: embedding $embed, $layers BiLSTM layer(s) of $hidden, $n_intents intents, $n_tags tags; binary $bin"
echo
echo "| utterance | tokens | instructions | multiply-adds | instructions per multiply-add |"
echo "|---|---|---|---|---|"
for line in "turn on the kitchen light" "could you set the bedroom lights to 40 percent" "把客厅的灯调暗一点"; do
    tokens=$("$bin" tokenize --vocab models/vocab.txt <<< "$line" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
    echo "$line" > "$work/one"
    for _ in $(seq 21); do echo "$line"; done > "$work/many"
    one=$(count "$work/one"); many=$(count "$work/many")
    per=$(( (many - one) / 20 ))
    macs=$(python3 -c "
E, H, L, I, G, T = $embed, $hidden, $layers, $n_intents, $n_tags, $tokens
lstm = sum(2 * 4 * H * ((E if l == 0 else 2 * H) + H) for l in range(L))
print(T * (lstm + 2 * H * G) + 2 * H * I)")
    echo "| $line | $tokens | $per | $macs | $(python3 -c "print(f'{$per / $macs:.2f}')") |"
done
rm -rf "$work"
