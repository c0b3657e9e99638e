import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ClipEncoder } from '../../src/encoders/clip.ts';
import { heldout, heldoutPng, TINY_CLIP } from '../helpers/tiny-clip.ts';
import { embedkit, maxDiff } from '../helpers/encoder-tests.ts';

const ref = JSON.parse(readFileSync(join(TINY_CLIP, 'reference.json'), 'utf8')) as {
  images: { sprite_indices: number[]; vectors: number[][] };
  classify: { sprite_indices: number[]; labels: string[]; template: string; probabilities: number[][] };
};

describe('embedkit embed --images and classify-image on the tiny CLIP', () => {
  let dir: string;
  let album: string;
  let paths: string[];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'embedkit-clip-cli-'));
    album = join(dir, 'album');
    mkdirSync(join(album, 'more'), { recursive: true });
    // Sorted listing: a.png, b.png, c.png, more/d.png; notes.txt is not a picture and is left out.
    paths = ['a.png', 'b.png', 'c.png', 'more/d.png'].map((p) => join(album, p));
    for (let k = 0; k < paths.length; k++) writeFileSync(paths[k], await heldoutPng(ref.images.sprite_indices[k]));
    writeFileSync(join(album, 'notes.txt'), 'not a picture');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('JSON lines: one row per picture with its path and torch’s vector', async () => {
    const out = join(dir, 'album.jsonl');
    const { stderr } = await embedkit('embed', TINY_CLIP, '--images', album, '--output', out);
    assert.match(stderr, /embedded 4 pictures \(dim 64\)/);
    const rows = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { index: number; path: string; embedding: number[] });
    assert.deepEqual(rows.map((r) => r.path), paths);
    rows.forEach((r, k) => {
      assert.equal(r.index, k);
      assert.ok(maxDiff(r.embedding, ref.images.vectors[k]) < 1e-5);
    });
  });

  test('.npy: the matrix, and the paths of its rows beside it', async () => {
    const out = join(dir, 'two.npy');
    await embedkit('embed', TINY_CLIP, '--images', paths[1], paths[0], '--output', out, '--quiet');
    const bytes = readFileSync(out);
    const headerLength = bytes.readUInt16LE(8);
    assert.match(bytes.subarray(10, 10 + headerLength).toString('latin1'), /'shape': \(2, 64\)/);
    const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset + 10 + headerLength, bytes.byteOffset + bytes.length));
    assert.ok(maxDiff(data.subarray(0, 64), ref.images.vectors[1]) < 1e-5);
    assert.ok(maxDiff(data.subarray(64), ref.images.vectors[0]) < 1e-5);
    assert.equal(readFileSync(`${out}.paths.txt`, 'utf8'), `${paths[1]}\n${paths[0]}\n`);
  });

  test('a bad picture stops the command with its path; --partial leaves it out and says so', async () => {
    const bad = join(album, 'broken.png');
    writeFileSync(bad, Buffer.from('\x89PNG\r\n\x1a\nthis is not the rest of a PNG', 'latin1'));
    try {
      const out = join(dir, 'partial.jsonl');
      await assert.rejects(embedkit('embed', TINY_CLIP, '--images', album, '--output', out), (err: { code: number; stderr: string }) => {
        assert.equal(err.code, 1);
        assert.match(err.stderr, /broken\.png: corrupt or truncated PNG .*--partial skips unreadable pictures/);
        return true;
      });
      const { stdout } = await embedkit('embed', TINY_CLIP, '--images', album, '--output', out, '--partial', '--json');
      const summary = JSON.parse(stdout) as { images: number; skipped: { path: string; reason: string }[] };
      assert.equal(summary.images, 4);
      assert.deepEqual(summary.skipped.map((s) => s.path), [bad]);
      const rows = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { path: string });
      assert.deepEqual(rows.map((r) => r.path), paths);
    } finally {
      rmSync(bad);
    }
  });

  test('--images needs a CLIP model; --input and --images together are refused', async () => {
    await assert.rejects(embedkit('embed', 'test/fixtures/tiny-bert', '--images', album, '--output', join(dir, 'x.jsonl')), /is not a CLIP model directory/);
    await assert.rejects(embedkit('embed', TINY_CLIP, '--images', album, '--input', paths[0], '--output', join(dir, 'x.jsonl')), /not both/);
  });

  test('classify-image: softmax over cosine × logit scale, as torch computes it; plain output sorted by probability', async () => {
    const labels = ref.classify.labels.join(',');
    const { stdout } = await embedkit('classify-image', TINY_CLIP, paths[0], paths[1], '--labels', labels, '--template', ref.classify.template, '--json');
    const out = JSON.parse(stdout) as { results: { image: string; scores: { label: string; probability: number }[] }[] };
    out.results.forEach((r, k) => {
      assert.equal(r.image, paths[k]);
      for (const s of r.scores) assert.ok(Math.abs(s.probability - ref.classify.probabilities[k][ref.classify.labels.indexOf(s.label)]) < 1e-5);
    });
    const plain = (await embedkit('classify-image', TINY_CLIP, paths[0], '--labels', labels, '--template', ref.classify.template, '--top', '2')).stdout.trim().split('\n');
    const order = ref.classify.labels.map((l, i) => [l, ref.classify.probabilities[0][i]] as const).sort((a, b) => b[1] - a[1]);
    assert.equal(plain.length, 2);
    plain.forEach((line, i) => assert.match(line, new RegExp(`^${order[i][0]}\\s+${order[i][1].toFixed(4)}$`)));
    await assert.rejects(embedkit('classify-image', TINY_CLIP, paths[0], '--labels', 'a,,b'), /empty label/);
    await assert.rejects(embedkit('classify-image', TINY_CLIP, paths[0], '--labels', 'a,b', '--template', 'a photo'), /has no \{\} for the label/);
  });

  test('search --image: captions indexed with the CLIP model, found by a picture', async () => {
    const captions = heldout.captions.slice(0, 100);
    const file = join(dir, 'captions.txt');
    writeFileSync(file, `${captions.join('\n')}\n`);
    const col = join(dir, 'captions.collection');
    await embedkit('index', 'add', col, '--model', resolve(TINY_CLIP), file, '--quiet');
    // What the nearest caption is, computed by the encoder itself: the command must find the same.
    const clip = await ClipEncoder.load(TINY_CLIP);
    const { vectors: texts } = await clip.encode(captions);
    const { vectors: pictures } = await clip.encode(paths.map((image) => ({ image })));
    await clip.dispose();
    let right = 0;
    for (let k = 0; k < paths.length; k++) {
      const scores = texts.map((t) => t.reduce((s, x, j) => s + x * pictures[k][j], 0));
      const best = scores.indexOf(Math.max(...scores));
      const hits = JSON.parse((await embedkit('search', col, '--image', paths[k], '--k', '1', '--json')).stdout) as { text: string; score: number }[];
      assert.equal(hits[0].text, captions[best]);
      if (captions[best] === heldout.captions[ref.images.sprite_indices[k]]) right++;
    }
    assert.ok(right >= 3, `${right} of ${paths.length} pictures found their own caption`);
    await assert.rejects(embedkit('search', col), /give a query text or --image/);
    await assert.rejects(embedkit('search', col, '--image', paths[0], '--hybrid'), /hybrid search needs a text query/);
  });
});
