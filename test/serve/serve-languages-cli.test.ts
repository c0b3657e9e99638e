import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { translate } from '../../src/apps/align/translate.ts';
import { loadEmbeddings, saveEmbeddings } from '../../src/formats/index.ts';
import { Embeddings } from '../../src/vectors/embeddings.ts';
import { Vocabulary } from '../../src/vocab/vocabulary.ts';
import { gaussian, randomRows } from '../apps/align/numpy-reference.ts';
import { serverCli, stop } from './helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'embedkit-serve-languages-'));
const files = { es: join(dir, 'es.vec'), en: join(dir, 'en.vec') };
const normal = gaussian(4);
const x = randomRows(50, 6, normal);
const space = (prefix: string, m: Float32Array) => new Embeddings(new Vocabulary(Array.from({ length: 50 }, (_, i) => `${prefix}${i}`)), m, 6);
before(async () => {
  await saveEmbeddings(space('en', x), files.en, { format: 'fasttext-vec' });
  await saveEmbeddings(space('es', x.map((v) => v + 0.3 * normal())), files.es, { format: 'fasttext-vec' });
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('embedkit serve A B --aligned a,b: the Languages routes translate as translate() does on the same files', { timeout: 90_000 }, async () => {
  const run = serverCli(['serve', `es=${files.es}`, `en=${files.en}`, '--aligned', 'es,en', '--port', '0']);
  try {
    const url = await run.url;
    assert.match(run.stderr(), /languages: +http:\/\/\S+\/#languages {2}\(es ↔ en\)/);
    const [es, en] = [await loadEmbeddings(files.es), await loadEmbeddings(files.en)];
    for (const [word, from, source, target] of [['es4', 'es', es, en], ['en9', 'en', en, es]] as const) {
      const r = (await (await fetch(`${url}/api/languages/translate?word=${word}&from=${from}&topn=4`)).json()) as { nn: unknown; csls: unknown };
      assert.deepEqual(r.nn, translate(source, target, [word], { topn: 4 })[0].translations);
      assert.deepEqual(r.csls, translate(source, target, [word], { topn: 4, csls: true })[0].translations);
    }
  } finally {
    await stop(run.child);
  }
});

test('embedkit serve --aligned naming a model that is not served, or not two, fails before listening', () => {
  for (const [aligned, message] of [['es,fr', /the aligned language "fr" is not among the served models \(es, en\)/], ['es', /--aligned expects two served model names, as es,en; got "es"/]] as const) {
    const r = spawnSync(process.execPath, ['bin/embedkit.js', 'serve', `es=${files.es}`, `en=${files.en}`, '--aligned', aligned, '--port', '0'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /explorer:/);
  }
});

test('embedkit serve --aligned-vocab N: only the N most frequent target words are translations', { timeout: 90_000 }, async () => {
  const run = serverCli(['serve', `es=${files.es}`, `en=${files.en}`, '--aligned', 'es,en', '--aligned-vocab', '20', '--port', '0']);
  try {
    const url = await run.url;
    const [es, en] = [await loadEmbeddings(files.es), await loadEmbeddings(files.en)];
    const r = (await (await fetch(`${url}/api/languages/translate?word=es40&from=es&topn=20`)).json()) as { nn: { word: string }[]; csls: unknown };
    assert.deepEqual(r.csls, translate(es, en, ['es40'], { topn: 20, csls: true, restrictVocab: 20 })[0].translations);
    assert.deepEqual(new Set(r.nn.map((n) => n.word)), new Set(Array.from({ length: 20 }, (_, i) => `en${i}`)));
  } finally {
    await stop(run.child);
  }
});
