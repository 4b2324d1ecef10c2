#!/bin/sh
# Builds the edge worker's bundle into worker/build: app.wasm (wasm/worker,
# GOOS=js GOARCH=wasm), the Go runtime's wasm_exec.js and runtime.mjs from
# github.com/syumai/workers, and our worker.mjs (one Go instance per isolate).
#
# Usage: worker/build.sh [--asset] [--model FILE] [--stock] [--no-opt]
#   --asset       ship the model as a static asset (build/assets/) fetched
#                 once per isolate, not inside app.wasm: the script then
#                 stays under the free plan's 3 MB whatever the model's size
#   --model FILE  this model file instead of asr's default model
#   --stock       the stock syumai/workers glue instead: a fresh Go instance
#                 per request (for measuring what reusing the instance saves)
#   --no-opt      skip wasm-opt (Debian package binaryen), which takes a
#                 minute or two and saves about 5% of app.wasm
#
# The model file is copied into wasm/worker/ for the build and removed after,
# so two builds must not run at once in the same tree.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
out=$here/build
stock=0
opt=1
model=
asset=0
while [ $# -gt 0 ]; do
	case $1 in
	--asset) asset=1 ;;
	--stock) stock=1 ;;
	--no-opt) opt=0 ;;
	--model)
		[ $# -ge 2 ] || { echo "worker/build.sh: --model needs a file" >&2; exit 2; }
		model=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
		shift
		;;
	*) echo "usage: worker/build.sh [--asset] [--model FILE] [--stock] [--no-opt]" >&2; exit 2 ;;
	esac
	shift
done
cd "$root"
if [ $asset = 1 ] && [ $stock = 1 ]; then
	echo "worker/build.sh: --asset needs our glue, not --stock" >&2
	exit 2
fi
if [ $asset = 1 ] && [ -z "$model" ]; then
	model=$root/asr/default/model.safetensors
	[ -f "$model" ] || { echo "worker/build.sh: no $model; give --model FILE" >&2; exit 1; }
fi
# workers-assets-gen empties $out and writes wasm_exec.js (from the Go
# release syumai/workers targets, which matches this Go's), runtime.mjs and
# the stock worker.mjs.
go run github.com/syumai/workers/cmd/workers-assets-gen -mode=go -o "$out"
tags=
if [ $stock = 1 ]; then
	tags=stockshim
fi
mkdir -p "$out/assets"
rm -f wasm/worker/model.safetensors
if [ $asset = 1 ]; then
	cp "$model" "$out/assets/model.safetensors"
	tags="$tags,assetmodel"
elif [ -n "$model" ]; then
	cp "$model" wasm/worker/model.safetensors
	tags="$tags,custommodel"
fi
GOOS=js GOARCH=wasm go build -trimpath -tags "$tags" -ldflags='-s -w' -o "$out/app.wasm" ./wasm/worker
rm -f wasm/worker/model.safetensors
if [ $opt = 1 ]; then
	if command -v wasm-opt >/dev/null 2>&1; then
		wasm-opt -Oz --enable-bulk-memory --enable-sign-ext --enable-nontrapping-float-to-int \
			--enable-mutable-globals "$out/app.wasm" -o "$out/app.opt.wasm"
		mv "$out/app.opt.wasm" "$out/app.wasm"
	else
		echo "worker/build.sh: wasm-opt not found (apt-get install binaryen); bundle left unoptimised" >&2
	fi
fi
if [ $stock = 0 ]; then
	cp "$here/src/worker.mjs" "$out/worker.mjs"
fi
raw=$(wc -c <"$out/app.wasm")
gz=$(gzip -9 -c "$out/app.wasm" | wc -c)
how=$([ $stock = 1 ] && echo "stock glue" || echo "per-isolate glue")
if [ $asset = 1 ]; then
	how="$how; model asset $(wc -c <"$out/assets/model.safetensors") bytes"
elif [ -n "$model" ]; then
	how="$how; embedded model $(basename "$model")"
else
	how="$how; embedded default model"
fi
echo "worker/build.sh: app.wasm $raw bytes, $gz gzipped ($how)"
