#!/usr/bin/python3
"""Golden CTC forced alignments (Viterbi paths) from PyTorch's F.ctc_loss.

Run by hand from the repository root (Debian python3-torch):
    /usr/bin/python3 testdata/gen/ctc_align_golden.py
Writes testdata/ctc/align_golden.json, read by ctc/align_test.go.

The installed torchaudio (0.13) predates torchaudio.functional.forced_align,
so the reference is PyTorch's CTC forward-backward taken to its max-product
limit: for log-probabilities scaled by beta, -ctc_loss(beta * lp) / beta is
log-sum-exp over paths divided by beta, which tends to the best path's score
(within log(#paths) / beta), and the per-frame posteriors (exp(x) - grad for a
leaf log_probs tensor) concentrate on the best path, so their argmax is the
Viterbi label of each frame. beta = 1e4 in float64. For the small cases
(V^T <= 2e5) the script also enumerates every path, collapses it, and checks
that the best one matching the target is the same path.

Each case: a random log-softmax matrix [T][V] (float32 values), a target, the
blank index, the path (one label per frame), the log-probability of that
label at each frame, and the path's total.
"""
import itertools
import json
import torch
import torch.nn.functional as F

g = torch.Generator().manual_seed(26)
BETA = 1e4
cases = []


def rand_target(L, V, blank, repeats=False):
    labels = [k for k in range(V) if k != blank]
    t = [labels[int(torch.randint(len(labels), (1,), generator=g))] for _ in range(L)]
    if repeats and L >= 2:
        t[1] = t[0]
    return t


def collapse(path, blank):
    out, prev = [], None
    for k in path:
        if k != prev and k != blank:
            out.append(k)
        prev = k
    return out


def brute(lp, target, blank):
    T, V = lp.shape
    best, arg = -float("inf"), None
    for p in itertools.product(range(V), repeat=T):
        if collapse(p, blank) == target:
            s = sum(float(lp[t, k]) for t, k in enumerate(p))
            if s > best:
                best, arg = s, list(p)
    return arg, best


def add(name, T, V, blank, target, scale=1.0):
    logits = torch.randn(T, V, generator=g) * scale
    lp = torch.log_softmax(logits, dim=-1).float()
    x = (lp.double() * BETA).unsqueeze(1).requires_grad_(True)  # [T][1][V]
    loss = F.ctc_loss(x, torch.tensor([target]), torch.tensor([T]), torch.tensor([len(target)]),
                      blank=blank, reduction="sum")
    loss.backward()
    post = (x.detach().exp() - x.grad)[:, 0, :]
    path = post.argmax(dim=-1).tolist()
    assert collapse(path, blank) == target, name
    assert post.max(dim=-1).values.min() > 0.99, name  # one path holds the mass
    scores = [float(lp[t, k]) for t, k in enumerate(path)]
    total = sum(float(lp[t, k]) for t, k in enumerate(path))
    assert abs(total - (-loss.item() / BETA)) < 1e-3, (name, total, -loss.item() / BETA)
    if V ** T <= 200000:
        bp, bs = brute(lp, target, blank)
        assert bp == path, (name, bp, path)
    cases.append(dict(name=name, T=T, V=V, blank=blank, target=list(target),
                      log_probs=lp.tolist(), path=path, scores=scores, total=total))


add("simple", 8, 4, 0, [1, 2, 3])
add("repeats", 10, 3, 0, [2, 2, 1, 1])
add("shortest-exact", 4, 4, 0, [1, 1, 2])
add("blank-last", 8, 4, 3, [0, 1, 1, 2])
add("blank-middle", 7, 5, 2, [0, 3, 4, 1])
add("one-frame", 1, 3, 0, [2])
add("one-label-long", 11, 3, 0, [2], scale=2.0)
add("sharp", 40, 29, 0, rand_target(14, 29, 0, True), scale=4.0)
add("flat", 30, 8, 0, rand_target(9, 8, 0, True), scale=0.3)
for i in range(10):
    T = 8 + 7 * i
    V = 3 + (i % 6) * 3
    blank = 0 if i % 3 else V - 1
    L = 1 + (T // 3) % 11
    add(f"random{i}", T, V, blank, rand_target(L, V, blank, repeats=i % 2 == 0), scale=1.0 + 0.4 * i)

with open("testdata/ctc/align_golden.json", "w") as f:
    json.dump(dict(tool=f"torch {torch.__version__} F.ctc_loss at beta={BETA:g} (max-product limit); brute force for V^T <= 2e5",
                   cases=cases), f, separators=(",", ":"))
    f.write("\n")
