#!/bin/sh
# Compares audio.Resample with "sox ... rate -v" (very high quality) on the
# committed speech clips and on sine sweeps at 8, 11.025, 22.05, 32, 44.1 and
# 48 kHz, all converted to 16 kHz, and prints:
#   - the SNR of our output relative to sox's, within 90% and 95% of the lower
#     Nyquist frequency (sox's 95% "band width" is its -3 dB point);
#   - the stop-band rejection of both on tones above the output Nyquist.
# Needs sox (Debian package sox). Run from the repository root.
set -eu
command -v sox >/dev/null || { echo "sox not installed" >&2; exit 1; }
go test -count=1 -run 'TestResampleVsSox$' -v ./audio/ | sed -n 's/^ *resample_test.go:[0-9]*: //p'
