#!/usr/bin/env node
/**
 * Builds the cross-lingual alignment benchmark's data from Debian packages: verse-aligned plain text of the King
 * James Version and the World English Bible (`sword-text-kjv`, `sword-text-web`) and of the Reina-Valera 1909
 * (`sword-text-sparv`), read with `mod2imp` (`libsword-utils`) as bible-verses.mjs reads them, and bilingual
 * dictionaries from FreeDict (`dict-freedict-eng-spa`, `dict-freedict-spa-eng`, dictd format), split as MUSE
 * splits its dictionaries.
 *
 *   node --import tsx scripts/bench-data/bilingual.mjs [OUT_DIR]     # default .cache/bench/bilingual (git-ignored)
 *
 * Writes into OUT_DIR:
 * - `kjv.txt`, `web.txt`, `sparv.txt`: one verse per line, line i of each the same reference (`refs.txt`); only
 *   verses with text in all three. Text is lower-cased (NFC) and cut into Unicode word tokens (letters, marks,
 *   digits) joined by single spaces, so every tokenizer of embedkit reads the same tokens.
 * - `en-es.train.txt`, `en-es.test.txt` (source WEB English → RV1909 Spanish) and `es-en.train.txt`,
 *   `es-en.test.txt` (the other way): `src tgt` per line, one line per translation. A pair's translations come
 *   from both FreeDict directions (eng-spa's entries and spa-eng's entries read backwards), kept when they are one
 *   token that occurs in the target corpus; a source word is kept when it occurs in the source corpus and has such
 *   a translation. Source words are ranked by their count in the source corpus (ties by the word): the first
 *   5,000 are train, the next 1,500 test, all of a word's translations kept, as MUSE does. When fewer than 6,500
 *   words qualify, test keeps its share 1,500/6,500 of them (the less frequent end) and train the rest.
 * - `manifest.json`: module and dictionary versions, counts, SHA-256 of each file.
 * Re-running gives byte-identical files for the same package versions.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readDictd } from '../../src/apps/align/dictd.ts';
import { findModule, readModule } from './bible-verses.mjs';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const DICTD = '/usr/share/dictd';
const TRAIN = 5000;
const TEST = 1500;

const WORD = /[\p{L}\p{M}\p{N}]+/gu;
/** The tokens of a text as the corpora store them. */
export function tokens(text) {
  return text.normalize('NFC').toLowerCase().match(WORD) ?? [];
}

function counts(lines) {
  const c = new Map();
  for (const line of lines) for (const t of line.split(' ')) if (t) c.set(t, (c.get(t) ?? 0) + 1);
  return c;
}

/** headword → translations, one-token words only, from a forward dictionary and a backward one read in reverse. */
function pairsFrom(forward, backward) {
  const out = new Map();
  const add = (s, t) => {
    const [ws, wt] = [tokens(s), tokens(t)];
    if (ws.length !== 1 || wt.length !== 1) return;
    const list = out.get(ws[0]) ?? [];
    if (!list.includes(wt[0])) list.push(wt[0]);
    out.set(ws[0], list);
  };
  for (const { headword, translations } of forward) for (const t of translations) add(headword, t);
  for (const { headword, translations } of backward) for (const t of translations) add(t, headword);
  return out;
}

/** MUSE's split: source words by frequency in the source corpus, translations kept when the target corpus has them. */
export function splitDictionary(pairs, sourceCounts, targetCounts) {
  const words = [...pairs.keys()]
    .filter((w) => sourceCounts.has(w) && pairs.get(w).some((t) => targetCounts.has(t)))
    .sort((a, b) => sourceCounts.get(b) - sourceCounts.get(a) || (a < b ? -1 : a > b ? 1 : 0));
  const testSize = words.length >= TRAIN + TEST ? TEST : Math.round((words.length * TEST) / (TRAIN + TEST));
  const trainSize = Math.min(TRAIN, words.length - testSize);
  const lines = (list) => list.flatMap((w) => pairs.get(w).filter((t) => targetCounts.has(t)).sort().map((t) => `${w} ${t}`));
  return {
    qualifying: words.length,
    train: lines(words.slice(0, trainSize)),
    test: lines(words.slice(trainSize, trainSize + testSize)),
    trainWords: trainSize,
    testWords: testSize,
  };
}

function dictVersion(name) {
  const head = readFileSync(join(DICTD, `${name}.index`), 'utf8');
  return { name, indexSha256: createHash('sha256').update(head).digest('hex') };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = resolve(process.argv[2] ?? join(root, '.cache/bench/bilingual'));
  mkdirSync(out, { recursive: true });
  const modules = { kjv: findModule('KJV'), web: findModule('WEB'), sparv: findModule('RV1909') };
  const verses = Object.fromEntries(Object.entries(modules).map(([k, m]) => [k, readModule(m.name)]));
  const ids = [...verses.kjv.keys()].filter((id) => verses.web.has(id) && verses.sparv.has(id));
  const files = {};
  const write = (name, text) => {
    writeFileSync(join(out, `${name}.tmp`), text);
    renameSync(join(out, `${name}.tmp`), join(out, name));
    files[name] = createHash('sha256').update(text).digest('hex');
  };
  write('refs.txt', ids.join('\n') + '\n');
  const corpus = {};
  for (const key of Object.keys(modules)) {
    corpus[key] = ids.map((id) => tokens(verses[key].get(id)).join(' '));
    write(`${key}.txt`, corpus[key].join('\n') + '\n');
  }
  const engSpa = readDictd(join(DICTD, 'freedict-eng-spa.index'));
  const spaEng = readDictd(join(DICTD, 'freedict-spa-eng.index'));
  const en = counts(corpus.web);
  const es = counts(corpus.sparv);
  const splits = {};
  for (const [name, pairs, sc, tc] of [['en-es', pairsFrom(engSpa, spaEng), en, es], ['es-en', pairsFrom(spaEng, engSpa), es, en]]) {
    const s = splitDictionary(pairs, sc, tc);
    write(`${name}.train.txt`, s.train.join('\n') + '\n');
    write(`${name}.test.txt`, s.test.join('\n') + '\n');
    splits[name] = { headwords: pairs.size, qualifying: s.qualifying, trainWords: s.trainWords, trainPairs: s.train.length, testWords: s.testWords, testPairs: s.test.length };
  }
  const manifest = {
    verses: ids.length,
    modules,
    dictionaries: [dictVersion('freedict-eng-spa'), dictVersion('freedict-spa-eng')],
    tokens: { kjv: corpus.kjv.reduce((n, l) => n + l.split(' ').length, 0), web: [...en.values()].reduce((a, b) => a + b, 0), sparv: [...es.values()].reduce((a, b) => a + b, 0) },
    types: { web: en.size, sparv: es.size },
    splits,
    sha256: files,
  };
  write('manifest.json', JSON.stringify(manifest, null, 2) + '\n');
  console.log(`${ids.length} verses in KJV, WEB and RV1909 → ${out}`);
  for (const [name, s] of Object.entries(splits)) console.log(`${name}: ${s.qualifying} source words qualify; train ${s.trainWords} words (${s.trainPairs} pairs), test ${s.testWords} words (${s.testPairs} pairs)`);
}
