#!/bin/sh
# Prefix beam search speed: 10 minutes of frames (33 per second, 29 labels),
# beam 16, trigram word LM, one core. Prints the real-time factor (xRT:
# seconds of audio decoded per second). Goal: >= 500.
#     sh scripts/bench/ctc_beam_rtf.sh
GOMAXPROCS=1 go test -run XX -bench BeamSearch -benchtime 3x ./ctc
