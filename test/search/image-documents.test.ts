import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { ClipEncoder } from '../../src/encoders/clip.ts';
import { openCollection, type Collection } from '../../src/search/collection.ts';
import { addImages, imageQueryVector, modalityFilter } from '../../src/search/image-documents.ts';
import { heldout, heldoutPng, TINY_CLIP } from '../helpers/tiny-clip.ts';
import { cleanup, licenseModel, tempDir } from './helpers.ts';

const run = promisify(execFile);
const BIN = resolve('src/cli/main.ts');
const embedkit = (...args: string[]) => run(process.execPath, ['--import', 'tsx', BIN, ...args], { maxBuffer: 1 << 24 });
const reference = JSON.parse(readFileSync(join(TINY_CLIP, 'reference.json'), 'utf8')) as { heldout_recall_at_1: { image_to_text: number; text_to_image: number } };

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

/** The index of the row of `rows` nearest `v` (the first on a tie), by brute force. */
function nearest(v: Float32Array, rows: readonly Float32Array[]): number {
  let best = 0;
  let bestScore = -Infinity;
  rows.forEach((r, j) => {
    const s = dot(v, r);
    if (s > bestScore) [best, bestScore] = [j, s];
  });
  return best;
}

after(cleanup);

describe('images in a collection (tiny CLIP, 1,000 held-out pictures and their captions)', () => {
  let clip: ClipEncoder;
  let collection: Collection;
  let pngs: Buffer[];
  let imageVectors: Float32Array[];
  let textVectors: Float32Array[];
  const n = heldout.captions.length;

  before(async () => {
    clip = await ClipEncoder.load(TINY_CLIP);
    pngs = await Promise.all(Array.from({ length: n }, (_, i) => heldoutPng(i)));
    imageVectors = (await clip.encode(pngs.map((image) => ({ image })))).vectors;
    textVectors = (await clip.encode(heldout.captions)).vectors;
    collection = await openCollection(join(tempDir(), 'mixed'), { model: resolve(TINY_CLIP) });
    await collection.add(heldout.captions.map((text, i) => ({ id: `caption-${i}`, text })), { batchSize: 500 });
    const added = await addImages(collection, pngs.map((image, i) => ({ id: `picture-${i}`, image, text: '' })), { batchSize: 500 });
    assert.equal(added.docs, n);
    assert.equal(added.rows, 2 * n);
  });
  after(async () => {
    await collection.close();
    await clip.dispose();
  });

  test('recall@1 through the collection equals recall through ClipEncoder directly, both ways', async () => {
    let directT2I = 0;
    let directI2T = 0;
    for (let i = 0; i < n; i++) {
      if (nearest(textVectors[i], imageVectors) === i) directT2I++;
      if (nearest(imageVectors[i], textVectors) === i) directI2T++;
    }
    // Text → image: the caption as a text query, among the pictures only.
    const byCaption = await collection.searchMany(heldout.captions, { k: 1, filter: modalityFilter('image'), exact: true });
    const t2i = byCaption.filter((hits, i) => hits[0].docId === `picture-${i}`).length;
    // Image → text: the picture's vector as the query, among the texts only.
    const byPicture = await collection.searchMany(imageVectors, { k: 1, filter: modalityFilter('text'), exact: true });
    const i2t = byPicture.filter((hits, i) => hits[0].docId === `caption-${i}`).length;
    const recall = { text_to_image: t2i / n, image_to_text: i2t / n };
    console.log(`held-out recall@1 through the collection: ${JSON.stringify(recall)}; direct: ${JSON.stringify({ text_to_image: directT2I / n, image_to_text: directI2T / n })}; torch: ${JSON.stringify(reference.heldout_recall_at_1)}`);
    assert.equal(t2i, directT2I);
    assert.equal(i2t, directI2T);
    assert.ok(Math.abs(recall.text_to_image - reference.heldout_recall_at_1.text_to_image) <= 0.002);
    assert.ok(Math.abs(recall.image_to_text - reference.heldout_recall_at_1.image_to_text) <= 0.002);
    for (const hits of byCaption) assert.equal(hits[0].metadata.modality, 'image');
  });

  test('a picture is stored with its image vector; a picture query finds itself first', async () => {
    const q = await imageQueryVector(collection, { image: pngs[7] });
    const hits = await collection.search(q, { k: 2 });
    assert.equal(hits[0].docId, 'picture-7');
    assert.ok(Math.abs(hits[0].score - 1) < 1e-5);
    // Adding the same pictures again stores nothing new.
    const again = await addImages(collection, pngs.slice(0, 5).map((image, i) => ({ id: `picture-${i}`, image, text: '' })));
    assert.equal(again.skippedDocs, 5);
    assert.equal(again.rows, 2 * n);
  });

  test('bad pictures: the first fails the call naming its position, or with partial each is reported', async () => {
    const bad = Buffer.from('%PDF-1.4 not a picture');
    await assert.rejects(addImages(collection, [{ id: 'x0', image: pngs[0] }, { id: 'x1', image: bad }]), /input 1: .*a PDF document/);
    const r = await addImages(collection, [{ id: 'y0', image: pngs[0] }, { id: 'y1', image: bad }, { id: 'y2', image: pngs[1] }], { partial: true, encodeBatchSize: 2 });
    assert.deepEqual(r.failed.map((f) => [f.index, f.error.code]), [[1, 'image_format']]);
    assert.equal(r.docs, 2);
  });
});

test('a text model’s collection refuses images', async () => {
  const c = await openCollection(join(tempDir(), 'words'), { model: await licenseModel() });
  try {
    await assert.rejects(addImages(c, [{ image: Buffer.alloc(4) }]), /takes texts only; images need a collection made with a CLIP model/);
  } finally {
    await c.close();
  }
});

test('CLI: index add --images stores pictures beside captions; search by text or picture with --modality', { timeout: 400_000 }, async () => {
  const dir = tempDir();
  const album = join(dir, 'album');
  mkdirSync(album);
  const picked = [3, 14, 15, 92, 65, 35];
  const paths = picked.map((i) => join(album, `p${i}.png`));
  for (let k = 0; k < picked.length; k++) writeFileSync(paths[k], await heldoutPng(picked[k]));
  const captions = join(dir, 'captions.txt');
  writeFileSync(captions, `${picked.map((i) => heldout.captions[i]).join('\n')}\n`);
  const col = join(dir, 'photos.collection');
  await embedkit('index', 'add', col, '--model', resolve(TINY_CLIP), captions, '--quiet');
  const added = JSON.parse((await embedkit('index', 'add', col, '--images', album, '--json')).stdout) as { images: number; rows: number };
  assert.deepEqual([added.images, added.rows], [6, 12]);

  const clip = await ClipEncoder.load(TINY_CLIP);
  const pictures = (await clip.encode(paths.map((image) => ({ image })))).vectors;
  const texts = (await clip.encode(picked.map((i) => heldout.captions[i]))).vectors;
  await clip.dispose();
  // Three of each: every command starts a process, slow on a busy machine.
  for (let k = 0; k < 3; k++) {
    const byText = JSON.parse((await embedkit('search', col, heldout.captions[picked[k]], '--modality', 'image', '--k', '1', '--json')).stdout) as { docId: string; metadata: { image: string } }[];
    assert.equal(byText[0].docId, paths[nearest(texts[k], pictures)]);
    assert.equal(byText[0].metadata.image, byText[0].docId);
    const byPicture = JSON.parse((await embedkit('search', col, '--image', paths[k], '--modality', 'text', '--k', '1', '--json')).stdout) as { text: string }[];
    assert.equal(byPicture[0].text, heldout.captions[picked[nearest(pictures[k], texts)]]);
  }
  writeFileSync(join(album, 'broken.png'), (await heldoutPng(0)).subarray(0, 50));
  await assert.rejects(embedkit('index', 'add', col, '--images', album), /broken\.png.*corrupt or truncated PNG.*--partial/s);
  const partial = await embedkit('index', 'add', col, '--images', album, '--partial', '--json');
  assert.match(partial.stderr, /skipped .*broken\.png/);
  assert.equal((JSON.parse(partial.stdout) as { skippedDocs: number }).skippedDocs, 6);
  await assert.rejects(embedkit('index', 'add', col, captions, '--images', album), /not both/);
});
