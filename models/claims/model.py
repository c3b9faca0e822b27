"""Small encoder-decoder transformer for claim-mapping programs.

Written by hand (no nn.Transformer) so the decoder can run one step at a time with a key/value
cache, which is the graph exported to ONNX. Masks are computed from token ids inside the graphs.
"""
import math
import torch
import torch.nn as nn
import torch.nn.functional as F

PAD = 0


class Attention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.h = heads
        self.dh = d // heads
        self.q = nn.Linear(d, d)
        self.k = nn.Linear(d, d)
        self.v = nn.Linear(d, d)
        self.o = nn.Linear(d, d)

    def split(self, x):  # [B,T,d] -> [B,H,T,dh]
        b, t, _ = x.shape
        return x.view(b, t, self.h, self.dh).transpose(1, 2)

    def attend(self, q, k, v, bias):
        att = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.dh) + bias
        out = torch.matmul(torch.softmax(att, dim=-1), v)
        b, h, t, dh = out.shape
        return self.o(out.transpose(1, 2).reshape(b, t, h * dh))


class EncoderLayer(nn.Module):
    def __init__(self, d, heads, ff, drop):
        super().__init__()
        self.ln1 = nn.LayerNorm(d)
        self.att = Attention(d, heads)
        self.ln2 = nn.LayerNorm(d)
        self.ff = nn.Sequential(nn.Linear(d, ff), nn.GELU(), nn.Linear(ff, d))
        self.drop = nn.Dropout(drop)

    def forward(self, x, bias):
        h = self.ln1(x)
        a = self.att
        x = x + self.drop(a.attend(a.split(a.q(h)), a.split(a.k(h)), a.split(a.v(h)), bias))
        return x + self.drop(self.ff(self.ln2(x)))


class DecoderLayer(nn.Module):
    def __init__(self, d, heads, ff, drop):
        super().__init__()
        self.ln1 = nn.LayerNorm(d)
        self.self_att = Attention(d, heads)
        self.ln2 = nn.LayerNorm(d)
        self.cross = Attention(d, heads)
        self.ln3 = nn.LayerNorm(d)
        self.ff = nn.Sequential(nn.Linear(d, ff), nn.GELU(), nn.Linear(ff, d))
        self.drop = nn.Dropout(drop)

    def forward(self, x, self_k, self_v, self_bias, cross_k, cross_v, cross_bias):
        """self_k/self_v already include this step's keys (full sequence or cache + new)."""
        h = self.ln1(x)
        a = self.self_att
        x = x + self.drop(a.attend(a.split(a.q(h)), self_k, self_v, self_bias))
        c = self.cross
        x = x + self.drop(c.attend(c.split(c.q(self.ln2(x))), cross_k, cross_v, cross_bias))
        return x + self.drop(self.ff(self.ln3(x)))


class Seq2Seq(nn.Module):
    def __init__(self, src_vocab, tgt_vocab, d=128, heads=4, enc_layers=3, dec_layers=2, ff=512, max_src=128, max_tgt=16, drop=0.1):
        super().__init__()
        self.d = d
        self.src_emb = nn.Embedding(src_vocab, d)
        self.src_pos = nn.Embedding(max_src, d)
        self.tgt_emb = nn.Embedding(tgt_vocab, d)
        self.tgt_pos = nn.Embedding(max_tgt, d)
        self.enc = nn.ModuleList([EncoderLayer(d, heads, ff, drop) for _ in range(enc_layers)])
        self.enc_ln = nn.LayerNorm(d)
        self.dec = nn.ModuleList([DecoderLayer(d, heads, ff, drop) for _ in range(dec_layers)])
        self.dec_ln = nn.LayerNorm(d)
        self.out = nn.Linear(d, tgt_vocab)
        self.drop = nn.Dropout(drop)

    @staticmethod
    def pad_bias(src):  # [B,S] -> [B,1,1,S] additive mask from the ids themselves
        return (src == PAD).to(torch.float32).unsqueeze(1).unsqueeze(2) * -1e9

    def encode(self, src):
        pos = torch.arange(src.shape[1], device=src.device).unsqueeze(0)
        x = self.drop(self.src_emb(src) + self.src_pos(pos))
        bias = self.pad_bias(src)
        for layer in self.enc:
            x = layer(x, bias)
        return self.enc_ln(x)

    def cross_kv(self, memory):
        """Per decoder layer, the cross-attention keys and values: computed once per input."""
        ks = [layer.cross.split(layer.cross.k(memory)) for layer in self.dec]
        vs = [layer.cross.split(layer.cross.v(memory)) for layer in self.dec]
        return torch.stack(ks), torch.stack(vs)  # [L,B,H,S,dh]

    def forward(self, src, tgt_in):
        """Teacher-forced training pass over whole target prefixes."""
        memory = self.encode(src)
        ck, cv = self.cross_kv(memory)
        cross_bias = self.pad_bias(src)
        t = tgt_in.shape[1]
        pos = torch.arange(t, device=src.device).unsqueeze(0)
        x = self.drop(self.tgt_emb(tgt_in) + self.tgt_pos(pos))
        causal = torch.triu(torch.full((t, t), -1e9, device=src.device), diagonal=1)
        for i, layer in enumerate(self.dec):
            h = layer.ln1(x)
            sk, sv = layer.self_att.split(layer.self_att.k(h)), layer.self_att.split(layer.self_att.v(h))
            x = layer(x, sk, sv, causal, ck[i], cv[i], cross_bias)
        return self.out(self.dec_ln(x))

    def step(self, token, pos, past_k, past_v, cross_k, cross_v, src):
        """One decoding step with a key/value cache.
        token [B,1], pos [1], past_k/v [L,B,H,T,dh] -> logits [B,V], present_k/v [L,B,H,T+1,dh]."""
        x = self.tgt_emb(token) + self.tgt_pos(pos).unsqueeze(0)
        cross_bias = self.pad_bias(src)
        new_k, new_v = [], []
        for i, layer in enumerate(self.dec):
            h = layer.ln1(x)
            a = layer.self_att
            k = torch.cat([past_k[i], a.split(a.k(h))], dim=2)
            v = torch.cat([past_v[i], a.split(a.v(h))], dim=2)
            new_k.append(k)
            new_v.append(v)
            zero = torch.zeros(1, 1, 1, 1)
            x = layer(x, k, v, zero, cross_k[i], cross_v[i], cross_bias)
        logits = self.out(self.dec_ln(x))[:, -1, :]
        return logits, torch.stack(new_k), torch.stack(new_v)
