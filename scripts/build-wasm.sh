#!/bin/sh
# build-wasm.sh: builds ecoute's browser module, web/ecoute.wasm, from
# cmd/wasm, and copies Go's matching wasm_exec.js beside it. Both are build
# outputs (gitignored); build them before `go build ./cmd/transcribe` so that
# `transcribe web` embeds them.
#
#   scripts/build-wasm.sh            stripped build (-ldflags "-s -w")
#   OPT=1 scripts/build-wasm.sh      also wasm-opt -Oz (Debian binaryen): about 6% smaller
#                                    raw but only 0.4% smaller gzipped, and it takes minutes
#   OUT=dir scripts/build-wasm.sh    write into dir instead of web/
set -eu
cd "$(dirname "$0")/.."
out=${OUT:-web}
mkdir -p "$out"
version=$(git describe --always --dirty 2>/dev/null || echo dev)
GOOS=js GOARCH=wasm go build -trimpath -ldflags="-s -w -X main.version=$version" -o "$out/ecoute.wasm.tmp" ./cmd/wasm
if [ -n "${OPT:-}" ]; then
	# Go's wasm uses sign-extension and saturating float-to-int operations
	# (and bulk memory since Go 1.24): enable them for the optimizer.
	wasm-opt -Oz --enable-bulk-memory --enable-sign-ext --enable-nontrapping-float-to-int \
		"$out/ecoute.wasm.tmp" -o "$out/ecoute.wasm.opt"
	mv "$out/ecoute.wasm.opt" "$out/ecoute.wasm.tmp"
fi
mv "$out/ecoute.wasm.tmp" "$out/ecoute.wasm"
cp "$(go env GOROOT)/lib/wasm/wasm_exec.js" "$out/wasm_exec.js"
chmod 644 "$out/wasm_exec.js"
echo "built $out/ecoute.wasm ($(wc -c <"$out/ecoute.wasm") bytes, $(gzip -9c "$out/ecoute.wasm" | wc -c) gzipped)"
