import { FormatError, InvalidArgumentError } from '../errors.ts';
import { Vocabulary } from '../vocab/vocabulary.ts';
import { openCheckpointFile, refuseChangedSettings, writeCheckpointFile, type CheckpointFile, type StridedMatrix } from './checkpoint-file.ts';
import { describeCorpus, type CorpusFingerprint } from './corpus-fingerprint.ts';

/**
 * One trainer's checkpoint in the checkpoint container (checkpoint-file.ts): its magic line, a header with the
 * settings a resumed run must share, the position training stopped at and the corpus's fingerprint; then the
 * sections `words` and `counts` (the vocabulary, as JSON arrays) and the named matrices in a fixed order (a
 * matrix a configuration does not use is stored empty).
 * Opening checks every field before anything is trained: the settings' types, the position's ranges (the
 * trainer's `checkPosition`), the vocabulary, each matrix's length against the settings, and, when resuming,
 * the settings and the corpus against this run's. A refusal is a FormatError naming the file and the field.
 */
export interface CheckpointHeader<S, P> {
  settings: S;
  position: P;
  corpus: CorpusFingerprint | null;
}

/** A checkpoint opened for resuming: settings checked, vocabulary rebuilt, matrices still in the file. */
export interface OpenedCheckpoint<S, P> {
  file: CheckpointFile<CheckpointHeader<S, P>>;
  settings: S;
  position: P;
  vocab: Vocabulary;
}

/** What this run is: a checkpoint is resumed only when its settings and corpus are this run's. */
export interface ResumingRun<S> {
  settings: S;
  /** This run's corpus (undefined: not checked, for callers that only inspect a checkpoint). */
  corpus?: CorpusFingerprint | null;
}

/** Reports a bad field; never returns. */
export type FieldCheck = (field: string, problem: string) => never;

/** What a trainer knows about its own checkpoints. */
export interface CheckpointRules<S, P> {
  /** The matrices in file order. */
  matrices: readonly string[];
  /** Float count each matrix must hold for these settings and a vocabulary of `words` words. */
  matrixFloats(settings: S, words: number): Record<string, number>;
  /** Checks every field of the position against the settings and vocabulary (calling `bad` on the first wrong one). */
  checkPosition(position: P, settings: S, vocab: Vocabulary, bad: FieldCheck): void;
}

export interface TrainerCheckpoint<S extends object, P> {
  save(path: string, c: { settings: S; position: P; vocab: Vocabulary; corpus: CorpusFingerprint | null; dim: number; matrices: Record<string, StridedMatrix | undefined> }): Promise<void>;
  /** Opens `path` and checks it; with `run`, refuses it when it was written with other settings (naming each) or for another corpus. */
  open(path: string, run?: ResumingRun<S>): Promise<OpenedCheckpoint<S, P>>;
}

/** Settings every trainer records and the container relies on. */
const COMMON_SETTINGS = ['dim', 'epochs', 'chunkWords'] as const;

/** The checkpoint of trainer `kind` (named in errors), starting with `magic`, following `rules`. */
export function trainerCheckpoint<S extends object, P>(magic: string, kind: string, rules: CheckpointRules<S, P>): TrainerCheckpoint<S, P> {
  return {
    async save(path, c) {
      const header: CheckpointHeader<S, P> = { settings: c.settings, position: c.position, corpus: c.corpus };
      await writeCheckpointFile(path, magic, header, c.dim, [
        ['words', { bytes: Buffer.from(JSON.stringify(c.vocab.words), 'utf8') }],
        ['counts', { bytes: Buffer.from(JSON.stringify(Array.from(c.vocab.counts)), 'utf8') }],
        ...rules.matrices.map((name): [string, { matrix: StridedMatrix | undefined }] => [name, { matrix: c.matrices[name] }]),
      ]);
    },
    async open(path, run) {
      const file = await openCheckpointFile<CheckpointHeader<S, P>>(path, magic, kind, ['words', 'counts', ...rules.matrices]);
      try {
        const bad: FieldCheck = (field, problem) => {
          throw new FormatError(`${kind} checkpoint field ${field} ${problem}`, { file: path });
        };
        const { settings, position, corpus } = file.header as Partial<CheckpointHeader<S, P>>;
        if (!isObject(settings)) bad('settings', 'is missing');
        if (!isObject(position)) bad('position', 'is missing');
        for (const k of COMMON_SETTINGS) {
          const v = (settings as Record<string, unknown>)[k];
          if (!Number.isSafeInteger(v) || (v as number) < 1) bad(`settings.${k}`, `is ${JSON.stringify(v)}, not a positive integer`);
        }
        if (corpus !== null && !(isObject(corpus) && Number.isSafeInteger(corpus.bytes) && corpus.bytes >= 0 && typeof corpus.sample === 'string')) bad('corpus', 'is not a corpus fingerprint');
        const vocab = await readVocabulary(file, bad);
        const expected = rules.matrixFloats(settings as S, vocab.size);
        for (const name of rules.matrices) {
          if (file.lengths[name] !== expected[name]) bad(`sections.${name}`, `holds ${file.lengths[name]} floats, expected ${expected[name]} for ${vocab.size} words and these settings`);
        }
        rules.checkPosition(position as P, settings as S, vocab, (field, problem) => bad(`position.${field}`, problem));
        if (run) {
          refuseChangedSettings(path, settings as S, run.settings);
          if (run.corpus !== undefined && JSON.stringify(corpus) !== JSON.stringify(run.corpus)) {
            throw new InvalidArgumentError(`cannot resume ${path}: it was written for ${describeCorpus(corpus as CorpusFingerprint | null)}, and this corpus is ${describeCorpus(run.corpus)}; resume on the same corpus, or start the training again`);
          }
        }
        return { file, settings: settings as S, position: position as P, vocab };
      } catch (err) {
        await file.close();
        throw err;
      }
    },
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The vocabulary from the sections `words` and `counts`: as many distinct words as finite, non-negative counts. */
async function readVocabulary(file: CheckpointFile<unknown>, bad: FieldCheck): Promise<Vocabulary> {
  const parse = async (name: string): Promise<unknown> => {
    try {
      return JSON.parse((await file.bytes(name)).toString('utf8'));
    } catch (err) {
      if (err instanceof FormatError) throw err;
      return bad(name, 'is not valid JSON');
    }
  };
  const words = await parse('words');
  const counts = await parse('counts');
  if (!Array.isArray(words) || words.length === 0 || !words.every((w) => typeof w === 'string' && w.length > 0)) bad('words', 'is not a list of words');
  if (!Array.isArray(counts) || counts.length !== (words as string[]).length) bad('counts', `does not hold one count per word (${(words as string[]).length})`);
  const at = (counts as unknown[]).findIndex((c) => typeof c !== 'number' || !Number.isFinite(c) || c < 0);
  if (at >= 0) bad(`counts[${at}]`, `is ${JSON.stringify((counts as unknown[])[at])}, not a count`);
  const vocab = new Vocabulary(words as string[], counts as number[]);
  if (vocab.distinctSize !== vocab.size) bad('words', 'lists a word twice');
  return vocab;
}

/** Checks that `value` is an integer within [min, max], naming `field` otherwise. */
export function checkInteger(bad: FieldCheck, field: string, value: unknown, min: number, max: number, why = ''): void {
  if (!Number.isSafeInteger(value)) bad(field, `is ${JSON.stringify(value)}, not an integer`);
  if ((value as number) < min || (value as number) > max) bad(field, `is ${value as number}, outside ${min}..${max}${why}`);
}

/** Checks the random states of the worker slots: 32-bit integers. */
export function checkRng(bad: FieldCheck, value: unknown): void {
  if (!Array.isArray(value)) bad('rng', 'is not a list of random states');
  (value as unknown[]).forEach((v, i) => checkInteger(bad, `rng[${i}]`, v, -(2 ** 31), 2 ** 32 - 1));
}
