#!/usr/bin/env bash
# wasm_vs_native.sh: ecoute's transcription pipeline (wasm.BenchmarkPipeline,
# 10 s of speech, default model architecture) natively on one thread, natively
# with the pure-Go kernels (-tags purego, what WebAssembly runs), and as
# WebAssembly under node (V8, the engine Chromium uses), in the same run.
# Prints ns/op per stage and the ratios wasm/native.
set -euo pipefail
cd "$(dirname "$0")/../.."
bench=${BENCH:-BenchmarkPipeline}
count=${COUNT:-3}
run() { go test -run '^$' -bench "$bench" -benchtime "${BENCHTIME:-3x}" -count "$count" "$@" ./wasm/ | awk '/^Benchmark/ {print $1, $3}'; }
native=$(GOMAXPROCS=1 run -cpu 1)
purego=$(GOMAXPROCS=1 run -cpu 1 -tags purego)
wasmrun=$(PATH="$(go env GOROOT)/lib/wasm:$PATH" GOOS=js GOARCH=wasm run)
python3 - "$native" "$purego" "$wasmrun" <<'PY'
import sys, collections, re
def parse(s):
    d = collections.defaultdict(list)
    for line in s.splitlines():
        name, ns = line.split()
        d[re.sub(r"-\d+$", "", name.split("/", 1)[-1])].append(float(ns))
    return {k: min(v) for k, v in d.items()}
nat, pure, wasm = (parse(a) for a in sys.argv[1:4])
print(f"{'stage (best of runs)':34} {'native ms':>10} {'purego ms':>10} {'wasm ms':>10} {'wasm/native':>12} {'wasm/purego':>12}")
for k in nat:
    n, p, w = nat[k] / 1e6, pure.get(k, float('nan')) / 1e6, wasm.get(k, float('nan')) / 1e6
    print(f"{k:34} {n:10.1f} {p:10.1f} {w:10.1f} {w/n:12.2f} {w/p:12.2f}")
PY
