"""The reference: one training step of the seed-sized model in PyTorch, timed
the same way as bench/bench.ts (synthetic batch, warm-up, median of steps).

Same architecture as src/model/transformer.ts: post-norm encoder-decoder,
d 256, 3+3 layers, 8 heads, FFN 512 (ReLU), dropout 0.1 (also on attention
weights), learned positions, embeddings scaled by sqrt(d), Adam, clip 1.0.

Two ways to write it, because a CPU user picks the faster one:
  --variant nn       torch.nn.Transformer (fused kernels in fp32; under bf16
                     autocast it is slower than in fp32 on PyTorch 1.13)
  --variant modules  the same layers written out (nn.Linear, nn.LayerNorm,
                     attention from matmul + softmax), which autocast handles well
and --bf16 runs the step under torch.autocast('cpu', dtype=torch.bfloat16).
Prints one JSON object. Usage: python3 torch_step.py [--steps N] [--warmup N] [--variant nn|modules] [--bf16]
"""
import argparse
import json
import math
import resource
import statistics
import time

import torch
import torch.nn as nn

p = argparse.ArgumentParser()
p.add_argument("--steps", type=int, default=7)
p.add_argument("--warmup", type=int, default=2)
p.add_argument("--batch", type=int, default=32)
p.add_argument("--src-len", type=int, default=20)
p.add_argument("--tgt-len", type=int, default=120)
p.add_argument("--src-vocab", type=int, default=1700)
p.add_argument("--tgt-vocab", type=int, default=8449)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--variant", choices=["nn", "modules"], default="nn")
p.add_argument("--bf16", action="store_true")
args = p.parse_args()

torch.manual_seed(0)
torch.set_num_threads(args.threads)
D, H, FF, L, DROP, MAXLEN = 256, 8, 512, 3, 0.1, 512


class Embedded(nn.Module):
    """Token embeddings scaled by sqrt(d) plus learned positions, then dropout; the output projection. Shared by both variants."""

    def __init__(self):
        super().__init__()
        self.src_embed = nn.Embedding(args.src_vocab, D, padding_idx=0)
        self.tgt_embed = nn.Embedding(args.tgt_vocab, D, padding_idx=0)
        self.src_pos = nn.Embedding(MAXLEN, D)
        self.tgt_pos = nn.Embedding(MAXLEN, D)
        self.out = nn.Linear(D, args.tgt_vocab)
        self.drop = nn.Dropout(DROP)

    def embed(self, src, tgt_in):
        s = self.drop(self.src_embed(src) * math.sqrt(D) + self.src_pos.weight[: src.shape[1]])
        t = self.drop(self.tgt_embed(tgt_in) * math.sqrt(D) + self.tgt_pos.weight[: tgt_in.shape[1]])
        return s, t


class Seq2Seq(Embedded):
    def __init__(self):
        super().__init__()
        self.transformer = nn.Transformer(
            d_model=D, nhead=H, num_encoder_layers=L, num_decoder_layers=L,
            dim_feedforward=FF, dropout=DROP, batch_first=True, norm_first=False)
        # Post-norm layers need no final norm (en2py has none): make them identities.
        self.transformer.encoder.norm = None
        self.transformer.decoder.norm = None

    def forward(self, src, tgt_in):
        s, t = self.embed(src, tgt_in)
        causal = self.transformer.generate_square_subsequent_mask(tgt_in.shape[1])
        src_pad = src == 0
        y = self.transformer(s, t, tgt_mask=causal, src_key_padding_mask=src_pad, memory_key_padding_mask=src_pad)
        return self.out(y)


class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.q, self.k, self.v, self.o = (nn.Linear(D, D) for _ in range(4))
        self.drop = nn.Dropout(DROP)

    def forward(self, x, mem, mask):
        B, Tq, _ = x.shape
        Tk = mem.shape[1]
        dh = D // H
        q = self.q(x).view(B, Tq, H, dh).transpose(1, 2)
        k = self.k(mem).view(B, Tk, H, dh).transpose(1, 2)
        v = self.v(mem).view(B, Tk, H, dh).transpose(1, 2)
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(dh) + mask
        p = self.drop(torch.softmax(scores.float(), dim=-1))
        y = torch.matmul(p.to(v.dtype), v).transpose(1, 2).reshape(B, Tq, D)
        return self.o(y)


class Layer(nn.Module):
    def __init__(self, cross):
        super().__init__()
        self.self_attn = Attention()
        self.cross = Attention() if cross else None
        self.ff = nn.Sequential(nn.Linear(D, FF), nn.ReLU(), nn.Dropout(DROP), nn.Linear(FF, D))
        self.norms = nn.ModuleList(nn.LayerNorm(D) for _ in range(3 if cross else 2))
        self.drop = nn.Dropout(DROP)

    def forward(self, x, self_mask, mem=None, mem_mask=None):
        x = self.norms[0](x + self.drop(self.self_attn(x, x, self_mask)))
        if self.cross is not None:
            x = self.norms[1](x + self.drop(self.cross(x, mem, mem_mask)))
        return self.norms[-1](x + self.drop(self.ff(x)))


class Seq2SeqModules(Embedded):
    """Seq2Seq with the transformer written layer by layer (no fused nn.Transformer)."""

    def __init__(self):
        super().__init__()
        self.enc = nn.ModuleList(Layer(False) for _ in range(L))
        self.dec = nn.ModuleList(Layer(True) for _ in range(L))

    def forward(self, src, tgt_in):
        s, t = self.embed(src, tgt_in)
        Tt = tgt_in.shape[1]
        src_mask = torch.zeros(src.shape, dtype=torch.float32).masked_fill(src == 0, float("-inf"))[:, None, None, :]
        causal = torch.triu(torch.full((Tt, Tt), float("-inf")), diagonal=1)
        for layer in self.enc:
            s = layer(s, src_mask)
        for layer in self.dec:
            t = layer(t, causal, s, src_mask)
        return self.out(t)


model = Seq2Seq() if args.variant == "nn" else Seq2SeqModules()
model.train()
opt = torch.optim.Adam(model.parameters(), lr=5e-4)
loss_fn = nn.CrossEntropyLoss(ignore_index=0)
src = torch.randint(4, args.src_vocab, (args.batch, args.src_len))
tgt_in = torch.randint(4, args.tgt_vocab, (args.batch, args.tgt_len))
tgt_out = torch.randint(4, args.tgt_vocab, (args.batch, args.tgt_len))


def step():
    opt.zero_grad(set_to_none=True)
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.bf16):
        logits = model(src, tgt_in)
        loss = loss_fn(logits.reshape(-1, args.tgt_vocab).float(), tgt_out.reshape(-1))
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    return loss.item()


for _ in range(args.warmup):
    step()
times = []
for _ in range(args.steps):
    t0 = time.perf_counter()
    step()
    times.append((time.perf_counter() - t0) * 1000)
step_ms = statistics.median(times)
tokens = args.batch * (args.src_len + args.tgt_len)
print(json.dumps({
    "torch_version": torch.__version__,
    "variant": args.variant,
    "precision": "bf16" if args.bf16 else "fp32",
    "threads": torch.get_num_threads(),
    "step_ms": step_ms,
    "tokens_per_s": tokens / (step_ms / 1000),
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "parameters": sum(p.numel() for p in model.parameters()),
}))
