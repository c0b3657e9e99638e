import { InvalidArgumentError } from '../errors.ts';
import { Embeddings } from '../vectors/embeddings.ts';
import { fastTextModelFromEmbeddings, LEGACY_FASTTEXT_VERSION, type FastTextArgs, type FastTextModelData } from '../vectors/fasttext-model.ts';
import { DenseMatrix, QuantizedMatrix, type FastTextMatrix, type ProductQuantizer } from '../vectors/fasttext-matrix.ts';
import { EOS, FastTextSubwords } from '../vectors/subwords.ts';
import { withAtomicWriteStream } from '../util/atomic-write.ts';
import type { Vocabulary } from '../vocab/vocabulary.ts';
import type { Writable } from 'node:stream';
import { ByteSink } from './fasttext-bin-io.ts';
import { ENTRY_LABEL, ENTRY_WORD, FASTTEXT_MAGIC, FASTTEXT_VERSION, LOSS_CODES, MODEL_CODES, requireLittleEndian } from './fasttext-bin-layout.ts';

/** Writing fastText `.bin` model files (layout in fasttext-bin-layout.ts). */

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
