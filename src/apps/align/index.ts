// The align application: cross-lingual alignment of word vector spaces; this file re-exports its modules for
// src/apps/index.ts.
export { alignSpaces, type Alignment, type AlignOptions, type AlignRound, type AlignWarning } from './align.ts';
export type { ChanceComparison } from './chance.ts';
export type { AlignSettings } from './align-options.ts';
export { readDictd, type DictdEntry } from './dictd.ts';
export { parseDictionary, readDictionary, resolvePairs, type ResolvedPairs, type ResolveLimits, type WordPair } from './dictionary.ts';
export { NORMALIZATIONS, type Normalization } from './normalize.ts';
export { evaluateBilingual, translate, translator, type BilingualEvalOptions, type BilingualEvaluation, type RetrievalOptions, type TranslateOptions, type Translation } from './translate.ts';
export { formatMatrix, saveMatrix } from './matrix-file.ts';
export { trainJointSpace, type JointSpace, type JointSpaceOptions } from './joint-space.ts';
export { mergeParallel, splitJointSpace, type LanguagePrefixes, type ParallelMerge, type ParallelMergeOptions, type SplitSpaces } from './parallel.ts';
export { BilingualEncoder, type BilingualEncoderOptions, type Side } from './bilingual-encoder.ts';
export { evaluateUnseenForms, type HeldOutForm, type UnseenFormsOptions, type UnseenFormsReport } from './unseen-forms.ts';
