#!/usr/bin/env bash
# Instructions per utterance, counted by valgrind's callgrind (repeatable on a
# busy machine), against the model's multiply-adds per utterance (the compute
# floor). `hearth parse` runs once on no input (start-up alone) and once per
# utterance on REPEAT copies of it; the difference over REPEAT is the cost of
# one parse, start-up excluded.
# An aarch64 binary is counted under qemu-aarch64 instead, since valgrind runs
# host binaries only: qemu logs each translated block's instructions and each
# execution of a block, and the sizes of the executed blocks are summed
# (within 0.01% of counting one instruction at a time, in a check on
# `hearth tokenize`).
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
repeat=20
if file -L "$bin" | grep -q aarch64; then
    counter="qemu-aarch64 -d in_asm,exec,nochain"
    repeat=10 # logging every block is slow
    count() { # instructions of `hearth parse` over the file $1
        QEMU_LD_PREFIX=/usr/aarch64-linux-gnu qemu-aarch64 -d in_asm,exec,nochain -D /dev/stderr \
            "$bin" parse < "$1" 2>&1 >/dev/null | awk '
            function commit() { if (inb && cur != "") size[cur] = n; inb = 0; cur = ""; n = 0 }
            /^IN:/ { commit(); inb = 1; next }
            inb && /^0x/ { if (cur == "") { a = $1; sub(/^0x0*/, "", a); sub(/:$/, "", a); cur = a } n++; next }
            inb && /^$/ { commit(); next }
            /^Trace/ { commit(); split($0, p, "/"); pc = p[2]; sub(/^0*/, "", pc); total += size[pc]; next }
            END { printf "%d\n", total }'
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
: > "$work/none"
startup=$(count "$work/none")
echo
echo "Start-up (loading the model, no input): $(python3 -c "print(f'{$startup:,}')") instructions; each row is the cost of one parse beyond it, averaged over $repeat."
echo
echo "| utterance | tokens | instructions | multiply-adds | instructions per multiply-add |"
echo "|---|---|---|---|---|"
for line in "turn on the kitchen light" "could you set the bedroom lights to 40 percent" "把客厅的灯调暗一点"; do
    tokens=$(run tokenize --vocab models/vocab.txt <<< "$line" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
    for _ in $(seq "$repeat"); do echo "$line"; done > "$work/many"
    many=$(count "$work/many")
    per=$(( (many - startup) / repeat ))
    macs=$(python3 -c "
E, H, L, I, G, T = $embed, $hidden, $layers, $n_intents, $n_tags, $tokens
lstm = sum(2 * 4 * H * ((E if l == 0 else 2 * H) + H) for l in range(L))
print(T * (lstm + 2 * H * G) + 2 * H * I)")
    python3 -c "print(f'| $line | $tokens | {$per:,} | {$macs:,} | {$per / $macs:.2f} |')"
done
rm -rf "$work"
