import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alignSpaces } from '../../../src/apps/align/align.ts';
import { evaluateBilingual } from '../../../src/apps/align/translate.ts';
import { Embeddings } from '../../../src/vectors/embeddings.ts';
import { Vocabulary } from '../../../src/vocab/vocabulary.ts';
import { gaussian, randomRotation, randomRows, rotated } from './numpy-reference.ts';

const normal = gaussian(17);
const n = 300;
const d = 10;
const x = randomRows(n, d, normal);
const z = rotated(x, d, randomRotation(d, normal), 0.01, normal);
// The target lists the same words in another order, so that row numbers give nothing away.
const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => ((a * 7919) % n) - ((b * 7919) % n));
const zShuffled = new Float32Array(n * d);
order.forEach((from, to) => zShuffled.set(z.subarray(from * d, (from + 1) * d), to * d));
const src = new Embeddings(new Vocabulary(Array.from({ length: n }, (_, i) => `s${i}`)), x, d);
const tgt = new Embeddings(new Vocabulary(order.map((i) => `t${i}`)), zShuffled, d);
const gold = Array.from({ length: n }, (_, i) => [`s${i}`, `t${i}`] as const);

test('unsupervised alignment finds a rotation with no dictionary at all, and says it converged', async () => {
  const a = await alignSpaces(src, tgt, { method: 'unsupervised', unsupervisedVocab: n });
  assert.equal(a.converged, true);
  assert.deepEqual(a.warnings, []);
  assert.ok(evaluateBilingual(a.source, a.target, gold, { at: [1] }).precision[1] > 0.95);
});

test('semi-supervised: identical strings seed the dictionary', async () => {
  // Ten shared words (numbers, names) are enough to seed the map; refinement does the rest.
  const names = order.map((i) => (i < 10 ? `s${i}` : `t${i}`));
  const shared = new Embeddings(new Vocabulary(names), zShuffled, d);
  const gold2 = gold.map(([s, t]) => [s, Number(t.slice(1)) < 10 ? s : t] as const);
  const a = await alignSpaces(src, shared, { identical: true, refine: 2 });
  assert.equal(a.seed?.identical, 10);
  assert.ok(evaluateBilingual(a.source, a.target, gold2, { at: [1] }).precision[1] > 0.95);
});

test('an aborted signal stops alignSpaces', async () => {
  const controller = new AbortController();
  controller.abort(new Error('stop'));
  await assert.rejects(alignSpaces(src, tgt, { dictionary: gold, signal: controller.signal }), /stop/);
});

test('unsupervised alignment of two unrelated spaces converges to a map no better than chance, and says so', async () => {
  // Another random cloud with the same spectrum: no map finds translations, yet self-learning settles.
  const unrelated = new Embeddings(new Vocabulary(order.map((i) => `u${i}`)), randomRows(n, d, gaussian(23)), d);
  const a = await alignSpaces(src, unrelated, { method: 'unsupervised', unsupervisedVocab: n });
  assert.equal(a.converged, true);
  const c = a.chance!;
  const warning = a.warnings.find((w) => /chance/.test(w.message));
  assert.ok(warning, JSON.stringify(a.warnings));
  // The message gives the final objective and the chance map's, as computed.
  assert.ok(warning.message.includes(c.objective.toFixed(4)) && warning.message.includes(c.chanceObjective.toFixed(4)), warning.message);
});

test('a rotated copy aligns far above the chance level', async () => {
  const a = await alignSpaces(src, tgt, { method: 'unsupervised', unsupervisedVocab: n });
  const c = a.chance!;
  assert.ok(c.objective > 0.99 && c.mutualShare > 0.99, JSON.stringify(c));
  assert.ok(c.chanceObjective < 0.9 && c.chanceMutualShare < 0.7, JSON.stringify(c));
  assert.ok(!a.warnings.some((w) => /chance/.test(w.message)));
});
