import { Vocabulary } from '../vocab/vocabulary.ts';
import { openCheckpointFile, refuseChangedSettings, writeCheckpointFile, type CheckpointFile, type StridedMatrix } from './checkpoint-file.ts';

/**
 * One trainer's checkpoint in the checkpoint container (checkpoint-file.ts): its magic line, a header with the
 * settings a resumed run must share, the position training stopped at, the vocabulary (words and counts),
 * then the named matrices in a fixed order (a matrix a configuration does not use is stored empty).
 */
export interface CheckpointHeader<S, P> {
  settings: S;
  position: P;
  words: string[];
  counts: number[];
}

/** A checkpoint opened for resuming: settings checked, vocabulary rebuilt, matrices still in the file. */
export interface OpenedCheckpoint<S, P> {
  file: CheckpointFile<CheckpointHeader<S, P>>;
  settings: S;
  position: P;
  vocab: Vocabulary;
}

export interface TrainerCheckpoint<S extends object, P> {
  save(path: string, c: { settings: S; position: P; vocab: Vocabulary; dim: number; matrices: Record<string, StridedMatrix | undefined> }): Promise<void>;
  /** Opens `path`; with `now`, refuses it when it was written with other settings (naming each). */
  open(path: string, now?: S): Promise<OpenedCheckpoint<S, P>>;
}

/** The checkpoint of trainer `kind` (named in errors), starting with `magic`, holding `matrices` in this order. */
export function trainerCheckpoint<S extends object, P>(magic: string, kind: string, matrices: readonly string[]): TrainerCheckpoint<S, P> {
  return {
    async save(path, c) {
      const header: CheckpointHeader<S, P> = { settings: c.settings, position: c.position, words: c.vocab.words, counts: Array.from(c.vocab.counts) };
      await writeCheckpointFile(
        path,
        magic,
        header,
        c.dim,
        matrices.map((name) => [name, c.matrices[name]]),
      );
    },
    async open(path, now) {
      const file = await openCheckpointFile<CheckpointHeader<S, P>>(path, magic, kind, matrices);
      try {
        if (now) refuseChangedSettings(path, file.header.settings, now);
      } catch (err) {
        await file.close();
        throw err;
      }
      const { settings, position, words, counts } = file.header;
      return { file, settings, position, vocab: new Vocabulary(words, counts) };
    },
  };
}
