import { lcgRandom } from '../../src/util/random.ts';

/**
 * The word model the server benches serve: `rows` seeded random vectors of `dim` named w0, w1, ..., prepared for
 * queries. Imported lazily, so a bench's driver process (which only sends requests) never loads the library.
 */
export async function randomWordModel(rows: number, dim: number, seed = 42) {
  const { Embeddings } = await import('../../src/vectors/embeddings.ts');
  const { Vocabulary } = await import('../../src/vocab/vocabulary.ts');
  const r = lcgRandom(seed);
  const vectors = new Float32Array(rows * dim);
  for (let i = 0; i < vectors.length; i++) vectors[i] = r() - 0.5;
  const emb = new Embeddings(new Vocabulary(Array.from({ length: rows }, (_, i) => `w${i}`)), vectors, dim);
  await emb.prepare();
  return emb;
}
