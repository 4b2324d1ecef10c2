"""PyTorch's word_language_model (pytorch/examples): data.Corpus and
model.RNNModel with --model LSTM, shared by lstmlm_torch.py (speed) and
lstmlm_torch_repro.py (end-to-end training)."""
import os
import torch
import torch.nn as nn


def corpus(data_dir):
    """data.Corpus: one dictionary over train, valid and test; <eos> after
    each line. Returns (train, valid, test, vocabulary size)."""
    w2i = {}

    def tokenize(path):
        ids = []
        with open(path, encoding="utf8") as f:
            for line in f:
                for w in line.split() + ["<eos>"]:
                    if w not in w2i:
                        w2i[w] = len(w2i)
                    ids.append(w2i[w])
        return torch.tensor(ids, dtype=torch.int64)

    splits = [tokenize(os.path.join(data_dir, n + ".txt")) for n in ("train", "valid", "test")]
    return splits[0], splits[1], splits[2], len(w2i)


def batchify(d, bsz, device="cpu"):
    n = d.size(0) // bsz
    return d[: n * bsz].view(bsz, -1).t().contiguous().to(device)


class RNNModel(nn.Module):
    def __init__(self, ntoken, ninp, nhid, nlayers, dropout=0.2, tie=False):
        super().__init__()
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.Embedding(ntoken, ninp)
        self.rnn = nn.LSTM(ninp, nhid, nlayers, dropout=dropout)
        self.decoder = nn.Linear(nhid, ntoken)
        if tie:
            self.decoder.weight = self.encoder.weight
        nn.init.uniform_(self.encoder.weight, -0.1, 0.1)
        nn.init.zeros_(self.decoder.bias)
        nn.init.uniform_(self.decoder.weight, -0.1, 0.1)
        self.nlayers, self.nhid = nlayers, nhid

    def forward(self, x, hidden):
        emb = self.drop(self.encoder(x))
        out, hidden = self.rnn(emb, hidden)
        out = self.drop(out)
        dec = self.decoder(out).view(-1, self.decoder.out_features)
        return nn.functional.log_softmax(dec, dim=1), hidden

    def init_hidden(self, bsz):
        w = next(self.parameters())
        return (w.new_zeros(self.nlayers, bsz, self.nhid), w.new_zeros(self.nlayers, bsz, self.nhid))


def train_step(model, crit, x, y, hidden, lr, clip):
    """One batch of main.py's train(): detach the carried state, backward,
    clip the gradient norm, plain SGD update. Returns (loss, hidden)."""
    hidden = tuple(h.detach() for h in hidden)
    model.zero_grad()
    out, hidden = model(x, hidden)
    loss = crit(out, y)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
    for p in model.parameters():
        p.data.add_(p.grad, alpha=-lr)
    return loss, hidden
