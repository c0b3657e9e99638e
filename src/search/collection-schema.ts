import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Connection, Table } from '@lancedb/lancedb';
import type { Field, Schema } from 'apache-arrow';
import { InvalidArgumentError } from '../errors.ts';
import { openEncoder } from '../encoders/open-encoder.ts';
import { RECORD_KEY, recordedModel, type CollectionRecord } from './collection-record.ts';
import type { OpenCollectionOptions } from './collection-types.ts';
import type { FieldType } from './filter.ts';
import { loadLanceDb, type Arrow } from './lancedb.ts';
import { withWriteLock } from './write-lock.ts';

// A collection's LanceDB table: its name, its columns, the metadata columns beside them, and its creation.

/** The LanceDB table that holds a collection's passages, inside the collection's directory. */
export const TABLE = 'chunks';
/**
 * Metadata key K is stored in column `m_K`, so keys never clash with the collection's own columns; a `.` (which
 * LanceDB reads as a struct path), `%` and a backquote are written as %XX.
 */
const META_PREFIX = 'm_';
export const columnOfField = (key: string) => META_PREFIX + key.replace(/[%.`]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
const fieldOfColumn = (column: string) => column.slice(META_PREFIX.length).replace(/%([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
/** The collection's write lock (write-lock.ts), in its directory. */
export const LOCK_FILE = '.embedkit-write.lock';

const fieldTypeOfArrow = (f: Field): FieldType | undefined => {
  const t = String(f.type);
  if (t === 'Utf8' || t === 'LargeUtf8') return 'string';
  if (t.startsWith('Float') || t.startsWith('Int') || t.startsWith('Uint')) return 'number';
  if (t === 'Bool') return 'boolean';
  return undefined;
};

/** Metadata fields and their types, from the table's columns. */
export function metadataFields(schema: Schema): Map<string, FieldType> {
  const out = new Map<string, FieldType>();
  for (const f of schema.fields) {
    if (!f.name.startsWith(META_PREFIX)) continue;
    const t = fieldTypeOfArrow(f);
    if (t) out.set(fieldOfColumn(f.name), t);
  }
  return out;
}

/** The SQL type of a metadata field's column, as a new column is declared. */
export const SQL_TYPE: Record<FieldType, string> = { string: 'STRING', number: 'DOUBLE', boolean: 'BOOLEAN' };
export const quoteColumn = (name: string) => `\`${name}\``;

/** The filterable type of a metadata value; undefined for values kept in the metadata only. */
export function metadataType(key: string, value: unknown): FieldType | undefined {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InvalidArgumentError(`metadata field ${JSON.stringify(key)} is ${value}; numbers must be finite`);
    return 'number';
  }
  if (typeof value === 'boolean') return 'boolean';
  return undefined; // null, arrays and objects are kept in the document's metadata but cannot be filtered on
}

/** A metadata value as its column holds it: null for values that cannot be filtered on. */
export function columnValue(value: unknown): unknown {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : null;
}

/** Creates the collection's table with the encoder's record, under the write lock on local disk. */
export async function createTable(db: Connection, path: string, local: boolean, options: OpenCollectionOptions): Promise<Table> {
  const encoder = options.encoder ?? (await openEncoder(options.model!, { ...options.encoderOptions, pooling: options.pooling }));
  const record: CollectionRecord = {
    format: 1,
    encoder: {
      ...(options.model !== undefined ? { model: recordedModel(options.model) } : {}),
      ...(options.pooling !== undefined ? { pooling: options.pooling } : {}),
      id: encoder.id,
      dim: encoder.dim,
    },
    createdAt: new Date().toISOString(),
  };
  const { arrow } = await loadLanceDb();
  const schema = baseSchema(arrow, encoder.dim, record);
  const create = async () => {
    const names = await db.tableNames();
    // Another process may have created it while this one waited for the lock: open theirs (the record is checked).
    if (names.includes(TABLE)) return db.openTable(TABLE);
    return db.createEmptyTable(TABLE, schema);
  };
  if (!local) return create();
  mkdirSync(path, { recursive: true });
  return withWriteLock(join(path, LOCK_FILE), create);
}

function baseSchema(arrow: Arrow, dim: number, record: CollectionRecord): Schema {
  const { Field, Schema, Utf8, Int32, Float32, FixedSizeList } = arrow;
  return new Schema(
    [
      new Field('id', new Utf8(), false),
      new Field('doc_id', new Utf8(), false),
      new Field('chunk', new Int32(), false),
      new Field('text', new Utf8(), false),
      new Field('hash', new Utf8(), false),
      new Field('metadata', new Utf8(), false),
      new Field('vector', new FixedSizeList(dim, new Field('item', new Float32(), true)), false),
    ],
    new Map([[RECORD_KEY, JSON.stringify(record)]]),
  );
}
