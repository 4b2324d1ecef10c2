#!/usr/bin/python3
"""Golden loss and gradients for the trainer's intermediate CTC loss, from PyTorch.

Run by hand from the repository root (Debian python3-torch):
    /usr/bin/python3 testdata/gen/asr_interctc_golden.py
Writes testdata/asr/interctc.safetensors and interctc_phone.safetensors, read by
asr/interctc_test.go.

The network is a 3-layer bidirectional LSTM (three one-layer nn.LSTM modules,
so the middle layer's output can be read) with an nn.Linear head shared by two
CTC losses: one on the top layer's output and one on the middle layer's
(Lee & Watanabe 2021, "Intermediate loss regularization for CTC-based speech
recognition"). With F.ctc_loss(reduction="none") per utterance and the mean
over the batch:

    loss = (1 - w) * mean_b CTC(log_softmax(fc(y3))) + w * mean_b CTC(log_softmax(fc(y2)))

The second file adds a phone CTC loss on the middle layer through a second
nn.Linear head ("phone.weight", "phone.bias"; hierarchical multitask training),
its mean taken over the utterances that have phone targets ("phones", -1 padded;
a row of -2 means none):

    loss = (1 - w - p) * final + w * mid + p * mean_b' CTC(log_softmax(phone(y2)))

Each file holds the inputs, lengths, targets (padded with -1), the parameters
under the names of one 3-layer nn.LSTM ("lstm.weight_ih_l1", ...) and
"fc.weight"/"fc.bias", the two mean losses, and "grad." + name for every
parameter. Computed in float64 on float32-representable values.
"""
import json, os
import torch
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from lstm_golden import write_safetensors  # this folder

DIR = os.path.join(os.path.dirname(__file__), "..", "asr")


def case(out, w, p=0.0, phones=None, P=0):
    g = torch.Generator().manual_seed(11)
    T, B, I, H, L, V = 9, 3, 4, 5, 3, 6
    lengths = [9, 6, 8]
    targets = [[1, 2, 2, 3], [4, 5], [3, 1, 5]]
    layers = [torch.nn.LSTM(I if k == 0 else 2 * H, H, 1, bidirectional=True).double() for k in range(L)]
    fc = torch.nn.Linear(2 * H, V).double()
    params = {}
    with torch.no_grad():
        for k, m in enumerate(layers):
            for n, q in m.named_parameters():
                q.copy_(((torch.rand(q.shape, generator=g, dtype=torch.float64) * 2 - 1) * 0.6).float().double())
                params["lstm." + n.replace("_l0", "_l%d" % k)] = q
        for n, q in fc.named_parameters():
            q.copy_(((torch.rand(q.shape, generator=g, dtype=torch.float64) * 2 - 1) * 0.8).float().double())
            params["fc." + n] = q
    x = torch.randn(T, B, I, generator=g, dtype=torch.float64).float().double()
    ph = None
    if P:
        ph = torch.nn.Linear(2 * H, P).double()
        with torch.no_grad():
            for n, q in ph.named_parameters():
                q.copy_(((torch.rand(q.shape, generator=g, dtype=torch.float64) * 2 - 1) * 0.8).float().double())
                params["phone." + n] = q
    lens = torch.tensor(lengths)
    outs = []
    h = x
    for m in layers:
        y, _ = m(pack_padded_sequence(h, lens, enforce_sorted=False))
        h, _ = pad_packed_sequence(y, total_length=T)
        outs.append(h)

    def ctc(y):
        lp = F.log_softmax(fc(y), dim=-1)
        flat = torch.tensor([t for tg in targets for t in tg])
        per = F.ctc_loss(lp, flat, lens, torch.tensor([len(t) for t in targets]),
                         blank=0, reduction="none", zero_infinity=False)
        return per.mean()

    final, mid = ctc(outs[2]), ctc(outs[1])
    loss = (1 - w - p) * final + w * mid
    if ph is not None:
        keep = [b for b in range(B) if phones[b] is not None]
        lp = F.log_softmax(ph(outs[1]), dim=-1)[:, keep]
        flat = torch.tensor([t for b in keep for t in phones[b]])
        per = F.ctc_loss(lp, flat, lens[keep], torch.tensor([len(phones[b]) for b in keep]),
                         blank=0, reduction="none", zero_infinity=False)
        loss = loss + p * per.mean()
    loss.backward()
    pad = torch.full((B, max(len(t) for t in targets)), -1.0, dtype=torch.float64)
    for b, tg in enumerate(targets):
        pad[b, :len(tg)] = torch.tensor(tg, dtype=torch.float64)
    t = {"x": x, "lengths": lens.double(), "targets": pad,
         "loss.final": final.detach().reshape(1), "loss.mid": mid.detach().reshape(1)}
    if ph is not None:
        pp = torch.full((B, max(len(q) for q in phones if q)), -1.0, dtype=torch.float64)
        for b, q in enumerate(phones):
            if q is None:
                pp[b, :] = -2
            else:
                pp[b, :len(q)] = torch.tensor(q, dtype=torch.float64)
        t["phones"] = pp
    for n, q in params.items():
        t[n] = q.detach()
        t["grad." + n] = q.grad
    meta = {"config": json.dumps({"T": T, "B": B, "input": I, "hidden": H, "layers": L,
                                   "output": V, "weight": w, "phone_weight": p, "phones": P,
                                   "mid_layer": 1}),
            "generator": "testdata/gen/asr_interctc_golden.py, torch " + torch.__version__}
    write_safetensors(os.path.join(DIR, out), t, meta)
    print(out, "final", float(final), "mid", float(mid), "loss", float(loss))


if __name__ == "__main__":
    case("interctc.safetensors", 0.3)
    case("interctc_phone.safetensors", 0.2, p=0.3, phones=[[1, 2, 3, 1], [2, 4], None], P=5)
