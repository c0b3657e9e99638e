import { createRequire } from 'node:module';

/** The part of apache-arrow's Bool data the IPC writer reads to lay out the values buffer. */
interface BoolData {
  nullCount: number;
  length: number;
  offset: number;
  values: unknown;
}

interface VectorAssemblerClass {
  prototype: { visitBool(this: unknown, data: BoolData): unknown };
}

const FIXED = Symbol.for('embedkit.arrow-null-booleans');

/**
 * apache-arrow up to 18 (the newest LanceDB 0.31 accepts) writes a Boolean array whose every value is null with an
 * empty values buffer, where the Arrow format requires ceil(length / 8) bytes whatever the nulls; LanceDB's reader
 * refuses such a batch ("Need at least 1 bytes for bitmap"). A batch of documents none of which has a boolean
 * metadata field that the collection has is such a batch. This makes the writer LanceDB uses lay out a zeroed
 * values buffer of the right size instead, as arrow-js itself does from apache/arrow-js#392 on: the validity
 * bitmap, written before, still marks every value null. Idempotent; a no-op if the writer is not where it is expected.
 */
export function writeNullBooleansWhole(): void {
  let assembler: VectorAssemblerClass | undefined;
  try {
    // The copy LanceDB requires (CommonJS), which is the one that writes the batches it reads.
    const fromLanceDb = createRequire(createRequire(import.meta.url).resolve('@lancedb/lancedb'));
    assembler = (fromLanceDb('apache-arrow/visitor/vectorassembler') as { VectorAssembler?: VectorAssemblerClass }).VectorAssembler;
  } catch {
    return;
  }
  const proto = assembler?.prototype as (VectorAssemblerClass['prototype'] & { [FIXED]?: true }) | undefined;
  if (!proto || typeof proto.visitBool !== 'function' || proto[FIXED]) return;
  const visitBool = proto.visitBool;
  proto.visitBool = function (data: BoolData) {
    if (data.length > 0 && data.nullCount >= data.length) {
      return visitBool.call(this, { nullCount: 0, length: data.length, offset: 0, values: new Uint8Array((data.length + 7) >> 3) });
    }
    return visitBool.call(this, data);
  };
  proto[FIXED] = true;
}
