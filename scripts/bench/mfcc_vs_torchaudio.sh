#!/bin/sh
# Times ecoute's MFCC against torchaudio.compliance.kaldi.mfcc on the same
# 10-minute 16 kHz file, both on one thread (GOMAXPROCS=1, torch
# set_num_threads(1)), Kaldi's default MFCC options, and prints the
# throughput ratio. The two alternate for ROUNDS rounds (default 5) and the
# best time of each counts, so load from other processes on a shared machine
# hits both alike.
# Needs sox and Debian's python3-torchaudio. Run from the repository root.
# Optional: MFCC_BIN=prebuilt scripts/bench/mfcc binary, LONG_WAV=input file.
set -eu
rounds=${ROUNDS:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
long=${LONG_WAV:-}
if [ -z "$long" ]; then
	# Ten minutes of speech: the README clip repeated, dithered so no frame
	# is digital silence.
	long="$tmp/long.wav"
	sox -V1 testdata/hello.wav -p repeat 206 | sox -V1 - -r 16000 -b 16 "$long" trim 0 600 dither
fi
bin=${MFCC_BIN:-}
if [ -z "$bin" ]; then
	bin="$tmp/mfcc"
	go build -o "$bin" ./scripts/bench/mfcc
fi
cat > "$tmp/ta.py" <<'PY'
import sys, time, wave
import numpy as np, torch
from torchaudio.compliance import kaldi
torch.set_num_threads(1)
with wave.open(sys.argv[1]) as w:
    x = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32)
t = torch.from_numpy(x).unsqueeze(0)
kw = dict(use_energy=True, energy_floor=0.0, dither=0.0)
m = kaldi.mfcc(t, **kw)  # warm-up
best = 1e9
for _ in range(int(sys.argv[2])):
    t0 = time.perf_counter()
    m = kaldi.mfcc(t, **kw)
    best = min(best, time.perf_counter() - t0)
print("%.4f %d" % (best, m.shape[0]))
PY
ours=1e9 theirs=1e9
for r in $(seq "$rounds"); do
	o=$(GOMAXPROCS=1 "$bin" -n 2 "$long")
	p=$(/usr/bin/python3 "$tmp/ta.py" "$long" 2)
	ours=$(echo "$ours ${o%% *}" | awk '{print ($2 < $1) ? $2 : $1}')
	theirs=$(echo "$theirs ${p%% *}" | awk '{print ($2 < $1) ? $2 : $1}')
	echo "round $r: ecoute ${o%% *} s, torchaudio ${p%% *} s" >&2
done
seconds=$(soxi -D "$long" 2>/dev/null || echo 600)
echo "$ours $theirs $seconds ${o#* } ${p#* }" | awk '{
  printf "audio: %.0f s at 16 kHz, %d frames (torchaudio %d), one thread each\n", $3, $4, $5
  printf "ecoute MFCC     %8.3f s  %7.0fx real time\n", $1, $3/$1
  printf "torchaudio MFCC %8.3f s  %7.0fx real time\n", $2, $3/$2
  printf "ratio (ecoute throughput / torchaudio): %.2fx\n", $2/$1
}'
