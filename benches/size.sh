#!/usr/bin/env bash
# Size of what goes onto the hub: the stripped `hearth` binary per target (the
# release profile: fat LTO, one codegen unit, abort on panic, stripped) and the
# model files. Builds every target it lists; needs the cross linkers of README
# "Building for the Raspberry Pi". Prints a Markdown table.
# Usage: benches/size.sh
set -euo pipefail
cd "$(dirname "$0")/.."
row() { # name, file, glibc note
    printf '| %s | %s | %s |\n' "$1" "$(stat -c %s "$2" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta')" "$3"
}
glibc() { # the newest glibc symbol version a dynamic binary asks for
    "$1" -T "$2" 2>/dev/null | grep -o 'GLIBC_[0-9.]*' | sort -V | tail -1
}
out="$(mktemp -d)"
build() { # target, rustflags, name
    local dir="target/release"
    if [ -n "$1" ]; then dir="target/$1/release"; fi
    RUSTFLAGS="$2" cargo build -q --release --bin hearth ${1:+--target "$1"}
    cp "$dir/hearth" "$out/$3"
}
build "" "" x86_64
build aarch64-unknown-linux-gnu "" aarch64
build aarch64-unknown-linux-gnu "-C target-feature=+crt-static" aarch64-static
build armv7-unknown-linux-gnueabihf "" armv7
echo "| file | bytes | notes |"
echo "|---|---|---|"
row "hearth, x86_64-unknown-linux-gnu" "$out/x86_64" "dynamic, needs $(glibc objdump "$out/x86_64")"
row "hearth, aarch64-unknown-linux-gnu" "$out/aarch64" "dynamic, needs $(glibc aarch64-linux-gnu-objdump "$out/aarch64")"
row "hearth, aarch64-unknown-linux-gnu, +crt-static" "$out/aarch64-static" "static"
row "hearth, armv7-unknown-linux-gnueabihf" "$out/armv7" "dynamic, needs $(glibc arm-linux-gnueabihf-objdump "$out/armv7")"
for f in models/hearth-int8.nnef.tgz models/hearth-int8.onnx models/hearth-f32.onnx models/vocab.txt; do
    row "$f" "$f" "$([ "$f" = models/hearth-int8.nnef.tgz ] && echo 'what the runtime loads' || true)"
done
rm -rf "$out"
