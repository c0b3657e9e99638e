import type { Embeddings } from '../vectors/embeddings.ts';
import type { FastTextModel } from '../vectors/fasttext-model.ts';

/**
 * The save step of the trainers' `output` option, in one place: trainers return their vectors and model, and
 * write files only through here. The format writers are loaded on demand, so programs that only want the
 * vectors in memory never load them.
 */
export type TrainedVectorsFormat = 'word2vec-text' | 'word2vec-binary' | 'glove-text' | 'fasttext-vec';

/** Writes vectors atomically in `format` (`header`: GloVe text starts with a "rows dim" line). */
export async function saveTrainedVectors(embeddings: Embeddings, path: string, format: TrainedVectorsFormat, header = false): Promise<void> {
  const { saveEmbeddings } = await import('../formats/index.ts');
  await saveEmbeddings(embeddings, path, { format, header });
}

/** Writes a fastText model as fastText's .bin, atomically. */
export async function saveTrainedFastTextModel(model: FastTextModel, path: string): Promise<void> {
  const { writeFastTextBin } = await import('../formats/fasttext-bin.ts');
  await writeFastTextBin(model, path);
}
