import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { findTopics } from '../../../src/apps/topics/find-topics.ts';
import { topicMap } from '../../../src/apps/topics/topic-map.ts';
import { StaticEncoder } from '../../../src/encoders/static.ts';
import { saveEmbeddings } from '../../../src/formats/index.ts';
import { GROUP_COLOURS } from '../../../src/viz/palette.ts';
import { describeRun, makeTempDir, runCli } from '../../cli/e2e-helpers.ts';
import { topicDocuments, topicModel } from './topic-model.ts';

const tmp = makeTempDir();
after(() => tmp.remove());

function pixelsNear(data: Uint8ClampedArray, hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  let n = 0;
  for (let i = 0; i < data.length; i += 4) if (Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < 30) n++;
  return n;
}

test('topicMap: one point per embedded document, each topic labelled inside its own documents', async () => {
  const { texts } = topicDocuments(30);
  const result = await findTopics(texts, { encoder: new StaticEncoder(topicModel(), { pooling: 'sif' }), minClusterSize: 8, umapEpochs: 100 });
  const map = topicMap(result);
  assert.equal(map.points.length, texts.length);
  assert.equal(map.labels.length, result.topics.length);
  for (const l of map.labels) {
    // The document nearest the label belongs to the labelled topic.
    const nearest = map.points.reduce((a, b) => (Math.hypot(a.x - l.x, a.y - l.y) <= Math.hypot(b.x - l.x, b.y - l.y) ? a : b));
    assert.equal(nearest.topic, l.topic);
    assert.deepEqual(l.keywords, result.topics[l.topic].keywords.slice(0, 3).map((k) => k.word));
  }
  assert.deepEqual(topicMap(result), map, 'seeded: the same map again');
});

test('embedkit plot-topics writes a PNG with the topics in their colours', async () => {
  const model = join(tmp.dir, 'planted.bin');
  await saveEmbeddings(topicModel(), model, { format: 'word2vec-binary' });
  const docs = join(tmp.dir, 'docs.txt');
  writeFileSync(docs, topicDocuments(30).texts.join('\n') + '\n');
  const out = join(tmp.dir, 'topics.png');
  const r = await runCli(['plot-topics', docs, '--model', model, '-o', out, '--min-cluster-size', '8', '--umap-epochs', '100', '--width', '800', '--height', '600', '--json']);
  assert.equal(r.code, 0, describeRun(r));
  const summary = JSON.parse(r.stdout) as { documents: number; topics: number };
  assert.equal(summary.documents, 90);
  const png = readFileSync(out);
  assert.equal(png.readUInt32BE(16), 800);
  assert.equal(png.readUInt32BE(20), 600);
  const image = await loadImage(png);
  const ctx = createCanvas(image.width, image.height).getContext('2d');
  ctx.drawImage(image, 0, 0);
  const { data } = ctx.getImageData(0, 0, image.width, image.height);
  for (const colour of GROUP_COLOURS.slice(0, summary.topics)) assert.ok(pixelsNear(data, colour) > 20, `topic drawn in ${colour}`);
  const wrong = await runCli(['plot-topics', docs, '--model', model, '-o', join(tmp.dir, 'map.jpg')]);
  assert.match(wrong.stderr, /PNG images only/);
});
