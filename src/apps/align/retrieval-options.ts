import { bool, defineOptions, int, optional, resolveOptions } from '../../train/option-schema.ts';

/**
 * The options of translate and evaluateBilingual, declared once: defaults (MUSE's k = 10), validation (errors name
 * the option) and the `translate` and `eval-bilingual` commands' flags.
 */
export const RETRIEVAL_OPTIONS = defineOptions({
  csls: { ...bool(), default: false, help: 'rank by CSLS (2·cos − r_T − r_S, as MUSE) rather than cosine' },
  k: { ...int(1, 1000), default: 10, help: 'CSLS neighbourhood size' },
  restrictVocab: { ...optional(int(1)), help: 'only the N most frequent target words are candidates, and CSLS neighbourhoods use the N most frequent of each space' },
  topn: { ...int(1, 100000), default: 5, help: 'translations per word' },
});

/** translate's and evaluateBilingual's options with defaults applied, each checked (an OptionError names the option). */
export function resolveRetrievalOptions(given: Record<string, unknown>) {
  return resolveOptions(RETRIEVAL_OPTIONS, given);
}
