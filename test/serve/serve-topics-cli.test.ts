import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { findTopics } from '../../src/apps/topics/find-topics.ts';
import { StaticEncoder } from '../../src/encoders/static.ts';
import { saveEmbeddings } from '../../src/formats/index.ts';
import { topicDocuments, topicModel } from '../apps/topics/topic-model.ts';
import { serverCli, stop } from './helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'embedkit-serve-topics-'));
const model = join(dir, 'planted.bin');
before(() => saveEmbeddings(topicModel(), model, { format: 'word2vec-binary' }));
after(() => rmSync(dir, { recursive: true, force: true }));

test('embedkit serve --topics DOCS: the stages on stderr, then /api/topics holds the topics findTopics finds', { timeout: 90_000 }, async () => {
  const { texts } = topicDocuments(30);
  const docs = join(dir, 'docs.txt');
  writeFileSync(docs, `${texts.join('\n')}\n`);
  const run = serverCli(['serve', model, '--topics', docs, '--port', '0']);
  try {
    const url = await run.url;
    assert.match(run.stderr(), /topics of docs\.txt \(90 documents\): embed\n.*reduce\n.*cluster\n.*describe\n.*map\n/);
    assert.match(run.stderr(), /topics: +http:\/\/\S+\/#topics {2}\(docs\.txt\)/);
    const view = (await (await fetch(`${url}/api/topics`)).json()) as { name: string; documents: number; points: { index: number; topic: number; text: string }[]; topics: { keywords: string[] }[] };
    // Default settings, SIF pooling of the served vectors: the same topics as the library's.
    const want = await findTopics(texts, { encoder: new StaticEncoder(topicModel(), { pooling: 'sif' }) });
    assert.equal(view.name, 'docs.txt');
    assert.equal(view.documents, 90);
    assert.deepEqual(view.topics.map((t) => t.keywords), want.topics.map((t) => t.keywords.map((k) => k.word)));
    for (const p of view.points) {
      assert.equal(p.topic, want.documents[p.index].topic);
      assert.equal(p.text, texts[p.index]);
    }
  } finally {
    await stop(run.child);
  }
});

test('embedkit serve --topics with too few documents fails before listening, with the minimum', () => {
  const few = join(dir, 'few.txt');
  writeFileSync(few, 'ship sail\nbread oven\n');
  const r = spawnSync(process.execPath, ['bin/embedkit.js', 'serve', model, '--topics', few, '--port', '0'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /at least 20 documents/);
  assert.doesNotMatch(r.stderr, /explorer:/);
});
