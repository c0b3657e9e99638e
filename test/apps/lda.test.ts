import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { fitLda } from '../../src/apps/topics/lda.ts';
import { requireNativeKernels } from '../../src/kernels/native.ts';
import { digamma, logGamma } from '../../src/apps/topics/lda-math.ts';
import { seededRandom } from '../../src/util/random.ts';
import { needs, PYTHON } from '../helpers/oracles.ts';

const LDA_ORACLE = fileURLToPath(new URL('./gensim_lda.py', import.meta.url));

/**
 * Documents drawn from K known topics of 10 words each (topic t owns w{10t}..w{10t+9}): each document mixes two
 * topics, 80 / 20, 60 tokens long.
 */
function plantedCorpus(seed: number, K: number, count: number): string[][] {
  const r = seededRandom(seed);
  return Array.from({ length: count }, () => {
    const a = Math.floor(r() * K);
    const b = Math.floor(r() * K);
    return Array.from({ length: 60 }, () => `w${(r() < 0.8 ? a : b) * 10 + Math.floor(r() * 10)}`);
  });
}

function python(script: string, request: unknown, extra: string[] = []): unknown {
  const dir = mkdtempSync(join(tmpdir(), 'embedkit-lda-'));
  try {
    const file = join(dir, 'request.json');
    writeFileSync(file, JSON.stringify(request));
    const r = spawnSync(PYTHON, [script, file, ...extra], { encoding: 'utf8', maxBuffer: 1 << 26 });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('special functions: digamma and log-gamma against known values', () => {
  // scipy.special.psi and gammaln's values.
  assert.ok(Math.abs(digamma(1) + 0.5772156649015329) < 1e-12);
  assert.ok(Math.abs(digamma(0.01) + 100.56088545786868) < 1e-10);
  assert.ok(Math.abs(digamma(30.5) - 3.401243668961661) < 1e-12);
  assert.ok(Math.abs(logGamma(0.25) - 1.2880225246980774) < 1e-12);
  assert.ok(Math.abs(logGamma(100) - 359.1342053695754) < 1e-9);
  assert.ok(Math.abs(logGamma(1)) < 1e-14);
});

test('LDA recovers the topics a corpus was drawn from', () => {
  const K = 4;
  const lda = fitLda(plantedCorpus(3, K, 300), { topics: K, passes: 10, seed: 1 });
  const found = lda.topics.map((t) => {
    const owners = new Set(t.keywords.map((k) => Math.floor(Number(k.word.slice(1)) / 10)));
    assert.equal(owners.size, 1, `topic ${t.id} mixes planted topics: ${t.keywords.map((k) => k.word).join(' ')}`);
    return [...owners][0];
  });
  assert.deepEqual([...found].sort(), [0, 1, 2, 3], 'each planted topic found once');
  // Keywords are the topic's most probable words by the definition: a stable descending sort of p(word | topic).
  const V = lda.vocabulary.length;
  for (const t of lda.topics) {
    const byProbability = Array.from({ length: V }, (_, w) => w).sort((a, b) => lda.topicWord[b * K + t.id] - lda.topicWord[a * K + t.id]);
    const expected = byProbability.slice(0, t.keywords.length).map((w) => ({ word: lda.vocabulary[w], score: lda.topicWord[w * K + t.id] }));
    assert.deepEqual(t.keywords, expected, `topic ${t.id}'s keywords`);
  }
  // Documents are labelled with their main topic.
  assert.equal(lda.labels.length, 300);
  assert.ok(lda.docTopics.every((theta) => Math.abs(theta.reduce((s, x) => s + x, 0) - 1) < 1e-5));
});

test('LDA perplexity bound lies within gensim LdaModel\'s spread over seeds, and gensim scores our topics as we do', (t) => {
  if (!needs(t, 'gensim')) return;
  const K = 4;
  const docs = plantedCorpus(3, K, 300);
  const seeds = [1, 2, 3, 4, 5];
  const theirs = (python(LDA_ORACLE, { docs, topics: K, passes: 10, seeds }) as { logPerplexity: number }[]).map((r) => r.logPerplexity);
  const ours = seeds.map((seed) => fitLda(docs, { topics: K, passes: 10, seed }));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const lo = Math.min(...theirs);
  const hi = Math.max(...theirs);
  const m = median(ours.map((r) => r.logPerplexity));
  assert.ok(m >= lo && m <= hi, `embedkit's median bound ${m} outside gensim's [${lo}, ${hi}] (ours: ${ours.map((r) => r.logPerplexity.toFixed(4)).join(' ')})`);

  // The same bound formula: gensim's log_perplexity of embedkit's topics (its E-step starts from its own random
  // γ, so the two agree to the E-step's tolerance, not to the last digit).
  const model = ours[0];
  const lambda = Array.from({ length: K }, (_, k) => model.vocabulary.map((_, w) => model.topicWord[w * K + k] * model.topicMass[k]));
  const gensimOfOurs = python(SCORE_TOPICS, { docs, topics: K, vocabulary: model.vocabulary, lambda }) as number;
  assert.ok(Math.abs(gensimOfOurs - model.logPerplexity) < 2e-3, `gensim scores embedkit's topics ${gensimOfOurs}, embedkit ${model.logPerplexity}`);
});

test("LDA's native E-step (native/lda.c) gives the TypeScript E-step's model", (t) => {
  if (!needs(t, 'native')) return;
  // Several chunks and passes, and an empty document, so every path of both loops runs.
  const docs = plantedCorpus(5, 4, 230);
  docs.splice(17, 0, []);
  for (const seed of [1, 2]) {
    const options = { topics: 4, passes: 3, chunksize: 50, seed };
    const native = fitLda(docs, { ...options, kernel: 'native' });
    const reference = fitLda(docs, { ...options, kernel: 'reference' });
    assert.deepEqual(native.labels, reference.labels);
    assert.equal(native.stats.meanIterations, reference.stats.meanIterations);
    assert.ok(Math.abs(native.logPerplexity - reference.logPerplexity) < 1e-9, `bound ${native.logPerplexity} against ${reference.logPerplexity}`);
    for (let i = 0; i < native.topicWord.length; i++) assert.ok(Math.abs(native.topicWord[i] - reference.topicWord[i]) < 1e-7, `p(word | topic) ${i}`);
    native.docTopics.forEach((theta, d) => theta.forEach((p, k) => assert.ok(Math.abs(p - reference.docTopics[d][k]) < 1e-6, `θ of document ${d}`)));
  }
});

test('the native E-step refuses arrays that do not fit together before touching them', (t) => {
  if (!needs(t, 'native')) return;
  const { ldaEStep } = requireNativeKernels();
  const K = 2;
  const args = () => ({
    ids: Int32Array.of(0, 1, 2),
    counts: Float64Array.of(1, 2, 1),
    start: Int32Array.of(0, 2, 3),
    beta: new Float32Array(3 * K).fill(0.5),
    alpha: new Float64Array(K).fill(0.5),
    gamma: new Float64Array(2 * K).fill(1),
    theta: new Float64Array(2 * K),
    stats: new Float64Array(3 * K) as Float64Array | null,
    work: new Float64Array(2 * K + 2 * K),
  });
  const run = (a: ReturnType<typeof args>, first = 0, last = 2) => ldaEStep(a.ids, a.counts, a.start, first, last, a.beta, a.alpha, a.gamma, a.theta, 50, 0.001, a.stats, a.work);
  assert.ok(run(args()) > 0);
  const bad: [string, (a: ReturnType<typeof args>) => void, RegExp][] = [
    ['a word id past the vocabulary', (a) => (a.ids[2] = 3), /a word id is outside expElogbeta/],
    ['a negative word id', (a) => (a.ids[0] = -1), /a word id is outside expElogbeta/],
    ['a document past ids', (a) => (a.start[2] = 4), /a document's range is outside ids/],
    ['γ too short', (a) => (a.gamma = new Float64Array(3)), /gamma or expElogtheta is shorter/],
    ['sstats of another size', (a) => (a.stats = new Float64Array(4)), /sstats differs/],
    ['work too short', (a) => (a.work = new Float64Array(5)), /work is shorter/],
    ['β not K wide', (a) => (a.beta = new Float32Array(5)), /not a multiple of K/],
  ];
  for (const [what, spoil, message] of bad) {
    const a = args();
    spoil(a);
    const before = a.stats ? Float64Array.from(a.stats) : null;
    assert.throws(() => run(a), (err: Error) => err instanceof RangeError && message.test(err.message), what);
    if (before && a.stats) assert.deepEqual(a.stats, before, `${what}: nothing written`);
  }
  assert.throws(() => run(args(), 1, 3), /first\.\.last is outside start/);
  assert.throws(() => run(args(), 2, 1), /first\.\.last is outside start/);
  const a = args();
  const untyped = ldaEStep as (...args: unknown[]) => number;
  assert.throws(() => untyped(a.ids, a.counts, a.start, 0, 2, a.beta, a.alpha, a.gamma, a.theta, 50, 0.001, a.stats, a.work, 1), TypeError);
  assert.throws(() => untyped(a.ids, a.counts, a.start, 0, 2, a.beta, a.alpha, a.gamma, a.theta, 50, 0.001, a.stats, Float32Array.of(1)), TypeError);
  assert.equal(run({ ...args(), stats: null }) > 0, true);
});

test('LDA refuses fewer documents than it can use, naming the minimum', () => {
  const docs = plantedCorpus(1, 2, 19);
  assert.throws(() => fitLda([...docs, [], []], { topics: 2 }), /LDA needs at least 20 non-empty documents, got 19/);
});

/** gensim's log_perplexity of given topics λ (K × V pseudo-counts, columns named by `vocabulary`). */
const SCORE_TOPICS = join(tmpdir(), `embedkit-score-topics-${process.pid}.py`);
writeFileSync(
  SCORE_TOPICS,
  String.raw`
import json, sys, warnings
warnings.simplefilter('ignore')
import numpy as np
from gensim.corpora import Dictionary
from gensim.models import LdaModel
req = json.load(open(sys.argv[1]))
d = Dictionary(req['docs'])
corpus = [d.doc2bow(doc) for doc in req['docs']]
m = LdaModel(num_topics=req['topics'], id2word=d, random_state=0)
lam = np.zeros((req['topics'], len(d)), dtype=np.float32)
col = [d.token2id[w] for w in req['vocabulary']]
lam[:, col] = np.array(req['lambda'], dtype=np.float64)
m.state.sstats[...] = lam - m.eta
m.sync_state()
print(json.dumps(float(m.log_perplexity(corpus))))
`,
);
process.once('exit', () => rmSync(SCORE_TOPICS, { force: true }));
