#!/bin/sh
# Regenerate testdata/wer (WER/CER goldens) with NIST sclite from Debian's
# sctk package: apt-get install sctk. Run from anywhere.
set -e
cd "$(dirname "$0")/../.."
exec /usr/bin/python3 testdata/gen/wer_golden.py "$@"
