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

interface Example {
  a: string;
  b: string;
  c: string;
  expected: string;
}

test('the analogy card opens on the examples the model answers right; one click fills and runs one', { timeout: 60_000 }, async (t) => {
  if (!needs(t, 'chromium')) return;
  const { models } = (await (await fetch(`${server.url}/api/models`)).json()) as { models: { analogies: { examples: Example[]; correct: number; answered: number } }[] };
  const { examples, correct, answered } = models[0].analogies;
  assert.ok(examples.length > 0);
  mkdirSync(SHOTS, { recursive: true });
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto(`${server.url}/`);
    await page.waitForSelector('body[data-ready="true"]');
    // Every example the server offers is a chip; the first one is already in the inputs.
    const chips = await page.locator('#analogy-examples .chip').evaluateAll((cs) => cs.map((c) => ({ ...(c as HTMLElement).dataset })));
    assert.deepEqual(chips, examples.slice(0, 6).map((e) => ({ a: e.a, b: e.b, c: e.c, expected: e.expected })));
    assert.deepEqual(await Promise.all(['#analogy-a', '#analogy-b', '#analogy-c'].map((id) => page.locator(id).inputValue())), [examples[0].a, examples[0].b, examples[0].c]);
    assert.match(await page.locator('#analogy-accuracy').innerText(), new RegExp(`${correct} of ${answered}`));
    // One click on the last chip: its words fill the inputs and the answer on top is the expected word.
    const ex = examples[Math.min(examples.length, 6) - 1];
    await page.fill('#analogy-a', '');
    await page.locator('#analogy-examples .chip').last().click();
    await page.waitForFunction((w) => document.querySelector('#analogy-results li .word')?.textContent === w, ex.expected, { timeout: 10_000 });
    assert.equal(await page.locator('#analogy-a').inputValue(), ex.a);
    assert.match(await page.locator('#analogy-status').innerText(), new RegExp(`${ex.a} : ${ex.b} :: ${ex.c} : ${ex.expected}`));
    const shot = join(SHOTS, `explorer-analogy-examples-${width}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`# explorer with analogy examples at ${width} px: ${shot}`);
  }
});
