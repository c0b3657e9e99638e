import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { InvalidArgumentError } from '../errors.ts';
import type { AddDocument, AddOptions, AddProgress, AddResult, Collection } from './collection.ts';
import { contentHash } from './content-hash.ts';
import { htmlToText, markdownToText } from './text-extract.ts';

/** How a `.txt` file (and any file of another extension) becomes documents: one per line, or the whole file. */
export type TxtMode = 'lines' | 'file';

/** How a file was read: the kinds ingestFiles knows, by extension. */
export type FileKind = 'txt' | 'jsonl' | 'markdown' | 'html';

export interface FileReport {
  path: string;
  kind: FileKind;
  /** `completed` once all its documents are committed; `failed` (with `error`) when it could not be read as text. */
  status: 'completed' | 'failed';
  /** Documents the file gave. */
  docs: number;
  /** Documents left out because an earlier one of this ingest had the same id (the same text, without ids). */
  duplicates: number;
  error?: string;
}

export interface IngestProgress extends AddProgress {
  /** Bytes of the files read so far, and in all (the basis of an ETA). */
  bytes: number;
  totalBytes: number;
  /** Files completed and failed so far. */
  files: number;
  failedFiles: number;
}

export interface IngestFilesOptions extends Omit<AddOptions, 'onProgress'> {
  /** `.txt` files: one document per line (default 'lines'; blank lines skipped) or one per file. */
  txt?: TxtMode;
  onProgress?: (progress: IngestProgress) => void;
  /** Called when a file completes or fails. */
  onFile?: (report: FileReport) => void;
}

export interface IngestResult extends AddResult {
  files: FileReport[];
}

const KINDS: Record<string, FileKind> = {
  '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.md': 'markdown', '.markdown': 'markdown', '.mdown': 'markdown', '.html': 'html', '.htm': 'html', '.xhtml': 'html',
};

/** The kind a file is read as, from its extension (anything unknown is plain text). */
export function fileKind(path: string): FileKind {
  return KINDS[extname(path).toLowerCase()] ?? 'txt';
}

/** The files under `paths`: files as given, directories walked recursively in name order (hidden entries skipped). */
export async function listFiles(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string) => {
    const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => !e.name.startsWith('.')).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) out.push(p);
      else if (e.isSymbolicLink()) {
        const s = await stat(p).catch(() => undefined);
        if (s?.isFile()) out.push(p);
      }
    }
  };
  for (const p of paths) {
    const s = await stat(p);
    if (s.isDirectory()) await walk(p);
    else out.push(p);
  }
  return out;
}

/** A file that cannot be read as a text document; its reason is reported and the other files go on. */
class UnreadableFile extends Error {}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The file's text, refusing binary files (a NUL byte) and invalid UTF-8 with the byte offset. */
function decodeText(bytes: Uint8Array): string {
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw new UnreadableFile(`not a text file (a NUL byte at offset ${nul})`);
  try {
    return utf8.decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    throw new UnreadableFile(`not valid UTF-8 (first bad byte at offset ${firstBadUtf8(bytes)})`);
  }
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence (RFC 3629). */
function firstBadUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    // Length and the allowed range of the second byte (which rules out overlong forms, surrogates and > U+10FFFF).
    const [len, lo, hi] =
      b >= 0xc2 && b <= 0xdf ? [2, 0x80, 0xbf]
      : b === 0xe0 ? [3, 0xa0, 0xbf]
      : b === 0xed ? [3, 0x80, 0x9f]
      : b >= 0xe1 && b <= 0xef ? [3, 0x80, 0xbf]
      : b === 0xf0 ? [4, 0x90, 0xbf]
      : b === 0xf4 ? [4, 0x80, 0x8f]
      : b >= 0xf1 && b <= 0xf3 ? [4, 0x80, 0xbf]
      : [0, 0, 0];
    if (len === 0 || i + len > bytes.length || bytes[i + 1] < lo || bytes[i + 1] > hi) return i;
    for (let j = 2; j < len; j++) if ((bytes[i + j] & 0xc0) !== 0x80) return i;
    i += len;
  }
  return bytes.length;
}

/** The documents in one file (see ingestFiles). */
export function documentsOf(path: string, text: string, kind: FileKind, txt: TxtMode): AddDocument[] {
  if (kind === 'txt') {
    if (txt === 'file') return text.trim() ? [{ text, metadata: { source: path } }] : [];
    const docs: AddDocument[] = [];
    text.split(/\r?\n/).forEach((line, i) => {
      if (line.trim()) docs.push({ text: line, metadata: { source: path, line: i + 1 } });
    });
    return docs;
  }
  if (kind === 'jsonl') return jsonlDocuments(path, text);
  const { title, text: body } = kind === 'markdown' ? markdownToText(text) : htmlToText(text);
  return body ? [{ text: body, metadata: { source: path, ...(title ? { title } : {}) } }] : [];
}

function jsonlDocuments(path: string, text: string): AddDocument[] {
  const docs: AddDocument[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      throw new UnreadableFile(`line ${i + 1}: not JSON (${(err as Error).message})`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new UnreadableFile(`line ${i + 1}: expected an object {"id", "text", ...metadata}`);
    const { id, text: body, ...metadata } = value as Record<string, unknown>;
    if (typeof body !== 'string') throw new UnreadableFile(`line ${i + 1}: "text" must be a string`);
    if (id !== undefined && typeof id !== 'string' && typeof id !== 'number') throw new UnreadableFile(`line ${i + 1}: "id" must be a string or a number`);
    docs.push({ ...(id !== undefined && id !== '' ? { id: String(id) } : {}), text: body, metadata });
  });
  return docs;
}

/**
 * Adds files to a collection: `.txt` (one document per line, or whole files with `txt: 'file'`; any unknown
 * extension reads as .txt), `.jsonl` (one `{id?, text, ...metadata}` object a line), `.md` and `.html` (their text,
 * one document per file, the first heading or `<title>` as `title`); directories are walked recursively. Documents
 * get `source` (the path) and, per line, `line` metadata, and without an id the hash of their text. A file that is
 * not text (a NUL byte, invalid UTF-8) or not valid JSON lines is reported `failed` with the reason, and the others
 * go on. Commits are batched as in add(), so an interrupted ingest keeps what it committed and a rerun skips it.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { ingestFiles, openCollection } from 'embedkit/search';
 * writeFileSync('notes.jsonl', '{"id":"n1","text":"the king walked","lang":"en"}\n{"id":"n2","text":"the queen ran","lang":"fr"}\n');
 * writeFileSync('page.html', '<title>Cats</title><p>the cat &amp; the dog</p>');
 * const collection = await openCollection('files.collection', { model: 'vectors.bin' });
 * const result = await ingestFiles(collection, ['corpus.txt', 'notes.jsonl', 'page.html']);
 * console.log(result.files.map((f) => `${f.path} ${f.status} ${f.docs}`));
 * ```
 */
export async function ingestFiles(collection: Collection, paths: readonly string[], options: IngestFilesOptions = {}): Promise<IngestResult> {
  const txt = options.txt ?? 'lines';
  if (txt !== 'lines' && txt !== 'file') throw new InvalidArgumentError(`txt must be "lines" or "file", got ${JSON.stringify(txt)}`);
  const files = await listFiles(paths);
  const sizes = await Promise.all(files.map(async (f) => (await stat(f)).size));
  const totalBytes = sizes.reduce((a, b) => a + b, 0);
  const reports: FileReport[] = [];
  // Files whose documents are all queued: each completes once the documents before its end are committed.
  const queued: { report: FileReport; startDoc: number; endDoc: number; startBytes: number; size: number }[] = [];
  let docsQueued = 0;
  let bytes = 0;
  let failedFiles = 0;
  let completed = 0;
  const settle = (docsCommitted: number) => {
    while (queued.length && queued[0].endDoc <= docsCommitted) {
      const { report } = queued.shift()!;
      completed++;
      options.onFile?.(report);
    }
  };
  // Ids already given in this ingest: a line repeated within or across files is one document (the first one), so
  // that rerunning finds every document stored as it was and skips it.
  const seen = new Set<string>();
  async function* documents(): AsyncGenerator<AddDocument> {
    for (const [i, path] of files.entries()) {
      const kind = fileKind(path);
      let docs: AddDocument[];
      try {
        docs = documentsOf(path, decodeText(await readFile(path)), kind, txt);
      } catch (err) {
        if (!(err instanceof UnreadableFile)) throw err;
        const report: FileReport = { path, kind, status: 'failed', docs: 0, duplicates: 0, error: err.message };
        reports.push(report);
        failedFiles++;
        bytes += sizes[i];
        options.onFile?.(report);
        continue;
      }
      const unique = docs.filter((d) => {
        const id = d.id ?? contentHash(d.text);
        if (seen.has(id)) return false;
        seen.add(id);
        d.id = id;
        return true;
      });
      const report: FileReport = { path, kind, status: 'completed', docs: unique.length, duplicates: docs.length - unique.length };
      docs = unique;
      reports.push(report);
      queued.push({ report, startDoc: docsQueued, endDoc: docsQueued + docs.length, startBytes: bytes, size: sizes[i] });
      docsQueued += docs.length;
      bytes += sizes[i];
      // A file with no documents completes as soon as those before it are committed.
      if (docs.length === 0) settle(lastCommitted);
      for (const doc of docs) yield doc;
    }
  }
  let lastCommitted = 0;
  const result = await collection.add(documents(), {
    ...options,
    onProgress: (p) => {
      lastCommitted = p.docs;
      settle(p.docs);
      // Bytes of the files committed, plus the committed share of the file in progress.
      const first = queued[0];
      const committedBytes = first ? first.startBytes + (first.size * (p.docs - first.startDoc)) / Math.max(1, first.endDoc - first.startDoc) : bytes;
      options.onProgress?.({ ...p, bytes: Math.round(committedBytes), totalBytes, files: completed, failedFiles });
    },
  });
  settle(Infinity);
  return { ...result, files: reports };
}
