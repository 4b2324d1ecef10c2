#!/usr/bin/env bash
# run.sh: the browser end-to-end test (.ci/run via scripts/test.sh). Builds
# the WebAssembly module, the CLI that embeds and serves it, and the native
# helper, installs playwright-core with npm ci, and drives Debian's chromium.
# Needs: chromium (Debian package), node and npm; binaryen (wasm-opt) is used
# when present. Artifacts (screenshots, report.json): out/browser/.
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
go build -o "$bin/transcribe" ./cmd/transcribe
go build -o "$bin/native" ./tests/browser/native
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
node --test "$here/resampler.test.mjs"
TRANSCRIBE="$bin/transcribe" NATIVE="$bin/native" OUT="$root/out/browser" CHROMIUM="$chromium" node "$here/test.mjs"
