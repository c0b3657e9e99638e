import { join } from 'node:path';
import type { Embeddings } from '../../src/vectors/embeddings.ts';

/** Analogy accuracy (restrict_vocab 30000, gensim's evaluate_word_analogies) and WordSim-353 Spearman ρ. */
export async function scoreEmbeddings(emb: Embeddings, evalDir: string): Promise<{ analogy: number; ws353: number }> {
  const { evaluateAnalogies, evaluateWordPairs } = await import('../../src/eval/index.ts');
  const a = await evaluateAnalogies(emb, join(evalDir, 'questions-words.txt'), { restrictVocab: 30000 });
  const p = await evaluateWordPairs(emb, join(evalDir, 'wordsim353.tsv'));
  return { analogy: a.score, ws353: p.spearman.rho };
}

/** The same scores for a vectors file of any supported format. */
export async function scoreFile(path: string, evalDir: string): Promise<{ analogy: number; ws353: number }> {
  const { loadEmbeddings } = await import('../../src/formats/index.ts');
  return scoreEmbeddings(await loadEmbeddings(path, { format: 'auto' }), evalDir);
}
