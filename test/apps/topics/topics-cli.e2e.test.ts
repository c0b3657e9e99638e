import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { brownParagraphs } from '../../../bench/lib/brown.ts';
import { normalizedMutualInformation } from '../../../src/apps/topics/cluster-agreement.ts';
import { saveEmbeddings } from '../../../src/formats/index.ts';
import { trainWord2Vec } from '../../../src/train/index.ts';
import { describeRun, makeTempDir, parseJson, runCli } from '../../cli/e2e-helpers.ts';
import { topicDocuments, topicModel } from './topic-model.ts';

const tmp = makeTempDir();
after(() => tmp.remove());

interface Summary {
  topics: { id: number; size: number; keywords: string[]; representatives: { line: number; text: string }[] }[];
  documents: number;
  outliers: number;
  skipped: { empty: number; unknown: number };
  singleCluster: boolean;
  overTime?: { granularity: string; bins: { bin: string; counts: number[]; outliers: number }[] };
}

const topicsOf = (dir: string) =>
  readFileSync(join(dir, 'documents.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { line: number; topic: number | null; probability: number; outlier: boolean });

test('embedkit topics on JSON Lines with dates: table, --json, per-document JSONL and topics over time', async () => {
  const model = join(tmp.dir, 'planted.bin');
  await saveEmbeddings(topicModel(), model, { format: 'word2vec-binary' });
  const { texts, labels } = topicDocuments(30);
  const docs = join(tmp.dir, 'docs.jsonl');
  writeFileSync(docs, texts.map((text, i) => JSON.stringify({ text, date: `2020-0${1 + (i % 6)}-15` })).join('\n') + '\n\n');
  const out = join(tmp.dir, 'out');
  const r = await runCli(['topics', docs, '--model', model, '--min-cluster-size', '8', '--umap-epochs', '100', '--json', '--out', out]);
  assert.equal(r.code, 0, describeRun(r));
  const s = parseJson<Summary>(r);
  assert.equal(s.documents, texts.length + 1);
  assert.deepEqual(s.skipped, { empty: 1, unknown: 0 });
  assert.ok(s.topics.length >= 3, describeRun(r));
  for (const t of s.topics) assert.equal(t.keywords.length, 10);
  const rows = topicsOf(out);
  assert.equal(rows.length, texts.length + 1);
  assert.equal(rows.at(-1)!.topic, null);
  assert.ok(normalizedMutualInformation(rows.slice(0, -1).map((d) => d.topic!), labels) > 0.8);
  assert.equal(s.overTime?.granularity, 'month');
  assert.deepEqual(s.overTime?.bins.map((b) => b.bin), ['2020-01', '2020-02', '2020-03', '2020-04', '2020-05', '2020-06']);
  assert.deepEqual(JSON.parse(readFileSync(join(out, 'topics.json'), 'utf8')), s);

  const table = await runCli(['topics', docs, '--model', model, '--min-cluster-size', '8', '--umap-epochs', '100', '--topics', '2']);
  assert.equal(table.code, 0, describeRun(table));
  const lines = table.stdout.split('\n');
  assert.match(lines[0], /^topic\s+size\s+keywords\s+representative$/);
  assert.match(lines[1], /^0\s+\d+\s+\S+( \S+){9}\s+\S/);
  assert.match(lines[3], /^$/);
  assert.match(table.stdout, /topics over time \(month\):/);
  assert.match(table.stderr, /2 topics, \d+ outliers, 1 skipped \(1 empty, 0 without a known word\)/);
});

test('embedkit topics on Brown corpus paragraphs of three genres: NMI with the genres well above chance', async () => {
  const genres = ['government', 'romance', 'religion'];
  const all = genres.flatMap((g) => brownParagraphs({ genres: [g], minWords: 1 }));
  const corpus = join(tmp.dir, 'brown3.txt');
  writeFileSync(corpus, all.map((p) => p.text.toLowerCase()).join('\n') + '\n');
  // Vectors of the three genres' own text (155k tokens), one seeded thread: the same vectors every run.
  const model = join(tmp.dir, 'brown3.bin');
  await trainWord2Vec({ input: corpus, output: model, binary: true, dim: 50, minCount: 3, epochs: 10, seed: 1, threads: 1 });
  const sample = genres.flatMap((g) => brownParagraphs({ genres: [g] }).filter((_, i) => i % 4 === 0).slice(0, 40));
  const docs = join(tmp.dir, 'brown3-docs.txt');
  writeFileSync(docs, sample.map((p) => p.text).join('\n') + '\n');
  const out = join(tmp.dir, 'brown-out');
  const r = await runCli(['topics', docs, '--model', model, '--min-cluster-size', '8', '--json', '--out', out]);
  assert.equal(r.code, 0, describeRun(r));
  const got = topicsOf(out).map((d) => d.topic!);
  const nmi = normalizedMutualInformation(got, sample.map((p) => genres.indexOf(p.genre)));
  // Chance level for 120 documents in a handful of topics is below 0.05.
  assert.ok(nmi > 0.3, `NMI ${nmi}\n${r.stdout}`);
});

test('embedkit topics refuses bad input with the reason', async () => {
  const model = join(tmp.dir, 'planted-2.bin');
  await saveEmbeddings(topicModel(), model, { format: 'word2vec-binary' });
  const few = join(tmp.dir, 'few.txt');
  writeFileSync(few, topicDocuments(5).texts.join('\n') + '\n');
  let r = await runCli(['topics', few, '--model', model]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /at least 20 documents with text; got 15/);
  const binary = join(tmp.dir, 'binary.txt');
  writeFileSync(binary, Buffer.concat([Buffer.from('fine line\nsecond line\n'), Buffer.from([0xff, 0xfe, 0x00, 0x41])]));
  r = await runCli(['topics', binary, '--model', model]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /binary\.txt, line 3: not UTF-8 text/);
  const badJson = join(tmp.dir, 'bad.jsonl');
  writeFileSync(badJson, '{"text": "one"}\n{"title": "two"}\n');
  r = await runCli(['topics', badJson, '--model', model]);
  assert.match(r.stderr, /bad\.jsonl, line 2: no "text" string/);
  r = await runCli(['topics', few, '--model', model, '--method', 'lda']);
  assert.match(r.stderr, /--method lda needs a number of topics: --topics K/);
  r = await runCli(['topics', few, '--model', model, '--topics', 'many']);
  assert.match(r.stderr, /--topics must be auto or a whole number/);
  r = await runCli(['topics', few, '--model', model, '--min-cluster-size', '1']);
  assert.match(r.stderr, /--min-cluster-size/);
});
