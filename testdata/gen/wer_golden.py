#!/usr/bin/python3
"""Make the WER/CER goldens in testdata/wer with NIST sclite (Debian sctk).

Reference sentences are real text (Harvard sentences and lines of the
Gutenberg novels under ../shared/data/text, lower-cased, letters and
apostrophes only). Hypotheses are random edits of them (substitutions,
deletions, insertions, swaps, repeats, spans replaced), plus identical,
empty, one-word, case-changed and small-alphabet pairs that stress
sclite's tie-breaking. sclite then scores them twice:

  sclite -r ref.trn trn -h hyp.trn trn -i rm -o pra rsum        (words)
  sclite -r ref.trn trn -h hyp.trn trn -i rm -o pra rsum -c     (characters)

and its per-utterance alignments are written as

  id<TAB>#C #S #D #I<TAB>ops      (ops: one of C S D I per aligned step)

to testdata/wer/sclite_words.tsv and sclite_chars.tsv; the "Sum" line of
the rsum report goes to sclite_{words,chars}_total.txt.

Run by hand from the repository root: testdata/gen/wer_golden.sh
"""
import glob
import os
import random
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.environ.get("ECOUTE_TEXT_DATA", os.path.join(ROOT, "..", "shared", "data", "text"))
OUT = os.path.join(ROOT, "testdata", "wer")
SCLITE = os.environ.get("SCLITE", "/usr/lib/sctk/bin/sclite")
N_PAIRS = 1500


def clean(line):
    line = line.lower().replace("\u2019", "'")
    line = re.sub(r"[^a-z' ]+", " ", line)
    words = [w.strip("'") for w in line.split()]
    return [w for w in words if w]


def sentences():
    out = []
    with open(os.path.join(DATA, "harvard-sentences", "harvsents.txt"), encoding="utf-8") as f:
        for line in f:
            w = clean(line)
            if w:
                out.append(w)
    for path in sorted(glob.glob(os.path.join(DATA, "gutenberg-modern", "*", "*.txt"))):
        with open(path, encoding="utf-8-sig", errors="replace") as f:
            text = f.read()
        a = text.find("*** START")
        b = text.find("*** END")
        if a >= 0 and b > a:
            text = text[text.find("\n", a) + 1:b]
        for line in text.splitlines():
            w = clean(line)
            if 3 <= len(w) <= 25:
                out.append(w)
    return out


def edit(rng, words, vocab):
    w = list(words)
    for _ in range(rng.choice([1, 1, 2, 2, 3, 4, 6, 10])):
        k = rng.random()
        i = rng.randrange(len(w) + 1)
        if k < 0.3 and i < len(w):
            w[i] = rng.choice(vocab)  # substitution
        elif k < 0.5 and i < len(w):
            del w[i]  # deletion
        elif k < 0.7:
            w.insert(i, rng.choice(vocab))  # insertion
        elif k < 0.8 and i + 1 < len(w):
            w[i], w[i + 1] = w[i + 1], w[i]  # swap
        elif k < 0.9 and i < len(w):
            w.insert(i, w[i])  # repeat
        elif i < len(w):
            j = min(len(w), i + rng.randint(1, 4))
            w[i:j] = [rng.choice(vocab) for _ in range(rng.randint(0, 4))]  # span
    return w


def make_pairs(rng, sents):
    vocab = sorted({x for s in sents for x in s})
    pairs = []
    for n in range(N_PAIRS):
        r = rng.choice(sents)
        k = rng.random()
        if k < 0.08:
            h = list(r)  # identical
        elif k < 0.11:
            h = []  # empty hypothesis
        elif k < 0.14:
            r, h = [], rng.choice(sents)  # empty reference
        elif k < 0.15:
            r, h = [], []  # both empty
        elif k < 0.20:
            r = [rng.choice(vocab)]  # one-word reference
            h = rng.choice([[], [r[0]], [rng.choice(vocab)], edit(rng, r, vocab)])
        elif k < 0.23:
            h = [rng.choice(vocab)]  # one-word hypothesis
        elif k < 0.27:
            h = rng.choice(sents)  # unrelated sentence
        elif k < 0.30:
            h = [x.upper() if rng.random() < 0.3 else x for x in edit(rng, r, vocab)]  # case
        elif k < 0.45:
            # Small alphabets: many equal-cost alignments.
            alpha = ["a", "b", "c"][: rng.randint(1, 3)]
            r = [rng.choice(alpha) for _ in range(rng.randint(0, 12))]
            h = [rng.choice(alpha) for _ in range(rng.randint(0, 12))]
        else:
            h = edit(rng, r, vocab)
        pairs.append((f"s{n % 13:02d}_u{n:05d}", " ".join(r), " ".join(h)))
    return pairs


def parse_pra(path):
    """Per-utterance counts and ops from an sclite pra report."""
    res = {}
    uid = counts = ref = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("id: ("):
                uid = line[5:-1]
            elif line.startswith("Scores: (#C #S #D #I)"):
                counts = line.split(")", 1)[1].split()
                res[uid] = (" ".join(counts), "")  # both sides empty: no REF/HYP lines
            elif line.startswith("REF:"):
                ref = line[5:].split()
            elif line.startswith("HYP:"):
                hyp = line[5:].split()
                assert len(ref) == len(hyp), (uid, ref, hyp)
                ops = []
                for a, b in zip(ref, hyp):
                    if set(a) == {"*"}:
                        ops.append("I")
                    elif set(b) == {"*"}:
                        ops.append("D")
                    elif a.lower() == b.lower():
                        ops.append("C")
                    else:
                        ops.append("S")
                res[uid] = (" ".join(counts), "".join(ops))
    return res


def parse_rsum(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if "Sum" in line and "|" in line:
                return " ".join(line.replace("|", " ").split())
    raise SystemExit("no Sum line in " + path)


def main():
    rng = random.Random(20240605)
    pairs = make_pairs(rng, sentences())
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "ref.trn"), "w", encoding="utf-8") as f:
        for uid, r, _ in pairs:
            f.write(f"{r} ({uid})\n")
    with open(os.path.join(OUT, "hyp.trn"), "w", encoding="utf-8") as f:
        for uid, _, h in pairs:
            f.write(f"{h} ({uid})\n")
    for unit, extra in (("words", []), ("chars", ["-c"])):
        with tempfile.TemporaryDirectory() as tmp:
            cmd = [SCLITE, "-r", os.path.join(OUT, "ref.trn"), "trn", "-h", os.path.join(OUT, "hyp.trn"), "trn",
                   "-i", "rm", "-o", "pra", "rsum", "-O", tmp, "-n", "out"] + extra
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
            res = parse_pra(os.path.join(tmp, "out.pra"))
            total = parse_rsum(os.path.join(tmp, "out.raw"))
        assert len(res) == len(pairs), (len(res), len(pairs))
        with open(os.path.join(OUT, f"sclite_{unit}.tsv"), "w", encoding="utf-8") as f:
            for uid, _, _ in pairs:
                c, ops = res[uid]
                f.write(f"{uid}\t{c}\t{ops}\n")
        with open(os.path.join(OUT, f"sclite_{unit}_total.txt"), "w", encoding="utf-8") as f:
            f.write("# sclite " + " ".join(extra + ["-i", "rm", "-o", "rsum"]) + ": Sum line (#Snt #Wrd Corr Sub Del Ins Err S.Err)\n")
            f.write(total + "\n")
        print(unit, len(res), "pairs;", total, file=sys.stderr)


if __name__ == "__main__":
    main()
