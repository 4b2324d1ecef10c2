#!/usr/bin/env bash
# The project's test command (README "Quick start"): unit and golden tests on
# the assembly and pure-Go paths, the pure-Go packages under WebAssembly (node),
# then the end-to-end browser and edge-worker tests.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== go test (native)"
go test -count=1 ./...

echo "== go test -tags purego (pure-Go kernels)"
go test -count=1 -tags purego ./internal/... ./lstm/...

echo "== go test under GOOS=js GOARCH=wasm (node)"
wasmpkgs=$(go list ./audio/... ./text/... ./ctc/... ./lstm/... ./internal/... ./wasm/... 2>/dev/null || true)
if [[ -n "$wasmpkgs" ]]; then
	PATH="$(go env GOROOT)/lib/wasm:$PATH" GOOS=js GOARCH=wasm go test -count=1 $wasmpkgs
fi

for t in tests/browser/run.sh tests/worker/run.sh; do
	if [[ -x "$t" ]]; then
		echo "== $t"
		"$t"
	fi
done
echo "== all tests passed"
