import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { launchChromium, type TestBrowser } from './chromium.ts';
import { ClipEncoder } from '../../src/encoders/clip.ts';
import { startServer, type RunningServer } from '../../src/serve/app.ts';
import { openServedModel, staticModel } from '../../src/serve/models.ts';
import { needs, whyMissing } from '../helpers/oracles.ts';
import { heldout, heldoutPng, TINY_CLIP } from '../helpers/tiny-clip.ts';
import { structuredModel } from '../serve/helpers/model.ts';

/** Screenshots of the Images tab, at a desktop and a phone width: $EMBEDKIT_SCREENSHOT_DIR, or a temp folder (printed). */
const SHOTS = process.env.EMBEDKIT_SCREENSHOT_DIR ?? join(tmpdir(), 'embedkit-images-shots');
const missing = whyMissing('chromium') !== undefined;
const PICKED = [3, 14, 15, 92, 65, 35, 89, 79];

let dir: string;
let server: RunningServer;
let wordsOnly: RunningServer;
let browser: TestBrowser | undefined;
let page: Page;
let clip: ClipEncoder;
let paths: string[];
const captions = PICKED.map((i) => heldout.captions[i]);

before(async () => {
  if (missing) return;
  dir = mkdtempSync(join(tmpdir(), 'embedkit-images-tab-'));
  paths = PICKED.map((i) => join(dir, `picture-${i}.png`));
  for (let k = 0; k < PICKED.length; k++) writeFileSync(paths[k], await heldoutPng(PICKED[k]));
  writeFileSync(join(dir, 'not-a-picture.png'), 'plain text, not a picture');
  clip = await ClipEncoder.load(TINY_CLIP);
  server = await startServer({ models: [await openServedModel('clip', TINY_CLIP)], port: 0 });
  wordsOnly = await startServer({ models: [staticModel('tiny', structuredModel())], port: 0 });
  browser = await launchChromium({ width: 1280, height: 900 });
  ({ page } = browser);
});

after(async () => {
  await browser?.close();
  await server?.close();
  await wordsOnly?.close();
  await clip?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};
/** Indexes of `rows` from nearest to farthest from `v`, as the encoder itself ranks them. */
const ranking = (v: Float32Array, rows: Float32Array[]) => rows.map((r, i) => [i, dot(v, r)] as const).sort((a, b) => b[1] - a[1]).map(([i]) => i);

test('images tab: pictures and captions embedded, found by caption and by picture as the encoder ranks them, mixed map', { timeout: 120_000 }, async (t) => {
  if (!needs(t, 'chromium')) return;
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().includes('400')) errors.push(`${m.text()} (${m.location().url})`);
  });
  await page.goto(`${server.url}/#images`);
  await page.waitForSelector('body[data-images-ready="true"]');
  assert.equal(await page.locator('#tab-images').getAttribute('aria-selected'), 'true');
  await page.setInputFiles('#images-files', paths);
  await page.fill('#images-captions', captions.join('\n'));
  await page.click('#images-add');
  await page.waitForSelector(`#images-view[data-items="${2 * PICKED.length}"]`);

  const pictures = (await clip.encode(paths.map((image) => ({ image })))).vectors;
  const texts = (await clip.encode(captions)).vectors;

  // A caption: the pictures in the encoder's order.
  await page.fill('#images-text', captions[2]);
  await page.click('#images-text-form button[type=submit]');
  await page.waitForSelector(`#images-text-results[data-query="${captions[2]}"] li`);
  const shown = await page.locator('#images-text-results li img').evaluateAll((imgs) => imgs.map((i) => i.getAttribute('alt')));
  assert.deepEqual(shown, ranking(texts[2], pictures).map((i) => basename(paths[i])));
  assert.equal(shown[0], basename(paths[2]), 'the caption finds its own picture first');
  assert.ok(await page.locator('#images-text-results li img').first().evaluate((img) => (img as HTMLImageElement).naturalWidth === 64));

  // A picture: captions and pictures in the encoder's order.
  await page.setInputFiles('#images-query-file', paths[5]);
  await page.waitForSelector(`#images-query-captions[data-query="${basename(paths[5])}"] li`);
  const nearCaptions = await page.locator('#images-query-captions .caption-text').allTextContents();
  assert.deepEqual(nearCaptions, ranking(pictures[5], texts).map((i) => captions[i]));
  const nearPictures = await page.locator('#images-query-images li img').evaluateAll((imgs) => imgs.map((i) => i.getAttribute('alt')));
  assert.deepEqual(nearPictures, ranking(pictures[5], pictures).map((i) => basename(paths[i])));

  // The map: every picture as a thumbnail and every caption as a labelled point, inside the drawing.
  assert.equal(await page.locator('#images-map g.point.image image').count(), PICKED.length);
  assert.equal(await page.locator('#images-map g.point.text text').count(), PICKED.length);
  const inside = await page.locator('#images-map g.point').evaluateAll((gs) =>
    gs.every((g) => {
      const m = /translate\(([-\d.]+) ([-\d.]+)\)/.exec(g.getAttribute('transform') ?? '');
      return m !== null && +m[1] >= 0 && +m[1] <= 800 && +m[2] >= 0 && +m[2] <= 480;
    }),
  );
  assert.ok(inside, 'every point lies within the map');

  mkdirSync(SHOTS, { recursive: true });
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    const path = join(SHOTS, `images-tab-${width}.png`);
    await page.screenshot({ path, fullPage: true });
    assert.ok(statSync(path).size > 10_000, `screenshot ${path}`);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `no horizontal overflow at ${width} px`);
  }
  console.log(`# images tab screenshots: ${SHOTS}`);
  await page.setViewportSize({ width: 1280, height: 900 });

  // A file that is not a picture: the server's message, naming the input, in the status line.
  await page.setInputFiles('#images-query-file', join(dir, 'not-a-picture.png'));
  await page.waitForSelector('#images-status.error');
  assert.match(await page.locator('#images-status').textContent() ?? '', /'\$\.input\[0\]' is invalid: .*not a recognised image/);
  assert.deepEqual(errors, []);
});

test('images tab: absent when no served model takes pictures', { timeout: 60_000 }, async (t) => {
  if (!needs(t, 'chromium')) return;
  await page.goto(`${wordsOnly.url}/`);
  await page.waitForSelector('body[data-images-ready="absent"]');
  assert.equal(await page.locator('#tab-images').count(), 0);
  assert.ok(await page.locator('#images-view').isHidden());
});
