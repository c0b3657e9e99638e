import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import OpenAI, { toFile } from 'openai';
import type { Page } from 'playwright-core';
import { launchChromium, type TestBrowser } from './chromium.ts';
import { loadEmbeddings } from '../../src/formats/index.ts';
import { openCollection } from '../../src/search/index.ts';
import { startServer, type RunningServer } from '../../src/serve/app.ts';
import { staticModel, type ServedModel } from '../../src/serve/models.ts';
import { needs, whyMissing } from '../helpers/oracles.ts';
import { licenseDocs } from '../serve/helpers/licenses.ts';

/** Screenshots of the Search tab, at a desktop and a phone width: $EMBEDKIT_SCREENSHOT_DIR, or a temp folder (printed). */
const SHOTS = process.env.EMBEDKIT_SCREENSHOT_DIR ?? join(tmpdir(), 'embedkit-search-shots');
const FIXTURE_VECTORS = new URL('../fixtures/reference/lee_fasttext.vec', import.meta.url).pathname;
const missing = whyMissing('chromium') !== undefined;

let model: ServedModel;
let dir: string;
let server: RunningServer;
let storeId: string;
let page: Page;
let browser: TestBrowser | undefined;
const filenames = new Map<string, string>();

before(async () => {
  if (missing) return;
  model = staticModel('lee', await loadEmbeddings(FIXTURE_VECTORS));
  dir = mkdtempSync(join(tmpdir(), 'embedkit-search-tab-'));
  server = await startServer({ models: [model], port: 0, collections: { dir } });
  const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  const store = await client.vectorStores.create({ name: 'licences' });
  storeId = store.id;
  const ids: string[] = [];
  for (const d of licenseDocs()) {
    const f = await client.files.create({ file: await toFile(d.data, `${d.name}.txt`), purpose: 'assistants' });
    filenames.set(f.id, `${d.name}.txt`);
    ids.push(f.id);
  }
  const batch = await client.vectorStores.fileBatches.createAndPoll(storeId, { file_ids: ids }, { pollIntervalMs: 20 });
  assert.equal(batch.file_counts.completed, ids.length);
  browser = await launchChromium({ width: 1280, height: 900 });
  ({ page } = browser);
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The passages the library ranks for `query` on the store's collection, opened separately (read-only use). */
async function reference(query: string, hybrid: boolean, k: number): Promise<Array<{ source: string; text: string }>> {
  const collection = await openCollection(join(dir, storeId), { encoder: model.encoder, create: false });
  try {
    const hits = await collection.search(query, { k, hybrid });
    return hits.map((h) => ({ source: `${filenames.get(h.docId)} · passage ${h.chunk + 1}`, text: h.text }));
  } finally {
    await collection.close();
  }
}

async function shownPassages(): Promise<Array<{ source: string; text: string }>> {
  return page.locator('#search-results li.passage').evaluateAll((lis) =>
    lis.map((li) => ({ source: li.querySelector('.source')!.textContent!, text: li.querySelector('.passage-text')!.textContent! })),
  );
}

test('search tab: pick a collection, query, ranked passages with scores and highlighted words, hybrid toggle', { timeout: 90_000 }, async (t) => {
  if (!needs(t, 'chromium')) return;
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`${m.text()} (${m.location().url})`);
  });
  await page.goto(`${server.url}/`);
  await page.waitForSelector('body[data-search-ready="true"]');
  // The explorer opens on its word tools; the Search tab is one click away.
  assert.equal(await page.locator('#search-view').isVisible(), false);
  await page.click('#tab-search');
  assert.equal(await page.locator('#search-view').isVisible(), true);
  assert.equal(await page.locator('#explore-view').isVisible(), false);
  const options = await page.locator('#search-collection option').allTextContents();
  assert.equal(options.length, 1);
  assert.match(options[0], /^licences \(\d+ passages\)$/);
  await page.selectOption('#search-collection', storeId);

  const query = 'Public Source Work';
  await page.fill('#search-query', query);
  await page.selectOption('#search-k', '5');
  await page.click('#search-form button[type=submit]');
  await page.waitForFunction(() => document.querySelectorAll('#search-results li.passage').length > 0 && /hybrid/.test(document.querySelector('#search-status')!.textContent!));
  const hybrid = await shownPassages();
  const wantHybrid = await reference(query, true, 5);
  assert.deepEqual(hybrid.map((p) => p.source), wantHybrid.map((p) => p.source));

  // Scores: each passage shows its fused score with its meaning (cosine) and words (BM25) parts, best first.
  const scores = await page.locator('#search-results .score').allTextContents();
  assert.equal(scores.length, 5);
  const fused = scores.map((s) => Number(/score ([\d.]+)/.exec(s)![1]));
  for (let i = 1; i < fused.length; i++) assert.ok(fused[i - 1] >= fused[i], `ranked: ${scores.join(' | ')}`);
  for (const s of scores) assert.match(s, /^score [\d.]+ · meaning ([\d.-]+|—) · words ([\d.]+|—)$/);

  // Highlights: exactly the query's words, whatever their case, and every occurrence of them in the shown text.
  const marks = await page.locator('#search-results mark').allTextContents();
  assert.ok(marks.length > 0);
  const terms = new Set(query.toLowerCase().split(/\s+/));
  for (const m of marks) assert.ok(terms.has(m.toLowerCase()), `highlighted "${m}"`);
  const shownText = hybrid.map((p) => p.text).join(' ');
  const occurrences = [...shownText.matchAll(/[\p{L}\p{N}]+/gu)].filter((m) => terms.has(m[0].toLowerCase())).length;
  assert.equal(marks.length, occurrences, 'every occurrence is marked');

  // Hybrid off: ranked by meaning alone, as the library ranks without keywords; the status says so.
  await page.uncheck('#search-hybrid');
  await page.waitForFunction(() => /meaning only/.test(document.querySelector('#search-status')!.textContent!));
  const vectorOnly = await shownPassages();
  assert.deepEqual(vectorOnly.map((p) => p.source), (await reference(query, false, 5)).map((p) => p.source));
  for (const s of await page.locator('#search-results .score').allTextContents()) assert.match(s, /^score [\d.]+$/);

  // A store made since the page loaded shows up when the tab is opened again; the chosen one stays chosen.
  const made = await fetch(`${server.url}/v1/vector_stores`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'notes' }) });
  assert.equal(made.status, 200);
  await page.click('#tab-explore');
  await page.click('#tab-search');
  await page.waitForFunction(() => document.querySelectorAll('#search-collection option').length === 2);
  assert.equal(await page.locator('#search-collection').inputValue(), storeId);

  // A long passage shows a window around its first match and opens whole on request.
  const more = page.locator('#search-results button.link').first();
  if (await more.count()) {
    const before = (await page.locator('#search-results li.passage .passage-text').first().textContent())!.length;
    await more.click();
    const afterLength = (await page.locator('#search-results li.passage .passage-text').first().textContent())!.length;
    assert.ok(afterLength > before);
  }

  // A query with no word the model knows and hybrid off is an error in words, and clears old results.
  await page.fill('#search-query', 'zzqx');
  await page.click('#search-form button[type=submit]');
  await page.waitForSelector('#search-status.error');
  assert.match(await page.locator('#search-status').innerText(), /vocabulary/);
  assert.equal(await page.locator('#search-results li').count(), 0);

  // Screenshots to look at: the desktop width and a phone's.
  mkdirSync(SHOTS, { recursive: true });
  await page.check('#search-hybrid');
  await page.fill('#search-query', 'public work rights');
  await page.click('#search-form button[type=submit]');
  await page.waitForFunction(() => /hybrid/.test(document.querySelector('#search-status')!.textContent!) && !document.querySelector('#search-status')!.classList.contains('error'));
  for (const [name, width] of [['search-1280.png', 1280], ['search-390.png', 390]] as const) {
    await page.setViewportSize({ width, height: 900 });
    const path = join(SHOTS, name);
    await page.screenshot({ path, fullPage: false });
    assert.ok(statSync(path).size > 10_000);
    // Nothing wider than the window: no horizontal scrolling at either width.
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `no horizontal overflow at ${width} px`);
  }
  console.log(`# search tab screenshots: ${SHOTS}`);
  assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
});

test('without --collections the page has no Search tab', { timeout: 60_000 }, async (t) => {
  if (!needs(t, 'chromium')) return;
  const plain = await startServer({ models: [model], port: 0 });
  try {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${plain.url}/`);
    await page.waitForSelector('body[data-search-ready="absent"]');
    assert.equal(await page.locator('#tabs').isVisible(), false);
    assert.equal(await page.locator('#explore-view').isVisible(), true);
  } finally {
    await plain.close();
  }
});
