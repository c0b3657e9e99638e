import { InvalidArgumentError } from '../errors.ts';
import { Vocabulary } from '../vocab/vocabulary.ts';
import { assembleFastTextModel, LEGACY_FASTTEXT_VERSION, type FastTextArgs, type FastTextModel, type FastTextModelData } from '../vectors/fasttext-model.ts';
import { DenseMatrix, PQ_CENTROIDS, ProductQuantizer, QuantizedMatrix } from '../vectors/fasttext-matrix.ts';
import { ByteCursor } from './fasttext-bin-io.ts';
import { FieldReader } from './fasttext-bin-fields.ts';
import { firstNonFinite } from './finite-values.ts';
import { invalidUtf8At } from './utf8.ts';
import {
  ENTRY_LABEL,
  ENTRY_WORD,
  FASTTEXT_MAGIC,
  FASTTEXT_VERSION,
  LEGACY_MAX_DIM,
  LEGACY_MAX_WS,
  LOSSES,
  MIN_ENTRY_BYTES,
  MODELS,
  requireLittleEndian,
} from './fasttext-bin-layout.ts';

/** Reading fastText `.bin` / `.ftz` model files (layout in fasttext-bin-layout.ts), checking every field. */

/** How readFastTextBin reads a model. */
export interface ReadFastTextOptions {
  /** Read the output matrix (default true). Without it the model gives every vector but cannot be saved. */
  output?: boolean;
  /**
   * Keep only the first N words: their rows and counts, in both matrices. The n-gram buckets stay, so the
   * result is a smaller fastText model in which the other words are unknown words built from their subwords.
   */
  limit?: number;
  /**
   * A word that is not valid UTF-8: 'replace' (default) shows U+FFFD and keeps the original bytes for n-gram
   * hashing and saving, since fastText treats words as bytes; 'strict' fails with the byte offset.
   */
  unicodeErrors?: 'strict' | 'replace';
}

/** Rows [from, to) of a matrix that `limit` leaves out: the words past the limit. */
interface DroppedRows {
  from: number;
  to: number;
}

/**
 * Reads a fastText `.bin` (or quantized `.ftz`) model.
 * @example
 * ```ts
 * import { readFastTextBin } from 'embedkit';
 * const model = await readFastTextBin('fasttext.bin');
 * // Character n-grams give words outside the vocabulary a vector too.
 * console.log(model.args.dim, model.embeddings.get('unseenword').length);
 * ```
 */
export async function readFastTextBin(path: string, options: ReadFastTextOptions = {}): Promise<FastTextModel> {
  requireLittleEndian();
  if (options.limit !== undefined && !(Number.isInteger(options.limit) && options.limit >= 1)) {
    throw new InvalidArgumentError(`limit must be a positive integer, got ${options.limit}`);
  }
  const cursor = await ByteCursor.open(path);
  try {
    return assembleFastTextModel(await readModelData(cursor, options));
  } finally {
    await cursor.close();
  }
}

async function readModelData(cursor: ByteCursor, options: ReadFastTextOptions): Promise<FastTextModelData> {
  const withOutput = options.output ?? true;
  const r = new FieldReader(cursor);
  const version = await readHeader(r);
  const args = await readArgs(r);
  const dict = await readDictionary(r, version, args, options.unicodeErrors ?? 'replace');
  // The words past the limit: their rows are skipped in the input matrix (words come first) and, unless the
  // model is supervised (its output rows are labels), in the output matrix.
  const nwords = dict.vocab.size;
  const kept = options.limit === undefined ? nwords : Math.min(nwords, options.limit);
  const drop: DroppedRows | undefined = kept < nwords ? { from: kept, to: nwords } : undefined;
  const quantInput = version === LEGACY_FASTTEXT_VERSION ? false : await r.flag('quantized-input flag');
  const inputRows = dict.pruneIndex === null ? nwords + args.bucket : nwords + dict.pruneIndex.size;
  const input = quantInput ? await readQuantized(r, 'input matrix', inputRows, args.dim, drop) : await readDense(r, 'input matrix', inputRows, args.dim, true, drop);
  const qout = version === LEGACY_FASTTEXT_VERSION ? false : await r.flag('quantized-output flag');
  const supervised = args.model === 'supervised';
  const outputRows = supervised ? dict.labels.size : nwords;
  const outputDrop = supervised ? undefined : drop;
  // fastText honours the qout flag only for quantized models.
  const output =
    quantInput && qout
      ? await readQuantized(r, 'output matrix', outputRows, args.dim, outputDrop)
      : await readDense(r, 'output matrix', outputRows, args.dim, withOutput, outputDrop);
  if (cursor.remaining > 0) r.fail('end of file', `${cursor.remaining} unexpected bytes after the output matrix`, cursor.offset);
  const data = { args, ...dict, input: input!, output: withOutput ? output : null, version };
  return drop ? firstWords(data, kept) : data;
}

/** The dictionary cut to its first `kept` words (the matrices were cut while reading). */
function firstWords(data: FastTextModelData, kept: number): FastTextModelData {
  const { vocab, rawWords } = data;
  const nwords = vocab.size;
  let raw: Map<number, Uint8Array> | undefined;
  if (rawWords) {
    // Entries are numbered words first, then labels: labels move down with the words removed.
    raw = new Map();
    for (const [i, bytes] of rawWords) {
      if (i < kept) raw.set(i, bytes);
      else if (i >= nwords) raw.set(i - nwords + kept, bytes);
    }
  }
  const words = new Vocabulary(vocab.words.slice(0, kept), vocab.counts.slice(0, kept));
  return { ...data, vocab: words, rawWords: raw };
}

/** Returns the layout version: 11 or 12, or 0 for header-less legacy files. */
async function readHeader(r: FieldReader): Promise<number> {
  const first = await r.int32('magic');
  if (first === FASTTEXT_MAGIC) {
    const at = r.cursor.offset;
    const version = await r.int32('version');
    if (version !== 11 && version !== FASTTEXT_VERSION) r.fail('version', `expected 11 or ${FASTTEXT_VERSION}, found ${version}`, at);
    return version;
  }
  // The first releases started directly with args.dim and args.ws; accept only plausible values so a
  // damaged magic number is reported as such rather than as a strange dimension further on.
  const ws = r.cursor.remaining >= 4 ? await r.int32('args.ws') : -1;
  if (!(first >= 1 && first <= LEGACY_MAX_DIM && ws >= 0 && ws <= LEGACY_MAX_WS)) {
    r.fail('magic', `expected ${FASTTEXT_MAGIC} (a fastText model), found ${first}`, 0);
  }
  r.note = ' (file read as a header-less model of the first fastText releases because it does not start with the fastText magic number)';
  r.cursor.offset = 0;
  return LEGACY_FASTTEXT_VERSION;
}

async function readArgs(r: FieldReader): Promise<FastTextArgs> {
  const dim = await r.int32('args.dim', 1);
  const ws = await r.int32('args.ws', 0);
  const epoch = await r.int32('args.epoch', 0);
  const minCount = await r.int32('args.minCount', 0);
  const neg = await r.int32('args.neg', 0);
  const wordNgrams = await r.int32('args.wordNgrams', 0);
  const loss = LOSSES[(await r.int32('args.loss', 1, LOSSES.length)) - 1];
  const model = MODELS[(await r.int32('args.model', 1, MODELS.length)) - 1];
  const bucket = await r.int32('args.bucket', 0);
  const minn = await r.int32('args.minn', 0);
  const maxn = await r.int32('args.maxn', 0);
  const lrUpdateRate = await r.int32('args.lrUpdateRate', 0);
  const tAt = r.cursor.offset;
  const t = await r.float64('args.t');
  if (!Number.isFinite(t) || t < 0) r.fail('args.t', `expected a finite sampling threshold ≥ 0, found ${t}`, tAt);
  return { dim, ws, epoch, minCount, neg, wordNgrams, loss, model, bucket, minn, maxn, lrUpdateRate, t };
}

interface DictionaryData {
  vocab: Vocabulary;
  labels: Vocabulary;
  ntokens: number;
  pruneIndex: Map<number, number> | null;
  rawWords?: Map<number, Uint8Array>;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8');

async function readDictionary(r: FieldReader, version: number, args: FastTextArgs, unicodeErrors: 'strict' | 'replace'): Promise<DictionaryData> {
  const sizeAt = r.cursor.offset;
  const size = await r.int32('dictionary.size', 0);
  const nwords = await r.int32('dictionary.nwords', 0);
  const nlabels = await r.int32('dictionary.nlabels', 0);
  if (nwords + nlabels !== size) r.fail('dictionary.size', `expected nwords + nlabels = ${nwords} + ${nlabels} = ${nwords + nlabels}, found ${size}`, sizeAt);
  const ntokens = await r.int64('dictionary.ntokens', 0);
  const pruneAt = r.cursor.offset;
  const pruneSize = version === LEGACY_FASTTEXT_VERSION ? -1 : await r.int64('dictionary.pruneidxSize', -1, 0x7fffffff);
  if (pruneSize > args.bucket) r.fail('dictionary.pruneidxSize', `expected at most args.bucket = ${args.bucket} kept buckets, found ${pruneSize}`, pruneAt);
  r.require(size * MIN_ENTRY_BYTES, `dictionary entries (${size})`);

  const words: string[] = new Array(nwords);
  const wordCounts = new Float64Array(nwords);
  const labels: string[] = new Array(nlabels);
  const labelCounts = new Float64Array(nlabels);
  const seen = new Map<string, number>();
  let rawWords: Map<number, Uint8Array> | undefined;
  for (let i = 0; i < size; i++) {
    const wordAt = r.cursor.offset;
    const bytes = await r.cstring(`dictionary entry ${i} word`);
    let word: string;
    try {
      word = strictUtf8.decode(bytes);
    } catch {
      if (unicodeErrors === 'strict') {
        r.fail(`dictionary entry ${i} word`, 'invalid UTF-8 (load with unicodeErrors \'replace\' to read it as fastText does)', wordAt + Math.max(0, invalidUtf8At(bytes, 0, bytes.length)));
      }
      // fastText treats words as bytes; keep the original ones for hashing and saving.
      word = lenientUtf8.decode(bytes);
      (rawWords ??= new Map()).set(i, bytes);
    }
    const previous = seen.get(word);
    if (previous !== undefined) r.fail(`dictionary entry ${i} word`, `${JSON.stringify(word)} repeats entry ${previous}`, wordAt);
    seen.set(word, i);
    const count = await r.int64(`dictionary entry ${i} (${JSON.stringify(word)}) count`, 0);
    const typeAt = r.cursor.offset;
    const type = await r.uint8(`dictionary entry ${i} (${JSON.stringify(word)}) type`);
    const expected = i < nwords ? ENTRY_WORD : ENTRY_LABEL;
    if (type !== expected) {
      r.fail(
        `dictionary entry ${i} (${JSON.stringify(word)}) type`,
        `expected ${expected} (${expected === ENTRY_WORD ? 'word' : 'label'}: the first ${nwords} entries are words, the other ${nlabels} labels), found ${type}`,
        typeAt,
      );
    }
    if (i < nwords) {
      words[i] = word;
      wordCounts[i] = count;
    } else {
      labels[i - nwords] = word;
      labelCounts[i - nwords] = count;
    }
  }

  let pruneIndex: Map<number, number> | null = null;
  if (pruneSize >= 0) {
    pruneIndex = new Map();
    r.require(pruneSize * 8, `dictionary.pruneidx (${pruneSize} pairs)`);
    for (let j = 0; j < pruneSize; j++) {
      const at = r.cursor.offset;
      const bucket = await r.int32(`dictionary.pruneidx[${j}].bucket`, 0, Math.max(0, args.bucket - 1));
      const row = await r.int32(`dictionary.pruneidx[${j}].row`, 0, Math.max(0, pruneSize - 1));
      if (pruneIndex.has(bucket)) r.fail(`dictionary.pruneidx[${j}].bucket`, `bucket ${bucket} appears twice`, at);
      pruneIndex.set(bucket, row);
    }
  }
  return { vocab: new Vocabulary(words, wordCounts), labels: new Vocabulary(labels, labelCounts), ntokens, pruneIndex, rawWords };
}

async function readShape(r: FieldReader, what: string, rows: number, dim: number): Promise<void> {
  await r.int64(`${what} rows`, rows, rows);
  await r.int64(`${what} columns`, dim, dim);
}

async function readDense(r: FieldReader, what: string, rows: number, dim: number, keep: boolean, drop?: DroppedRows): Promise<DenseMatrix | null> {
  await readShape(r, what, rows, dim);
  const field = `${what} data (${rows}×${dim} float32)`;
  r.require(rows * dim * 4, field);
  const dataAt = r.cursor.offset;
  if (!keep) {
    r.cursor.skip(rows * dim * 4, field);
    return null;
  }
  if (!drop) {
    const data = await r.floats(rows * dim, field);
    requireFinite(r, what, data, dim, (i) => dataAt + i * 4);
    return new DenseMatrix(rows, dim, data);
  }
  // Rows before the dropped span, skip it, then the rest, read straight into one array.
  const kept = rows - (drop.to - drop.from);
  const data = new Float32Array(kept * dim);
  await r.floatsInto(data.subarray(0, drop.from * dim), field);
  r.cursor.skip((drop.to - drop.from) * dim * 4, field);
  await r.floatsInto(data.subarray(drop.from * dim), field);
  const skipped = (drop.to - drop.from) * dim;
  requireFinite(r, what, data, dim, (i) => dataAt + (i < drop.from * dim ? i : i + skipped) * 4);
  return new DenseMatrix(kept, dim, data);
}

/**
 * Refuses a NaN or an infinity in `values` (rows of `dim`, or a flat list when null), naming the file's row, column and byte (`byteOf` maps
 * an index in `values` to its offset in the file): one such value makes every similarity with its row NaN.
 */
function requireFinite(r: FieldReader, what: string, values: Float32Array, dim: number | null, byteOf: (index: number) => number): void {
  const i = firstNonFinite(values);
  if (i < 0) return;
  const at = byteOf(i);
  const k = (at - byteOf(0)) / 4;
  const where = dim === null ? `value ${k}` : `row ${Math.floor(k / dim)}, column ${k % dim}`;
  r.fail(`${what} data`, `${where} is ${values[i]}: vectors must be finite`, at);
}

/**
 * A row of a matrix with quantized norms decodes to norm × centroid, in float32: finite factors whose product
 * overflows would make vectors infinite. Refuses the file unless the largest norm times the largest centroid fits.
 */
function requireProductsFit(r: FieldReader, what: string, centroids: Float32Array, normCentroids: Float32Array, normCentroidsAt: number): void {
  let largest = 0;
  for (const c of centroids) largest = Math.max(largest, Math.abs(c));
  let k = 0;
  for (let i = 1; i < normCentroids.length; i++) if (Math.abs(normCentroids[i]) > Math.abs(normCentroids[k])) k = i;
  const norm = normCentroids[k];
  if (!Number.isFinite(Math.fround(Math.abs(norm) * largest))) {
    r.fail(`${what} norm quantizer centroids`, `norm ${norm} times centroid ${largest} overflows float32: vectors must be finite`, normCentroidsAt + k * 4);
  }
}

/** `bytes` without the per-row entries (`width` bytes each) of the dropped rows. */
function withoutRows(bytes: Uint8Array, width: number, drop: DroppedRows): Uint8Array {
  const out = new Uint8Array(bytes.length - (drop.to - drop.from) * width);
  out.set(bytes.subarray(0, drop.from * width));
  out.set(bytes.subarray(drop.to * width), drop.from * width);
  return out;
}

async function readQuantizer(r: FieldReader, what: string, dim: number): Promise<ProductQuantizer> {
  await r.int32(`${what} dim`, dim, dim);
  const nsubqAt = r.cursor.offset;
  const nsubq = await r.int32(`${what} nsubq`, 1, dim);
  const dsub = await r.int32(`${what} dsub`, 1, dim);
  const lastdsub = await r.int32(`${what} lastdsub`, 1, dsub);
  if ((nsubq - 1) * dsub + lastdsub !== dim) {
    r.fail(`${what} nsubq`, `(nsubq - 1) × dsub + lastdsub = (${nsubq} - 1) × ${dsub} + ${lastdsub} should equal dim ${dim}`, nsubqAt);
  }
  const centroidsAt = r.cursor.offset;
  const centroids = await r.floats(dim * PQ_CENTROIDS, `${what} centroids (${dim}×${PQ_CENTROIDS} float32)`);
  requireFinite(r, `${what} centroids`, centroids, null, (i) => centroidsAt + i * 4);
  return new ProductQuantizer(dim, nsubq, dsub, lastdsub, centroids);
}

async function readQuantized(r: FieldReader, what: string, rows: number, dim: number, drop?: DroppedRows): Promise<QuantizedMatrix> {
  const qnorm = await r.flag(`${what} qnorm flag`);
  await readShape(r, what, rows, dim);
  const codesizeAt = r.cursor.offset;
  const codesize = await r.int32(`${what} codesize`, 0);
  const codes = await r.bytes(codesize, `${what} codes (${codesize} bytes)`);
  const pq = await readQuantizer(r, `${what} quantizer`, dim);
  if (codesize !== rows * pq.nsubq) r.fail(`${what} codesize`, `expected rows × nsubq = ${rows} × ${pq.nsubq} = ${rows * pq.nsubq}, found ${codesize}`, codesizeAt);
  let norms = null;
  if (qnorm) {
    const normCodes = await r.bytes(rows, `${what} norm codes (${rows} bytes)`);
    const normCentroidsAt = r.cursor.offset + 16;
    norms = { codes: normCodes, pq: await readQuantizer(r, `${what} norm quantizer`, 1) };
    requireProductsFit(r, what, pq.centroids, norms.pq.centroids, normCentroidsAt);
  }
  if (!drop) return new QuantizedMatrix(rows, dim, codes, pq, norms);
  const keptNorms = norms && { codes: withoutRows(norms.codes, 1, drop), pq: norms.pq };
  return new QuantizedMatrix(rows - (drop.to - drop.from), dim, withoutRows(codes, pq.nsubq, drop), pq, keptNorms);
}
