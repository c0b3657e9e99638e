import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { saveEmbeddings } from '../../src/formats/index.ts';
import { GROUP_COLOURS } from '../../src/viz/palette.ts';
import { structuredModel } from '../serve/helpers/model.ts';

const dir = mkdtempSync(join(tmpdir(), 'embedkit-plot-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[]) {
  return spawnSync(process.execPath, ['bin/embedkit.js', ...args], { encoding: 'utf8' });
}

/** How many pixels are close to `hex` (anti-aliasing blurs edges, so near enough counts). */
function pixelsNear(data: Uint8ClampedArray, hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  let n = 0;
  for (let i = 0; i < data.length; i += 4) if (Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < 30) n++;
  return n;
}

test('embedkit plot writes a PNG of the words and their neighbours, one colour per word', async () => {
  const vectors = join(dir, 'tiny.txt');
  await saveEmbeddings(structuredModel(), vectors, { format: 'word2vec-text' });
  const out = join(dir, 'map.png');
  const r = cli(['plot', vectors, 'apple', 'tiger', '北京', 'missingword', '-o', out, '--neighbours', '4', '--width', '800', '--height', '600', '--method', 'tsne', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const summary = JSON.parse(r.stdout);
  assert.equal(summary.points, 15);
  assert.deepEqual(summary.missing, ['missingword']);
  assert.match(r.stderr, /missingword/);

  const png = readFileSync(out);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  assert.equal(png.toString('latin1', 12, 16), 'IHDR');
  assert.equal(png.readUInt32BE(16), 800);
  assert.equal(png.readUInt32BE(20), 600);

  const image = await loadImage(png);
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  const { data } = ctx.getImageData(0, 0, image.width, image.height);
  for (const colour of GROUP_COLOURS.slice(0, 3)) assert.ok(pixelsNear(data, colour) > 50, `points drawn in ${colour}`);
});

test('embedkit plot fails clearly when no word is known', () => {
  const r = cli(['plot', join(dir, 'tiny.txt'), 'nothing', 'here', '-o', join(dir, 'none.png')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /none of the words/);
});
