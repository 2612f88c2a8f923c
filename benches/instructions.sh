#!/usr/bin/env bash
# Instructions per utterance, counted by valgrind's callgrind (repeatable on a
# busy machine), against the model's multiply-adds per utterance (the compute
# floor). Each utterance is parsed once and 21 times by `hearth parse`; the
# difference over 20 is the cost of one parse, start-up excluded.
# An aarch64 binary is counted under qemu-aarch64 instead (one instruction per
# translation block, every executed block logged and counted), since valgrind
# runs host binaries only.
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
if file -L "$bin" | grep -q aarch64; then
    counter="qemu-aarch64 -singlestep"
    count() { # instructions of `hearth parse` over the file $1
        QEMU_LD_PREFIX=/usr/aarch64-linux-gnu qemu-aarch64 -singlestep -d nochain,exec -D /dev/stderr \
            "$bin" parse < "$1" 2>&1 >/dev/null | grep -c '^Trace'
    }
    run() { QEMU_LD_PREFIX=/usr/aarch64-linux-gnu qemu-aarch64 "$bin" "$@"; }
else
    counter="valgrind --tool=callgrind"
    count() { # instructions of `hearth parse` over the file $1
        valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" parse < "$1" 2>&1 >/dev/null \
            | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
    }
    run() { "$bin" "$@"; }
fi
echo "model: embedding $embed, $layers BiLSTM layer(s) of $hidden, $n_intents intents, $n_tags tags; $(file -L "$bin" | sed 's/.*ELF [0-9]*-bit LSB \([a-z ]*\), \([^,]*\),.*/\2/'), counted by $counter"
echo
echo "| utterance | tokens | instructions | multiply-adds | instructions per multiply-add |"
echo "|---|---|---|---|---|"
for line in "turn on the kitchen light" "could you set the bedroom lights to 40 percent" "把客厅的灯调暗一点"; do
    tokens=$(run tokenize --vocab models/vocab.txt <<< "$line" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
    echo "$line" > "$work/one"
    for _ in $(seq 21); do echo "$line"; done > "$work/many"
    one=$(count "$work/one"); many=$(count "$work/many")
    per=$(( (many - one) / 20 ))
    macs=$(python3 -c "
E, H, L, I, G, T = $embed, $hidden, $layers, $n_intents, $n_tags, $tokens
lstm = sum(2 * 4 * H * ((E if l == 0 else 2 * H) + H) for l in range(L))
print(T * (lstm + 2 * H * G) + 2 * H * I)")
    python3 -c "print(f'| $line | $tokens | {$per:,} | {$macs:,} | {$per / $macs:.2f} |')"
done
rm -rf "$work"
