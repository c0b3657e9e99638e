export { evaluateAnalogies, type AnalogyAnswer, type AnalogyOptions, type AnalogyResult, type AnalogySection } from './analogies.ts';
export { evaluateWordPairs, type WordPairsOptions, type WordPairsResult } from './word-pairs.ts';
export { pearson, spearman, rankData, type PearsonResult, type SpearmanResult } from './statistics.ts';
export type { AnalogyMethod } from './analogy-solver.ts';
