#!/bin/sh
# Time "transcribe eval" against NIST sclite (Debian sctk) on the same
# N random utterance pairs (default 100000; about 20 words each, a few
# random edits), words and characters, and print the ratio. Also checks
# that both report the same totals.
#   scripts/bench/wer.sh [N]
set -e
N=${1:-100000}
SCLITE=${SCLITE:-/usr/lib/sctk/bin/sclite}
cd "$(dirname "$0")/../.."
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
go build -o "$T/transcribe" ./cmd/transcribe
/usr/bin/python3 - "$N" "$T" <<'PY'
import random, sys
n, d = int(sys.argv[1]), sys.argv[2]
rng = random.Random(1)
vocab = \
    "the of and to a in that is was he for it with as his on be at by this had not are but from or have an they which one you were her all she there would their we him been has when who will more".split()
with open(f"{d}/ref.trn", "w") as r, open(f"{d}/hyp.trn", "w") as h:
    for i in range(n):
        w = [rng.choice(vocab) for _ in range(rng.randint(10, 29))]
        x = list(w)
        for _ in range(rng.randint(0, 4)):
            k = rng.randrange(len(x))
            c = rng.randrange(3)
            if c == 0: x[k] = rng.choice(vocab)
            elif c == 1: del x[k]
            else: x.insert(k, rng.choice(vocab))
        uid = f"s{i % 50:02d}_u{i:06d}"
        r.write(" ".join(w) + f" ({uid})\n")
        h.write(" ".join(x) + f" ({uid})\n")
PY
now() { date +%s.%N; }
for mode in words chars; do
  flag=""; [ $mode = chars ] && flag="--cer"
  cflag=""; [ $mode = chars ] && cflag="-c"
  t0=$(now)
  "$T/transcribe" eval --ref "$T/ref.trn" --hyp "$T/hyp.trn" $flag > "$T/ours.txt"
  t1=$(now)
  "$SCLITE" -r "$T/ref.trn" trn -h "$T/hyp.trn" trn -i rm -o rsum -O "$T" -n sc $cflag > /dev/null
  t2=$(now)
  ours=$(echo "$t1 - $t0" | bc); theirs=$(echo "$t2 - $t1" | bc)
  echo "$mode: $N pairs: ecoute $ours s, sclite $theirs s, sclite/ecoute $(echo "scale=2; $theirs / $ours" | bc)x"
  head -1 "$T/ours.txt"
  grep Sum "$T/sc.raw" | head -1
done
