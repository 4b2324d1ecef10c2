#!/usr/bin/env bash
# Builds the edge worker, runs it under workerd on 127.0.0.1 (no Cloudflare
# account), and runs tests/worker's Go tests against it: the committed clips
# must transcribe as natively, every kind of bad request must get its 4xx,
# and a burst of 200 requests 8 at a time must all succeed (latency
# percentiles, CPU per request and peak memory are printed). Then it reports
# the bundle's gzipped size as "wrangler deploy --dry-run" computes it.
#
# Usage: tests/worker/run.sh [--embedded] [--stock] [--no-opt]
#   (default) the deployable build: the model as a static asset, the script
#             small enough for the free plan (worker/build.sh --asset)
#   --embedded  the model inside app.wasm instead
#   --stock   build with the stock syumai/workers glue (a Go instance per
#             request; implies --embedded) and only measure the per-request
#             cost, for comparison
#   --no-opt  skip wasm-opt (faster build; the size reported is then larger)
#
# Needs: go, node >= 16.17 with npm (installs worker/package-lock.json:
# wrangler 3 and workerd), curl; optional: wasm-opt (Debian's binaryen).
# Environment: ECOUTE_BURST, ECOUTE_CONCURRENCY (default 200 and 8),
# ECOUTE_WORKER_PORT (default: the first free port from 18787),
# ECOUTE_TEST_RUN (a go test -run pattern; default all, TestCost with --stock).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
stock=0
asset=1
buildargs=()
for a in "$@"; do
	case $a in
	--stock) stock=1; asset=0; buildargs+=(--stock) ;;
	--embedded) asset=0 ;;
	--no-opt) buildargs+=(--no-opt) ;;
	*) echo "usage: tests/worker/run.sh [--embedded] [--stock] [--no-opt]" >&2; exit 2 ;;
	esac
done
[ $asset = 1 ] && buildargs+=(--asset)
for tool in go node npm curl; do
	command -v $tool >/dev/null || { echo "tests/worker/run.sh: $tool not found" >&2; exit 1; }
done
tmp=$(mktemp -d)
pid=
cleanup() {
	if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT

echo "== npm: wrangler 3 and workerd (worker/package-lock.json)"
if [ ! -x worker/node_modules/.bin/workerd ] || [ ! -x worker/node_modules/.bin/wrangler ]; then
	(cd worker && npm ci --no-audit --no-fund)
fi
export WRANGLER_SEND_METRICS=false

# The worker embeds asr's default model. Until a trained one is committed, a
# seeded random model of the same architecture stands in: it costs the same
# per request, and the clips are compared with the native recognizer running
# the same file.
model=
if [ ! -f asr/default/model.safetensors ]; then
	model=$tmp/random.safetensors
	echo "== no asr/default/model.safetensors: using a random model of the default architecture"
	go run ./tests/worker/randmodel -o "$model"
	buildargs+=(--model "$model")
fi

echo "== build"
sh worker/build.sh "${buildargs[@]}"

port=${ECOUTE_WORKER_PORT:-18787}
while (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; do port=$((port + 1)); done
echo "== workerd on 127.0.0.1:$port"
worker/node_modules/.bin/workerd serve tests/worker/workerd.capnp --socket-addr "http=127.0.0.1:$port" \
	--directory-path "assets=$root/worker/build/assets" >"$tmp/workerd.log" 2>&1 &
pid=$!
url=http://127.0.0.1:$port
# Wait for the port only: no request may reach the isolate before
# TestColdRequest measures the first one (ECOUTE_WORKER_FRESH=1).
for _ in $(seq 1 120); do
	if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then break; fi
	if ! kill -0 "$pid" 2>/dev/null; then cat "$tmp/workerd.log" >&2; echo "workerd exited" >&2; exit 1; fi
	sleep 0.5
done
(exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null || { cat "$tmp/workerd.log" >&2; echo "workerd does not listen on $port" >&2; exit 1; }

# The native CLI's JSON, when the CLI has --format json.
go build -o "$tmp/transcribe" ./cmd/transcribe
cli=
cliargs=(--format json)
[ -n "$model" ] && cliargs+=(--model "$model")
if "$tmp/transcribe" "${cliargs[@]}" testdata/hello.wav >/dev/null 2>&1; then
	cli=$tmp/transcribe
else
	echo "== note: transcribe --format json does not run here; comparing with the native recognizer only"
fi

export ECOUTE_WORKER_URL=$url ECOUTE_WORKER_PID=$pid ECOUTE_MODEL_FILE=$model ECOUTE_TRANSCRIBE=$cli
export ECOUTE_SUMMARY=$tmp/summary.txt ECOUTE_WORKER_FRESH=1 ECOUTE_ASSET_BUILD=$asset
tests=${ECOUTE_TEST_RUN:-.}
if [ $stock = 1 ]; then
	tests=${ECOUTE_TEST_RUN:-TestCost}
	echo "== stock glue: measuring the per-request cost only"
fi
echo "== go test ./tests/worker"
status=0
go test ./tests/worker -count=1 -v -timeout 60m -run "$tests" || status=$?

echo "== bundle size (wrangler deploy --dry-run --outdir dist)"
(cd worker && npx wrangler deploy --dry-run --outdir dist 2>&1 | grep -E "Total Upload" | tee -a "$ECOUTE_SUMMARY") || true

echo "== summary ($([ $stock = 1 ] && echo "stock glue: Go instance per request" || echo "our glue: Go instance per isolate"); model $([ $asset = 1 ] && echo "as a static asset" || echo "inside app.wasm"))"
cat "$ECOUTE_SUMMARY"
if grep -qiE "error|uncaught" "$tmp/workerd.log"; then
	echo "== workerd log"
	cat "$tmp/workerd.log"
fi
exit $status
