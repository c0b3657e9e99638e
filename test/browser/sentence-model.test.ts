import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { launchChromium, type TestBrowser } from './chromium.ts';
import { TransformerEncoder } from '../../src/encoders/transformer.ts';
import { startServer, type RunningServer } from '../../src/serve/app.ts';
import { loadServedModels, staticModel } from '../../src/serve/models.ts';
import { SENTENCE_SAMPLE } from '../../src/serve/sentence-sample.ts';
import { needs, whyMissing } from '../helpers/oracles.ts';
import { structuredModel } from '../serve/helpers/model.ts';

/**
 * A transformer model on the explorer page: the header says what it is (no "? words"), the word-only cards are
 * hidden, and the sentence cards (similarity of two sentences, nearest sentences of the built-in sample, a map of
 * typed sentences) answer as the library's encoder does.
 */
const TINY_BERT = 'test/fixtures/tiny-bert';
const SHOTS = process.env.EMBEDKIT_SCREENSHOT_DIR ?? tmpdir();
const missing = whyMissing('chromium') !== undefined;

let server: RunningServer;
let page: Page;
let browser: TestBrowser | undefined;
let library: TransformerEncoder;

before(async () => {
  if (missing) return;
  const [bert] = await loadServedModels([`bert=${TINY_BERT}`], {}, {}, { threads: 1 });
  server = await startServer({ models: [bert, staticModel('tiny', structuredModel(), {}, 'test model')], port: 0 });
  library = await TransformerEncoder.load(TINY_BERT, { threads: 1 });
  browser = await launchChromium({ width: 1280, height: 900 });
  ({ page } = browser);
});

after(async () => {
  await browser?.close();
  await server?.close();
  await library?.dispose();
});

function cosine(a: Float32Array, b: Float32Array): number {
  let d = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return d / Math.sqrt(na * nb);
}

test('a sentence model gets sentence cards: similarity, nearest sample sentences, a map; no word cards, no "? words"', { timeout: 120_000 }, async (t) => {
  if (!needs(t, 'chromium')) return;
  mkdirSync(SHOTS, { recursive: true });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  try {
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${server.url}/`);
      await page.waitForSelector('body[data-ready="true"]');
      assert.equal(await page.locator('#model-select').inputValue(), 'bert');
      const info = await page.locator('#model-info').innerText();
      assert.doesNotMatch(info, /\?|words/, info);
      assert.match(info, /sentence model/);
      for (const id of ['#neighbours-card', '#analogy-card', '#map-card']) assert.equal(await page.locator(id).isVisible(), false, `${id} hidden`);
      for (const id of ['#sentences-card', '#sentence-map-card']) assert.equal(await page.locator(id).isVisible(), true, `${id} shown`);

      // Similarity of two typed sentences: the library's cosine, to the 3 decimals shown.
      const [a, b] = ['The cat slept on the warm windowsill.', 'Stock markets fell sharply today.'];
      await page.fill('#sentence-a', a);
      await page.fill('#sentence-b', b);
      await page.click('#sentence-similarity-form button');
      await page.waitForSelector('#sentence-similarity-result .big');
      const { vectors } = await library.encode([a, b]);
      assert.equal(await page.locator('#sentence-similarity-result .big').innerText(), cosine(vectors[0], vectors[1]).toFixed(3));

      // Nearest sentences of the sample: the library's ranking.
      const query = 'Heavy snow is expected in the mountains.';
      await page.fill('#sentence-query', query);
      await page.click('#sentence-nearest-form button');
      await page.waitForSelector('#sentence-nearest-list li');
      const sample = (await library.encode([query, ...SENTENCE_SAMPLE])).vectors;
      const ranked = SENTENCE_SAMPLE.map((s, i) => ({ s, score: cosine(sample[0], sample[i + 1]) })).sort((x, y) => y.score - x.score);
      const shown = await page.locator('#sentence-nearest-list li .word').allTextContents();
      assert.deepEqual(shown, ranked.slice(0, 5).map((r) => r.s));

      // The map of the typed sentences (drawn on opening): one point per line, each sentence whole on hover.
      const lines = (await page.locator('#sentence-map-input').inputValue()).split('\n').filter((l) => l.trim());
      await page.waitForFunction((n) => (document.querySelector('#sentence-map') as SVGElement).dataset.method === 'pca' && document.querySelectorAll('#sentence-map circle').length === n, lines.length, { timeout: 30_000 });
      const titles = await page.locator('#sentence-map circle title').allTextContents();
      assert.deepEqual(titles.sort(), lines.map((l) => l.trim()).sort());
      await page.locator('#sentence-map circle').first().hover();
      assert.ok(lines.includes(await page.locator('#sentence-map-tooltip').innerText()));

      const shot = join(SHOTS, `explorer-sentence-model-${width}.png`);
      await page.screenshot({ path: shot, fullPage: true });
      console.log(`# sentence model page at ${width} px: ${shot}`);
    }
    // Switching to a word model brings the word cards back and hides the sentence cards.
    await page.selectOption('#model-select', 'tiny');
    assert.equal(await page.locator('#analogy-card').isVisible(), true);
    assert.equal(await page.locator('#sentences-card').isVisible(), false);
    assert.match(await page.locator('#model-info').innerText(), /66 words/);
    assert.deepEqual(errors, []);
  } finally {
    await page.setViewportSize({ width: 1440, height: 900 });
  }
});
