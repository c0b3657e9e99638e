import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { launchChromium, type TestBrowser } from './chromium.ts';
import { startServer, type RunningServer } from '../../src/serve/app.ts';
import { staticModel } from '../../src/serve/models.ts';
import { needs, whyMissing } from '../helpers/oracles.ts';
import { CLUSTERS, structuredModel } from '../serve/helpers/model.ts';

/** Where the screenshot goes: $EMBEDKIT_SCREENSHOT, or a fixed name in the temp folder (printed below). */
const SCREENSHOT = process.env.EMBEDKIT_SCREENSHOT ?? join(tmpdir(), 'embedkit-explorer.png');
const missing = whyMissing('chromium') !== undefined;

let server: RunningServer;
let page: Page;
let browser: TestBrowser | undefined;

before(async () => {
  if (missing) return;
  server = await startServer({ models: [staticModel('tiny', structuredModel(), {}, 'test model'), staticModel('other', structuredModel(), {}, 'second model')], port: 0 });
  browser = await launchChromium({ width: 1440, height: 900 });
  ({ page } = browser);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('explorer page: neighbours, analogy, similarity and the map work in chromium', { timeout: 60_000 }, async (t) => {
  if (!needs(t, 'chromium')) return;
  const errors: string[] = [];
  page.on('console', (m) => {
    // The unknown-word lookup answers 404 on purpose; any other failed load (a missing asset) is an error.
    if (m.type() === 'error' && !m.location().url.includes('word=notaword')) errors.push(`${m.text()} (${m.location().url})`);
  });
  await page.goto(`${server.url}/`);
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await page.locator('#model-select').inputValue(), 'tiny');

  // Neighbours of a fruit are the other fruits (the model is built that way).
  await page.fill('#word-input', 'apple');
  await page.click('#neighbours-form button');
  await page.waitForSelector('#neighbours-list li');
  const neighbours = await page.locator('#neighbours-list li .word').allTextContents();
  assert.equal(neighbours.length, 10);
  const fruits = CLUSTERS.fruit.filter((w) => w !== 'apple');
  assert.deepEqual(new Set(neighbours.slice(0, fruits.length)), new Set(fruits));

  // Chinese words come back and display (neighbours of a city are the other cities).
  await page.fill('#word-input', '北京');
  await page.click('#neighbours-form button');
  await page.waitForFunction(() => document.querySelector('#neighbours-status')?.textContent?.includes('北京'));
  const cities = await page.locator('#neighbours-list li .word').allTextContents();
  assert.deepEqual(new Set(cities.slice(0, 5)), new Set(CLUSTERS.city.filter((w) => w !== '北京')));

  // An unknown word is reported, not silently ignored.
  await page.fill('#word-input', 'notaword');
  await page.click('#neighbours-form button');
  await page.waitForSelector('#neighbours-status.error');
  assert.match(await page.locator('#neighbours-status').innerText(), /notaword/);

  // Analogy: man is to king as woman is to queen (king − man + woman).
  await page.fill('#analogy-a', 'man');
  await page.fill('#analogy-b', 'king');
  await page.fill('#analogy-c', 'woman');
  await page.click('#analogy-form button');
  await page.waitForSelector('#analogy-results li');
  assert.equal(await page.locator('#analogy-results li .word').first().innerText(), 'queen');

  await page.fill('#sim-a', 'cat');
  await page.fill('#sim-b', 'dog');
  await page.click('#similarity-form button');
  await page.waitForSelector('#similarity-result .big');
  assert.ok(Number(await page.locator('#similarity-result .big').innerText()) > 0.8);

  // The map: 3 words and 5 neighbours each (all inside their own clusters) → 3 × 6 points, each labelled.
  for (const method of ['tsne', 'pca']) {
    await page.fill('#map-words', 'apple, tiger 上海');
    await page.fill('#map-neighbours', '5');
    await page.selectOption('#map-method', method);
    await page.click('#map-form button');
    // Waits for this method's drawing: the previous method's 18 points are still on screen until it lands.
    await page.waitForFunction((m) => (document.querySelector('#map') as SVGElement | null)?.dataset.method === m && document.querySelectorAll('#map circle').length === 18, method, { timeout: 20_000 });
  }
  // Query words are always labelled; neighbours are labelled where there is room (all are named on hover).
  const labels = await page.locator('#map text').allTextContents();
  for (const w of ['apple', 'tiger', '上海']) assert.ok(labels.includes(w), `map labels include ${w}`);
  assert.deepEqual((await page.locator('#map circle').evaluateAll((cs) => cs.map((c) => (c as SVGElement).dataset.word))).filter((w) => w === 'apple' || w === 'tiger' || w === '上海').sort(), ['apple', 'tiger', '上海'].sort());
  const circles = page.locator('#map circle');
  const box = await circles.first().boundingBox();
  assert.ok(box && box.width > 0, 'points are drawn with a size');

  // Hovering a point shows its word; clicking it lists its neighbours.
  const target = page.locator('#map circle[data-word="tiger"]');
  await target.hover();
  assert.equal(await page.locator('#map-tooltip').innerText(), 'tiger');
  await target.click();
  await page.waitForFunction(() => document.querySelector('#word-input') instanceof HTMLInputElement && (document.querySelector('#word-input') as HTMLInputElement).value === 'tiger');
  await page.waitForFunction(() => document.querySelector('#neighbours-status')?.textContent?.includes('tiger'));
  const animals = await page.locator('#neighbours-list li .word').allTextContents();
  assert.ok(animals.slice(0, 5).every((w) => CLUSTERS.animal.includes(w)), `neighbours of tiger are animals: ${animals.join(', ')}`);

  // Han characters render with a CJK font (the glyph is wider than a missing-glyph box would be).
  const hanWidth = await page.evaluate(() => {
    const el = [...document.querySelectorAll('#map text')].find((t) => t.textContent === '上海') as SVGTextElement | undefined;
    return el ? el.getComputedTextLength() : 0;
  });
  assert.ok(hanWidth > 15, `Chinese label has width ${hanWidth}`);

  await page.hover('#map-card h2');
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  assert.ok(statSync(SCREENSHOT).size > 10_000);
  console.log(`# explorer screenshot: ${SCREENSHOT}`);
  assert.deepEqual(errors, []);
});

/** Opens the page afresh and draws a map of `words` with `neighbours` each; waits for `points` circles. */
async function drawMap(words: string, neighbours: number, points: number): Promise<void> {
  await page.fill('#map-words', words);
  await page.fill('#map-neighbours', String(neighbours));
  await page.click('#map-form button');
  await page.waitForFunction((n) => document.querySelectorAll('#map circle').length === n && (document.querySelector('#map') as SVGElement).dataset.method !== undefined, points, { timeout: 20_000 });
}

async function openPage(): Promise<void> {
  await page.goto(`${server.url}/`);
  await page.waitForSelector('body[data-ready="true"]');
}

test('map limits: the page and the server share one limit, and a request over it is a readable error that clears the map', { timeout: 60_000 }, async (t) => {
  if (!needs(t, 'chromium')) return;
  await openPage();
  const { limits } = (await (await fetch(`${server.url}/api/models`)).json()) as { limits: { mapWords: number; mapNeighbours: number } };
  await drawMap('apple tiger', 2, 6);
  // Over the neighbours limit: the page says so in words and the old map goes.
  await page.fill('#map-neighbours', String(limits?.mapNeighbours + 20 || 50));
  await page.click('#map-form button');
  await page.waitForSelector('#map-status.error');
  const message = await page.locator('#map-status').innerText();
  assert.doesNotMatch(message, /\$\.|invalid|Too big/, `readable: ${message}`);
  assert.match(message, new RegExp(`${limits.mapNeighbours}`));
  assert.equal(await page.locator('#map circle').count(), 0, 'the stale map is cleared');
  // The input's bound is the server's.
  assert.equal(await page.locator('#map-neighbours').getAttribute('max'), String(limits.mapNeighbours));
  // Over the words limit, likewise.
  await drawMap('apple tiger', 2, 6);
  const many = Array.from({ length: limits.mapWords + 1 }, (_, i) => `w${i}`).join(' ');
  await page.fill('#map-words', many);
  await page.fill('#map-neighbours', '2');
  await page.click('#map-form button');
  await page.waitForFunction(() => document.querySelector('#map-status')?.classList.contains('error') && document.querySelectorAll('#map circle').length === 0);
  const words = await page.locator('#map-status').innerText();
  assert.doesNotMatch(words, /\$\.|invalid|Too big/, `readable: ${words}`);
  assert.match(words, new RegExp(`${limits.mapWords}`));
});

test('map tooltip: hidden again after a click on a point and after a redraw', { timeout: 60_000 }, async (t) => {
  if (!needs(t, 'chromium')) return;
  await openPage();
  await drawMap('apple tiger', 3, 8);
  const tooltip = page.locator('#map-tooltip');
  await page.locator('#map circle[data-word="tiger"]').hover();
  assert.equal(await tooltip.isVisible(), true);
  await page.locator('#map circle[data-word="tiger"]').click();
  await page.waitForFunction(() => document.querySelector('#neighbours-status')?.textContent?.includes('tiger'));
  assert.equal(await tooltip.isVisible(), false, 'hidden after a click');
  // A redraw (changing the projection) while the mouse rests on a point: its circle is replaced, the tooltip goes.
  await page.locator('#map circle[data-word="apple"]').hover();
  assert.equal(await tooltip.isVisible(), true);
  await page.selectOption('#map-method', 'tsne');
  await page.waitForFunction(() => (document.querySelector('#map') as SVGElement).dataset.method === 'tsne' && document.querySelectorAll('#map circle').length === 8, undefined, { timeout: 20_000 });
  assert.equal(await tooltip.isVisible(), false, 'hidden after a redraw');
  await page.selectOption('#map-method', 'pca');
});

test('switching models clears the previous model\'s errors, results and map', { timeout: 60_000 }, async (t) => {
  if (!needs(t, 'chromium')) return;
  await openPage();
  await drawMap('apple tiger', 2, 6);
  await page.fill('#word-input', 'notaword');
  await page.click('#neighbours-form button');
  await page.waitForSelector('#neighbours-status.error');
  await page.fill('#analogy-a', 'man');
  await page.fill('#analogy-b', 'king');
  await page.fill('#analogy-c', 'woman');
  await page.click('#analogy-form button');
  await page.waitForSelector('#analogy-results li');
  await page.fill('#sim-a', 'cat');
  await page.fill('#sim-b', 'notaword');
  await page.click('#similarity-form button');
  await page.waitForSelector('#similarity-result.error');
  await page.selectOption('#model-select', 'other');
  assert.equal(await page.locator('.status.error').count(), 0, 'no error of the previous model stays');
  for (const id of ['#neighbours-status', '#analogy-status', '#similarity-result', '#map-status']) assert.equal(await page.locator(id).innerText(), '', `${id} is cleared`);
  assert.equal(await page.locator('#neighbours-list li, #analogy-results li').count(), 0, 'no result of the previous model stays');
  assert.equal(await page.locator('#map circle').count(), 0, 'the previous model\'s map is cleared');
  assert.equal(await page.locator('#map-tooltip').isVisible(), false);
});

test('analogy inputs show whole words at laptop and phone widths', { timeout: 60_000 }, async (t) => {
  if (!needs(t, 'chromium')) return;
  try {
    for (const width of [1440, 1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await openPage();
      // Words of the analogy demo and a longer one: each must fit its input (text width ≤ the input's content box).
      const words = { 'analogy-a': 'woman', 'analogy-b': 'king', 'analogy-c': 'princess' };
      for (const [id, w] of Object.entries(words)) await page.fill(`#${id}`, w);
      const cut = await page.evaluate((ids) => {
        const ctx = document.createElement('canvas').getContext('2d') as CanvasRenderingContext2D;
        return ids.flatMap((id) => {
          const el = document.getElementById(id) as HTMLInputElement;
          const cs = getComputedStyle(el);
          ctx.font = `${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
          const room = el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
          const need = ctx.measureText(el.value).width;
          return need > room ? [`${id} '${el.value}' needs ${need.toFixed(0)} px, has ${room.toFixed(0)}`] : [];
        });
      }, Object.keys(words));
      const shot = join(tmpdir(), `embedkit-explorer-${width}.png`);
      await page.screenshot({ path: shot, fullPage: true });
      console.log(`# explorer screenshot at ${width} px: ${shot}`);
      assert.deepEqual(cut, [], `at ${width} px`);
    }
  } finally {
    await page.setViewportSize({ width: 1440, height: 900 });
  }
});

test('map labels stay readable at phone width', { timeout: 60_000 }, async (t) => {
  if (!needs(t, 'chromium')) return;
  try {
    await page.setViewportSize({ width: 390, height: 900 });
    await openPage();
    await drawMap('apple tiger', 3, 8);
    // On screen (not in the SVG's own units): every label at least 10 px tall, query words larger still.
    const heights = await page.locator('#map text').evaluateAll((ts) => ts.map((t) => ({ word: t.textContent, query: t.classList.contains('query'), h: t.getBoundingClientRect().height })));
    assert.ok(heights.length >= 2, 'labels are drawn');
    for (const { word, query, h } of heights) assert.ok(h >= (query ? 12 : 10), `label ${word} is ${h.toFixed(1)} px tall on screen`);
    const shot = join(tmpdir(), 'embedkit-explorer-map-390.png');
    await page.locator('#map-card').screenshot({ path: shot });
    console.log(`# explorer map at 390 px: ${shot}`);
  } finally {
    await page.setViewportSize({ width: 1440, height: 900 });
  }
});

test('the API example is shown whole (wrapped, not clipped) at desktop and phone widths', { timeout: 60_000 }, async (t) => {
  if (!needs(t, 'chromium')) return;
  try {
    for (const width of [1440, 1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await openPage();
      const { scroll, client } = await page.locator('#api-example').evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
      assert.ok(scroll <= client, `at ${width} px the example is ${scroll} px wide in a ${client} px box`);
    }
  } finally {
    await page.setViewportSize({ width: 1440, height: 900 });
  }
});
