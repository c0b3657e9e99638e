import type { Command } from 'commander';
import type { AutotuneOptions, AutotuneResult } from '../../apps/classify/autotune.ts';
import { autotuneSchema } from '../../apps/classify/autotune-options.ts';
import type { SupervisedTrainOptions } from '../../train/fasttext-supervised.ts';
import { supervisedSchema } from '../../train/supervised-options.ts';
import { addOptionFlags, optionsFromFlags } from '../option-flags.ts';
import { passSummary, runTrainingCommand } from '../training-run.ts';

/** The flags of `train supervised` that autotune reads besides its options. */
interface AutotuneFlags {
  quiet?: boolean;
  json?: boolean;
}

/** Adds fastText's autotune flags (-autotune-validation, -autotune-duration, ..., -autotune-modelsize) to `train supervised`. */
export function addAutotuneFlags(cmd: Command): Command {
  return addOptionFlags(cmd, autotuneSchema);
}

const shown = (r: AutotuneResult) => Object.entries(r.best).map(([k, v]) => `${k} ${v}`).join(', ');

/**
 * Runs the search and the final training when --autotune-validation is given; false otherwise. `output` is the
 * --output flag: PREFIX.bin is written, or PREFIX.ftz with --autotune-modelsize (as fastText).
 */
export async function autotuneIfAsked(flags: AutotuneFlags & Record<string, unknown>, options: SupervisedTrainOptions, output: string): Promise<boolean> {
  const tune = optionsFromFlags(autotuneSchema, flags) as Partial<AutotuneOptions>;
  if (tune.validation === undefined) return false;
  const validation = tune.validation;
  const metric = tune.metric ?? 'f1';
  await runTrainingCommand(
    flags,
    async (signal, onProgress) =>
      (await import('../../apps/classify/autotune.ts')).autotuneFastTextSupervised({
        ...options,
        ...tune,
        validation,
        output,
        signal,
        onProgress,
        onTrial: (t) => {
          if (flags.quiet || flags.json) return;
          const p = t.parameters;
          const what = t.score !== undefined ? `${metric} ${t.score.toFixed(4)}${t.bytes !== undefined ? `, ${t.bytes} bytes quantized` : ''}` : t.failed;
          const dsub = p.dsub !== undefined ? ` dsub ${p.dsub}` : '';
          process.stderr.write(`trial ${t.trial}: lr ${p.alpha.toPrecision(3)} epoch ${p.epochs} dim ${p.dim} wordNgrams ${p.wordNgrams} bucket ${p.bucket} minn ${p.minn} maxn ${p.maxn} loss ${p.loss}${dsub}: ${what} (${t.seconds.toFixed(1)} s)\n`);
        },
      }),
    (r, seconds, last) => ({
      json: { output: r.written, ...(r.bytes !== undefined ? { bytes: r.bytes } : {}), best: r.best, score: r.score, metric, trials: r.trials, labels: r.model.labels.size, ...passSummary(seconds, last) },
      line: `best of ${r.trials.length} trials (${metric} ${r.score.toFixed(4)} on ${validation}): ${shown(r)}; trained with them and wrote ${r.written}${r.bytes !== undefined ? ` (${r.bytes} bytes, quantized)` : ''}`,
    }),
    { ...supervisedSchema, ...autotuneSchema },
  );
  return true;
}
