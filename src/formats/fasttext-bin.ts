import { endianness } from 'node:os';
import type { Writable } from 'node:stream';
import { EmbedkitError, InvalidArgumentError } from '../errors.ts';
import { Embeddings } from '../vectors/embeddings.ts';
import {
  assembleFastTextModel,
  fastTextModelFromEmbeddings,
  LEGACY_FASTTEXT_VERSION,
  type FastTextArgs,
  type FastTextLoss,
  type FastTextModel,
  type FastTextModelData,
  type FastTextModelKind,
} from '../vectors/fasttext-model.ts';
import { DenseMatrix, PQ_CENTROIDS, ProductQuantizer, QuantizedMatrix, type FastTextMatrix } from '../vectors/fasttext-matrix.ts';
import { EOS, FastTextSubwords } from '../vectors/subwords.ts';
import { withAtomicWriteStream } from '../util/atomic-write.ts';
import { Vocabulary } from '../vocab/vocabulary.ts';
import { ByteCursor, ByteSink } from './fasttext-bin-io.ts';

/**
 * fastText's `.bin` / `.ftz` model files, as fastText 0.9 reads and writes them (all little-endian):
 *
 *   int32 magic 793712314, int32 version 12
 *   args: int32 dim ws epoch minCount neg wordNgrams loss model bucket minn maxn lrUpdateRate, float64 t
 *   dictionary: int32 size nwords nlabels, int64 ntokens, int64 pruneidxSize (-1: not pruned),
 *     size × (word bytes, NUL, int64 count, int8 type 0 word / 1 label), pruneidxSize × (int32 bucket, int32 row)
 *   uint8 quantInput, input matrix; uint8 qout, output matrix
 *   dense matrix: int64 m n, m×n float32
 *   quantized matrix: uint8 qnorm, int64 m n, int32 codesize, codesize bytes, quantizer,
 *     [qnorm: m bytes of norm codes, norm quantizer]
 *   quantizer: int32 dim nsubq dsub lastdsub, dim × 256 float32 centroids
 *
 * The first fastText releases wrote the same without magic, version, pruneidxSize and the two flags;
 * those files are read too (version 0), never written.
 */

export const FASTTEXT_MAGIC = 793712314;
export const FASTTEXT_VERSION = 12;

/**
 * True when a file's first 8 bytes look like a fastText model: the magic number, or the header-less
 * first-release layout (int32 dim and window, small positive numbers, where word2vec binary files start
 * with ASCII digits). For format detection: `.bin` is shared with word2vec.
 */
export function isFastTextBinHead(head: Uint8Array): boolean {
  if (head.length < 8) return false;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const first = view.getInt32(0, true);
  if (first === FASTTEXT_MAGIC) return true;
  const ws = view.getInt32(4, true);
  return first >= 1 && first <= LEGACY_MAX_DIM && ws >= 0 && ws <= LEGACY_MAX_WS;
}

/** Bounds that tell a header-less legacy file from a damaged magic number. */
const LEGACY_MAX_DIM = 100_000;
const LEGACY_MAX_WS = 10_000;

const LOSS_CODES: Record<FastTextLoss, number> = { hs: 1, ns: 2, softmax: 3, ova: 4 };
const MODEL_CODES: Record<FastTextModelKind, number> = { cbow: 1, skipgram: 2, supervised: 3 };
const LOSSES = Object.keys(LOSS_CODES) as FastTextLoss[];
const MODELS = Object.keys(MODEL_CODES) as FastTextModelKind[];

const ENTRY_WORD = 0;
const ENTRY_LABEL = 1;
/** Smallest dictionary entry on disk: empty word, NUL, int64 count, int8 type. */
const MIN_ENTRY_BYTES = 10;

/** How readFastTextBin reads a model. */
export interface ReadFastTextOptions {
  /** Read the output matrix (default true). Without it the model gives every vector but cannot be saved. */
  output?: boolean;
}

function requireLittleEndian(): void {
  // fastText writes native little-endian values and the matrices are read straight into typed arrays.
  if (endianness() !== 'LE') throw new EmbedkitError('unsupported_platform', 'fastText .bin files need a little-endian machine');
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
  const cursor = await ByteCursor.open(path);
  try {
    return assembleFastTextModel(await readModelData(cursor, options.output ?? true));
  } finally {
    await cursor.close();
  }
}

/** Field readers that check values as they go and report the field's own offset on failure. */
class FieldReader {
  readonly cursor: ByteCursor;
  /** Appended to every error about a file read in the legacy layout, so the reader's guess is visible. */
  note = '';

  constructor(cursor: ByteCursor) {
    this.cursor = cursor;
  }

  fail(field: string, message: string, at: number): never {
    throw this.cursor.error(field, message + this.note, at);
  }

  private async guarded<T>(read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (err) {
      if (this.note && err instanceof Error && err.name === 'FormatError') {
        err.message += this.note;
      }
      throw err;
    }
  }

  /** An int32 within [min, max]. */
  async int32(field: string, min = -0x80000000, max = 0x7fffffff): Promise<number> {
    const at = this.cursor.offset;
    const v = await this.guarded(() => this.cursor.int32(field));
    if (v < min || v > max) this.fail(field, rangeMessage(v, min, max), at);
    return v;
  }

  async int64(field: string, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): Promise<number> {
    const at = this.cursor.offset;
    const v = await this.guarded(() => this.cursor.int64(field));
    if (v < min || v > max) this.fail(field, rangeMessage(v, min, max), at);
    return v;
  }

  async float64(field: string): Promise<number> {
    return this.guarded(() => this.cursor.float64(field));
  }

  async flag(field: string): Promise<boolean> {
    const at = this.cursor.offset;
    const v = await this.guarded(() => this.cursor.uint8(field));
    if (v > 1) this.fail(field, `expected 0 or 1, found ${v}`, at);
    return v === 1;
  }

  async uint8(field: string): Promise<number> {
    return this.guarded(() => this.cursor.uint8(field));
  }

  async cstring(field: string): Promise<Uint8Array> {
    return this.guarded(() => this.cursor.cstring(field));
  }

  /** `count` bytes that must be present, as a fresh array. */
  async bytes(count: number, field: string): Promise<Uint8Array> {
    this.require(count, field);
    const out = new Uint8Array(count);
    await this.guarded(() => this.cursor.readInto(out, field));
    return out;
  }

  /** `count` float32 values that must be present. */
  async floats(count: number, field: string): Promise<Float32Array> {
    this.require(count * 4, field);
    const out = new Float32Array(count);
    await this.guarded(() => this.cursor.readInto(new Uint8Array(out.buffer), field));
    return out;
  }

  require(bytes: number, field: string): void {
    if (bytes > this.cursor.remaining) {
      this.fail(field, `needs ${bytes} byte${bytes === 1 ? '' : 's'} but the file ends ${this.cursor.remaining} bytes later, at byte ${this.cursor.size} (truncated file?)`, this.cursor.offset);
    }
  }
}

function rangeMessage(v: number, min: number, max: number): string {
  if (max === Number.MAX_SAFE_INTEGER || max === 0x7fffffff) return `expected a value ≥ ${min}, found ${v}`;
  if (min === max) return `expected ${min}, found ${v}`;
  return `expected a value in ${min}..${max}, found ${v}`;
}

async function readModelData(cursor: ByteCursor, withOutput: boolean): Promise<FastTextModelData> {
  const r = new FieldReader(cursor);
  const version = await readHeader(r);
  const args = await readArgs(r);
  const dict = await readDictionary(r, version, args);
  const quantInput = version === LEGACY_FASTTEXT_VERSION ? false : await r.flag('quantized-input flag');
  const inputRows = dict.pruneIndex === null ? dict.vocab.size + args.bucket : dict.vocab.size + dict.pruneIndex.size;
  const input = quantInput ? await readQuantized(r, 'input matrix', inputRows, args.dim) : await readDense(r, 'input matrix', inputRows, args.dim, true);
  const qout = version === LEGACY_FASTTEXT_VERSION ? false : await r.flag('quantized-output flag');
  const outputRows = args.model === 'supervised' ? dict.labels.size : dict.vocab.size;
  // fastText honours the qout flag only for quantized models.
  const output =
    quantInput && qout ? await readQuantized(r, 'output matrix', outputRows, args.dim) : await readDense(r, 'output matrix', outputRows, args.dim, withOutput);
  if (cursor.remaining > 0) r.fail('end of file', `${cursor.remaining} unexpected bytes after the output matrix`, cursor.offset);
  return { args, ...dict, input: input!, output: withOutput ? output : null, version };
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

async function readDictionary(r: FieldReader, version: number, args: FastTextArgs): Promise<DictionaryData> {
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

async function readDense(r: FieldReader, what: string, rows: number, dim: number, keep: boolean): Promise<DenseMatrix | null> {
  await readShape(r, what, rows, dim);
  const field = `${what} data (${rows}×${dim} float32)`;
  if (!keep) {
    r.require(rows * dim * 4, field);
    r.cursor.skip(rows * dim * 4, field);
    return null;
  }
  return new DenseMatrix(rows, dim, await r.floats(rows * dim, field));
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
  const centroids = await r.floats(dim * PQ_CENTROIDS, `${what} centroids (${dim}×${PQ_CENTROIDS} float32)`);
  return new ProductQuantizer(dim, nsubq, dsub, lastdsub, centroids);
}

async function readQuantized(r: FieldReader, what: string, rows: number, dim: number): Promise<QuantizedMatrix> {
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
    norms = { codes: normCodes, pq: await readQuantizer(r, `${what} norm quantizer`, 1) };
  }
  return new QuantizedMatrix(rows, dim, codes, pq, norms);
}

// ---------------------------------------------------------------------------------------------------
// Writing

const utf8 = new TextEncoder();

/**
 * Writes a fastText `.bin` (version 12) that fastText itself loads: a model read by readFastTextBin (as
 * it was, quantized or not), or Embeddings (their fastText model when they came from one, otherwise
 * a model without subwords whose word rows are the vectors). The file appears atomically.
 * @example
 * ```ts
 * import { readFastTextBin, writeFastTextBin } from 'embedkit';
 * const model = await readFastTextBin('fasttext.bin');
 * await writeFastTextBin(model, 'copy.bin'); // n-grams and output matrix included: fastText itself loads it
 * ```
 */
export async function writeFastTextBin(model: FastTextModelData | Embeddings, path: string): Promise<void> {
  requireLittleEndian();
  const plan = planWrite(model instanceof Embeddings ? fastTextModelFromEmbeddings(model) : model);
  await withAtomicWriteStream(path, (out) => writePlan(plan, out));
}

/** The same bytes as writeFastTextBin, to a stream the caller owns (and ends). */
export async function writeFastTextBinStream(model: FastTextModelData | Embeddings, out: Writable): Promise<void> {
  requireLittleEndian();
  await writePlan(planWrite(model instanceof Embeddings ? fastTextModelFromEmbeddings(model) : model), out);
}

async function writePlan(plan: WritePlan, out: Writable): Promise<void> {
  const sink = new ByteSink(out);
  sink.int32(FASTTEXT_MAGIC);
  sink.int32(FASTTEXT_VERSION);
  writeArgs(sink, plan.args);
  await writeDictionary(sink, plan.data);
  sink.uint8(plan.input instanceof QuantizedMatrix ? 1 : 0);
  await writeMatrix(sink, plan.input);
  sink.uint8(plan.output instanceof QuantizedMatrix ? 1 : 0);
  await writeMatrix(sink, plan.output);
  await sink.flush();
}

interface WritePlan {
  data: FastTextModelData;
  args: FastTextArgs;
  input: FastTextMatrix;
  output: FastTextMatrix;
}

/** Checks that fastText will accept the model and settles what differs from the in-memory form. */
function planWrite(data: FastTextModelData): WritePlan {
  const { vocab, labels, pruneIndex } = data;
  const args = { ...data.args };
  const bad = (message: string): never => {
    throw new InvalidArgumentError(`cannot write a fastText .bin: ${message}`);
  };
  if (!data.output) bad('the model has no output matrix (it was read with output: false)');
  const output = data.output!;
  let input = data.input;
  for (const [name, m] of [['input', input], ['output', output]] as const) {
    if (!(m instanceof DenseMatrix || m instanceof QuantizedMatrix)) bad(`the ${name} matrix is neither dense nor product-quantized`);
    if (m.dim !== args.dim) bad(`the ${name} matrix has ${m.dim} columns, args.dim is ${args.dim}`);
  }
  const inputRows = pruneIndex === null ? vocab.size + args.bucket : vocab.size + pruneIndex.size;
  if (input.rows !== inputRows) bad(`the input matrix has ${input.rows} rows, expected ${inputRows} (words + ${pruneIndex === null ? 'buckets' : 'kept buckets'})`);
  const outputRows = args.model === 'supervised' ? labels.size : vocab.size;
  if (output.rows !== outputRows) bad(`the output matrix has ${output.rows} rows, expected ${outputRows}`);
  if (pruneIndex !== null && input instanceof DenseMatrix) bad('a pruned dictionary needs a quantized input matrix (fastText rejects the combination)');
  if (output instanceof QuantizedMatrix && input instanceof DenseMatrix) bad('a quantized output matrix needs a quantized input matrix');
  if (pruneIndex) {
    for (const [b, row] of pruneIndex) {
      if (!(Number.isInteger(b) && b >= 0 && b < args.bucket && Number.isInteger(row) && row >= 0 && row < pruneIndex.size)) {
        bad(`prune index entry ${b} → ${row} is out of range`);
      }
    }
  }
  for (const v of [vocab, labels]) {
    for (let i = 0; i < v.size; i++) {
      const w = v.word(i);
      if (w.length === 0 || w.includes('\0')) bad(`entry ${JSON.stringify(w)} is empty or contains a NUL character`);
    }
  }
  if (data.version <= 11 && args.model === 'supervised') args.maxn = 0; // what such models meant: no n-grams
  if (data.version === LEGACY_FASTTEXT_VERSION && input instanceof DenseMatrix && vocab.has(EOS)) {
    // Legacy files gave `</s>` n-grams; current fastText averages only its own row. Store its full vector
    // in that row so fastText prints the same vector for it.
    const legacy = new FastTextSubwords({ vocab, pruneIndex, input, scheme: { minn: args.minn, maxn: args.maxn, bucket: args.bucket, legacy: true } });
    const eos = vocab.indexOf(EOS);
    const copy = new DenseMatrix(input.rows, input.dim, input.data.slice());
    copy.row(eos).set(legacy.meanOfRows(legacy.rowsForWordIndex(eos)));
    input = copy;
  }
  return { data, args, input, output };
}

function writeArgs(sink: ByteSink, a: FastTextArgs): void {
  for (const v of [a.dim, a.ws, a.epoch, a.minCount, a.neg, a.wordNgrams, LOSS_CODES[a.loss], MODEL_CODES[a.model], a.bucket, a.minn, a.maxn, a.lrUpdateRate]) {
    sink.int32(v);
  }
  sink.float64(a.t);
}

async function writeDictionary(sink: ByteSink, data: FastTextModelData): Promise<void> {
  const { vocab, labels, pruneIndex, rawWords } = data;
  sink.int32(vocab.size + labels.size);
  sink.int32(vocab.size);
  sink.int32(labels.size);
  sink.int64(Math.round(data.ntokens));
  sink.int64(pruneIndex === null ? -1 : pruneIndex.size);
  const entries: [Vocabulary, number, number][] = [
    [vocab, ENTRY_WORD, 0],
    [labels, ENTRY_LABEL, vocab.size],
  ];
  for (const [v, type, base] of entries) {
    for (let i = 0; i < v.size; i++) {
      sink.bytes(rawWords?.get(base + i) ?? utf8.encode(v.word(i)));
      sink.uint8(0);
      sink.int64(Math.round(v.count(i)));
      sink.uint8(type);
      if ((i & 4095) === 4095) await sink.flush();
    }
  }
  if (pruneIndex) {
    for (const [b, row] of pruneIndex) {
      sink.int32(b);
      sink.int32(row);
    }
  }
}

function writeQuantizer(sink: ByteSink, pq: ProductQuantizer): Promise<void> {
  sink.int32(pq.dim);
  sink.int32(pq.nsubq);
  sink.int32(pq.dsub);
  sink.int32(pq.lastdsub);
  return sink.large(pq.centroids);
}

async function writeMatrix(sink: ByteSink, m: FastTextMatrix): Promise<void> {
  if (m instanceof DenseMatrix) {
    sink.int64(m.rows);
    sink.int64(m.dim);
    await sink.large(m.data);
    return;
  }
  const q = m as QuantizedMatrix;
  sink.uint8(q.norms ? 1 : 0);
  sink.int64(q.rows);
  sink.int64(q.dim);
  sink.int32(q.codes.length);
  await sink.large(q.codes);
  await writeQuantizer(sink, q.pq);
  if (q.norms) {
    await sink.large(q.norms.codes);
    await writeQuantizer(sink, q.norms.pq);
  }
}
