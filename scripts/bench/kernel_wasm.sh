#!/usr/bin/env bash
# kernel_wasm.sh: the pure-Go GEMM of internal/kernel against gonum's
# blas/gonum Sgemm (pure Go: -tags noasm natively, and under wasm) at the
# LSTM's shapes (BenchmarkGemmShapes), one goroutine, natively with
# -tags purego,noasm and as WebAssembly under node, in the same run.
# Prints GFLOP/s per shape and the ratio ours/gonum.
set -euo pipefail
cd "$(dirname "$0")/../.."
bt=${BENCHTIME:-300ms}
run() { go test -run '^$' -bench GemmShapes -benchtime "$bt" "$@" ./internal/kernel/ | awk '/^Benchmark/ {print $1, $(NF-1)}'; }
native=$(GOMAXPROCS=1 run -cpu 1 -tags purego,noasm)
wasm=$(PATH="$(go env GOROOT)/lib/wasm:$PATH" GOOS=js GOARCH=wasm run)
for side in native wasm; do
	echo "== $side (GFLOP/s)"
	if [ $side = native ]; then data=$native; else data=$wasm; fi
	echo "$data" | awk '
		{ n=$1; sub(/^BenchmarkGemmShapes\//,"",n); sub(/-[0-9]+$/,"",n); impl=n; sub(/.*impl=/,"",impl); sub(/\/impl=.*/,"",n)
		  if (!(n in seen)) { seen[n]=1; order[++k]=n }
		  if (impl=="gonum") g[n]=$2; else o[n]=$2 }
		END { printf "%-36s %8s %8s %8s\n", "shape", "ours", "gonum", "ratio"
		      for (i=1;i<=k;i++) { n=order[i]; printf "%-36s %8.3f %8.3f %8.2f\n", n, o[n], g[n], (g[n]>0 ? o[n]/g[n] : 0) } }'
done
