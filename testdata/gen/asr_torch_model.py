#!/usr/bin/python3
"""Builds a small BiLSTM-CTC acoustic model in PyTorch and exports it in the
ecoute model file layout (safetensors, PyTorch tensor names, config JSON in
__metadata__["ecoute.config"]), together with network inputs and the
log-probabilities PyTorch computes for them.

Run by hand from the repository root (Debian python3-torch):

    /usr/bin/python3 testdata/gen/asr_torch_model.py

Writes testdata/asr/torch_small.safetensors (the model) and
testdata/asr/torch_small_io.safetensors (tensors "input" [T][In] and
"logprobs" [T][V]), read by asr/torch_test.go.
"""
import json
import struct

import torch

torch.manual_seed(6)

vocab = ["<blank>", " ", "'"] + [chr(c) for c in range(ord("a"), ord("z") + 1)]
front_end = {
    "sample_rate": 16000, "type": "mfcc", "num_ceps": 13, "num_mel_bins": 23,
    "frame_length_ms": 25, "frame_shift_ms": 10, "low_freq": 20, "high_freq": 0,
    "use_energy": True, "delta_order": 1, "delta_window": 2, "cmvn": "utterance",
    "stack": 2,
}
in_size = 13 * 2 * 2
hidden, layers = 16, 2


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = torch.nn.LSTM(in_size, hidden, num_layers=layers, bidirectional=True, batch_first=True)
        self.fc = torch.nn.Linear(2 * hidden, len(vocab))

    def forward(self, x):
        h, _ = self.lstm(x)
        return torch.log_softmax(self.fc(h), dim=-1)


net = Net().double()
# Larger-than-default weights so the gates saturate somewhere and the test
# sees non-trivial values.
with torch.no_grad():
    for p in net.lstm.parameters():
        p.mul_(2.0)
    net.fc.weight.mul_(10.0)

config = {
    "format": "ecoute-asr", "version": 1, "front_end": front_end,
    "tokenizer": {"type": "char", "vocab": vocab, "blank": 0},
    "input_size": in_size, "hidden_size": hidden, "num_layers": layers,
    "bidirectional": True, "output_size": len(vocab),
    "provenance": {"trainer": "pytorch " + torch.__version__,
                   "notes": "random weights, testdata/gen/asr_torch_model.py"},
}


def write_safetensors(path, tensors, metadata=None):
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    blobs, off = [], 0
    for name, t in tensors:
        b = t.detach().to(torch.float32).contiguous().numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header).encode()
    h += b" " * ((8 - (8 + len(h)) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


write_safetensors("testdata/asr/torch_small.safetensors",
                  list(net.state_dict().items()),
                  {"ecoute.config": json.dumps(config)})

T = 37
x = torch.randn(1, T, in_size, dtype=torch.float64)
# Round the inputs to float32 first so both sides see the same values.
x = x.float().double()
# The model file holds float32 weights: compute the reference with them.
net.load_state_dict({k: v.float().double() for k, v in net.state_dict().items()})
with torch.no_grad():
    lp = net(x)[0]
write_safetensors("testdata/asr/torch_small_io.safetensors",
                  [("input", x[0]), ("logprobs", lp)])
print("wrote testdata/asr/torch_small*.safetensors; logprobs range", lp.min().item(), lp.max().item())
