import { buildHuffmanTree } from '../vocab/huffman.ts';
import type { Vocabulary } from '../vocab/vocabulary.ts';
import { supervisedEstimate } from './fasttext-supervised.ts';
import type { MemoryEstimate } from './memory.ts';
import { resolveSupervisedOptions, type SupervisedTrainOptions } from './supervised-options.ts';

/** What estimateMemory needs beyond the supervised settings: the labels (their counts shape the hs tree). */
export interface SupervisedEstimateOptions extends Omit<SupervisedTrainOptions, 'input'> {
  /** The labels, with counts (loss hs builds its tree from them), or how many there are. Default 2. */
  labels?: Vocabulary | number;
  /** Input rows of the longest line (a chunk holds at most one beyond its size). Default 1024. */
  longestExample?: number;
}

/**
 * The memory trainFastTextSupervised allocates for `vocab` (words, then opts.bucket n-gram rows) and the labels:
 * the same estimate the trainer checks against the 4 GiB limit after its dictionary pass.
 */
export function estimateSupervisedMemory(options: SupervisedEstimateOptions, vocab: Vocabulary): MemoryEstimate {
  const { labels = 2, longestExample = 1024, ...settings } = options;
  const opts = resolveSupervisedOptions(settings);
  const count = typeof labels === 'number' ? labels : labels.size;
  // Huffman codes of the label tree (loss hs): from the counts when given, else a balanced tree's.
  const huffmanBits = opts.loss !== 'hs' ? 0 : typeof labels === 'number' ? count * Math.ceil(Math.log2(Math.max(2, count))) : buildHuffmanTree(labels.counts).codes.length;
  return supervisedEstimate(opts, vocab.size, count, huffmanBits, longestExample);
}
