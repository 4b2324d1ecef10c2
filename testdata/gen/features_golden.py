#!/usr/bin/python3
"""Golden MFCC and fbank features for audio/features, from torchaudio.

Run by hand from the repository root with Debian's python (packages
python3-torch, python3-torchaudio):

    /usr/bin/python3 testdata/gen/features_golden.py

For every option set below it reads a committed clip, computes
torchaudio.compliance.kaldi.mfcc or .fbank (which match Kaldi's
compute-mfcc-feats / compute-fbank-feats when given the 16-bit sample values,
i.e. the waveform in [-1, 1] times 32768) and writes
testdata/features/NAME.txt (one frame per line) and the manifest
testdata/features/golden.json, which names the clip and the options (in
torchaudio's keyword names) of each set.

torchaudio computes in the precision of its input. Sets are computed in
float64 (tables included), the exact reference for ecoute (which computes in float64 and
rounds the result to float32); sets whose name ends in _f32 are computed in
float32, as Kaldi itself does, and show how far single-precision arithmetic
alone moves the result (about 1e-3 on cepstra of quiet frames).
"""
import json
import os
import wave

import numpy as np
import torch
import torchaudio
from torchaudio.compliance import kaldi

torch.set_num_threads(1)

# Kaldi's defaults where torchaudio's differ (dither 0 in both ecoute and here).
MFCC_KALDI = dict(use_energy=True, energy_floor=0.0, dither=0.0)
FBANK_KALDI = dict(energy_floor=0.0, dither=0.0)

SETS = [
    ("mfcc_default_16k", "mfcc", "audio/clip16k.wav", dict(MFCC_KALDI)),
    ("mfcc_default_hello", "mfcc", "hello.wav", dict(MFCC_KALDI)),
    ("mfcc_nosnip_16k", "mfcc", "audio/clip16k.wav", dict(MFCC_KALDI, snip_edges=False)),
    ("mfcc_noenergy_8k", "mfcc", "audio/clip8k.wav",
     dict(MFCC_KALDI, use_energy=False, sample_frequency=8000.0)),
    ("mfcc_40mel_20ceps_16k", "mfcc", "audio/clip16k.wav",
     dict(MFCC_KALDI, num_mel_bins=40, num_ceps=20, low_freq=64.0, high_freq=-400.0,
          cepstral_lifter=30.0, window_type="hamming", raw_energy=False, energy_floor=1.0)),
    ("mfcc_custom_8k", "mfcc", "audio/clip8k.wav",
     dict(MFCC_KALDI, sample_frequency=8000.0, num_mel_bins=15, num_ceps=10, low_freq=100.0,
          high_freq=3600.0, preemphasis_coefficient=0.0, remove_dc_offset=False,
          window_type="hanning", snip_edges=False, frame_length=20.0, frame_shift=12.5,
          cepstral_lifter=0.0)),
    ("mfcc_htk_16k", "mfcc", "audio/clip16k.wav",
     dict(MFCC_KALDI, htk_compat=True, use_energy=False, window_type="blackman",
          round_to_power_of_two=False, frame_length=25.0)),
    ("fbank_default_16k", "fbank", "audio/clip16k.wav", dict(FBANK_KALDI)),
    ("fbank_energy_nosnip_8k", "fbank", "audio/clip8k.wav",
     dict(FBANK_KALDI, sample_frequency=8000.0, use_energy=True, snip_edges=False,
          num_mel_bins=30)),
    ("fbank_80_htk_16k", "fbank", "audio/clip16k.wav",
     dict(FBANK_KALDI, num_mel_bins=80, use_energy=True, htk_compat=True,
          window_type="rectangular", use_power=False, low_freq=0.0, high_freq=7000.0)),
    ("fbank_nolog_16k", "fbank", "audio/clip16k.wav",
     dict(FBANK_KALDI, use_log_fbank=False, num_mel_bins=10)),
    ("mfcc_vtln090_16k", "mfcc", "audio/clip16k.wav", dict(MFCC_KALDI, vtln_warp=0.9)),
    ("mfcc_vtln115_hello", "mfcc", "hello.wav", dict(MFCC_KALDI, vtln_warp=1.15)),
    ("fbank_vtln_custom_8k", "fbank", "audio/clip8k.wav",
     dict(FBANK_KALDI, sample_frequency=8000.0, num_mel_bins=30, vtln_warp=1.08,
          vtln_low=200.0, vtln_high=3300.0)),
    ("mfcc_default_hello_f32", "mfcc", "hello.wav", dict(MFCC_KALDI)),
    ("mfcc_nosnip_16k_f32", "mfcc", "audio/clip16k.wav", dict(MFCC_KALDI, snip_edges=False)),
    ("fbank_default_hello_f32", "fbank", "hello.wav", dict(FBANK_KALDI)),
]


def read_wav16(path, dtype):
    with wave.open(path) as w:
        assert w.getsampwidth() == 2 and w.getnchannels() == 1, path
        x = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    # The 16-bit values themselves: the waveform in [-1, 1] times 32768.
    return torch.from_numpy(x.astype(dtype)).unsqueeze(0)


def main():
    root = "testdata"
    outdir = os.path.join(root, "features")
    os.makedirs(outdir, exist_ok=True)
    manifest = {"generator": "torchaudio %s torchaudio.compliance.kaldi" % torchaudio.__version__,
                "sets": []}
    for name, kind, clip, opts in SETS:
        dtype = np.float32 if name.endswith("_f32") else np.float64
        # torchaudio builds its mel, DCT and lifter tables in the default
        # dtype: make that float64 too for the exact reference.
        torch.set_default_dtype(torch.float32 if dtype == np.float32 else torch.float64)
        x = read_wav16(os.path.join(root, clip), dtype)
        fn = kaldi.mfcc if kind == "mfcc" else kaldi.fbank
        feats = fn(x, **opts).numpy()
        fmt = "%.6e" if not opts.get("use_log_fbank", True) else "%.5f"
        np.savetxt(os.path.join(outdir, name + ".txt"), feats, fmt=fmt)
        manifest["sets"].append({"name": name, "kind": kind, "clip": clip, "options": opts,
                                 "frames": int(feats.shape[0]), "dims": int(feats.shape[1]),
                                 "dtype": np.dtype(dtype).name})
        print(name, feats.shape)
    # Deltas of the default MFCCs: torchaudio.functional.compute_deltas with
    # win_length 5 is Kaldi's first-order add-deltas (window 2, edges
    # replicated); applying it twice gives Kaldi's second order away from the
    # edges (Kaldi replicates the input's edge frames once, not the deltas').
    torch.set_default_dtype(torch.float64)
    x = read_wav16(os.path.join(root, "audio/clip16k.wav"), np.float64)
    m = kaldi.mfcc(x, **MFCC_KALDI).T  # (dims, frames)
    d1 = torchaudio.functional.compute_deltas(m, win_length=5)
    d2 = torchaudio.functional.compute_deltas(d1, win_length=5)
    feats = torch.cat((m, d1, d2), dim=0).T.numpy()
    np.savetxt(os.path.join(outdir, "deltas_mfcc_default_16k.txt"), feats, fmt="%.5f")
    manifest["deltas"] = {"name": "deltas_mfcc_default_16k", "of": "mfcc_default_16k",
                          "order": 2, "window": 2, "edge_frames_second_order": 4}
    print("deltas", feats.shape)
    # The whole front end of features.NewPipeline as the recognizer's models
    # use it: MFCCs, first-order deltas (exact against Kaldi on every frame),
    # then per-utterance CMVN of every column (population variance, as
    # Kaldi's apply-cmvn --norm-vars).
    d = torch.cat((m, d1), dim=0).T.numpy()
    feats = (d - d.mean(axis=0)) / np.sqrt(d.var(axis=0))
    np.savetxt(os.path.join(outdir, "pipeline_mfcc_d1_cmvn_16k.txt"), feats, fmt="%.6f")
    manifest["pipeline"] = {"name": "pipeline_mfcc_d1_cmvn_16k", "of": "mfcc_default_16k",
                            "order": 1, "window": 2, "cmvn": "after deltas"}
    print("pipeline", feats.shape)
    with open(os.path.join(outdir, "golden.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
