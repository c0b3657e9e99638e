import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { launchChromium, type TestBrowser } from './chromium.ts';
import { startServer, type RunningServer } from '../../src/serve/app.ts';
import { staticModel } from '../../src/serve/models.ts';
import { needs, whyMissing } from '../helpers/oracles.ts';
import { structuredModel } from '../serve/helpers/model.ts';

/** Screenshots go to $EMBEDKIT_SCREENSHOT_DIR (default: the temp folder); their paths are printed. */
const SHOTS = process.env.EMBEDKIT_SCREENSHOT_DIR ?? tmpdir();
const missing = whyMissing('chromium') !== undefined;

let server: RunningServer;
let page: Page;
let browser: TestBrowser | undefined;

before(async () => {
  if (missing) return;
  server = await startServer({ models: [staticModel('tiny', structuredModel(), {}, 'test model')], port: 0 });
  browser = await launchChromium({ width: 1280, height: 900 });
  ({ page } = browser);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const QUERY = ['apple', 'tiger', '上海', 'king', 'queen', 'man', 'woman'];

/**
 * Every map labels each query word, and no two labels overlap on screen (bounding boxes), whatever the projection:
 * UMAP packs a word and its neighbours tightly, where the query labels used to be drawn over each other.
 */
test('map labels never overlap, query words always labelled: PCA, t-SNE and UMAP at 1280 and 390 px', { timeout: 120_000 }, async (t) => {
  if (!needs(t, 'chromium')) return;
  mkdirSync(SHOTS, { recursive: true });
  try {
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${server.url}/`);
      await page.waitForSelector('body[data-ready="true"]');
      for (const method of ['pca', 'tsne', 'umap']) {
        await page.fill('#map-words', QUERY.join(' '));
        await page.fill('#map-neighbours', '6');
        await page.selectOption('#map-method', method);
        await page.click('#map-form button');
        await page.waitForFunction((m) => (document.querySelector('#map') as SVGElement).dataset.method === m && document.querySelectorAll('#map circle').length > 0, method, { timeout: 30_000 });
        const labels = await page.locator('#map text').evaluateAll((ts) =>
          ts.map((el) => {
            const r = el.getBoundingClientRect();
            return { word: el.textContent ?? '', x: r.x, y: r.y, w: r.width, h: r.height };
          }),
        );
        for (const w of QUERY) assert.ok(labels.some((l) => l.word === w), `${method} at ${width} px labels ${w}`);
        const overlaps: string[] = [];
        for (let i = 0; i < labels.length; i++) {
          for (let j = i + 1; j < labels.length; j++) {
            const [a, b] = [labels[i], labels[j]];
            // Half a pixel of slack: glyph boxes of neighbouring labels may touch.
            const ox = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
            const oy = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
            if (ox > 0.5 && oy > 0.5) overlaps.push(`${a.word} × ${b.word}`);
          }
        }
        const shot = join(SHOTS, `explorer-map-${method}-${width}.png`);
        await page.locator('#map-card').screenshot({ path: shot });
        console.log(`# map (${method}, ${width} px): ${shot}`);
        assert.deepEqual(overlaps, [], `${method} at ${width} px`);
      }
    }
  } finally {
    await page.setViewportSize({ width: 1440, height: 900 });
  }
});
