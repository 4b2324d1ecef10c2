#!/usr/bin/python3
"""Make testdata/asr/toy_spm.model, a tiny SentencePiece model over the toy
corpus of the asr trainer's tests (words of the letters a, b, c: see
toyTexts in asr/train/train_test.go), with Debian's python3-sentencepiece
(apt-get install python3-sentencepiece).

A BPE model of 12 pieces: <unk>, <s>, </s>, then the characters and merges
such as ▁a and ab that SentencePiece learns from the toy sentences. The asr
trainer adds the CTC blank after them.

Run by hand from the repository root: /usr/bin/python3 testdata/gen/asr_spm_toy.py
"""
import io
import os

import sentencepiece as spm

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TEXTS = ["abc", "cab", "bca", "ac b", "ba", "cc a", "abba", "cb", "a c", "bac", "ca", "b a c"]

model = io.BytesIO()
spm.SentencePieceTrainer.train(
    sentence_iterator=iter(TEXTS * 20), model_writer=model, model_type="bpe", vocab_size=12,
    character_coverage=1.0, normalization_rule_name="identity", minloglevel=2)
out = os.path.join(ROOT, "testdata", "asr", "toy_spm.model")
with open(out, "wb") as f:
    f.write(model.getvalue())
sp = spm.SentencePieceProcessor(model_proto=model.getvalue())
print(out, [sp.id_to_piece(i) for i in range(sp.get_piece_size())])
for t in TEXTS[:4]:
    print(t, sp.encode(t, out_type=str))
