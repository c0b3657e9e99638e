import { z } from 'zod';
import { defineOptions, int, number, optional, resolveOptions, text, type Resolved, type ValueKind } from '../../train/option-schema.ts';

/** fastText's size suffixes (Args::getAutotuneModelSize): k/K thousand, m/M million, g/G billion bytes. */
const UNITS: Record<string, number> = { k: 1e3, m: 1e6, g: 1e9 };

/**
 * A model size as fastText's -autotune-modelsize spells it: a whole number of bytes, optionally followed by
 * k, m or g (either case: 1000, 1000², 1000³), as `2M` or `500K`; undefined when it is not one.
 */
function parseModelSize(value: string): number | undefined {
  const m = /^([0-9]+)([kKmMgG]?)$/.exec(value.trim());
  if (!m) return undefined;
  const bytes = Number(m[1]) * (m[2] ? UNITS[m[2].toLowerCase()] : 1);
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined;
}

/**
 * A size in bytes: a positive whole number, or (as the command line gives it) a string such as `2M`. The string
 * is parsed by the schema itself, so the library and the command line accept and refuse the same values.
 */
const modelSize = () => ({
  kind: { type: 'string' } as ValueKind,
  schema: z.union([
    z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
    z.string().transform((s, ctx) => parseModelSize(s) ?? (ctx.addIssue({ code: 'custom', message: 'not a size' }), z.NEVER)),
  ]) as unknown as z.ZodType<number>,
  expect: 'a positive whole number of bytes, or one with a k, m or g suffix (as 2M or 500K)',
});

/**
 * The options of fastText's autotune, declared once: validation names the option, and `train supervised` derives
 * its flags (fastText's -autotune-* names) from it.
 */
export const autotuneSchema = defineOptions({
  validation: { ...optional(text()), help: 'search the parameters (lr, epoch, dim, wordNgrams, bucket, minn/maxn, loss) that score best on these labelled lines, as fastText\'s autotune, then train with them; parameters given as flags stay fixed', cli: { flag: 'autotune-validation', value: '<file>' } },
  duration: { ...number('positive'), default: 300, help: 'time the search may take', cli: { flag: 'autotune-duration', value: '<seconds>' } },
  metric: { ...text(), default: 'f1', help: 'f1 (all labels) or f1:LABEL (one label)', cli: { flag: 'autotune-metric', value: '<metric>' } },
  predictions: { ...int(1), default: 1, help: 'labels predicted per validation line when scoring', cli: { flag: 'autotune-predictions', value: '<k>' } },
  modelSize: {
    ...optional(modelSize()),
    help: 'the final model must fit in this many bytes (as 2M or 500K): the search also picks the quantization (dsub, with cutoff, qnorm and retraining as fastText), scores each trial quantized, rejects those that do not fit, and writes an .ftz',
    cli: { flag: 'autotune-modelsize', value: '<size>' },
  },
});

export type ResolvedAutotuneOptions = Resolved<typeof autotuneSchema>;

/** Applies fastText's autotune defaults (300 s, f1, one prediction, no size limit), refusing bad values by option name. */
export function resolveAutotuneOptions(given: Record<string, unknown>): ResolvedAutotuneOptions {
  return resolveOptions(autotuneSchema, given);
}
