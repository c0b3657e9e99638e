import type { Embeddings, Neighbour } from '../vectors/embeddings.ts';

/**
 * "a is to b as c is to ?" = b − a + c, the convention of the analogy command and of evaluation files
 * (a=man, b=king, c=woman asks for king − man + woman). The explorer's /api/analogy and the examples it
 * offers both answer through this one function, so an offered example is answered as the page will ask it.
 */
export function solveAnalogy(emb: Embeddings, a: string, b: string, c: string, topn: number): Neighbour[] {
  return emb.mostSimilar({ positive: [b, c], negative: [a], topn });
}
