#!/usr/bin/python3
"""CTC loss + gradient: ecoute's ctc.BatchLossGrad against PyTorch's
F.ctc_loss forward + backward (CPU), on the same batch, side by side.

Run from the repository root (Debian python3-torch):
    /usr/bin/python3 scripts/bench/ctc_vs_torch.py [--threads 1]
Both sides compute log-softmax + CTC loss (reduction='mean') and the
gradient with respect to the logits; the best of N runs is reported, and the
losses are printed to show they agree.
"""
import argparse, json, os, subprocess, tempfile, time
import torch
import torch.nn.functional as F

ap = argparse.ArgumentParser()
ap.add_argument("--batch", type=int, default=16)
ap.add_argument("--frames", type=int, default=400)
ap.add_argument("--labels", type=int, default=29)
ap.add_argument("--target", type=int, default=80)
ap.add_argument("--threads", type=int, default=1)
ap.add_argument("--reps", type=int, default=20)
a = ap.parse_args()
torch.set_num_threads(a.threads)
g = torch.Generator().manual_seed(1)
B, T, V, L = a.batch, a.frames, a.labels, a.target
lengths = [T - (i * T) // (4 * B) for i in range(B)]
tlens = [L - (i * L) // (4 * B) for i in range(B)]
x = torch.randn(T, B, V, generator=g) * 2
targets = [torch.randint(1, V, (tl,), generator=g).tolist() for tl in tlens]
flat = torch.tensor([l for t in targets for l in t])

best = 1e9
for _ in range(a.reps):
    xx = x.clone().requires_grad_(True)
    t0 = time.perf_counter()
    loss = F.ctc_loss(F.log_softmax(xx, -1), flat, lengths, tlens, reduction="mean")
    loss.backward()
    best = min(best, time.perf_counter() - t0)
torch_loss = float(loss)

with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
    json.dump(dict(logits=[x[:lengths[b], b].tolist() for b in range(B)], targets=targets), f)
    path = f.name
exe = os.path.join(tempfile.gettempdir(), "ecoute_ctc_bench")
subprocess.run(["go", "build", "-o", exe, "./scripts/bench/ctc_bench"], check=True)
out = subprocess.run([exe, "-in", path, "-reps", str(a.reps), "-workers", str(a.threads)],
                     check=True, capture_output=True, text=True).stdout.split()
os.unlink(path)
ours, our_loss = float(out[0]), float(out[1])
print(f"batch {B} x {T} frames x {V} labels, targets ~{L}, threads {a.threads}")
print(f"torch {torch.__version__} F.ctc_loss fwd+bwd: {best*1e3:8.2f} ms  loss {torch_loss:.6f}")
print(f"ecoute ctc.BatchLossGrad:         {ours*1e3:8.2f} ms  loss {our_loss:.6f}")
print(f"ratio (torch / ecoute): {best/ours:.2f}x")
