// `embedkit align`, `translate` and `eval-bilingual` end to end on small generated spaces: the target space is a
// rotated, slightly noisy copy of the source, so every word's translation is known; the answers are checked by
// cosines computed here from the files the commands wrote.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { gaussian, randomRotation, randomRows, rotated } from '../apps/align/numpy-reference.ts';
import { describeRun, makeTempDir, parseJson, runCli, writeFile } from './e2e-helpers.ts';

const { dir, remove } = makeTempDir();
after(remove);

const N = 60;
const D = 6;
const normal = gaussian(9);
const x = randomRows(N, D, normal);
const z = rotated(x, D, randomRotation(D, normal), 0.02, normal);

function vec(prefix: string, m: Float32Array, dim = D): string {
  const lines = [`${N} ${dim}`];
  for (let i = 0; i < N; i++) lines.push(`${prefix}${i} ${Array.from(m.subarray(i * dim, (i + 1) * dim), (v) => v.toFixed(6)).join(' ')}`);
  return lines.join('\n') + '\n';
}

const en = writeFile(dir, 'en.vec', vec('en', x));
const es = writeFile(dir, 'es.vec', vec('es', z));
const train = writeFile(dir, 'train.txt', Array.from({ length: 25 }, (_, i) => `en${i} es${i}\n`).join('') + 'missing es0\n');
const testDict = writeFile(dir, 'test.txt', Array.from({ length: 20 }, (_, i) => `en${i + 40}\tes${i + 40}\n`).join(''));

function readVec(path: string): Map<string, number[]> {
  const lines = readFileSync(path, 'utf8').trim().split('\n').slice(1);
  return new Map(lines.map((l) => l.split(' ')).map(([w, ...v]) => [w, v.map(Number)]));
}

const cosine = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0) / Math.hypot(...a) / Math.hypot(...b);

test('align writes both spaces in one coordinate system and the map, reporting the missing seed pair', async () => {
  const out = { a: join(dir, 'a.vec'), b: join(dir, 'b.vec'), w: join(dir, 'W.txt') };
  const r = await runCli(['align', en, es, '--dict', train, '--out-src', out.a, '--out-tgt', out.b, '--out-matrix', out.w, '--refine', '1', '--json']);
  assert.equal(r.code, 0, describeRun(r));
  const report = parseJson<{ seed: { missingPairs: number; missingSource: string[] }; rounds: unknown[]; converged: boolean }>(r);
  assert.equal(report.seed.missingPairs, 1);
  assert.deepEqual(report.seed.missingSource, ['missing']);
  assert.equal(report.rounds.length, 2);
  assert.equal(report.converged, true);
  const a = readVec(out.a);
  const b = readVec(out.b);
  // Every held-out word's nearest target, by cosine over the written files, is its own translation.
  for (let i = 40; i < N; i++) {
    let best = '';
    let bestCos = -2;
    for (const [w, v] of b) {
      const c = cosine(a.get(`en${i}`)!, v);
      if (c > bestCos) [best, bestCos] = [w, c];
    }
    assert.equal(best, `es${i}`);
  }
  const w = readFileSync(out.w, 'utf8').trim().split('\n');
  assert.equal(w[0], `${D} ${D}`);
  const rows = w.slice(1).map((l) => l.split(' ').map(Number));
  // The map is orthogonal: W·Wᵀ = I.
  for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) assert.ok(Math.abs(cosine(rows[i], rows[j]) * Math.hypot(...rows[i]) * Math.hypot(...rows[j]) - (i === j ? 1 : 0)) < 1e-9);
});

test('translate and eval-bilingual on the aligned files', async () => {
  const [a, b] = [join(dir, 'a.vec'), join(dir, 'b.vec')];
  const t = await runCli(['translate', a, b, 'en45', 'en50', '--csls', '--topn', '2', '--json']);
  assert.equal(t.code, 0, describeRun(t));
  const got = parseJson<{ word: string; translations: { word: string }[] }[]>(t);
  assert.deepEqual(got.map((g) => g.translations[0].word), ['es45', 'es50']);
  const unknown = await runCli(['translate', a, b, 'en1', 'nope']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stdout, /translations of en1/);
  assert.match(unknown.stderr, /nope/);
  const e = await runCli(['eval-bilingual', a, b, '--dict', testDict, '--json']);
  assert.equal(e.code, 0, describeRun(e));
  const ev = parseJson<{ retrieval: string; precision: Record<string, number>; queries: number }[]>(e);
  assert.deepEqual(ev.map((r) => [r.retrieval, r.precision['1'], r.queries]), [['nn', 1, 20], ['csls', 1, 20]]);
  const text = await runCli(['eval-bilingual', a, b, '--dict', train]);
  assert.equal(text.code, 0, describeRun(text));
  assert.match(text.stdout, /1 pairs left out: 1 source words \(missing\)/);
});

test('align refuses spaces of different dimension and a dictionary with --method unsupervised', async () => {
  const wide = writeFile(dir, 'wide.vec', vec('w', randomRows(N, D + 1, normal), D + 1));
  const r = await runCli(['align', en, wide, '--dict', train, '--out-src', join(dir, 'x.vec'), '--out-tgt', join(dir, 'y.vec')]);
  assert.equal(r.code, 1, describeRun(r));
  assert.match(r.stderr, /6 dimensions and the target space 7/);
  assert.equal(existsSync(join(dir, 'x.vec')), false);
  const u = await runCli(['align', en, es, '--dict', train, '--method', 'unsupervised', '--out-src', join(dir, 'x.vec'), '--out-tgt', join(dir, 'y.vec')]);
  assert.equal(u.code, 1, describeRun(u));
  assert.match(u.stderr, /--dict/);
});

test('align --method unsupervised that stops at --iterations is written but reported as not converged', async () => {
  const out = [join(dir, 'u.vec'), join(dir, 'v.vec')];
  const r = await runCli(['align', en, es, '--method', 'unsupervised', '--iterations', '2', '--unsupervised-vocab', '50', '--out-src', out[0], '--out-tgt', out[1]]);
  assert.equal(r.code, 1, describeRun(r));
  assert.match(r.stderr, /warning: self-learning reached its limit of --iterations \(2\)/);
  assert.match(r.stderr, /did not converge \(final objective -?\d\.\d{4}\)/);
  assert.ok(existsSync(out[0]) && existsSync(out[1]));
});

test('align --method unsupervised between unrelated spaces is written but reported as no better than chance', async () => {
  const other = writeFile(dir, 'other.vec', vec('xx', randomRows(N, D, gaussian(31))));
  const out = [join(dir, 'c.vec'), join(dir, 'd.vec')];
  const r = await runCli(['align', en, other, '--method', 'unsupervised', '--unsupervised-vocab', String(N), '--out-src', out[0], '--out-tgt', out[1], '--json']);
  assert.equal(r.code, 1, describeRun(r));
  const j = parseJson<{ chance: { objective: number; chanceObjective: number }; warnings: string[] }>(r);
  const warning = j.warnings.find((w) => w.includes('no better than chance'));
  assert.ok(warning?.includes(j.chance.objective.toFixed(4)) && warning.includes(j.chance.chanceObjective.toFixed(4)), describeRun(r));
  assert.match(r.stderr, /warning: the map is no better than chance/);
  assert.ok(existsSync(out[0]) && existsSync(out[1]));
});
