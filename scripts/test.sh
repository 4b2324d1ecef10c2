#!/usr/bin/env bash
# The project's test command (README "Quick start").
#
#   scripts/test.sh [--full] [PACKAGE...]
#
# By default: the Go tests on the assembly and the pure-Go (-tags purego)
# paths. It needs only Go. Tests that need a missing tool (sox, sclite,
# python3-torch, ...) or the shared data in ../shared/data skip; the list at
# the end says which and why.
#
# --full (what .ci/run runs; about 13 minutes) adds the pure-Go packages
# under GOOS=js GOARCH=wasm (needs node), the browser end-to-end test
# (tests/browser/run.sh: chromium, node, npm), the edge worker under
# workerd (tests/worker/run.sh: node, npm, curl) and the OpenAI-compatible
# endpoint with OpenAI's npm SDK and curl (tests/openai/run.sh: node, npm,
# curl). An extra whose tools are
# missing is skipped with a message naming them, and the run still passes.
#
# PACKAGE... (default ./...) narrows the Go tests, e.g. scripts/test.sh ./audio/...
set -euo pipefail
cd "$(dirname "$0")/.."

full=0
pkgs=()
for a in "$@"; do
	case $a in
	--full) full=1 ;;
	-h | --help)
		sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
		exit 0 ;;
	-*)
		echo "usage: scripts/test.sh [--full] [PACKAGE...]" >&2
		exit 2 ;;
	*) pkgs+=("$a") ;;
	esac
done
narrowed=1
if ((${#pkgs[@]} == 0)); then
	pkgs=(./...)
	narrowed=0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/testsummary" ./scripts/testsummary

skipped=() # "what: why"
have() { command -v "$1" >/dev/null 2>&1; }

echo "== go test (native)"
go test -json -count=1 "${pkgs[@]}" | "$tmp/testsummary"

echo "== go test -tags purego (pure-Go kernels)"
if ((narrowed)); then
	go test -json -count=1 -tags purego "${pkgs[@]}" | "$tmp/testsummary"
else
	go test -json -count=1 -tags purego ./internal/... ./lstm/... | "$tmp/testsummary"
fi

if ((!full)); then
	skipped+=("Go packages under GOOS=js GOARCH=wasm, browser end-to-end, edge worker under workerd, OpenAI SDK client: not asked for (scripts/test.sh --full runs them)")
else
	echo "== go test under GOOS=js GOARCH=wasm (node)"
	if ! have node; then
		skipped+=("Go packages under GOOS=js GOARCH=wasm: node not found (apt-get install nodejs)")
		echo "SKIP: node not found"
	else
		wasmpkgs=$(GOOS=js GOARCH=wasm go list "${pkgs[@]}" 2>/dev/null | grep -E '/ecoute/(audio|text|ctc|lstm|internal|wasm)(/|$)' || true)
		if [[ -n "$wasmpkgs" ]]; then
			# shellcheck disable=SC2086
			PATH="$(go env GOROOT)/lib/wasm:$PATH" GOOS=js GOARCH=wasm go test -json -count=1 $wasmpkgs | "$tmp/testsummary"
		fi
	fi

	chromium=${CHROMIUM:-/usr/bin/chromium}
	missing=()
	[[ -x "$chromium" ]] || missing+=("chromium ($chromium)")
	have node || missing+=(node)
	have npm || missing+=(npm)
	if ((${#missing[@]})); then
		skipped+=("browser end-to-end (tests/browser/run.sh): ${missing[*]} not found (apt-get install chromium nodejs npm)")
	else
		echo "== tests/browser/run.sh"
		tests/browser/run.sh
	fi

	missing=()
	for tool in node npm curl; do have $tool || missing+=($tool); done
	if ((${#missing[@]})); then
		skipped+=("edge worker under workerd (tests/worker/run.sh): ${missing[*]} not found (apt-get install nodejs npm curl)")
	else
		echo "== tests/worker/run.sh"
		tests/worker/run.sh
	fi

	missing=()
	for tool in node npm curl; do have $tool || missing+=($tool); done
	if ((${#missing[@]})); then
		skipped+=("OpenAI-compatible endpoint with the openai npm SDK and curl (tests/openai/run.sh): ${missing[*]} not found (apt-get install nodejs npm curl)")
	else
		echo "== tests/openai/run.sh"
		tests/openai/run.sh
	fi
fi

if ((${#skipped[@]})); then
	echo "== skipped"
	for s in "${skipped[@]}"; do echo "SKIP: $s"; done
fi
echo "== all tests passed"
