import assert from 'node:assert/strict';
import { mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { launchChromium, type TestBrowser } from './chromium.ts';
import { findTopics } from '../../src/apps/topics/find-topics.ts';
import { topicMap, type TopicMap } from '../../src/apps/topics/topic-map.ts';
import { StaticEncoder } from '../../src/encoders/static.ts';
import { startServer, type RunningServer } from '../../src/serve/app.ts';
import { staticModel } from '../../src/serve/models.ts';
import { GROUP_COLOURS } from '../../src/viz/palette.ts';
import { topicDocuments, topicModel } from '../apps/topics/topic-model.ts';
import { needs, whyMissing } from '../helpers/oracles.ts';

/** Screenshots of the Topics tab, at a desktop and a phone width: $EMBEDKIT_SCREENSHOT_DIR, or a temp folder (printed). */
const SHOTS = process.env.EMBEDKIT_SCREENSHOT_DIR ?? join(tmpdir(), 'embedkit-topics-shots');
const missing = whyMissing('chromium') !== undefined;
const settings = { minClusterSize: 8, umapEpochs: 100 };
const { texts } = topicDocuments(30);
// One long document: the hover shows its text cut at a space, marked with an ellipsis.
const LONG = Array.from({ length: 120 }, (_, i) => ['ship', 'sail', 'harbour', 'tide', 'crew'][i % 5]).join(' ');
const docs = [LONG, ...texts, ''];

let server: RunningServer;
let page: Page;
let browser: TestBrowser | undefined;
let reference: { map: TopicMap; keywords: string[][] };
const stages: string[] = [];

before(async () => {
  if (missing) return;
  const model = staticModel('planted', topicModel());
  server = await startServer({ models: [model], port: 0, topics: { documents: docs, name: 'planted.txt', settings, onStage: (s) => stages.push(s) } });
  // What the library finds on the same documents with the same settings (SIF pooling, seed 42).
  const result = await findTopics(docs, { encoder: new StaticEncoder(topicModel(), { pooling: 'sif' }), ...settings });
  reference = { map: topicMap(result), keywords: result.topics.map((t) => t.keywords.map((k) => k.word)) };
  browser = await launchChromium({ width: 1280, height: 900 });
  ({ page } = browser);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('topics tab: documents as points coloured by topic, keywords at the centres, hover for the text, table picks a topic', { timeout: 120_000 }, async (t) => {
  if (!needs(t, 'chromium')) return;
  assert.deepEqual(stages, ['embed', 'reduce', 'cluster', 'describe', 'map']);
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`${m.text()} (${m.location().url})`);
  });
  await page.goto(`${server.url}/`);
  await page.waitForSelector('body[data-topics-ready="true"]');
  assert.equal(await page.locator('#topics-view').isVisible(), false);
  // This server has no collections: the tab bar shows words and topics, not the Search tab written into the page.
  assert.deepEqual(await page.locator('#tabs [role=tab]:visible').allTextContents(), ['Explore words', 'Topics']);
  await page.click('#tab-topics');
  assert.equal(await page.locator('#topics-view').isVisible(), true);
  assert.equal(await page.locator('#explore-view').isVisible(), false);
  await page.waitForSelector('#topics-map circle');
  assert.match(await page.locator('#topics-summary').innerText(), new RegExp(`^${docs.length - 1} documents · ${reference.keywords.length} topics .*1 skipped \\(1 empty, 0 without a known word\\) · model planted$`));

  // One point per mapped document, with the topic the library gives it, in its topic's colour (the PNG's palette).
  const circles = await page.locator('#topics-map circle').evaluateAll((cs) =>
    cs.map((c) => ({ index: Number(c.getAttribute('data-index')), topic: Number(c.getAttribute('data-topic')), fill: c.getAttribute('fill')!, x: Number(c.getAttribute('cx')), y: Number(c.getAttribute('cy')) })),
  );
  assert.equal(circles.length, reference.map.points.length);
  const topicOf = new Map(reference.map.points.map((p) => [p.index, p.topic]));
  for (const c of circles) {
    assert.equal(c.topic, topicOf.get(c.index), `document ${c.index}`);
    assert.equal(c.fill, c.topic < 0 ? '#B0B7C3' : GROUP_COLOURS[c.topic % GROUP_COLOURS.length]);
  }

  // Each topic's first keywords label it, at its centre: the nearest point to a label belongs to its topic.
  const labels = await page.locator('#topics-map text').evaluateAll((ts) => ts.map((l) => ({ topic: Number(l.getAttribute('data-topic')), text: l.textContent!, x: Number(l.getAttribute('x')), y: Number(l.getAttribute('y')) })));
  assert.deepEqual(labels.map((l) => l.text), reference.map.labels.map((l) => l.keywords.join(' · ')));
  for (const l of labels) {
    const nearest = circles.reduce((a, b) => (Math.hypot(a.x - l.x, a.y - l.y) <= Math.hypot(b.x - l.x, b.y - l.y) ? a : b));
    assert.equal(nearest.topic, l.topic, `label "${l.text}"`);
  }

  // The table: one row per topic with its ten keywords.
  const rows = await page.locator('#topics-table tbody tr:not([data-topic="-1"]) td.keywords').allTextContents();
  assert.deepEqual(rows, reference.keywords.map((k) => k.slice(0, 10).join(', ')));

  // Hover: the document's own text, with its topic.
  // (The last point of topic 0 drawn lies on top of its neighbours, so the mouse reaches it.)
  const doc = circles.filter((c) => c.topic === 0).at(-1)!;
  await page.hover(`#topics-map circle[data-index="${doc.index}"]`);
  await page.waitForSelector('#topics-tooltip:not([hidden])');
  assert.equal(await page.locator('#topics-tooltip .tip-text').innerText(), docs[doc.index]);
  assert.match(await page.locator('#topics-tooltip .tip-head').innerText(), new RegExp(`^topic 0 · ${reference.keywords[0].slice(0, 3).join(' · ')}$`));
  const long = circles.find((c) => c.index === 0)!;
  // Points of one tight topic overlap: the event goes to this one whichever lies on top.
  await page.locator(`#topics-map circle[data-index="${long.index}"]`).dispatchEvent('mouseenter');
  await page.waitForFunction((i) => document.querySelector('#topics-tooltip')!.getAttribute('data-index') === String(i), long.index);
  const shown = await page.locator('#topics-tooltip .tip-text').innerText();
  assert.ok(shown.endsWith(' …') && shown.length <= 602 && LONG.startsWith(shown.slice(0, -2)), `long text shown as ${shown.length} characters`);

  // Picking a topic in the table dims every other topic's points; picking it again shows all.
  await page.click('#topics-table tbody tr[data-topic="1"]');
  const dimmed = await page.locator('#topics-map circle.dim').evaluateAll((cs) => cs.map((c) => Number(c.getAttribute('data-topic'))));
  assert.equal(dimmed.length, circles.filter((c) => c.topic !== 1).length);
  assert.ok(dimmed.every((x) => x !== 1));
  await page.click('#topics-table tbody tr[data-topic="1"]');
  assert.equal(await page.locator('#topics-map circle.dim').count(), 0);

  mkdirSync(SHOTS, { recursive: true });
  for (const [name, width] of [['topics-1280.png', 1280], ['topics-390.png', 390]] as const) {
    await page.setViewportSize({ width, height: 900 });
    // A phone gets a narrower drawing, so the labels keep their size.
    await page.waitForFunction((w) => document.querySelector('#topics-map')!.getAttribute('viewBox')!.startsWith(`0 0 ${w} `), width < 600 ? 400 : 800);
    await page.locator('#topics-view h2').scrollIntoViewIfNeeded();
    await page.hover(`#topics-map circle[data-index="${doc.index}"]`);
    await page.waitForSelector('#topics-tooltip:not([hidden])');
    const path = join(SHOTS, name);
    await page.screenshot({ path, fullPage: false });
    assert.ok(statSync(path).size > 10_000);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `no horizontal overflow at ${width} px`);
    // Every keyword label lies whole inside the map.
    for (const l of await page.locator('#topics-map text').all()) {
      const [b, m] = [await l.boundingBox(), await page.locator('#topics-map').boundingBox()];
      assert.ok(b!.x >= m!.x && b!.x + b!.width <= m!.x + m!.width, `label "${await l.textContent()}" inside the map at ${width} px`);
    }
    // The tooltip stays inside the map's box.
    const [tip, box] = await Promise.all([page.locator('#topics-tooltip').boundingBox(), page.locator('#topics-map').boundingBox()]);
    assert.ok(tip!.x >= box!.x - 1 && tip!.x + tip!.width <= box!.x + box!.width + 1, `tooltip inside the map at ${width} px`);
  }
  console.log(`# topics tab screenshots: ${SHOTS}`);
  assert.deepEqual(errors, []);
});

test('without --topics the page has no Topics tab and /api/topics says so', { timeout: 60_000 }, async (t) => {
  if (!needs(t, 'chromium')) return;
  const plain = await startServer({ models: [staticModel('planted', topicModel())], port: 0 });
  try {
    assert.deepEqual(await (await fetch(`${plain.url}/api/topics`)).json(), { topics: null });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${plain.url}/`);
    await page.waitForSelector('body[data-topics-ready="absent"]');
    assert.equal(await page.locator('#tab-topics').count(), 0);
    assert.equal(await page.locator('#explore-view').isVisible(), true);
  } finally {
    await plain.close();
  }
});
