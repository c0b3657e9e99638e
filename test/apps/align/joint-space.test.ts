import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BilingualEncoder } from '../../../src/apps/align/bilingual-encoder.ts';
import { trainJointSpace } from '../../../src/apps/align/joint-space.ts';
import { evaluateBilingual } from '../../../src/apps/align/translate.ts';
import { NoKnownWordError } from '../../../src/encoders/static.ts';
import { openCollection } from '../../../src/search/index.ts';
import { corpusFromLines, trainWord2Vec } from '../../../src/train/index.ts';
import { seededRandom } from '../../../src/util/random.ts';

// Two made-up languages with a one-to-one lexicon (a7 ↔ b7). A sentence is a random walk on a fixed random graph of
// the words, so each word has its own contexts (its graph neighbours), the same in both languages: the joint space can
// pair a7 with b7 only through the aligned sentences, and two spaces trained apart share their shape but not their
// coordinates. The target side swaps each pair of neighbouring words (as Spanish puts the noun before its adjective), so the merge
// must not rely on the sides lining up word for word.
const WORDS = 40;
const random = seededRandom(5);
const graph = Array.from({ length: WORDS }, () => Array.from({ length: 3 }, () => Math.floor(random() * WORDS)));
const sentence = () => {
  const walk = [Math.floor(random() * WORDS)];
  while (walk.length < 8) walk.push(graph[walk.at(-1)!][Math.floor(random() * 3)]);
  return walk;
};
const pairs = Array.from({ length: 1500 }, sentence);
const heldOut = Array.from({ length: 40 }, sentence);
const side = (ids: number[], l: string, swap = false) => (swap ? ids.map((_, k) => ids[k ^ 1]) : ids).map((i) => `${l}${i}`).join(' ');
const [a, b] = [pairs.map((s) => side(s, 'a')), pairs.map((s) => side(s, 'b', true))];
const lexicon = Array.from({ length: WORDS }, (_, i) => [`a${i}`, `b${i}`] as const);
// No subsampling: every word of so small a vocabulary is frequent enough to be dropped most of the time.
const training = { dim: 16, minCount: 1, threads: 1, epochs: 5, window: 5, sample: 0 };

/** Each held-out target sentence as a query over a collection of both languages, filtered to the source language. */
async function recallAt1(encoder: BilingualEncoder): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'embedkit-joint-'));
  try {
    const collection = await openCollection(dir, { encoder, annThreshold: Infinity });
    const docs = heldOut.flatMap((s, i) => [
      { id: `a${i}`, text: side(s, 'a'), metadata: { lang: 'a', n: i } },
      { id: `b${i}`, text: side(s, 'b', true), metadata: { lang: 'b', n: i } },
    ]);
    await collection.add(docs);
    const hits = await collection.searchMany(heldOut.map((s) => side(s, 'b', true)), { k: 1, filter: 'lang = "a"' });
    await collection.close();
    return hits.filter((h, i) => h[0].metadata?.n === i).length / heldOut.length;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const merge of ['interleave', 'shuffle'] as const) {
  test(`a joint space trained on ${merge}d pairs puts each word next to its translation`, async () => {
    const joint = await trainJointSpace(a, b, { merge, training });
    assert.equal(joint.source.size, WORDS);
    assert.equal(joint.target.size, WORDS);
    assert.deepEqual(joint.unprefixed.filter((w) => w !== '</s>'), []);
    const p1 = evaluateBilingual(joint.source, joint.target, lexicon, { at: [1] }).precision[1];
    // Chance is 1/40; measured 1.0 (interleave) and 0.83 (shuffle, whose windows also hold the pair's other words).
    assert.ok(p1 >= 0.75, `P@1 ${p1}`);
  });
}

test('a collection encoded through the joint space finds the source-language sentence of a target-language query; unaligned spaces do not', async () => {
  const joint = await trainJointSpace(a, b, { training, seed: 2 });
  const aligned = await recallAt1(new BilingualEncoder(joint.source, joint.target));
  // The floor: each language trained alone (different seeds, so the two spaces are not the same by accident).
  const alone = async (lines: string[], seed: number) => (await trainWord2Vec({ input: corpusFromLines(lines), cbow: false, seed, ...training })).embeddings;
  const unaligned = await recallAt1(new BilingualEncoder(await alone(a, 3), await alone(b, 4)));
  assert.ok(aligned >= 0.9, `aligned recall@1 ${aligned}`);
  assert.ok(unaligned <= 0.3, `unaligned recall@1 ${unaligned}`);
});

test('BilingualEncoder sends each text to the space that knows more of its words and names a text without any by its place', async () => {
  const joint = await trainJointSpace(a.slice(0, 200), b.slice(0, 200), { training: { ...training, epochs: 1 } });
  const encoder = new BilingualEncoder(joint.source, joint.target);
  assert.equal(encoder.languageOf('a1 a2 b3'), 'source');
  assert.equal(encoder.languageOf('b1 b2 a3'), 'target');
  assert.equal(encoder.languageOf('zzz'), 'source');
  const { vectors, tokens } = await encoder.encode(['b1 b2', 'a1']);
  assert.deepEqual(tokens, [2, 1]);
  assert.deepEqual(vectors[0], (await encoder.encodeAs('target', ['b1 b2'])).vectors[0]);
  assert.deepEqual(vectors[1], (await encoder.encodeAs('source', ['a1'])).vectors[0]);
  await assert.rejects(encoder.encode(['a1', 'b2', 'qqq']), (e: unknown) => e instanceof NoKnownWordError && e.index === 2);
});
