#!/usr/bin/python3
"""Make the SentencePiece goldens in testdata/text with Debian's
python3-sentencepiece (apt-get install python3-sentencepiece).

Trains three small models on the Gutenberg novels under ../shared/data/text:

  spm_bpe.model      BPE, vocab 500, default normalization (nmt_nfkc)
  spm_unigram.model  unigram, vocab 500, default normalization (nmt_nfkc)
  spm_bytes.model    unigram, vocab 400, identity normalization, byte_fallback,
                     no dummy prefix, split_digits

then encodes held-out lines (State of the Union addresses, inaugural
addresses, Harvard sentences) plus hand-made Unicode and white-space cases
with each model:

  spm_lines.txt           one input line per line
  spm_<model>.ids         the ids SentencePiece gives each line, space separated
  spm_<model>.dec         SentencePiece's decoding of those ids, one line each

Run by hand from the repository root: /usr/bin/python3 testdata/gen/spm_golden.py
Pass --keep-models to re-encode with the committed models instead of training.
"""
import glob
import os
import random
import re
import sys

import sentencepiece as spm

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.environ.get("ECOUTE_TEXT_DATA", os.path.join(ROOT, "..", "shared", "data", "text"))
OUT = os.path.join(ROOT, "testdata", "text")

MODELS = {
    "bpe": dict(model_type="bpe", vocab_size=500),
    "unigram": dict(model_type="unigram", vocab_size=500),
    "bytes": dict(model_type="unigram", vocab_size=400, normalization_rule_name="identity",
                  byte_fallback=True, add_dummy_prefix=False, split_digits=True, character_coverage=0.98),
}

SPECIAL = [
    "", " ", "   ", "\t", "a", " a ", "  leading and trailing  ", "multiple    inner   spaces",
    "tab\tseparated\tvalues", "Ｆｕｌｌｗｉｄｔｈ ＡＢＣ １２３", "ﬁne ﬂower ﬀ", "café naïve résumé Ántonia",
    "x² + y³ = z½", "“curly quotes” and ‘single’ — dashes – too…", "日本語のテキスト", "한국어 텍스트",
    "Ελληνικά κείμενα", "русский текст", "emoji 😀🎉 mixed", "numbers 1908 3.14159 $5.50 50%",
    "UPPER lower MiXeD", "a\u00a0non-breaking\u2009thin\u3000ideographic space", "zero\u200bwidth",
    "combining e\u0301 vs \u00e9", "control\u0007bell", "ⅠⅡⅢ Roman ⅻ", "℃ ℉ ㎏ ㎞", "hello\u2028line sep",
    "Ａ", "▁already▁has▁meta", "<unk> <s> </s>", "don't won't it's o'clock", "e-mail well-known",
]


def gutenberg_lines():
    lines = []
    for path in sorted(glob.glob(os.path.join(DATA, "gutenberg-modern", "*", "*.txt"))):
        with open(path, encoding="utf-8-sig", errors="replace") as f:
            text = f.read()
        a, b = text.find("*** START"), text.find("*** END")
        text = text[text.find("\n", a) + 1:b]
        lines += [l.strip() for l in text.splitlines() if l.strip()]
    return lines


def read_any(path):
    with open(path, "rb") as f:
        b = f.read()
    try:
        return b.decode("utf-8")
    except UnicodeDecodeError:
        return b.decode("latin-1")


def test_lines():
    rng = random.Random(5)
    pool = []
    for path in sorted(glob.glob(os.path.join(DATA, "nltk-state_union", "*.txt"))) + \
            sorted(glob.glob(os.path.join(DATA, "nltk-inaugural", "*.txt"))):
        for para in read_any(path).splitlines():
            # Paragraphs are long: take sentences.
            pool += [x for x in re.split(r"(?<=[.!?])\s+", para) if 5 <= len(x) <= 160]
    with open(os.path.join(DATA, "harvard-sentences", "harvsents.txt"), encoding="utf-8") as f:
        harv = [l.rstrip("\n") for l in f]
    lines = rng.sample(pool, 1600) + rng.sample(harv, 400) + SPECIAL
    clean = []
    for l in lines:
        l = l.replace("\r", "").replace("\n", "")
        clean.append(l)
    return clean


def main():
    keep = "--keep-models" in sys.argv
    os.makedirs(OUT, exist_ok=True)
    if not keep:
        train = os.path.join(OUT, "spm_train.tmp")
        with open(train, "w", encoding="utf-8") as f:
            f.write("\n".join(gutenberg_lines()) + "\n")
        try:
            for name, kw in MODELS.items():
                spm.SentencePieceTrainer.train(input=train, model_prefix=os.path.join(OUT, "spm_" + name),
                                               num_threads=1, minloglevel=2, **kw)
                os.remove(os.path.join(OUT, "spm_" + name + ".vocab"))
        finally:
            os.remove(train)
    lines = test_lines()
    with open(os.path.join(OUT, "spm_lines.txt"), "w", encoding="utf-8", newline="\n") as f:
        for l in lines:
            f.write(l + "\n")
    for name in MODELS:
        sp = spm.SentencePieceProcessor(model_file=os.path.join(OUT, "spm_" + name + ".model"))
        with open(os.path.join(OUT, "spm_" + name + ".ids"), "w", encoding="utf-8") as f, \
                open(os.path.join(OUT, "spm_" + name + ".dec"), "w", encoding="utf-8", newline="\n") as g:
            for l in lines:
                ids = sp.encode(l)
                f.write(" ".join(map(str, ids)) + "\n")
                g.write(sp.decode(ids).replace("\n", "\\n") + "\n")
    print(len(lines), "lines,", len(MODELS), "models, sentencepiece", spm.__version__, file=sys.stderr)


if __name__ == "__main__":
    main()
