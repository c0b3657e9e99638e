"""A small numpy reference of supervised Procrustes + CSLS, for bench/align.bench.ts.

    python3 bench/lib/procrustes_csls.py SRC.vec TGT.vec TRAIN.txt TEST.txt

Reads the two .vec files embedkit trained, normalises both as VecMap does (unit length, mean-centred, unit length),
solves W = U Vt from the SVD of Zt X over the training pairs found in both spaces, maps the source, and prints JSON
with P@1 and P@5 on the test pairs (any listed translation counts; candidates: every target word) by cosine
and by CSLS with k = 10 (MUSE's definition, neighbourhoods over all words of each space).
"""
import json
import sys

import numpy as np


def load(path):
    with open(path, encoding='utf8') as f:
        n, d = map(int, f.readline().split())
        words, rows = [], []
        for line in f:
            parts = line.rstrip('\n').split(' ')
            words.append(parts[0])
            rows.append([float(x) for x in parts[1:d + 1]])
    return words, np.array(rows, dtype=np.float64)


def normalise(m):
    m = m / np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-30)
    m = m - m.mean(axis=0)
    return m / np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-30)


def pairs(path):
    with open(path, encoding='utf8') as f:
        return [tuple(line.split()) for line in f if line.strip()]


def topk_mean(sim, k):
    part = np.partition(sim, -k, axis=1)[:, -k:]
    return part.mean(axis=1)


def main():
    sw, x = load(sys.argv[1])
    tw, z = load(sys.argv[2])
    si = {w: i for i, w in reversed(list(enumerate(sw)))}
    ti = {w: i for i, w in reversed(list(enumerate(tw)))}
    x, z = normalise(x), normalise(z)
    train = sorted({(si[s], ti[t]) for s, t in pairs(sys.argv[3]) if s in si and t in ti})
    s_idx = np.array([p[0] for p in train])
    t_idx = np.array([p[1] for p in train])
    u, _, vt = np.linalg.svd(z[t_idx].T @ x[s_idx])
    w = u @ vt
    xm = x @ w.T
    xm /= np.maximum(np.linalg.norm(xm, axis=1, keepdims=True), 1e-30)
    zu = z / np.maximum(np.linalg.norm(z, axis=1, keepdims=True), 1e-30)
    gold = {}
    for s, t in pairs(sys.argv[4]):
        if s in si and t in ti:
            gold.setdefault(si[s], set()).add(ti[t])
    queries = sorted(gold)
    sim = xm[queries] @ zu.T
    r_src = topk_mean(zu @ xm.T, 10)  # r_S of every target word
    r_q = topk_mean(sim, 10)
    out = {'queries': len(queries), 'trainPairs': len(train)}
    for name, scores in (('nn', sim), ('csls', 2 * sim - r_q[:, None] - r_src[None, :])):
        order = np.argsort(-scores, axis=1, kind='stable')[:, :5]
        hit1 = sum(1 for q, row in zip(queries, order) if row[0] in gold[q])
        hit5 = sum(1 for q, row in zip(queries, order) if gold[q] & set(row.tolist()))
        out[name] = {'p1': hit1 / len(queries), 'p5': hit5 / len(queries)}
    print(json.dumps(out))


main()
