import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { readDictd } from '../../../src/apps/align/dictd.ts';
import { parseDictionary, readDictionary, resolvePairs } from '../../../src/apps/align/dictionary.ts';
import { FormatError } from '../../../src/errors.ts';
import { Vocabulary } from '../../../src/vocab/vocabulary.ts';

const dir = mkdtempSync(join(tmpdir(), 'embedkit-dict-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** dictd's base-64 numbers, written independently of the reader. */
function b64(n: number): string {
  let s = '';
  do {
    s = B64[n % 64] + s;
    n = Math.floor(n / 64);
  } while (n > 0);
  return s;
}

/** A dictd dictionary of the given entry bodies, the data dictzip'ed (gzip) when `zipped`. */
function dictd(name: string, entries: [string, string][], zipped: boolean): string {
  const parts: Buffer[] = [];
  const index: string[] = ['00databaseshort\tA\tB'];
  let offset = 1;
  parts.push(Buffer.from('x'));
  for (const [head, body] of entries) {
    const bytes = Buffer.from(body, 'utf8');
    index.push(`${head}\t${b64(offset)}\t${b64(bytes.length)}`);
    parts.push(bytes);
    offset += bytes.length;
  }
  const data = Buffer.concat(parts);
  writeFileSync(join(dir, `${name}.index`), index.join('\n') + '\n');
  writeFileSync(join(dir, zipped ? `${name}.dict.dz` : `${name}.dict`), zipped ? gzipSync(data) : data);
  return join(dir, `${name}.index`);
}

test('parseDictionary reads space- and tab-separated pairs, skips blanks and comments, and names a bad line', () => {
  assert.deepEqual(parseDictionary('# en-es\ndog perro\n\ncat\tgato montés\r\n  house   casa  \n'), [
    ['dog', 'perro'],
    ['cat', 'gato montés'],
    ['house', 'casa'],
  ]);
  assert.throws(
    () => parseDictionary('dog perro\nthree words here\n', 'pairs.txt'),
    (err: Error) => err instanceof FormatError && err.location.line === 2 && err.location.file === 'pairs.txt',
  );
  assert.throws(() => parseDictionary('lonely\n'), FormatError);
});

test('readDictd reads headwords and every translation of every sense, from .dict and dictzip\'ed .dict.dz', () => {
  const entries: [string, string][] = [
    ['dog', 'dog /dɒɡ/\n1. perro, can\n2. seguir\n'],
    ['dog', 'dog /dɒɡ/\nperro, chucho\n'],
    ['robbed', 'robbed /rɒbd/\nrobadas al sueño <f>\n'],
  ];
  for (const zipped of [false, true]) {
    const path = dictd(zipped ? 'z' : 'plain', entries, zipped);
    assert.deepEqual(readDictd(path), [
      { headword: 'dog', translations: ['perro', 'can', 'seguir', 'chucho'] },
      { headword: 'robbed', translations: ['robadas al sueño'] },
    ]);
  }
});

test('readDictd refuses an entry past the end of the data, naming the index line', () => {
  writeFileSync(join(dir, 'bad.index'), 'dog\tA\tZZ\n');
  writeFileSync(join(dir, 'bad.dict'), 'short');
  assert.throws(() => readDictd(join(dir, 'bad.index')), (err: Error) => err instanceof FormatError && err.location.line === 1);
});

test('readDictionary takes a dictd .index or plain text', async () => {
  const path = dictd('pairs', [['cat', 'cat /kat/\ngato\n']], true);
  assert.deepEqual(await readDictionary(path), [['cat', 'gato']]);
  writeFileSync(join(dir, 'p.txt'), 'cat gato\n');
  assert.deepEqual(await readDictionary(join(dir, 'p.txt')), [['cat', 'gato']]);
});

test('resolvePairs counts what each space lacks, including words past the row limits, and merges repeated pairs', () => {
  const src = new Vocabulary(['dog', 'cat', 'rare']);
  const tgt = new Vocabulary(['perro', 'gato', 'raro']);
  const r = resolvePairs(
    [
      ['dog', 'perro'],
      ['dog', 'perro'],
      ['cat', 'gato'],
      ['cat', 'felino'],
      ['bird', 'pájaro'],
      ['rare', 'raro'],
    ],
    src,
    tgt,
    { sourceRows: 2 },
  );
  assert.deepEqual(Array.from(r.srcRows), [0, 1]);
  assert.deepEqual(Array.from(r.tgtRows), [0, 1]);
  assert.equal(r.given, 6);
  assert.equal(r.missingPairs, 3);
  assert.deepEqual(r.missingSource.sort(), ['bird', 'rare']);
  assert.deepEqual(r.missingTarget.sort(), ['felino', 'pájaro']);
});
