import { saveEmbeddings } from '../formats/index.ts';
import { writeFastTextBin, writeFastTextBinStream } from '../formats/fasttext-bin-write.ts';
import { withAtomicWriteStream } from '../util/atomic-write.ts';
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

/**
 * Writes a fastText model as fastText's .bin, atomically. Not `durable`: the file is renamed into place once
 * complete but not synced to the disk first (as fastText, which does not sync): a crash or an interrupt never
 * leaves a half-written file, a power loss may lose the new one, and a large model saves seconds of the sync.
 */
export async function saveTrainedFastTextModel(model: FastTextModel, path: string, durable = true): Promise<void> {
  if (durable) await writeFastTextBin(model, path);
  else await withAtomicWriteStream(path, (out) => writeFastTextBinStream(model, out), 'the model', false);
}
