import type { Command } from 'commander';
import { autotuneFastTextSupervised, type AutotuneResult } from '../../apps/classify/autotune.ts';
import { supervisedSchema, type SupervisedTrainOptions } from '../../train/fasttext-supervised.ts';
import { positiveInt, positiveNumber } from '../flag-values.ts';
import { passSummary, runTrainingCommand } from '../training-run.ts';

/** The autotune flags of `train supervised` (fastText's -autotune-* names). */
interface AutotuneFlags {
  autotuneValidation?: string;
  autotuneDuration: number;
  autotuneMetric: string;
  autotunePredictions: number;
  quiet?: boolean;
  json?: boolean;
}

/** Adds fastText's autotune flags to `train supervised`. */
export function addAutotuneFlags(cmd: Command): Command {
  return cmd
    .option('--autotune-validation <file>', 'search the parameters (lr, epoch, dim, wordNgrams, bucket, minn/maxn, loss) that score best on these labelled lines, as fastText\'s autotune, then train with them; parameters given as flags stay fixed')
    .option('--autotune-duration <seconds>', 'time the search may take', positiveNumber('--autotune-duration'), 300)
    .option('--autotune-metric <metric>', 'f1 (all labels) or f1:LABEL (one label)', 'f1')
    .option('--autotune-predictions <k>', 'labels predicted per validation line when scoring', positiveInt('--autotune-predictions'), 1);
}

const shown = (r: AutotuneResult) => Object.entries(r.best).map(([k, v]) => `${k} ${v}`).join(', ');

/** Runs the search and the final training when --autotune-validation is given; false otherwise. */
export async function autotuneIfAsked(flags: AutotuneFlags, options: SupervisedTrainOptions, binPath: string): Promise<boolean> {
  if (flags.autotuneValidation === undefined) return false;
  const validation = flags.autotuneValidation;
  await runTrainingCommand(
    flags,
    (signal, onProgress) =>
      autotuneFastTextSupervised({
        ...options,
        validation,
        duration: flags.autotuneDuration,
        metric: flags.autotuneMetric,
        predictions: flags.autotunePredictions,
        signal,
        onProgress,
        onTrial: (t) => {
          if (flags.quiet || flags.json) return;
          const p = t.parameters;
          const what = t.score !== undefined ? `${flags.autotuneMetric} ${t.score.toFixed(4)}` : t.failed;
          process.stderr.write(`trial ${t.trial}: lr ${p.alpha.toPrecision(3)} epoch ${p.epochs} dim ${p.dim} wordNgrams ${p.wordNgrams} bucket ${p.bucket} minn ${p.minn} maxn ${p.maxn} loss ${p.loss}: ${what} (${t.seconds.toFixed(1)} s)\n`);
        },
      }),
    (r, seconds, last) => ({
      json: { output: binPath, best: r.best, score: r.score, metric: flags.autotuneMetric, trials: r.trials, labels: r.model.labels.size, ...passSummary(seconds, last) },
      line: `best of ${r.trials.length} trials (${flags.autotuneMetric} ${r.score.toFixed(4)} on ${validation}): ${shown(r)}; trained with them and wrote ${binPath}`,
    }),
    supervisedSchema,
  );
  return true;
}
