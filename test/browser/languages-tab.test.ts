import assert from 'node:assert/strict';
import { mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { launchChromium, type TestBrowser } from './chromium.ts';
import { translate } from '../../src/apps/align/translate.ts';
import { pca } from '../../src/viz/pca.ts';
import { startServer, type RunningServer } from '../../src/serve/app.ts';
import { staticModel } from '../../src/serve/models.ts';
import { Embeddings } from '../../src/vectors/embeddings.ts';
import { Vocabulary } from '../../src/vocab/vocabulary.ts';
import { gaussian, randomRows } from '../apps/align/numpy-reference.ts';
import { needs, whyMissing } from '../helpers/oracles.ts';

/** Screenshots of the Languages tab, at a desktop and a phone width: $EMBEDKIT_SCREENSHOT_DIR, or a temp folder (printed). */
const SHOTS = process.env.EMBEDKIT_SCREENSHOT_DIR ?? join(tmpdir(), 'embedkit-languages-shots');
const missing = whyMissing('chromium') !== undefined;

// Two spaces in one coordinate system: es{i} is en{i} plus noise, so each word's translation is planted, and the
// noise is large enough that nearest neighbour and CSLS do not always agree. The page is checked against translate().
const N = 80;
const D = 8;
const normal = gaussian(3);
const x = randomRows(N, D, normal);
const z = x.map((v) => v + 0.35 * normal());
const space = (prefix: string, m: Float32Array) => new Embeddings(new Vocabulary(Array.from({ length: N }, (_, i) => `${prefix}${i}`)), m, D);
const [es, en] = [space('es', z), space('en', x)];

let server: RunningServer;
let page: Page;
let browser: TestBrowser | undefined;

before(async () => {
  if (missing) return;
  server = await startServer({ models: [staticModel('es', es), staticModel('en', en)], port: 0, languages: { languages: ['es', 'en'] } });
  browser = await launchChromium({ width: 1280, height: 900 });
  ({ page } = browser);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** A list of the page as [word, score] pairs (the score as shown, 3 decimals). */
async function shown(id: string): Promise<[string, string][]> {
  return page.locator(`#${id} li`).evaluateAll((lis) => lis.map((li) => [li.querySelector('.word-link')!.textContent!, li.querySelector('.score')!.textContent!] as [string, string]));
}
const expected = (list: { word: string; score: number }[] | null) => list!.map((n) => [n.word, n.score.toFixed(3)]);

async function translateOnPage(word: string, from: string): Promise<void> {
  const done = Number((await page.getAttribute('body', 'data-languages-done')) ?? 0);
  await page.selectOption('#languages-from', from);
  await page.fill('#languages-word', word);
  await page.click('#languages-form button[type=submit]');
  await page.waitForFunction((n) => Number(document.body.dataset.languagesDone ?? 0) > n, done);
}

test('languages tab: a word translated by NN and CSLS as translate() does, neighbours in its own language, click to translate back', { timeout: 120_000 }, async (t) => {
  if (!needs(t, 'chromium')) return;
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().includes('404')) errors.push(`${m.text()} (${m.location().url})`);
  });
  await page.goto(`${server.url}/`);
  await page.waitForSelector('body[data-languages-ready="true"]');
  assert.deepEqual(await page.locator('#tabs [role=tab]:visible').allTextContents(), ['Explore words', 'Languages']);
  await page.click('#tab-languages');
  assert.equal(await page.locator('#languages-view').isVisible(), true);
  assert.equal(await page.locator('#explore-view').isVisible(), false);

  // The planted pairs, and a few words where the two rankings differ, in both directions.
  const disagree = Array.from({ length: N }, (_, i) => `es${i}`).filter((w) => translate(es, en, [w], { topn: 1 })[0].translations![0].word !== translate(es, en, [w], { topn: 1, csls: true })[0].translations![0].word);
  for (const [word, from, source, target] of [['es3', 'es', es, en], [disagree[0] ?? 'es7', 'es', es, en], ['en11', 'en', en, es]] as const) {
    await translateOnPage(word, from);
    assert.deepEqual(await shown('languages-nn'), expected(translate(source, target, [word], { topn: 10 })[0].translations), `NN of ${word}`);
    assert.deepEqual(await shown('languages-csls'), expected(translate(source, target, [word], { topn: 10, csls: true })[0].translations), `CSLS of ${word}`);
    assert.deepEqual(await shown('languages-neighbours'), expected(source.mostSimilar({ positive: [word], topn: 10 })), `neighbours of ${word}`);
    // Each list is headed by its language.
    const to = from === 'es' ? 'en' : 'es';
    assert.deepEqual(await page.locator('.languages-column h3 .lang-tag').allTextContents(), [to, to, from]);
  }
  // One map of both languages: the word and its neighbours in its colour, its CSLS translations in the other's.
  const colour = { es: '#1d6fd6', en: '#c2410c' };
  const dots = await page.locator('#languages-map circle').evaluateAll((cs) => cs.map((c) => [c.getAttribute('data-word')!, c.getAttribute('data-lang')!, c.getAttribute('fill')!]));
  const csls = translate(en, es, ['en11'], { topn: 10, csls: true })[0].translations!.map((n) => n.word);
  const own = en.mostSimilar({ positive: ['en11'], topn: 10 }).map((n) => n.word);
  assert.deepEqual(dots, [...['en11', ...own].map((w) => [w, 'en', colour.en]), ...csls.map((w) => [w, 'es', colour.es])]);
  // Placed by PCA of the same vectors: the order along the first axis is the reference's.
  const xy = pca([...['en11', ...own].map((w) => en.row(en.vocab.indexOf(w))), ...csls.map((w) => es.row(es.vocab.indexOf(w)))]);
  const cx = await page.locator('#languages-map circle').evaluateAll((cs) => cs.map((c) => Number(c.getAttribute('cx'))));
  const order = (v: number[]) => v.map((_, i) => i).sort((i, j) => v[i] - v[j]);
  assert.deepEqual(order(cx), order(xy.map((p) => p[0])));
  // The planted translation of es3 is found.
  assert.equal((await shown('languages-csls'))[0][0], 'es11');

  // A translated word, clicked, is translated back from its own language.
  const first = (await shown('languages-nn'))[0][0];
  const done = Number(await page.getAttribute('body', 'data-languages-done'));
  await page.click(`#languages-nn li[data-word="${first}"] .word-link`);
  await page.waitForFunction((n) => Number(document.body.dataset.languagesDone) > n, done);
  assert.equal(await page.inputValue('#languages-from'), 'es');
  assert.equal(await page.inputValue('#languages-word'), first);
  assert.deepEqual(await shown('languages-nn'), expected(translate(es, en, [first], { topn: 10 })[0].translations));

  // Fewer translations when asked; an unknown word says so and hides the lists.
  await page.selectOption('#languages-topn', '5');
  await translateOnPage('en2', 'en');
  assert.equal((await shown('languages-csls')).length, 5);
  await translateOnPage('perro', 'es');
  assert.match(await page.locator('#languages-status').innerText(), /The word "perro" is not in the model's vocabulary/);
  assert.equal(await page.locator('#languages-results').isVisible(), false);

  await translateOnPage('es3', 'es');
  mkdirSync(SHOTS, { recursive: true });
  for (const [name, width] of [['languages-1280.png', 1280], ['languages-390.png', 390]] as const) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForFunction((w) => document.querySelector('#languages-map')!.getAttribute('viewBox')!.startsWith(`0 0 ${w} `), width < 600 ? 400 : 800);
    const path = join(SHOTS, name);
    await page.screenshot({ path, fullPage: true });
    assert.ok(statSync(path).size > 10_000);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `no horizontal overflow at ${width} px`);
    // Three columns side by side on a desktop, one under another on a phone.
    const tops = await page.locator('.languages-column').evaluateAll((cs) => cs.map((c) => Math.round(c.getBoundingClientRect().top)));
    assert.equal(new Set(tops).size, width < 760 ? 3 : 1, `columns at ${width} px: ${tops}`);
  }
  console.log(`# languages tab screenshots: ${SHOTS}`);
  assert.deepEqual(errors, []);
});

test('the translate route checks its inputs before any work and answers errors in OpenAI\'s shape', async () => {
  const app = server ?? (await startServer({ models: [staticModel('es', es), staticModel('en', en)], port: 0, languages: { languages: ['es', 'en'] } }));
  const get = async (q: string) => {
    const r = await fetch(`${app.url}/api/languages/translate?${q}`);
    return { status: r.status, body: (await r.json()) as { error?: { type: string; param: string | null; code: string | null; message: string } } };
  };
  try {
    const info = (await (await fetch(`${app.url}/api/languages`)).json()) as { languages: { name: string; words: number }[] };
    assert.deepEqual(info.languages.map((l) => [l.name, l.words]), [['es', N], ['en', N]]);
    const ok = (await get('word=es3&from=es&topn=3')).body as unknown as { to: string; csls: { word: string; score: number }[] };
    assert.equal(ok.to, 'en');
    assert.deepEqual(ok.csls, translate(es, en, ['es3'], { topn: 3, csls: true })[0].translations);
    const cases: [string, number, string, string | null][] = [
      ['word=es3&from=fr', 400, 'from', null],
      [`word=${'a'.repeat(201)}&from=es`, 400, 'word', null],
      ['word=es3&from=es&topn=51', 400, 'topn', null],
      ['from=es', 400, 'word', null],
      ['word=en3&from=es', 404, 'word', 'word_not_found'],
    ];
    for (const [q, status, param, code] of cases) {
      const r = await get(q);
      assert.equal(r.status, status, q);
      assert.equal(r.body.error?.type, 'invalid_request_error', q);
      assert.equal(r.body.error?.param, param, q);
      if (code) assert.equal(r.body.error?.code, code, q);
    }
  } finally {
    if (!server) await app.close();
  }
});

test('without aligned languages /api/languages says so and the page has no Languages tab; a pair that is not served is refused', { timeout: 60_000 }, async (t) => {
  const plain = await startServer({ models: [staticModel('es', es)], port: 0 });
  try {
    assert.deepEqual(await (await fetch(`${plain.url}/api/languages`)).json(), { languages: null });
    if (needs(t, 'chromium')) {
      await page.goto(`${plain.url}/`);
      await page.waitForSelector('body[data-languages-ready="absent"]');
      assert.equal(await page.locator('#tab-languages').count(), 0);
    }
  } finally {
    await plain.close();
  }
  await assert.rejects(startServer({ models: [staticModel('es', es)], port: 0, languages: { languages: ['es', 'en'] } }), /the aligned language "en" is not among the served models \(es\)/);
});
