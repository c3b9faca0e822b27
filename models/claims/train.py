"""Trains the claim-mapping seq2seq model on models/claims/data/train-ids.json (made by generate.ts),
exports encoder and step-decoder (with key/value cache) to ONNX opset 17, and records fixtures of
PyTorch outputs for the ONNX-in-Node equality test. Seeded; prints a progress bar."""
import json
import math
import os
import random
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from model import Seq2Seq  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = int(os.environ.get("SEED", "20261123"))
# A fixed step count, not a time budget: the schedule and the number of updates must not depend on
# how fast or how loaded the machine is, or two retrains give two different models.
STEPS = int(os.environ.get("STEPS", "1634"))
BATCH = int(os.environ.get("BATCH", "64"))
LR = 2e-3
CONFIG = dict(d=128, heads=4, enc_layers=3, dec_layers=2, ff=256, max_src=64, max_tgt=16, drop=0.1)

torch.set_num_threads(2)
torch.manual_seed(SEED)
random.seed(SEED)
# Refuse kernels whose results depend on scheduling, so a seed gives one model.
torch.use_deterministic_algorithms(True)

tok = json.load(open(os.path.join(HERE, "tokenizer.json")))
data = json.load(open(os.path.join(HERE, "data", "train-ids.json")))
src_all, tgt_all = data["src"], data["tgt"]
n = len(src_all)
word_ids = torch.tensor([i for i, t in enumerate(tok["inputVocab"]) if t.startswith("W:") and t != "W:<unk>"])
unk_word = tok["inputVocab"].index("W:<unk>")
is_word = torch.zeros(len(tok["inputVocab"]), dtype=torch.bool)
is_word[word_ids] = True

# A small slice of training rows to watch convergence (generalisation is measured by eval.ts).
order = list(range(n))
random.shuffle(order)
watch = order[:512]
train_idx = order[512:]


def batch(idx, word_dropout=0.0):
    s_len = max(len(src_all[i]) for i in idx)
    t_len = max(len(tgt_all[i]) for i in idx)
    src = torch.zeros(len(idx), s_len, dtype=torch.long)
    tgt = torch.zeros(len(idx), t_len, dtype=torch.long)
    for j, i in enumerate(idx):
        src[j, : len(src_all[i])] = torch.tensor(src_all[i])
        tgt[j, : len(tgt_all[i])] = torch.tensor(tgt_all[i])
    if word_dropout > 0:
        # Unseen words at test time become W:<unk>; dropping known ones teaches the model to use
        # the key's characters and the hints instead.
        drop = is_word[src] & (torch.rand(src.shape) < word_dropout)
        src = torch.where(drop, torch.full_like(src, unk_word), src)
    return src, tgt


model = Seq2Seq(len(tok["inputVocab"]), len(tok["outputVocab"]), **CONFIG)
params = sum(p.numel() for p in model.parameters())
opt = torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=0.01)
print(f"params {params:,}  rows {n:,}  batch {BATCH}  steps {STEPS}  seed {SEED}", flush=True)


def lr_at(step, total):
    warm = 200
    if step < warm:
        return LR * (step + 1) / warm
    return LR * 0.5 * (1 + math.cos(math.pi * min(1.0, (step - warm) / max(1, total - warm))))


def evaluate():
    model.eval()
    with torch.no_grad():
        src, tgt = batch(watch)
        logits = model(src, tgt[:, :-1])
        pred = logits.argmax(-1)
        mask = tgt[:, 1:] != 0
        tok_acc = ((pred == tgt[:, 1:]) | ~mask).all(dim=1).float().mean().item()
    model.train()
    return tok_acc


start = time.time()
step = 0
epoch_pos = len(train_idx)
ema = None
total = STEPS
model.train()
while step < total:
    if epoch_pos + BATCH > len(train_idx):
        random.shuffle(train_idx)
        epoch_pos = 0
    idx = train_idx[epoch_pos: epoch_pos + BATCH]
    epoch_pos += BATCH
    src, tgt = batch(idx, word_dropout=0.12)
    for g in opt.param_groups:
        g["lr"] = lr_at(step, total)
    logits = model(src, tgt[:, :-1])
    loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tgt[:, 1:].reshape(-1), ignore_index=0)
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    step += 1
    ema = loss.item() if ema is None else 0.98 * ema + 0.02 * loss.item()
    elapsed = time.time() - start
    if step % 10 == 0 or step == total:
        frac = step / total
        bar = "#" * int(30 * frac) + "." * (30 - int(30 * frac))
        sys.stdout.write(f"\r[{bar}] {step}/{total} loss {ema:.4f} {elapsed/60:.1f} min")
        sys.stdout.flush()
    if step % 500 == 0:
        sys.stdout.write(f"  seq-acc(train slice) {evaluate():.3f}\n")
print()
train_minutes = (time.time() - start) / 60
seq_acc = evaluate()
print(f"done: {step} steps in {train_minutes:.1f} min, loss {ema:.4f}, train-slice sequence accuracy {seq_acc:.3f}")
model.eval()
torch.save({"config": CONFIG, "state": model.state_dict()}, os.path.join(HERE, "data", "model.pt"))

# ---- ONNX export: encoder -> cross K/V; decoder step with self-attention cache ----
L, H, dh = CONFIG["dec_layers"], CONFIG["heads"], CONFIG["d"] // CONFIG["heads"]


class Enc(torch.nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, src_ids):
        return self.m.cross_kv(self.m.encode(src_ids))


class Dec(torch.nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, token, pos, past_k, past_v, cross_k, cross_v, src_ids):
        return self.m.step(token, pos, past_k, past_v, cross_k, cross_v, src_ids)


ex_src = torch.tensor([src_all[0]])
ck, cv = model.cross_kv(model.encode(ex_src))
enc_path = os.path.join(HERE, "claims-mapper.encoder.onnx")
dec_path = os.path.join(HERE, "claims-mapper.decoder.onnx")
torch.onnx.export(Enc(model).eval(), (ex_src,), enc_path, opset_version=17, input_names=["src_ids"],
                  output_names=["cross_k", "cross_v"],
                  dynamic_axes={"src_ids": {1: "S"}, "cross_k": {3: "S"}, "cross_v": {3: "S"}})
past = torch.zeros(L, 1, H, 2, dh)
torch.onnx.export(Dec(model).eval(), (torch.tensor([[1]]), torch.tensor([2]), past, past, ck, cv, ex_src), dec_path,
                  opset_version=17,
                  input_names=["token", "pos", "past_k", "past_v", "cross_k", "cross_v", "src_ids"],
                  output_names=["logits", "present_k", "present_v"],
                  dynamic_axes={"past_k": {3: "T"}, "past_v": {3: "T"}, "present_k": {3: "T1"}, "present_v": {3: "T1"},
                                "cross_k": {3: "S"}, "cross_v": {3: "S"}, "src_ids": {1: "S"}})


# Exporting a wrapper restores the wrapper's (training) mode on the whole tree afterwards.
model.eval()


# ---- fixtures: teacher-forced step logits via the cache path, checked against the full pass ----
def step_logits(src, tokens):
    with torch.no_grad():
        ck, cv = model.cross_kv(model.encode(src))
        pk = torch.zeros(L, 1, H, 0, dh)
        pv = torch.zeros(L, 1, H, 0, dh)
        out = []
        for i, t in enumerate(tokens):
            logits, pk, pv = model.step(torch.tensor([[t]]), torch.tensor([i]), pk, pv, ck, cv, src)
            out.append(logits[0])
        full = model(src, torch.tensor([tokens]))[0]
        assert torch.allclose(torch.stack(out), full, atol=1e-4), "cache path differs from the full pass"
        return out


fixtures = []
for i in watch[:8]:
    src = torch.tensor([src_all[i]])
    tokens = tgt_all[i][:-1]
    logits = step_logits(src, tokens)
    fixtures.append({"src": src_all[i], "tokens": tokens,
                     "logits": [[round(float(x), 5) for x in l] for l in logits],
                     "argmax": [int(l.argmax()) for l in logits]})
json.dump({"seed": SEED, "fixtures": fixtures}, open(os.path.join(HERE, "fixtures.json"), "w"))

size = os.path.getsize(enc_path) + os.path.getsize(dec_path)
json.dump({"seed": SEED, "params": params, "config": CONFIG, "steps": step, "batch": BATCH,
           "train_minutes": round(train_minutes, 2), "final_loss": round(ema, 5),
           "train_slice_sequence_accuracy": round(seq_acc, 4), "onnx_bytes": size, "torch": torch.__version__},
          open(os.path.join(HERE, "data", "train-metrics.json"), "w"), indent=1)
print(f"exported {enc_path} + {dec_path} ({size/1e6:.2f} MB)")
