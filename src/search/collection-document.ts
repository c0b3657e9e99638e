import { InvalidArgumentError } from '../errors.ts';
import type { AddDocument } from './collection-types.ts';

/** Refuses a document add() cannot store, naming it by its 1-based position in the input. */
export function checkDocument(doc: AddDocument, position: number, dim: number, path: string): void {
  if (doc === null || typeof doc !== 'object' || typeof doc.text !== 'string') {
    throw new InvalidArgumentError(`document ${position + 1} has no text (a document is { id?, text, metadata? })`);
  }
  if (doc.id !== undefined && (typeof doc.id !== 'string' || doc.id === '')) throw new InvalidArgumentError(`document ${position + 1} has an id that is not a non-empty string`);
  if (doc.metadata !== undefined && (doc.metadata === null || typeof doc.metadata !== 'object' || Array.isArray(doc.metadata))) {
    throw new InvalidArgumentError(`document ${position + 1}: metadata must be an object of fields`);
  }
  for (const key of Object.keys(doc.metadata ?? {})) {
    if (key === '') throw new InvalidArgumentError(`document ${position + 1}: a metadata field has an empty name`);
  }
  if (doc.vector !== undefined) {
    const v = doc.vector as unknown;
    if (!(v instanceof Float32Array) && !(Array.isArray(v) && v.every((x) => typeof x === 'number'))) {
      throw new InvalidArgumentError(`document ${position + 1}: vector must be a Float32Array or an array of numbers`);
    }
    if (doc.vector.length !== dim) throw new InvalidArgumentError(`document ${position + 1} has a vector of dim ${doc.vector.length}, but collection ${path} holds dim ${dim}`);
    for (const x of doc.vector) if (!Number.isFinite(x)) throw new InvalidArgumentError(`document ${position + 1}: its vector holds ${x}; every value must be finite`);
  }
}
