import assert from 'node:assert/strict';
import { join } from 'node:path';
import { chunkText } from '../../src/search/chunking.ts';
import { openCollection, type AddDocument } from '../../src/search/index.ts';
import { documentsOf, fileKind } from '../../src/search/ingest-files.ts';
import { contentHash } from '../../src/search/content-hash.ts';
import { readFileSync } from 'node:fs';

/** The documents ingestFiles makes of `files`, with their ids, as the child ingests them (chunks of 40 with overlap 10). */
export function expectedDocuments(files: string[]): Map<string, { doc: AddDocument; chunks: string[] }> {
  const out = new Map<string, { doc: AddDocument; chunks: string[] }>();
  for (const f of files) {
    for (const doc of documentsOf(f, readFileSync(f, 'utf8'), fileKind(f), 'lines')) {
      const id = doc.id ?? contentHash(doc.text);
      out.set(id, { doc, chunks: chunkText(doc.text, { maxTokens: 40, overlapTokens: 10 }).map((c) => c.text) });
    }
  }
  return out;
}

/**
 * Checks that a collection holds only whole documents: every stored document has exactly its passages (ids
 * docId#0..n-1, the texts chunking gives), no passage is duplicated, and the table's row count agrees. Returns the
 * document ids stored.
 */
export async function checkConsistent(dir: string, name: string, expected: Map<string, { doc: AddDocument; chunks: string[] }>): Promise<Set<string>> {
  const c = await openCollection(join(dir, name));
  const info = await c.info();
  const stored = await c.get([...expected.keys()]);
  const byDoc = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const p of stored) {
    assert.ok(!seen.has(p.id), `passage ${p.id} stored twice`);
    seen.add(p.id);
    let list = byDoc.get(p.docId);
    if (!list) byDoc.set(p.docId, (list = []));
    list[p.chunk] = p.text;
  }
  for (const [docId, texts] of byDoc) {
    assert.deepEqual(texts, expected.get(docId)!.chunks, `document ${docId} is stored whole`);
  }
  assert.equal(info.rows, stored.length, 'no passages of unknown documents');
  assert.equal(info.docs, byDoc.size);
  await c.close();
  return new Set(byDoc.keys());
}
