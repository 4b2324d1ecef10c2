#!/usr/bin/python3
"""PyTorch's word_language_model (pytorch/examples, main.py + model.py with
--model LSTM), trained end to end: the reference side of
scripts/bench/lstmlm_repro.sh wt2. Same configuration as that script and as
main.py's defaults: embedding 200, 2x200 LSTM, dropout 0.2, bptt 35, batch 20
(evaluation batch 10), SGD lr 20 divided by 4 when the validation loss does
not improve, clip 0.25, seed 1111, 6 epochs; the best epoch's model is
evaluated on the test set.

Usage: python3 lstmlm_torch_repro.py DATA_DIR [--tied] [--epochs N] [--seed S] [--device cpu|cuda]
Prints one line per epoch and 'test loss L ppl P' at the end.
"""
import argparse, math, os, sys, time, copy
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wlm_torch import RNNModel, batchify, corpus, train_step

ap = argparse.ArgumentParser()
ap.add_argument("data")
ap.add_argument("--tied", action="store_true")
ap.add_argument("--epochs", type=int, default=6)
ap.add_argument("--seed", type=int, default=1111)
ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
ap.add_argument("--threads", type=int, default=2)
args = ap.parse_args()
torch.manual_seed(args.seed)
torch.set_num_threads(args.threads)
dev = torch.device(args.device)

train, valid, test, V = corpus(args.data)

bptt, bsz, ebsz, clip = 35, 20, 10, 0.25
lr = 20.0
train_data, val_data, test_data = batchify(train, bsz, dev), batchify(valid, ebsz, dev), batchify(test, ebsz, dev)
model = RNNModel(V, 200, 200, 2, 0.2, args.tied).to(dev)
crit = nn.NLLLoss()

def get_batch(src, i):
    seq = min(bptt, len(src) - 1 - i)
    return src[i:i + seq], src[i + 1:i + 1 + seq].reshape(-1)

def evaluate(src):
    model.eval()
    total = 0.0
    hidden = model.init_hidden(ebsz)
    with torch.no_grad():
        for i in range(0, src.size(0) - 1, bptt):
            x, y = get_batch(src, i)
            out, hidden = model(x, hidden)
            hidden = tuple(h.detach() for h in hidden)
            total += len(x) * crit(out, y).item()
    return total / (len(src) - 1)

best_val, best = None, None
t0 = time.time()
for epoch in range(1, args.epochs + 1):
    model.train()
    hidden = model.init_hidden(bsz)
    for i in range(0, train_data.size(0) - 1, bptt):
        x, y = get_batch(train_data, i)
        loss, hidden = train_step(model, crit, x, y, hidden, lr, clip)
    val = evaluate(val_data)
    print("end of epoch %d | valid loss %.4f ppl %.2f | lr %g | %.0f s" % (epoch, val, math.exp(val), lr, time.time() - t0), flush=True)
    if best_val is None or val < best_val:
        best_val, best = val, copy.deepcopy(model.state_dict())
    else:
        lr /= 4.0
model.load_state_dict(best)
tl = evaluate(test_data)
print("test loss %.4f ppl %.2f (torch %s, %s, tied=%s, seed %d, vocabulary %d)" % (tl, math.exp(tl), torch.__version__, dev, args.tied, args.seed, V), flush=True)
