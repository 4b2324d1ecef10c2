#!/usr/bin/python3
"""Golden values for package lstm from PyTorch's nn.LSTM (Debian python3-torch 1.13).

Run by hand from the repository root:  /usr/bin/python3 testdata/gen/lstm_golden.py
Writes testdata/lstm/case_{a,b,c}.safetensors holding the inputs, the parameters
(PyTorch names), the outputs, final states and the gradients of a scalar loss with
respect to the inputs, initial states and every parameter ("grad." + name).
The computation runs in float64 on float32-representable values.

  a: one unidirectional layer, batch 2, equal lengths, initial states
  b: 2-layer bidirectional stack, batch 3 of lengths 5, 3, 4 (unsorted),
     initial states, padding frames set to NaN (must not leak)
  c: 2-layer bidirectional stack + nn.Linear + log_softmax, lengths 6, 4
"""
import json, struct, os
import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

OUT = os.path.join(os.path.dirname(__file__), "..", "lstm")


def write_safetensors(path, tensors, meta):
    header, blobs, off = {"__metadata__": meta}, [], 0
    for name, t in tensors.items():
        a = t.detach().to(torch.float32).contiguous().numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [off, off + len(a)]}
        blobs.append(a)
        off += len(a)
    h = json.dumps(header).encode()
    h += b" " * ((8 - (8 + len(h)) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def case(name, T, B, I, H, L, bidir, lengths, init_states, out=0, nan_pad=False, seed=0):
    g = torch.Generator().manual_seed(seed)
    D = 2 if bidir else 1
    lstm = torch.nn.LSTM(I, H, L, bidirectional=bidir).double()
    fc = torch.nn.Linear(D * H, out).double() if out else None
    with torch.no_grad():  # float32-representable parameters
        for p in list(lstm.parameters()) + (list(fc.parameters()) if fc else []):
            p.copy_((torch.rand(p.shape, generator=g, dtype=torch.float64) * 2 - 1) * 0.5)
            p.copy_(p.float().double())
    x = (torch.randn(T, B, I, generator=g, dtype=torch.float64)).float().double()
    mask = torch.zeros(T, B, 1, dtype=torch.float64)
    for b, l in enumerate(lengths):
        mask[:l, b] = 1
    x.requires_grad_(True)
    h0 = c0 = None
    if init_states:
        h0 = (torch.randn(L * D, B, H, generator=g, dtype=torch.float64) * 0.5).float().double().requires_grad_(True)
        c0 = (torch.randn(L * D, B, H, generator=g, dtype=torch.float64) * 0.5).float().double().requires_grad_(True)
    packed = pack_padded_sequence(x, torch.tensor(lengths), enforce_sorted=False)
    y, (hn, cn) = lstm(packed, (h0, c0) if init_states else None)
    y, _ = pad_packed_sequence(y, total_length=T)
    outp = y
    if fc is not None:
        outp = torch.log_softmax(fc(y), dim=-1)
    wy = torch.randn(outp.shape, generator=g, dtype=torch.float64).float().double()
    whn = torch.randn(hn.shape, generator=g, dtype=torch.float64).float().double()
    wcn = torch.randn(cn.shape, generator=g, dtype=torch.float64).float().double()
    loss = (outp * wy * mask).sum() + (hn * whn).sum() + (cn * wcn).sum()
    loss.backward()
    xs = x.detach().clone()
    if nan_pad:
        for b, l in enumerate(lengths):
            xs[l:, b] = float("nan")
    t = {"x": xs, "lengths": torch.tensor(lengths, dtype=torch.float64),
         "out": (outp * mask).detach(), "hn": hn.detach(), "cn": cn.detach(),
         "wy": wy, "whn": whn, "wcn": wcn, "grad.x": x.grad}
    if init_states:
        t.update({"h0": h0.detach(), "c0": c0.detach(), "grad.h0": h0.grad, "grad.c0": c0.grad})
    for n, p in lstm.named_parameters():
        t["lstm." + n] = p.detach()
        t["grad.lstm." + n] = p.grad
    if fc is not None:
        for n, p in fc.named_parameters():
            t["fc." + n] = p.detach()
            t["grad.fc." + n] = p.grad
    meta = {"config": json.dumps({"T": T, "B": B, "input": I, "hidden": H, "layers": L,
                                   "bidirectional": bidir, "output": out}),
            "generator": "testdata/gen/lstm_golden.py, torch " + torch.__version__,
            "loss": "sum(out*wy over valid frames) + sum(hn*whn) + sum(cn*wcn)"}
    write_safetensors(os.path.join(OUT, "case_%s.safetensors" % name), t, meta)
    print(name, "loss", float(loss))


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    case("a", T=5, B=2, I=3, H=4, L=1, bidir=False, lengths=[5, 5], init_states=True, seed=1)
    case("b", T=5, B=3, I=3, H=4, L=2, bidir=True, lengths=[5, 3, 4], init_states=True, nan_pad=True, seed=2)
    case("c", T=6, B=2, I=4, H=5, L=2, bidir=True, lengths=[6, 4], init_states=False, out=5, seed=3)
