import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { seededRandom } from '../../src/util/random.ts';
import { parseJson, runCli } from './e2e-helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'embedkit-topics-lda-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// Two planted topics, 30 documents each, with stop words mixed in and one empty line.
const PETS = ['dog', 'cat', 'vet', 'pet', 'food', 'leash', 'puppy', 'kitten'];
const MONEY = ['stock', 'market', 'price', 'bank', 'trade', 'rates', 'bond', 'shares'];
const next = seededRandom(5);
const lines = Array.from({ length: 60 }, (_, i) => `the ${Array.from({ length: 12 }, () => (i % 2 ? PETS : MONEY)[Math.floor(next() * 8)]).join(' and ')}`);
lines.splice(10, 0, '');
const docs = join(dir, 'docs.txt');
writeFileSync(docs, lines.join('\n') + '\n');

interface Summary {
  topics: { id: number; size: number; keywords: string[]; representatives: { line: number }[] }[];
  documents: number;
  outliers: number;
  skipped: { empty: number };
}

test('embedkit topics --method lda finds the planted topics and writes the same outputs as the embedding method', async () => {
  const out = join(dir, 'out');
  const r = await runCli(['topics', docs, '--method', 'lda', '--topics', '2', '--passes', '10', '--json', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  const s = parseJson<Summary>(r);
  assert.equal(s.topics.length, 2);
  assert.equal(s.outliers, 0);
  assert.equal(s.skipped.empty, 1);
  const sets = s.topics.map((t) => new Set(t.keywords.slice(0, 8)));
  const isPets = (x: Set<string>) => PETS.every((w) => x.has(w));
  const isMoney = (x: Set<string>) => MONEY.every((w) => x.has(w));
  assert.ok((isPets(sets[0]) && isMoney(sets[1])) || (isMoney(sets[0]) && isPets(sets[1])), JSON.stringify(s.topics.map((t) => t.keywords)));
  assert.ok(!s.topics.some((t) => t.keywords.includes('the')), 'stop words are not keywords');
  // Every document on its planted topic (line 11 is the empty one).
  const perLine = readFileSync(join(out, 'documents.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { line: number; topic: number | null });
  assert.equal(perLine.length, 61);
  assert.equal(perLine[10].topic, null);
  const petTopic = isPets(sets[0]) ? 0 : 1;
  perLine.forEach((d, i) => {
    if (i === 10) return;
    const planted = (i < 10 ? i : i - 1) % 2 ? petTopic : 1 - petTopic;
    assert.equal(d.topic, planted, `line ${d.line}`);
  });

  // The topics file is a TOPICS.json for `embedkit coherence`.
  const c = await runCli(['coherence', join(out, 'topics.json'), '--corpus', docs, '--measure', 'u_mass', '--json']);
  assert.equal(c.code, 0, c.stderr);
  assert.equal(parseJson<{ topics: unknown[] }>(c).topics.length, 2);
});

test('embedkit topics --method lda: needs K, checks its flags, and needs no model', async () => {
  const auto = await runCli(['topics', docs, '--method', 'lda']);
  assert.equal(auto.code, 1);
  assert.match(auto.stderr, /--method lda needs a number of topics: --topics K/);
  const decay = await runCli(['topics', docs, '--method', 'lda', '--topics', '2', '--decay', '2']);
  assert.equal(decay.code, 1);
  assert.match(decay.stderr, /--decay must be a number in \(0, 1\], got 2/);
  const noModel = await runCli(['topics', docs]);
  assert.equal(noModel.code, 1);
  assert.match(noModel.stderr, /--model is required/);
  const few = join(dir, 'few.txt');
  writeFileSync(few, lines.slice(0, 12).join('\n'));
  const small = await runCli(['topics', few, '--method', 'lda', '--topics', '2']);
  assert.equal(small.code, 1);
  assert.match(small.stderr, /LDA needs at least 20 documents with words; got 11/);
});
