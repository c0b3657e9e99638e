import { InvalidArgumentError } from '../../errors.ts';
import { fastTextViewsOf } from '../../kernels/fasttext-layout.ts';
import { resolveKernelChoice } from '../../kernels/native.ts';
import { openCorpus } from '../../text/corpus.ts';
import { whitespaceTokenizer } from '../../text/tokenize.ts';
import { createSupervisedTrainer, resolveSupervisedOptions } from '../../train/fasttext-supervised.ts';
import { encodeExamples } from '../../train/supervised-examples.ts';
import { unhealthyValue } from '../../train/divergence.ts';
import { unpad } from '../../train/rows.ts';
import { freshPosition, runChunkTraining } from '../../train/runner.ts';
import type { FastTextModelData } from '../../vectors/fasttext-model.ts';
import { DenseMatrix } from '../../vectors/fasttext-matrix.ts';
import { SupervisedInput } from '../../vectors/fasttext-supervised-input.ts';
import type { IdChunk } from '../../vocab/id-stream.ts';
import type { ResolvedQuantizeOptions } from './quantize-options.ts';

/** Ids per chunk, as the supervised trainer hands them out. */
const CHUNK_IDS = 131072;

/**
 * fastText's `quantize -retrain`: the pruned model (its kept input rows, remapped dictionary and buckets, and its
 * output rows) trained further on the training data for `epochs` passes from `alpha` down to 0, exactly as
 * supervised training runs (same kernel, loss and schedule) but with lines encoded through the pruned dictionary,
 * so words and n-grams that were cut contribute nothing. Returns the model with the new rows.
 */
export async function retrainPruned(model: FastTextModelData, o: ResolvedQuantizeOptions, signal?: AbortSignal): Promise<FastTextModelData> {
  const { args, vocab, labels, pruneIndex } = model;
  if (!(model.input instanceof DenseMatrix) || !(model.output instanceof DenseMatrix)) throw new InvalidArgumentError('retraining needs dense input and output matrices');
  const opts = resolveSupervisedOptions({
    dim: args.dim, loss: args.loss, negative: Math.max(1, args.neg), wordNgrams: args.wordNgrams, bucket: args.bucket, minn: args.minn, maxn: args.maxn,
    lrUpdateRate: args.lrUpdateRate, epochs: o.epochs, alpha: o.alpha, threads: o.threads,
  });
  const scheme = new SupervisedInput({ vocab, labels, labelPrefix: o.labelPrefix, wordNgrams: args.wordNgrams, bucket: args.bucket, minn: args.minn, maxn: args.maxn, pruneIndex });
  const corpus = await openCorpus(o.input!);
  try {
    // One pass to size the trainer (longest example) and count the schedule's tokens; its chunks are replayed.
    const chunks: IdChunk[] = [];
    let tokens = 0;
    let longest = 1;
    for await (const chunk of encodeExamples(corpus, scheme, CHUNK_IDS)) {
      chunks.push(chunk);
      tokens += chunk.words;
      let start = 0;
      for (const end of chunk.sentenceEnds) {
        longest = Math.max(longest, end - start);
        start = end;
      }
    }
    if (chunks.every((c) => c.sentenceEnds.length === 0)) throw new InvalidArgumentError(`${o.input}: no line has a label of the model and a word it kept`);
    const rows = model.input.rows;
    // The layout sizes the input matrix as words + bucket rows: here the kept buckets.
    const { layout, memory } = createSupervisedTrainer(vocab, labels, { ...opts, bucket: rows - vocab.size }, longest);
    const views = fastTextViewsOf(memory.buffer, layout);
    const stride = layout.rowFloats;
    for (let r = 0; r < rows; r++) views.input.set(model.input.row(r), r * stride);
    for (let r = 0; r < labels.size; r++) views.output.set(model.output.row(r), r * stride);
    const matrices = () => ({ input: { data: views.input, rows, stride }, output: { data: views.output, rows: labels.size, stride } });
    await runChunkTraining({ kernel: 'fasttext', layout, memory, kind: resolveKernelChoice(opts.kernel) }, opts, { signal }, {
      corpus,
      vocab,
      tokenizer: whitespaceTokenizer,
      maxSentenceLength: layout.shape.maxChunkWords,
      chunks: async function* replay() {
        yield* chunks;
      },
      wordsPerEpoch: tokens,
      budget: 'passes',
      emptyPass: 'stop',
      position: freshPosition(),
      save: () => Promise.reject(new InvalidArgumentError('retraining keeps no checkpoints')),
      unhealthy: () => unhealthyValue(matrices(), opts.dim),
    });
    return {
      ...model,
      input: new DenseMatrix(rows, args.dim, unpad(views.input, rows, args.dim, stride).slice()),
      output: new DenseMatrix(labels.size, args.dim, unpad(views.output, labels.size, args.dim, stride).slice()),
    };
  } finally {
    await corpus.close?.();
  }
}
