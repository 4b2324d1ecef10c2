#!/bin/sh
# Golden scores from sphinxbase's ARPA reader for models that text/lm writes.
#
# Run by hand from the repository root (Debian package sphinxbase-utils):
#     sh testdata/gen/lm_sphinx_golden.sh
# 1. text/lm's TestWriteGoldenModels writes the ARPA models and the test
#    sentences (<s> ... </s> added) into a scratch directory;
# 2. sphinx_lm_eval -verbose scores every sentence of each set;
# 3. its per-word lines "log P(w|history) = N" (log base 1.0001, truncated to
#    integers, each sentence's words in reverse order, OOVs skipped) and the
#    totals go to testdata/lm/sphinx_NAME.txt, read by TestSphinxGolden.
# The "big" set is built from ../shared/data/text (nltk-state_union); it is
# skipped when that corpus is absent.
set -e
dir=$(mktemp -d)
ECOUTE_LM_GOLDEN_DIR=$dir go test ./text/lm -run TestWriteGoldenModels -count=1 >/dev/null
for arpa in "$dir"/*.arpa; do
    name=$(basename "$arpa" .arpa)
    sents="$dir/$name.sentences"
    out="testdata/lm/sphinx_$name.txt"
    {
        echo "# sphinx_lm_eval $(dpkg-query -W -f='${Version}' sphinxbase-utils 2>/dev/null) -lm $name.arpa -lsn $name.sentences -verbose yes"
        sphinx_lm_eval -lm "$arpa" -lsn "$sents" -verbose yes 2>/dev/null | grep -E '^(log P|lm score|perplexity|[0-9]+ words|[0-9]+ OOVs)'
    } > "$out"
    echo "$out: $(grep -c '^log P' "$out") word scores"
done
rm -rf "$dir"
