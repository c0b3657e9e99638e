import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { FormatError } from '../../errors.ts';

/** One headword of a dictd dictionary and its translations, in the order the entry lists them. */
export interface DictdEntry {
  /** The headword as the index lists it (dictd indexes lower-case it). */
  headword: string;
  /** Every translation of every sense, trimmed, without grammatical markers such as `<f>`; may hold spaces. */
  translations: string[];
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** dictd's base-64 numbers (most significant digit first, no padding). */
function decodeNumber(text: string, file: string, line: number): number {
  let n = 0;
  for (const c of text) {
    const digit = B64.indexOf(c);
    if (digit < 0) throw new FormatError(`"${text}" is not a dictd base-64 number`, { file, line });
    n = n * 64 + digit;
  }
  return n;
}

/**
 * The translations in one entry's body. FreeDict bodies are a first line `headword /pronunciation/`, then either
 * one line of comma-separated translations or numbered senses `1. a, b`; both kinds of line are read alike.
 */
function parseBody(body: string): string[] {
  const out: string[] = [];
  for (const line of body.split('\n').slice(1)) {
    const text = line.replace(/^\s*\d+\.\s*/, '').replace(/<[^>]*>/g, ' ');
    for (const piece of text.split(/[,;]/)) {
      const t = piece.replace(/\s+/g, ' ').trim();
      if (t && !out.includes(t)) out.push(t);
    }
  }
  return out;
}

/**
 * Reads a dictd dictionary (the `.index` file beside its `.dict` or dictzip'ed `.dict.dz`) into entries, one per
 * headword with the translations of all its index lines merged; dictd's own `00database…` entries are skipped.
 * @param indexPath the `.index` file; the data file is found beside it.
 * @example
 * ```ts
 * import { mkdtempSync, writeFileSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { readDictd } from 'embedkit/apps';
 * const dir = mkdtempSync(join(tmpdir(), 'dictd-'));
 * const body = 'dog /dog/\n1. perro\n2. can\n';
 * writeFileSync(join(dir, 'd.dict'), body);
 * writeFileSync(join(dir, 'd.index'), `dog\tA\t${'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'[body.length]}\n`);
 * console.log(readDictd(join(dir, 'd.index'))); // [ { headword: 'dog', translations: [ 'perro', 'can' ] } ]
 * ```
 */
export function readDictd(indexPath: string): DictdEntry[] {
  const base = indexPath.replace(/\.index$/, '');
  let data: Buffer;
  try {
    data = gunzipSync(readFileSync(`${base}.dict.dz`));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    data = readFileSync(`${base}.dict`);
  }
  const byHeadword = new Map<string, string[]>();
  const lines = readFileSync(indexPath, 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (!line) return;
    const fields = line.split('\t');
    if (fields.length < 3) throw new FormatError('a dictd index line has headword, offset and length, tab-separated', { file: indexPath, line: i + 1 });
    const [headword, offsetText, lengthText] = fields;
    if (headword.startsWith('00database') || headword.startsWith('00-database')) return;
    const offset = decodeNumber(offsetText, indexPath, i + 1);
    const length = decodeNumber(lengthText, indexPath, i + 1);
    if (offset + length > data.length) throw new FormatError(`entry "${headword}" lies past the end of the data file`, { file: indexPath, line: i + 1 });
    const translations = parseBody(data.subarray(offset, offset + length).toString('utf8'));
    const known = byHeadword.get(headword);
    if (known) for (const t of translations) { if (!known.includes(t)) known.push(t); }
    else byHeadword.set(headword, translations);
  });
  return [...byHeadword].map(([headword, translations]) => ({ headword, translations }));
}
