#!/usr/bin/python3
"""Reference values for text/lm/lstmlm from PyTorch (Debian python3-torch 1.13).

Builds word_language_model's RNNModel (Embedding -> nn.LSTM -> Linear, dropout
off) at tiny sizes with random weights, runs one chunk from a random initial
state, and writes:
  testdata/lstmlm/golden.safetensors  the model, in the lstmlm file format
  testdata/lstmlm/golden.json         inputs, targets, initial state, the mean
                                      cross-entropy and every parameter's gradient
Run by hand from the repository root: /usr/bin/python3 testdata/gen/lstmlm_golden.py
"""
import json, struct
import torch

torch.manual_seed(0)
V, E, H, L, T, B = 13, 6, 6, 2, 5, 3
tokens = ["<eos>", "<unk>"] + ["w%d" % i for i in range(V - 2)]

for tied in (False, True):
    enc = torch.nn.Embedding(V, E)
    rnn = torch.nn.LSTM(E, H, L)
    dec = torch.nn.Linear(H, V)
    with torch.no_grad():
        enc.weight.uniform_(-0.5, 0.5)
        dec.weight.uniform_(-0.5, 0.5)
        dec.bias.uniform_(-0.5, 0.5)
        if tied:
            dec.weight = enc.weight
    x = torch.randint(0, V, (T, B))
    y = torch.randint(0, V, (T, B))
    h0 = torch.rand(L, B, H) - 0.5
    c0 = torch.rand(L, B, H) - 0.5
    out, _ = rnn(enc(x), (h0, c0))
    logits = dec(out).view(-1, V)
    loss = torch.nn.functional.cross_entropy(logits, y.view(-1))
    params = [("encoder.weight", enc.weight)]
    params += [("rnn." + n, p) for n, p in rnn.named_parameters()]
    if not tied:
        params.append(("decoder.weight", dec.weight))
    params.append(("decoder.bias", dec.bias))
    grads = torch.autograd.grad(loss, [p for _, p in params])

    # safetensors container written by hand (8-byte length, JSON header, data).
    header, blobs, off = {}, [], 0
    for n, p in params:
        b = p.detach().contiguous().numpy().astype("<f4").tobytes()
        header[n] = {"dtype": "F32", "shape": list(p.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    cfg = {"format": 1, "level": "word", "tokens": tokens, "embed": E, "hidden": H,
           "layers": L, "dropout": 0, "tied": tied}
    header["__metadata__"] = {"lstmlm": json.dumps(cfg), "source": "testdata/gen/lstmlm_golden.py, torch " + torch.__version__}
    hj = json.dumps(header).encode()
    hj += b" " * (-len(hj) % 8)
    sfx = "_tied" if tied else ""
    with open("testdata/lstmlm/golden%s.safetensors" % sfx, "wb") as f:
        f.write(struct.pack("<Q", len(hj)) + hj + b"".join(blobs))
    with open("testdata/lstmlm/golden%s.json" % sfx, "w") as f:
        json.dump({"T": T, "B": B, "input": x.view(-1).tolist(), "target": y.view(-1).tolist(),
                   "h0": h0.view(-1).tolist(), "c0": c0.view(-1).tolist(), "loss": loss.item(),
                   "grads": {n: g.view(-1).tolist() for (n, _), g in zip(params, grads)}}, f)
    print("tied=%s loss %.6f" % (tied, loss.item()))
