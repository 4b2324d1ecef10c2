#!/bin/sh
# ARPA load time and memory: a trigram model of WikiText-2's training text
# (about 2 million n-grams; built once and cached in $TMPDIR) is read with
# lm.ReadARPA. Prints ns/op (one load), the n-gram count, the heap held by
# the model (MB-heap) and the file size. Also scoring speed per sentence.
#     sh scripts/bench/lm_arpa_load.sh
GOMAXPROCS=1 go test -run XX -bench 'ReadARPA|Score' -benchtime 3x ./text/lm
