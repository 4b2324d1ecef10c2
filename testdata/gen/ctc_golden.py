#!/usr/bin/python3
"""Golden CTC losses and gradients from PyTorch's F.ctc_loss.

Run by hand from the repository root (Debian python3-torch):
    /usr/bin/python3 testdata/gen/ctc_golden.py
Writes testdata/ctc/golden.json, read by ctc/golden_test.go.

For each case: logits [T][V] (float32), the log-softmax log_probs, the
per-sample loss (reduction='none'), the gradient with respect to the logits
(autograd through log_softmax), and the gradient PyTorch reports with respect
to a leaf log_probs tensor (which is exp(log_probs) - posterior, not the
plain derivative -posterior). The batch entry holds reduction='mean' over all
feasible cases, with zero_infinity=True over all cases.
"""
import json
import torch
import torch.nn.functional as F

torch.manual_seed(20240611)
g = torch.Generator().manual_seed(7)

cases = []


def add(T, V, blank, target, scale=1.0, name=""):
    logits = (torch.randn(T, V, generator=g) * scale).float()
    cases.append(dict(name=name, T=T, V=V, blank=blank, target=list(target), logits=logits))


def rand_target(L, V, blank, repeats=False):
    labels = [k for k in range(V) if k != blank]
    t = [labels[int(torch.randint(len(labels), (1,), generator=g))] for _ in range(L)]
    if repeats and L >= 2:
        t[1] = t[0]
    return t


add(10, 5, 0, [1, 2, 3], name="simple")
add(12, 6, 0, [2, 2, 3, 3], name="repeats")
add(5, 4, 0, [1, 1, 2, 2][:3], name="shortest-with-repeat")  # needs 4 frames, T=5
add(4, 4, 0, [1, 1, 2], name="shortest-exact")  # needs exactly 4
add(3, 4, 0, [1, 1, 2], name="infeasible")  # needs 4 > 3
add(2, 3, 0, [1, 2, 1], name="infeasible-long")
add(8, 5, 4, [0, 1, 1, 3], name="blank-last")
add(9, 6, 2, [0, 3, 5, 1], name="blank-middle")
add(7, 4, 0, [], name="empty-target")
add(30, 29, 0, rand_target(12, 29, 0, True), scale=3.0, name="sharp")
add(1, 3, 0, [2], name="one-frame")
for i in range(8):
    T = 6 + 5 * i
    V = 3 + (i % 5) * 2
    blank = 0 if i % 3 else V - 1
    L = 1 + (T // 4) % 7
    add(T, V, blank, rand_target(L, V, blank, repeats=i % 2 == 0), scale=1.0 + 0.5 * i, name=f"random{i}")

out = []
for c in cases:
    x = c["logits"].clone().requires_grad_(True)
    lp = F.log_softmax(x, dim=-1)
    tg = torch.tensor(c["target"], dtype=torch.long)
    loss = F.ctc_loss(lp.unsqueeze(1), tg.unsqueeze(0), [c["T"]], [len(c["target"])],
                      blank=c["blank"], reduction="none", zero_infinity=False)
    finite = bool(torch.isfinite(loss).all())
    d = dict(name=c["name"], T=c["T"], V=c["V"], blank=c["blank"], target=c["target"],
             logits=c["logits"].tolist(), loss=float(loss[0]) if finite else "inf")
    if finite:
        loss.sum().backward()
        d["grad_logits"] = x.grad.tolist()
        lpl = lp.detach().clone().requires_grad_(True)
        l2 = F.ctc_loss(lpl.unsqueeze(1), tg.unsqueeze(0), [c["T"]], [len(c["target"])],
                        blank=c["blank"], reduction="sum")
        l2.backward()
        d["log_probs"] = lpl.detach().tolist()
        d["grad_log_probs_torch"] = lpl.grad.tolist()
    out.append(d)

# Batch: the cases that share blank 0 and V 5..6 are not uniform, so the batch
# uses a fresh padded batch with variable lengths.
B, V, blank = 6, 7, 0
Ts = [20, 15, 9, 20, 4, 12]
Ls = [5, 3, 4, 1, 3, 0]
xs = torch.randn(max(Ts), B, V, generator=g)
targets = [rand_target(L, V, blank, repeats=(i % 2 == 1)) for i, L in enumerate(Ls)]
targets[4] = [1, 1, 1]  # needs 5 frames > 4: infeasible
flat = torch.tensor([l for t in targets for l in t], dtype=torch.long)
x = xs.clone().requires_grad_(True)
lp = F.log_softmax(x, dim=-1)
loss = F.ctc_loss(lp, flat, Ts, Ls, blank=blank, reduction="mean", zero_infinity=True)
loss.backward()
batch = dict(V=V, blank=blank, lengths=Ts, targets=targets,
             logits=[xs[:Ts[b], b].tolist() for b in range(B)],
             loss_mean=float(loss),
             grad_logits=[x.grad[:Ts[b], b].tolist() for b in range(B)])

with open("testdata/ctc/golden.json", "w") as f:
    json.dump(dict(tool=f"torch {torch.__version__} F.ctc_loss", cases=out, batch=batch), f)
print(len(out), "cases written")
