import { lcgRandom as rng } from '../../src/util/random.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Embeddings, type Neighbour } from '../../src/vectors/embeddings.ts';
import { Vocabulary } from '../../src/vocab/vocabulary.ts';
import { needs, PYTHON } from '../helpers/oracles.ts';

const ROWS = 5000;
const DIM = 50;

/** Python side: load the same word2vec text file with gensim and answer the queries in order. */
const SCRIPT = String.raw`
import json, sys, warnings
import numpy as np
from gensim.models import KeyedVectors
warnings.simplefilter('ignore')
kv = KeyedVectors.load_word2vec_format(sys.argv[1], binary=False)
queries = json.load(open(sys.argv[2]))
def key(k):
    return np.array(k, dtype=np.float32) if isinstance(k, list) and k and not isinstance(k[0], str) else k
def terms(ts):
    return [(key(t[0]), t[1]) if isinstance(t, list) and len(t) == 2 and isinstance(t[1], (int, float)) and not isinstance(t[0], (int, float)) else key(t) for t in ts]
out = []
for q in queries:
    op = q['op']
    if op == 'most_similar':
        r = kv.most_similar(positive=terms(q.get('positive', [])), negative=terms(q.get('negative', [])), topn=q.get('topn', 10), restrict_vocab=q.get('restrict'))
        out.append([[w, float(s)] for w, s in r])
    elif op == 'cosmul':
        r = kv.most_similar_cosmul(positive=[key(k) for k in q.get('positive', [])], negative=[key(k) for k in q.get('negative', [])], topn=q.get('topn', 10))
        out.append([[w, float(s)] for w, s in r])
    elif op == 'doesnt_match':
        out.append(kv.doesnt_match(q['words']))
    elif op == 'n_similarity':
        out.append(float(kv.n_similarity(q['a'], q['b'])))
    elif op == 'similarity':
        out.append(float(kv.similarity(q['a'], q['b'])))
    elif op == 'distances':
        out.append([float(x) for x in kv.distances(q['a'], q['others'])])
    elif op == 'closer_than':
        out.append(kv.closer_than(q['a'], q['b']))
    elif op == 'rank':
        out.append(int(kv.rank(q['a'], q['b'])))
print(json.dumps(out))
`;

/** A random model written as word2vec text; row 4321 is all zeros (its cosine is undefined). */
function writeModel(path: string): void {
  const next = rng(2024);
  const lines = [`${ROWS} ${DIM}`];
  for (let r = 0; r < ROWS; r++) {
    const v = Array.from({ length: DIM }, () => (r === 4321 ? 0 : (next() * 2 - 1) * (r % 7 === 0 ? 3 : 1)).toFixed(6));
    lines.push(`w${r} ${v.join(' ')}`);
  }
  writeFileSync(path, lines.join('\n') + '\n');
}

/** Plain reader for this test's own file, so the test depends on no format module. */
function readModel(path: string): Embeddings {
  const [header, ...rows] = readFileSync(path, 'utf8').trimEnd().split('\n');
  const [n, dim] = header.split(' ').map(Number);
  const words: string[] = [];
  const v = new Float32Array(n * dim);
  rows.forEach((line, r) => {
    const parts = line.split(' ');
    words.push(parts[0]);
    for (let j = 0; j < dim; j++) v[r * dim + j] = Number(parts[j + 1]);
  });
  return new Embeddings(new Vocabulary(words), v, dim);
}

type Query = Record<string, unknown> & { op: string };

function queries(): Query[] {
  const next = rng(7);
  const word = () => `w${Math.floor(next() * ROWS)}`;
  const vector = () => Array.from({ length: DIM }, () => next() * 2 - 1);
  const qs: Query[] = [];
  for (let i = 0; i < 20; i++) qs.push({ op: 'most_similar', positive: [word()] });
  for (let i = 0; i < 6; i++) qs.push({ op: 'most_similar', positive: [word(), word()], negative: [word()], topn: 12 });
  for (let i = 0; i < 4; i++) qs.push({ op: 'most_similar', positive: [[word(), 0.7], [word(), -0.2]], negative: [[word(), 1.5]] });
  for (let i = 0; i < 4; i++) qs.push({ op: 'most_similar', positive: [word()], restrict: 1000 + i * 333 });
  for (let i = 0; i < 3; i++) qs.push({ op: 'most_similar', positive: [vector()], negative: [word()] });
  for (let i = 0; i < 5; i++) qs.push({ op: 'cosmul', positive: [word(), word()], negative: [word()] });
  qs.push({ op: 'cosmul', positive: [word()] });
  for (let i = 0; i < 4; i++) qs.push({ op: 'doesnt_match', words: [word(), word(), word(), word(), word()] });
  for (let i = 0; i < 4; i++) qs.push({ op: 'n_similarity', a: [word(), word()], b: [word(), word(), word()] });
  for (let i = 0; i < 4; i++) qs.push({ op: 'similarity', a: word(), b: word() });
  qs.push({ op: 'distances', a: 'w10', others: ['w11', 'w12', 'w4321', 'w13'] });
  for (let i = 0; i < 3; i++) qs.push({ op: 'closer_than', a: word(), b: word() });
  for (let i = 0; i < 3; i++) qs.push({ op: 'rank', a: word(), b: word() });
  return qs;
}

function ours(e: Embeddings, q: Query): unknown {
  const list = (x: unknown) => ((x ?? []) as unknown[]).map((t) => (Array.isArray(t) && typeof t[0] === 'number' ? Float32Array.from(t as number[]) : t));
  const neighbours = (r: Neighbour[]) => r.map((n) => [n.word, n.score]);
  switch (q.op) {
    case 'most_similar':
      return neighbours(e.mostSimilar({ positive: list(q.positive) as never, negative: list(q.negative) as never, topn: (q.topn as number) ?? 10, restrictVocab: q.restrict as number | undefined }));
    case 'cosmul':
      return neighbours(e.mostSimilarCosmul({ positive: list(q.positive) as never, negative: list(q.negative) as never, topn: (q.topn as number) ?? 10 }));
    case 'doesnt_match':
      return e.doesntMatch(q.words as string[]);
    case 'n_similarity':
      return e.nSimilarity(q.a as string[], q.b as string[]);
    case 'similarity':
      return e.similarity(q.a as string, q.b as string);
    case 'distances':
      return Array.from(e.distances(q.a as string, q.others as string[]));
    case 'closer_than':
      return e.closerThan(q.a as string, q.b as string);
    case 'rank':
      return e.rank(q.a as string, q.b as string);
  }
  throw new Error(`unknown op ${q.op}`);
}

/** Same words in the same order, numbers within 1e-5 (NaN matches NaN). */
function assertClose(got: unknown, want: unknown, what: string): void {
  if (typeof want === 'number' || want === null) {
    const w = want === null ? NaN : want; // JSON has no NaN: the script prints NaN, which json.loads-style parsing keeps
    assert.equal(typeof got, 'number', what);
    if (Number.isNaN(w)) assert.ok(Number.isNaN(got as number), `${what}: ${got} vs NaN`);
    else assert.ok(Math.abs((got as number) - w) <= 1e-5, `${what}: ${got} vs ${w}`);
  } else if (Array.isArray(want)) {
    assert.ok(Array.isArray(got), `${what}: expected a list`);
    assert.equal((got as unknown[]).length, want.length, `${what}: length`);
    want.forEach((w, i) => assertClose((got as unknown[])[i], w, `${what}[${i}]`));
  } else {
    assert.equal(got, want, what);
  }
}

test('queries answer as gensim KeyedVectors does on the same file', async (t) => {
  if (!needs(t, 'gensim')) return;
  const dir = mkdtempSync(join(tmpdir(), 'embedkit-gensim-'));
  try {
    const modelPath = join(dir, 'model.txt');
    const queryPath = join(dir, 'queries.json');
    const scriptPath = join(dir, 'answer.py');
    writeModel(modelPath);
    const qs = queries();
    writeFileSync(queryPath, JSON.stringify(qs));
    writeFileSync(scriptPath, SCRIPT);
    const run = spawnSync(PYTHON, [scriptPath, modelPath, queryPath], { encoding: 'utf8', maxBuffer: 64 << 20 });
    assert.equal(run.status, 0, run.stderr);
    const want = JSON.parse(run.stdout.replace(/\bNaN\b/g, 'null')) as unknown[];
    const e = await readModel(modelPath).prepare();
    qs.forEach((q, i) => assertClose(ours(e, q), want[i], `${q.op} #${i} ${JSON.stringify(q).slice(0, 80)}`));
    // A zero row as a query word: gensim divides 0 by 0 and ranks NaN scores, so there is no answer
    // to compare; ours counts the word with no direction, which leaves the other word's neighbours.
    assert.deepEqual(e.mostSimilar(['w4321', 'w1']), e.mostSimilar('w1'));
    // The batch form answers single-word queries like most_similar does.
    const single = qs.filter((q) => q.op === 'most_similar' && (q.positive as unknown[]).length === 1 && !q.negative && !q.restrict);
    const batch = e.mostSimilarBatch(single.map((q) => (q.positive as string[])[0]));
    single.forEach((q, i) => assertClose(batch[i].map((n) => [n.word, n.score]), want[qs.indexOf(q)], `batch #${i}`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
