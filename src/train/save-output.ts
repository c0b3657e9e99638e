import { saveEmbeddings } from '../formats/index.ts';
import { writeFastTextBin } from '../formats/fasttext-bin-write.ts';
import type { Embeddings } from '../vectors/embeddings.ts';
import type { FastTextModel } from '../vectors/fasttext-model.ts';

/**
 * The save step of the trainers' `output` option, in one place: trainers return their vectors and model, and
 * write files only through here (formats sit below train, so this is an ordinary import).
 */
export type TrainedVectorsFormat = 'word2vec-text' | 'word2vec-binary' | 'glove-text' | 'fasttext-vec';

/** Writes vectors atomically in `format` (`header`: GloVe text starts with a "rows dim" line). */
export async function saveTrainedVectors(embeddings: Embeddings, path: string, format: TrainedVectorsFormat, header = false): Promise<void> {
  await saveEmbeddings(embeddings, path, { format, header });
}

/** Writes a fastText model as fastText's .bin, atomically. */
export async function saveTrainedFastTextModel(model: FastTextModel, path: string): Promise<void> {
  await writeFastTextBin(model, path);
}
