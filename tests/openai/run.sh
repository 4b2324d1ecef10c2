#!/usr/bin/env bash
# run.sh: ecoute's OpenAI-compatible endpoint (POST /v1/audio/transcriptions
# of `transcribe serve`) tested with independent clients (.ci/run via
# scripts/test.sh --full):
#   - OpenAI's Node SDK (the "openai" npm package, pinned in package.json)
#     with its baseURL set to the local server, in every response_format
#     (test.mjs);
#   - the curl examples of OpenAI's API reference for createTranscription,
#     with only the host changed.
# The answers must equal what the CLI prints for the same clip.
# Needs: go, node and npm, curl; skips (exit 0) with a message without them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
for tool in node npm curl; do
	if ! command -v $tool >/dev/null; then
		echo "tests/openai: SKIP: $tool not found (apt-get install nodejs npm curl)"
		exit 0
	fi
done
tmp=$(mktemp -d)
pid=
cleanup() {
	if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/transcribe" ./cmd/transcribe
hello=$root/testdata/hello.wav
exp=$tmp/expect
mkdir -p "$exp"
# What the endpoint must answer: OpenAI's transcripts are punctuated, so the
# server punctuates in every format; the CLI does for srt and vtt by itself.
t() { "$tmp/transcribe" "$@" 2>/dev/null; }
t --punctuate --format txt "$hello" >"$exp/hello.txt"
t --format srt "$hello" >"$exp/hello.srt"
t --format vtt "$hello" >"$exp/hello.vtt"
t --punctuate --format json "$hello" >"$exp/hello.json"
t --punctuate --hotword the,quick,brown,fox "$hello" >"$exp/fox.txt"

port=${ECOUTE_OPENAI_PORT:-18931}
while (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; do port=$((port + 1)); done
"$tmp/transcribe" serve --addr "127.0.0.1:$port" --quiet >"$tmp/serve.log" 2>&1 &
pid=$!
url=http://127.0.0.1:$port
for _ in $(seq 1 60); do
	curl -fs "$url/healthz" >/dev/null 2>&1 && break
	kill -0 "$pid" 2>/dev/null || { cat "$tmp/serve.log" >&2; echo "tests/openai: transcribe serve exited" >&2; exit 1; }
	sleep 0.5
done

echo "== tests/openai: the openai npm SDK against $url/v1"
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
echo "openai SDK $(node -p 'require("'"$here"'/node_modules/openai/package.json").version')"
ECOUTE_URL=$url HELLO=$hello EXPECT=$exp node --test "$here/test.mjs"

echo "== tests/openai: curl examples of the API reference"
fail=0
check() { # name, file with the answer, expected substring
	if grep -qF -- "$3" "$2"; then
		echo "ok   $1"
	else
		echo "FAIL $1: no \"$3\" in:" >&2; cat "$2" >&2; fail=1
	fi
}
# "Default" example.
curl -sS "$url/v1/audio/transcriptions" \
	-H "Authorization: Bearer sk-unused" \
	-H "Content-Type: multipart/form-data" \
	-F file="@$hello" \
	-F model="gpt-4o-transcribe" >"$tmp/default.json"
check "default (json)" "$tmp/default.json" "{\"text\":\"$(head -c -1 "$exp/hello.txt")\"}"
# "Word timestamps" example.
curl -sS "$url/v1/audio/transcriptions" \
	-H "Authorization: Bearer sk-unused" \
	-H "Content-Type: multipart/form-data" \
	-F file="@$hello" \
	-F "timestamp_granularities[]=word" \
	-F model="whisper-1" \
	-F response_format="verbose_json" >"$tmp/words.json"
# Its words are the CLI's, times included.
node -e '
const fs = require("fs"), [a, b] = process.argv.slice(1).map((f) => JSON.parse(fs.readFileSync(f, "utf8")));
const want = JSON.stringify(b.words.map(({ word, start, end }) => ({ word, start, end })));
if (JSON.stringify(a.words) !== want) { console.error("FAIL word timestamps:", JSON.stringify(a.words), "want", want); process.exit(1); }
console.log("ok   word timestamps");' "$tmp/words.json" "$exp/hello.json" || fail=1
# "Segment timestamps" example.
curl -sS "$url/v1/audio/transcriptions" \
	-H "Authorization: Bearer sk-unused" \
	-H "Content-Type: multipart/form-data" \
	-F file="@$hello" \
	-F "timestamp_granularities[]=segment" \
	-F model="whisper-1" \
	-F response_format="verbose_json" >"$tmp/segments.json"
check "segment timestamps" "$tmp/segments.json" '"segments":[{"id":0,"seek":0,"start":0,'
# Subtitles and plain text, byte for byte the CLI's.
for f in srt vtt text; do
	curl -sS "$url/v1/audio/transcriptions" -F file="@$hello" -F model=whisper-1 -F response_format=$f >"$tmp/out.$f"
	want=$exp/hello.$([ $f = text ] && echo txt || echo $f)
	if cmp -s "$tmp/out.$f" "$want"; then echo "ok   response_format=$f"; else echo "FAIL response_format=$f:" >&2; diff "$want" "$tmp/out.$f" >&2 || true; fail=1; fi
done
# Not English: 400 with OpenAI's error object.
code=$(curl -sS -o "$tmp/fr.json" -w '%{http_code}' "$url/v1/audio/transcriptions" -F file="@$hello" -F model=whisper-1 -F language=fr)
[ "$code" = 400 ] || { echo "FAIL language=fr: status $code" >&2; fail=1; }
check "language=fr refused" "$tmp/fr.json" '"code":"unsupported_language"'
exit $fail
