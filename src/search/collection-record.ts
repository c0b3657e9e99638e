import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { EmbedkitError, InvalidArgumentError } from '../errors.ts';
import type { Encoder } from '../encoders/encoder.ts';
import { encoderSpecKind } from '../encoders/open-encoder.ts';
import type { Pooling } from '../encoders/static.ts';
import type { TransformerPooling } from '../encoders/transformer-model-dir.ts';

/**
 * What a collection records about the encoder that made its vectors, in its own table metadata, so that every
 * later writer and reader embeds with the same model: a vector from another model lives in another space, and
 * mixing them gives plausible-looking nonsense rather than an error.
 */
export interface CollectionEncoderRecord {
  /** The model spec openEncoder took (an absolute path for local files), or absent when an opened Encoder was given. */
  model?: string;
  /** The pooling asked for, when one was (absent: the model's own default). */
  pooling?: Pooling | TransformerPooling;
  /** The encoder's id. */
  id: string;
  /** Length of every vector. */
  dim: number;
}

export interface CollectionRecord {
  /** Layout version of the collection's table. */
  format: 1;
  encoder: CollectionEncoderRecord;
  /** When the collection was created (ISO 8601). */
  createdAt: string;
}

/** The key of the table's schema metadata that holds the record. */
export const RECORD_KEY = 'embedkit.collection';

/** A collection that does not exist where one was asked for. */
export class CollectionNotFoundError extends EmbedkitError {
  /** The collection's path as the caller gave it. */
  readonly path: string;
  constructor(path: string, message: string) {
    super('not_found', message);
    this.name = 'CollectionNotFoundError';
    this.path = path;
  }
}

/** A collection asked to take vectors from an encoder other than the one it was made with. */
export class EncoderMismatchError extends EmbedkitError {
  constructor(message: string) {
    super('encoder_mismatch', message);
    this.name = 'EncoderMismatchError';
  }
}

/** A model spec as recorded: local files by absolute path (so the collection reopens from any directory). */
export function recordedModel(spec: string): string {
  if (encoderSpecKind(spec) === 'remote') return spec;
  return existsSync(spec) ? resolve(spec) : spec;
}

export function describeEncoder(e: CollectionEncoderRecord): string {
  return `${e.model ?? e.id}${e.pooling ? ` (pooling ${e.pooling})` : ''}, dim ${e.dim}`;
}

export function parseRecord(text: string | undefined, path: string): CollectionRecord {
  let record: CollectionRecord | undefined;
  try {
    record = text === undefined ? undefined : (JSON.parse(text) as CollectionRecord);
  } catch {
    record = undefined;
  }
  if (!record || record.format !== 1 || typeof record.encoder?.dim !== 'number') {
    throw new InvalidArgumentError(`${path} holds a LanceDB table that is not an embedkit collection (no readable ${RECORD_KEY} record)`);
  }
  return record;
}

/** Refuses a model or encoder that differs from the one the collection records. */
export function checkSameEncoder(path: string, stored: CollectionEncoderRecord, model: string | undefined, pooling: string | undefined, encoder: Encoder | undefined): void {
  const refuse = (given: string) => {
    throw new EncoderMismatchError(`collection ${path} holds vectors of ${describeEncoder(stored)}; it cannot take vectors of ${given}: search and add with the collection's own model, or make a new collection`);
  };
  if (model !== undefined) {
    const m = recordedModel(model);
    if (stored.model === undefined) {
      if (stored.id !== undefined && encoder === undefined) refuse(`${m} (the collection was made with an opened encoder, ${stored.id}: pass it as encoder)`);
    } else if (m !== stored.model || (pooling ?? undefined) !== (stored.pooling ?? undefined)) {
      refuse(`${m}${pooling ? ` (pooling ${pooling})` : ''}`);
    }
  }
  if (encoder !== undefined) {
    if (encoder.dim !== stored.dim) refuse(`${encoder.id}, dim ${encoder.dim}`);
    // An opened encoder is named by its id; for one opened from the recorded spec the spec has already been compared.
    if (model === undefined && stored.model === undefined && encoder.id !== stored.id) refuse(`${encoder.id}, dim ${encoder.dim}`);
  }
}
