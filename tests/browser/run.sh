#!/usr/bin/env bash
# run.sh: the browser end-to-end test (.ci/run via scripts/test.sh). Builds
# the WebAssembly module, the CLI that embeds and serves it, and the native
# helper, installs playwright-core with npm ci, and drives Debian's chromium.
# Needs: chromium (Debian package), node and npm. Artifacts (screenshots,
# report.json): out/browser/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
chromium=${CHROMIUM:-/usr/bin/chromium}
if [[ ! -x "$chromium" ]]; then
	echo "tests/browser: SKIP: $chromium not found (apt-get install chromium)"
	exit 0
fi
if ! command -v npm >/dev/null; then
	echo "tests/browser: SKIP: npm not found (apt-get install nodejs npm)"
	exit 0
fi
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
./scripts/build-wasm.sh
# The page's payload with the embedded default model must stay under 5 MB
# gzipped (the module and the page files with wasm_exec.js, each gzipped alone).
payload=0
for f in web/ecoute.wasm web/*.html web/*.js web/*.css; do
	payload=$((payload + $(gzip -9c "$f" | wc -c)))
done
echo "tests/browser: page payload $payload bytes gzipped"
if [[ $payload -ge 5000000 ]]; then
	echo "tests/browser: FAIL: the page payload is $payload bytes gzipped, over 5 MB" >&2
	exit 1
fi
go build -o "$bin/transcribe" ./cmd/transcribe
go build -o "$bin/native" ./tests/browser/native
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
node --test "$here/resampler.test.mjs" "$here/format.test.mjs"
TRANSCRIBE="$bin/transcribe" NATIVE="$bin/native" OUT="$root/out/browser" CHROMIUM="$chromium" node "$here/test.mjs"
