import { bool, defineOptions, int, number, OptionError, optional, resolveOptions, text, type Resolved } from '../../train/option-schema.ts';
import { threadsOption } from '../../train/shared-options.ts';

/**
 * The options of quantizeFastTextModel with `fasttext quantize`'s defaults (dsub 2, no cutoff, no retraining;
 * retraining with fastText's default lr 0.05 and 5 epochs), declared once: validation names the option, and the
 * `quantize` command derives its flags (fastText's names are aliases) from it.
 */
export const quantizeSchema = defineOptions({
  dsub: { ...int(1, 10_000), default: 2, help: 'coordinates per sub-vector: each slice of dsub coordinates of a row becomes one byte' },
  qnorm: { ...bool(), default: false, help: 'quantize each row\'s norm separately (rows are divided by it before the product quantization)' },
  qout: { ...bool(), default: false, help: 'quantize the output (label) matrix too (needs at least 256 labels)' },
  cutoff: { ...int(0), default: 0, help: 'keep only the input rows (words and n-gram buckets) with the largest norms, this many; 0 keeps all' },
  retrain: { ...bool(), default: false, help: 'after cutoff, fine-tune the kept rows on the training data (input) before quantizing' },
  input: { ...optional(text()), help: 'the training data, for retrain', cli: { value: '<file>' } },
  epochs: { ...int(1), default: 5, help: 'retrain: passes over the training data', cli: { aliases: ['epoch'] } },
  alpha: { ...number('positive'), default: 0.05, help: 'retrain: starting learning rate, decayed linearly to 0', cli: { value: '<rate>', aliases: ['lr'] } },
  threads: threadsOption(),
  labelPrefix: { ...text(), default: '__label__', help: 'prefix that marks a token as a label (retraining and testing)', cli: { flag: 'label', value: '<prefix>' } },
});

/** quantizeFastTextModel's settings (quantizeSchema's help texts say more). */
export interface QuantizeSettings {
  /** Coordinates per sub-vector (default 2). */
  dsub?: number;
  /** Quantize the row norms separately (default false). */
  qnorm?: boolean;
  /** Quantize the output matrix too (default false; needs at least 256 labels). */
  qout?: boolean;
  /** Keep this many input rows, those with the largest norms (default 0: all). */
  cutoff?: number;
  /** Fine-tune the kept rows on `input` before quantizing (default false). */
  retrain?: boolean;
  /** Training data for retrain. */
  input?: string;
  /** Retrain passes (default 5). */
  epochs?: number;
  /** Retrain starting learning rate (default 0.05). */
  alpha?: number;
  /** Retrain threads (default every core). */
  threads?: number;
  /** Retrain: the prefix that marks a token as a label (default `__label__`). */
  labelPrefix?: string;
}

export type ResolvedQuantizeOptions = Resolved<typeof quantizeSchema>;

/** Applies fastText's quantize defaults and refuses combinations it would not honour, naming the option. */
export function resolveQuantizeOptions(o: QuantizeSettings): ResolvedQuantizeOptions {
  const r = resolveOptions(quantizeSchema, o as Record<string, unknown>);
  if (r.retrain && r.cutoff === 0) throw new OptionError('retrain', 'retrain fine-tunes the rows a cutoff keeps: set cutoff too');
  if (r.retrain && r.input === undefined) throw new OptionError('input', 'retrain needs the training data: set input');
  return r;
}
