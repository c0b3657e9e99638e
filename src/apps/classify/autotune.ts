import { EmbedkitError, InvalidArgumentError } from '../../errors.ts';
import { trainFastTextSupervised, type SupervisedStats, type SupervisedTrainOptions } from '../../train/fasttext-supervised.ts';
import { resolveSupervisedOptions } from '../../train/supervised-options.ts';
import type { TrainingResult } from '../../train/result.ts';
import { writeFastTextBin } from '../../formats/fasttext-bin-write.ts';
import { assembleFastTextModel, type FastTextModel, type FastTextModelData } from '../../vectors/fasttext-model.ts';
import { resolveAutotuneOptions } from './autotune-options.ts';
import { quantizeWithin, type RetrainSettings } from './autotune-quantize.ts';
import { CUTOFF_LIMIT } from './quantize-size.ts';
import { AutotuneStrategy, type TunedName, type TunedParameters } from './autotune-strategy.ts';
import { testClassifier, type ClassifierTestResult } from './classifier-test.ts';
import { FastTextClassifier } from './fasttext-classifier.ts';

export type { TunedParameters } from './autotune-strategy.ts';

const TUNED: readonly TunedName[] = ['alpha', 'epochs', 'dim', 'wordNgrams', 'bucket', 'minn', 'maxn', 'loss'];

/** What autotuneFastTextSupervised needs beyond trainFastTextSupervised's options. */
export interface AutotuneOptions extends SupervisedTrainOptions {
  /** Labelled lines the trials are scored on (fastText's -autotune-validation). */
  validation: string;
  /** Seconds the search may take (fastText's -autotune-duration, default 300); the final training comes after. */
  duration?: number;
  /** `f1` (over all labels, fastText's default) or `f1:LABEL` (one label's F1). */
  metric?: string;
  /** Labels predicted per validation line when scoring (fastText's -autotune-predictions, default 1). */
  predictions?: number;
  /**
   * A size in bytes the final model must fit in (fastText's -autotune-modelsize; the option schema also takes
   * fastText's spelling, as `'2M'` or `'500K'`). Every trial is then quantized as fastText's autotune does (its
   * dsub searched too; qnorm; the rows that fit kept and retrained) and scored quantized; a trial that cannot fit
   * is rejected; the final model is quantized the same way and `output` gets an `.ftz`.
   */
  modelSize?: number;
  /**
   * Where the search starts for the parameters not given (fastText starts from its supervised defaults).
   * Parameters given among the options are kept as given; these may change.
   */
  start?: Partial<TunedParameters>;
  /** Called after each trial. */
  onTrial?: (trial: AutotuneTrial) => void;
}

/** One trial of the search. */
export interface AutotuneTrial {
  trial: number;
  parameters: TunedParameters;
  /** The metric on the validation lines; undefined when the trial did not finish (time out, too large, diverged). */
  score?: number;
  /** Why the trial has no score. */
  failed?: string;
  /** With modelSize: the bytes of the trial's quantized model. */
  bytes?: number;
  seconds: number;
}

/** The search's outcome and the model trained with the best parameters. */
export interface AutotuneResult extends TrainingResult<FastTextModel, SupervisedStats> {
  best: TunedParameters;
  score: number;
  trials: AutotuneTrial[];
  /** The final model's validation result. */
  validation: ClassifierTestResult;
  /** The file written, when `output` was given (PREFIX.bin, or PREFIX.ftz with modelSize). */
  written?: string;
  /** With modelSize: the bytes of the final (quantized) model's file. */
  bytes?: number;
}

/**
 * fastText's autotune metric on a test result: micro F1 (2PR/(P+R)) or one label's F1.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { corpusFromLines, trainFastTextSupervised } from 'embedkit/train';
 * import { FastTextClassifier, testClassifier, autotuneScore } from 'embedkit/apps';
 * const lines = Array.from({ length: 200 }, (_, i) => (i % 2 ? '__label__sport the match ended in a draw' : '__label__food fresh bread and soup'));
 * const { model } = await trainFastTextSupervised({ input: corpusFromLines(lines), dim: 10, threads: 1 });
 * writeFileSync('valid.txt', '__label__sport a draw\n__label__food bread\n');
 * const result = await testClassifier(new FastTextClassifier(model), 'valid.txt');
 * console.log(autotuneScore(result, 'f1'), autotuneScore(result, 'f1:__label__sport')); // micro F1, one label's F1
 * ```
 */
export function autotuneScore(r: ClassifierTestResult, metric: string): number {
  if (metric === 'f1') return r.precision + r.recall === 0 ? 0 : (2 * r.precision * r.recall) / (r.precision + r.recall);
  const label = metric.slice(3);
  const m = r.labels.find((l) => l.label === label);
  if (!m) throw new InvalidArgumentError(`metric ${metric}: the model has no label ${label}`);
  return Number.isFinite(m.f1) ? m.f1 : 0;
}

/**
 * fastText's autotune (`-autotune-validation`): trains classifiers on `input` with parameters chosen by
 * fastText's search strategy (AutotuneStrategy: first the starting point, then Gaussian perturbations of the best
 * so far, narrowing as the time runs out) over lr, epoch, dim, wordNgrams, bucket, minn/maxn and loss (softmax,
 * as fastText), scores each on `validation` by the metric, stops after `duration` seconds (a trial still running
 * then is aborted), and trains the final model with the best parameters (saved to `output` when given). Trials
 * that do not fit in memory or diverge are skipped, as fastText skips those that hit a NaN.
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { autotuneFastTextSupervised } from 'embedkit/apps';
 * const line = (i: number) => (i % 2 ? `__label__sport match ${i % 7} ended` : `__label__food bread ${i % 5} and soup`);
 * writeFileSync('train.txt', Array.from({ length: 300 }, (_, i) => line(i)).join('\n') + '\n');
 * writeFileSync('valid.txt', Array.from({ length: 50 }, (_, i) => line(i + 1)).join('\n') + '\n');
 * const r = await autotuneFastTextSupervised({ input: 'train.txt', validation: 'valid.txt', duration: 3, threads: 1, start: { dim: 10, bucket: 10000 } });
 * console.log(r.best, r.score, r.trials.length); // the best parameters, their F1 on valid.txt, trials run
 * ```
 */
export async function autotuneFastTextSupervised(options: AutotuneOptions): Promise<AutotuneResult> {
  const { validation, duration: _d, metric: _m, predictions: _p, modelSize: _s, start = {}, onTrial, signal, output, checkpoint, resume, onProgress, ...given } = options;
  const { duration, metric, predictions, modelSize } = resolveAutotuneOptions(options as unknown as Record<string, unknown>);
  if (metric !== 'f1' && !metric.startsWith('f1:')) throw new InvalidArgumentError(`metric must be f1 or f1:LABEL, got ${metric}`);
  if (checkpoint || resume) throw new InvalidArgumentError('autotune trains many models: checkpoint and resume do not apply');
  if (typeof given.input !== 'string') throw new InvalidArgumentError('autotune reads the input once per trial: give a file name');
  const fixed = new Set(TUNED.filter((name) => (given as Record<string, unknown>)[name] !== undefined));
  const defaults = resolveSupervisedOptions({ ...given, ...start });
  const first: TunedParameters = {
    alpha: defaults.alpha, epochs: defaults.epochs, dim: defaults.dim, wordNgrams: defaults.wordNgrams,
    // fastText keeps its bucket setting even when no n-gram uses it; the trainer drops unused buckets itself.
    bucket: given.bucket ?? start.bucket ?? 2_000_000, minn: defaults.minn, maxn: defaults.maxn, loss: defaults.loss,
    // With a size target the quantization's dsub is searched too, from fastText's default 2.
    ...(modelSize !== undefined ? { dsub: start.dsub ?? 2 } : {}),
  };
  const input = given.input;
  // Retraining after a cutoff uses the trial's epoch and lr, as fastText's quantize does.
  const quantized = (model: FastTextModelData, p: TunedParameters, abort?: AbortSignal) => {
    const retrain: RetrainSettings = { input, epochs: p.epochs, alpha: p.alpha, threads: defaults.threads, labelPrefix: defaults.labelPrefix };
    return quantizeWithin(model, modelSize!, p.dsub ?? 2, retrain, abort);
  };
  const strategy = new AutotuneStrategy(first, fixed, given.seed ?? 0);
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const trials: AutotuneTrial[] = [];
  let best: { parameters: TunedParameters; score: number } | undefined;
  let needs: number | undefined;
  while (elapsed() < duration) {
    signal?.throwIfAborted();
    const parameters = strategy.ask(Math.min(1, elapsed() / duration));
    const trialStart = performance.now();
    const timer = new AbortController();
    const timeout = setTimeout(() => timer.abort(new Error('time budget spent')), Math.max(0, (duration - elapsed()) * 1000));
    const trial: AutotuneTrial = { trial: trials.length + 1, parameters, seconds: 0 };
    try {
      const trialSignal = signal ? AbortSignal.any([signal, timer.signal]) : timer.signal;
      const { dsub: _, ...trained } = parameters;
      let { model }: { model: FastTextModelData } = await trainFastTextSupervised({ ...given, ...trained, signal: trialSignal });
      if (modelSize !== undefined) {
        const sized = await quantized(model, parameters, trialSignal);
        if ('tooLarge' in sized) {
          needs = Math.min(needs ?? Infinity, sized.needs);
          throw new EmbedkitError('autotune_model_too_large', sized.tooLarge);
        }
        model = sized.model;
        trial.bytes = sized.bytes;
      }
      trial.score = autotuneScore(await testClassifier(new FastTextClassifier(model, given.labelPrefix), validation, { k: predictions }), metric);
      if (best === undefined || trial.score > best.score) {
        best = { parameters, score: trial.score };
        strategy.updateBest(parameters);
      }
    } catch (err) {
      if (signal?.aborted) throw err;
      // Out of time, too large for memory or for the size target, diverged, or settings the trainer refuses: the search goes on.
      if (!(timer.signal.aborted || err instanceof EmbedkitError)) throw err;
      trial.failed = timer.signal.aborted ? 'aborted: the time budget ran out' : (err as Error).message;
    } finally {
      clearTimeout(timeout);
    }
    trial.seconds = (performance.now() - trialStart) / 1000;
    trials.push(trial);
    onTrial?.(trial);
  }
  if (!best && needs !== undefined) throw tooSmall(modelSize!, needs);
  if (!best) throw new EmbedkitError('autotune_no_trial', `no trial finished within ${duration} s: give autotune more time (duration)`);
  if (modelSize === undefined) {
    const final = await trainFastTextSupervised({ ...given, ...best.parameters, output, signal, onProgress });
    const result = await testClassifier(new FastTextClassifier(final.model, given.labelPrefix), validation, { k: predictions });
    const written = output === undefined ? undefined : output.toLowerCase().endsWith('.bin') ? output : `${output}.bin`;
    return { ...final, best: best.parameters, score: best.score, trials, validation: result, written };
  }
  const { dsub: _, ...trained } = best.parameters;
  const final = await trainFastTextSupervised({ ...given, ...trained, signal, onProgress });
  const sized = await quantized(final.model, best.parameters, signal);
  if ('tooLarge' in sized) throw tooSmall(modelSize, sized.needs);
  const model = assembleFastTextModel(sized.model);
  // fastText's -output names a prefix: with a size target it writes PREFIX.ftz.
  const written = output === undefined ? undefined : output.toLowerCase().endsWith('.ftz') ? output : `${output}.ftz`;
  if (written !== undefined) await writeFastTextBin(sized.model, written);
  const result = await testClassifier(new FastTextClassifier(sized.model, given.labelPrefix), validation, { k: predictions });
  return { model, embeddings: model.embeddings, stats: final.stats, best: best.parameters, score: best.score, trials, validation: result, written, bytes: sized.bytes };
}

/** No model fits: the error says how large the smallest one autotune could write was. */
function tooSmall(modelSize: number, needs: number): EmbedkitError {
  return new EmbedkitError('autotune_model_too_large', `no quantized model fits in modelSize ${modelSize} bytes: the smallest one autotune may write here (${CUTOFF_LIMIT + 1} input rows) takes ${needs} bytes; give a larger modelSize`);
}
