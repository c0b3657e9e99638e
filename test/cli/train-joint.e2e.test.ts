// `embedkit train joint` end to end on a made-up parallel text (as test/apps/align/joint-space.test.ts makes one):
// two languages with a one-to-one lexicon (a7 ↔ b7), sentences are random walks on a fixed graph of the words, the
// target side swaps neighbouring words. The written spaces are then read by `embedkit translate`, which must find
// each planted translation; the translations' cosines are checked against the vectors in the files.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { seededRandom } from '../../src/util/random.ts';
import { cosine, describeRun, makeTempDir, parseJson, runCli, writeFile } from './e2e-helpers.ts';

const { dir, remove } = makeTempDir();
after(remove);

const WORDS = 30;
const random = seededRandom(5);
const graph = Array.from({ length: WORDS }, () => Array.from({ length: 3 }, () => Math.floor(random() * WORDS)));
const walks = Array.from({ length: 1200 }, () => {
  const walk = [Math.floor(random() * WORDS)];
  while (walk.length < 8) walk.push(graph[walk.at(-1)!][Math.floor(random() * 3)]);
  return walk;
});
const side = (ids: number[], l: string, swap = false) => (swap ? ids.map((_, k) => ids[k ^ 1]) : ids).map((i) => `${l}${i}`).join(' ');
const srcText = writeFile(dir, 'a.txt', walks.map((w) => side(w, 'a')).join('\n') + '\n');
const tgtText = writeFile(dir, 'b.txt', walks.map((w) => side(w, 'b', true)).join('\n') + '\n');
const TRAINING = ['--dim', '16', '--min-count', '1', '--threads', '1', '--epochs', '5', '--sample', '0'];

function readVec(path: string): Map<string, number[]> {
  const lines = readFileSync(path, 'utf8').trim().split('\n').slice(1);
  return new Map(lines.map((l) => l.split(' ')).map(([w, ...v]) => [w, v.map(Number)]));
}

for (const [merge, trainer] of [['interleave', 'word2vec'], ['shuffle', 'fasttext']] as const) {
  test(`train joint (--merge ${merge} --trainer ${trainer}) writes two spaces in which translate finds the planted pairs`, async () => {
    const out = { a: join(dir, `${merge}.a.vec`), b: join(dir, `${merge}.b.vec`) };
    const extra = trainer === 'fasttext' ? ['--minn', '0', '--maxn', '0'] : [];
    const r = await runCli(['train', 'joint', srcText, tgtText, '--out-src', out.a, '--out-tgt', out.b, '--merge', merge, '--trainer', trainer, ...TRAINING, ...extra, '--json']);
    assert.equal(r.code, 0, describeRun(r));
    const summary = parseJson<{ pairs: number; sourceWords: number; targetWords: number; dim: number }>(r);
    assert.deepEqual([summary.pairs, summary.sourceWords, summary.targetWords, summary.dim], [walks.length, WORDS, WORDS, 16]);
    const [a, b] = [readVec(out.a), readVec(out.b)];
    assert.deepEqual([...a.keys()].sort(), Array.from({ length: WORDS }, (_, i) => `a${i}`).sort());
    const words = Array.from({ length: WORDS }, (_, i) => `a${i}`);
    const t = await runCli(['translate', out.a, out.b, ...words, '--topn', '1', '--csls', '--json']);
    assert.equal(t.code, 0, describeRun(t));
    const results = parseJson<{ word: string; translations: { word: string; score: number }[] }[]>(t);
    const found = results.filter((x) => x.translations[0].word === `b${x.word.slice(1)}`).length;
    // Chance is 1/30; the library test measures P@1 1.0 (interleave) and 0.83 (shuffle) on the same kind of text.
    assert.ok(found / WORDS >= 0.75, `${found} of ${WORDS} planted pairs found: ${JSON.stringify(results.map((x) => [x.word, x.translations[0].word]))}`);
    // Plain nearest neighbour: the score is the cosine of the two vectors as written.
    const nn = parseJson<{ word: string; translations: { word: string; score: number }[] }[]>(await runCli(['translate', out.a, out.b, 'a3', '--topn', '1', '--json']));
    const best = nn[0].translations[0];
    assert.ok(Math.abs(best.score - cosine(a.get('a3')!, b.get(best.word)!)) < 1e-4);
    for (const w of b.keys()) assert.ok(cosine(a.get('a3')!, b.get(w)!) <= best.score + 1e-4, w);
  });
}

test('train joint refuses texts of different lengths, naming both files and their line counts', async () => {
  const short = writeFile(dir, 'short.txt', 'b1 b2\nb3\n');
  const r = await runCli(['train', 'joint', srcText, short, '--out-src', join(dir, 'x.vec'), '--out-tgt', join(dir, 'y.vec')]);
  assert.equal(r.code, 1, describeRun(r));
  assert.match(r.stderr, new RegExp(`${srcText.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} has ${walks.length} lines, .*short\\.txt has 2`));
});

test("train joint refuses a setting only the other trainer reads", async () => {
  const r = await runCli(['train', 'joint', srcText, tgtText, '--out-src', join(dir, 'x.vec'), '--out-tgt', join(dir, 'y.vec'), '--minn', '2']);
  assert.equal(r.code, 1, describeRun(r));
  assert.match(r.stderr, /--minn is a setting of the other trainer: not with --trainer word2vec/);
});
