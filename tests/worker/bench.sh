#!/usr/bin/env bash
# Prints the edge worker's cost under local workerd, from worker/build as
# tests/worker/run.sh (or worker/build.sh --asset) left it: CPU is workerd's
# user+system time from /proc (10 ms ticks, the whole process: V8's
# compiler and GC threads included), memory the Go instance's wasm linear
# memory from the X-Ecoute-Wasm-Memory headers (it never shrinks, so each
# figure is the peak so far). Each part starts a fresh workerd:
#   1. startup (the first request, /healthz, starts the Go instance: model
#      load and LM parse), the first transcription of hello.wav (2.9 s),
#      the mean of 10 warm ones, then three warm 59.5 s clips;
#   2. a 59.5 s clip as the isolate's first transcription (memory alone);
#   3. N 59.5 s clips at once, for N in $ECOUTE_BENCH_CONCURRENCY
#      (default "2 4"): status and time of each, CPU, memory;
#   4. the fixed cost of a request: a 0.5 s clip, 10 times, with the default
#      options and with lexicon=false (the decoder's lexicon is built for
#      every request).
# The clips are hello.wav repeated with 0.25 s gaps (sox), as
# TestSixtySeconds builds them.
#
# Usage: tests/worker/bench.sh   (after tests/worker/run.sh)
# Needs: worker/node_modules (npm ci in worker/), curl, sox.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
[ -f worker/build/app.wasm ] || { echo "no worker/build: run tests/worker/run.sh first" >&2; exit 1; }
for tool in curl sox; do
	command -v $tool >/dev/null || { echo "tests/worker/bench.sh: $tool not found" >&2; exit 1; }
done
tmp=$(mktemp -d)
pid=
stop() {
	if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
	pid=
}
trap 'stop; rm -rf "$tmp"' EXIT
sox testdata/hello.wav "$tmp/pad.wav" pad 0 0.25
sox "$tmp/pad.wav" "$tmp/sixty.wav" repeat 20 trim 0 59.5
sox testdata/hello.wav "$tmp/half.wav" trim 0 0.5

port=${ECOUTE_WORKER_PORT:-18787}
while (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; do port=$((port + 1)); done
u=http://127.0.0.1:$port
start() {
	worker/node_modules/.bin/workerd serve tests/worker/workerd.capnp --socket-addr "http=127.0.0.1:$port" \
		--directory-path "assets=$root/worker/build/assets" >"$tmp/workerd.log" 2>&1 &
	pid=$!
	for _ in $(seq 1 120); do
		(exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && return
		sleep 0.5
	done
	cat "$tmp/workerd.log" >&2
	echo "workerd does not listen on $port" >&2
	exit 1
}
cpu() { awk '{print ($14 + $15) * 10}' "/proc/$pid/stat"; }
mib() { tr -d '\r' <"$1" | awk -v h="$2" 'tolower($1) == tolower(h ":") { printf "%.1f", $2 / 1048576 }'; }
# req FILE QUERY: one request; prints "CPU_MS MEMORY_MIB"
req() {
	local a b
	a=$(cpu)
	if [ -z "$1" ]; then
		curl -s -o /dev/null -D "$tmp/h" "$u/healthz"
	else
		curl -s -o /dev/null -D "$tmp/h" -H 'Content-Type: audio/wav' --data-binary "@$1" "$u/v1/transcribe$2"
	fi
	b=$(cpu)
	echo "$((b - a)) $(mib "$tmp/h" X-Ecoute-Wasm-Memory)"
}

echo "== 1. startup, cold and warm (fresh workerd)"
start
read -r c m < <(req "" "")
echo "startup (first request, /healthz): $c ms CPU, memory $m MiB"
read -r c m < <(req testdata/hello.wav "")
echo "first transcription, hello.wav 2.9 s: $c ms CPU, memory $m MiB"
t=0
for _ in $(seq 10); do
	read -r c m < <(req testdata/hello.wav "")
	t=$((t + c))
done
echo "warm hello.wav, mean of 10: $((t / 10)) ms CPU, memory $m MiB"
for i in 1 2 3; do
	read -r c m < <(req "$tmp/sixty.wav" "")
	echo "warm 59.5 s clip $i: $c ms CPU, memory $m MiB"
done
stop

echo "== 2. one 59.5 s clip as the first transcription (fresh workerd)"
start
req "" "" >/dev/null
read -r c m < <(req "$tmp/sixty.wav" "")
echo "59.5 s clip: $c ms CPU (cold: the first transcription), memory $m MiB"
stop

for n in ${ECOUTE_BENCH_CONCURRENCY:-2 4}; do
	echo "== 3. $n 59.5 s clips at once (fresh workerd)"
	start
	req "" "" >/dev/null
	a=$(cpu)
	clients=()
	for i in $(seq "$n"); do
		curl -s -o /dev/null -D "$tmp/h.$i" -w "clip $i: %{http_code} in %{time_total} s %{errormsg}\n" \
			-H 'Content-Type: audio/wav' --data-binary "@$tmp/sixty.wav" "$u/v1/transcribe" &
		clients+=($!)
	done
	wait "${clients[@]}" || true
	b=$(cpu)
	peak=0
	for i in $(seq "$n"); do
		v=$(mib "$tmp/h.$i" X-Ecoute-Wasm-Memory-Peak)
		[ -n "$v" ] && peak=$(awk -v a="$peak" -v b="$v" 'BEGIN { print (b > a ? b : a) }')
	done
	echo "$n at once: $((b - a)) ms CPU in all, memory peak $peak MiB"
	stop
done

echo "== 4. fixed cost: a 0.5 s clip, 10 times each (fresh workerd)"
start
req "" "" >/dev/null
req "$tmp/half.wav" "" >/dev/null
for q in "" "?lexicon=false" "" "?lexicon=false"; do
	a=$(cpu)
	for _ in $(seq 10); do req "$tmp/half.wav" "$q" >/dev/null; done
	b=$(cpu)
	echo "0.5 s clip${q:- (defaults)}: $(((b - a) / 10)) ms CPU per request"
done
stop
