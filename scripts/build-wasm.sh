#!/bin/sh
# build-wasm.sh: builds ecoute's browser module, web/ecoute.wasm, from
# wasm/browser, and copies Go's matching wasm_exec.js beside it. Both are build
# outputs (gitignored); build them before `go build ./cmd/transcribe` so that
# `transcribe web` embeds them.
#
#   scripts/build-wasm.sh            stripped build (-ldflags "-s -w"), its data
#                                    segments joined by scripts/wasmdata (about
#                                    100 KB smaller gzipped, same initial memory)
#   OPT=1 scripts/build-wasm.sh      also wasm-opt -Oz (Debian binaryen): about 3% smaller
#                                    raw but only 6.6 KB (0.13%) smaller gzipped, in 40 s
#   OUT=dir scripts/build-wasm.sh    write into dir instead of web/
#   NOBR=1 scripts/build-wasm.sh     gzip siblings only (brotli at quality 11 takes
#                                    about 40 s of CPU for the module)
#
# Then it precompresses the page's files: NAME.gz and NAME.br beside each,
# listed with the SHA-256 of their source in precompressed.json, which
# `transcribe web` (web.Handler) reads to serve them with Content-Encoding.
# Brotli comes from scripts/precompress (its own Go module, which needs
# github.com/andybalholm/brotli from the module proxy or the module cache);
# without it, gzip -9 alone is used and the page is served gzip only.
set -eu
cd "$(dirname "$0")/.."
out=${OUT:-web}
mkdir -p "$out"
version=$(git describe --always --dirty 2>/dev/null || echo dev)
# -tags noflac: the page decodes FLAC with the browser's own decoder, so the
# module leaves out github.com/mewkiz/flac and the crypto packages its MD5
# check pulls in (124 KB gzipped).
GOOS=js GOARCH=wasm go build -tags noflac -trimpath -ldflags="-s -w -X main.version=$version" -o "$out/ecoute.wasm.tmp" ./wasm/browser
if [ -n "${OPT:-}" ]; then
	# Go's wasm uses sign-extension and saturating float-to-int operations
	# (and bulk memory since Go 1.24): enable them for the optimizer.
	wasm-opt -Oz --enable-bulk-memory --enable-sign-ext --enable-nontrapping-float-to-int \
		"$out/ecoute.wasm.tmp" -o "$out/ecoute.wasm.opt"
	mv "$out/ecoute.wasm.opt" "$out/ecoute.wasm.tmp"
fi
# Go's linker writes ~57,000 tiny data segments whose headers do not
# compress; wasmdata joins them and checks the initial memory is unchanged.
go run ./scripts/wasmdata "$out/ecoute.wasm.tmp" "$out/ecoute.wasm.packed"
mv "$out/ecoute.wasm.packed" "$out/ecoute.wasm"
rm -f "$out/ecoute.wasm.tmp"
cp "$(go env GOROOT)/lib/wasm/wasm_exec.js" "$out/wasm_exec.js"
chmod 644 "$out/wasm_exec.js"
precompress_gzip() {
	# gzip only: NAME.gz and the list, in the format scripts/precompress writes.
	{
		echo "{"
		sep=
		for f in "$out"/*.html "$out"/*.js "$out"/*.css "$out"/*.wasm "$out"/*.ts; do
			[ -f "$f" ] || continue
			gzip -9 -n -c "$f" >"$f.gz.tmp" && mv "$f.gz.tmp" "$f.gz"
			rm -f "$f.br"
			printf '%s  "%s": "%s"' "$sep" "$(basename "$f")" "$(sha256sum "$f" | cut -d' ' -f1)"
			sep=",
"
		done
		printf '\n}\n'
	} >"$out/precompressed.json"
	echo "precompressed $out with gzip only (no brotli)"
}
absout=$(cd "$out" && pwd)
if [ -n "${NOBR:-}" ]; then
	precompress_gzip
elif ! (cd scripts/precompress && go run . "$absout"); then
	echo "build-wasm.sh: scripts/precompress failed (no brotli encoder in the module cache and no module proxy?)" >&2
	precompress_gzip
fi
echo "built $out/ecoute.wasm ($(wc -c <"$out/ecoute.wasm") bytes, $(gzip -9c "$out/ecoute.wasm" | wc -c) gzipped)"
