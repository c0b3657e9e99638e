import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../util/atomic-write.ts';
import { creationKey, isSafeId, newId, notFound } from './ids.ts';

/** OpenAI's File object (`GET /v1/files/{id}`). */
export interface FileObject {
  id: string;
  object: 'file';
  bytes: number;
  created_at: number;
  filename: string;
  purpose: string;
  status: 'processed';
  expires_at: number | null;
  status_details: null;
}

interface FileRecord extends FileObject {
  /** Creation order within one second; never sent. */
  key: number;
}

/**
 * Uploaded files, one folder each under `dir`: `content` (the bytes as uploaded) and `file.json` (the File
 * object). Every write is atomic and `file.json` is written last, so a folder without it is an interrupted
 * upload and is ignored (and removed) at the next start.
 */
export class FileStore {
  private readonly files = new Map<string, FileRecord>();

  private constructor(private readonly dir: string) {}

  static async open(dir: string): Promise<FileStore> {
    await fsp.mkdir(dir, { recursive: true });
    const store = new FileStore(dir);
    for (const entry of await fsp.readdir(dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || !isSafeId(entry.name)) continue;
      try {
        const record = JSON.parse(await fsp.readFile(join(dir, entry.name, 'file.json'), 'utf8')) as FileRecord;
        if (record.id === entry.name) store.files.set(record.id, record);
      } catch {
        await fsp.rm(join(dir, entry.name), { recursive: true, force: true });
      }
    }
    return store;
  }

  async create(filename: string, purpose: string, data: Buffer, expiresAfterSeconds?: number): Promise<FileObject> {
    const id = newId('file-');
    const folder = join(this.dir, id);
    await fsp.mkdir(folder);
    const created = Math.floor(Date.now() / 1000);
    const record: FileRecord = {
      id,
      object: 'file',
      bytes: data.length,
      created_at: created,
      filename,
      purpose,
      status: 'processed',
      expires_at: expiresAfterSeconds === undefined ? null : created + expiresAfterSeconds,
      status_details: null,
      key: creationKey(),
    };
    try {
      await writeFileAtomic(join(folder, 'content'), data);
      await writeFileAtomic(join(folder, 'file.json'), JSON.stringify(record));
    } catch (err) {
      await fsp.rm(folder, { recursive: true, force: true });
      throw err;
    }
    this.files.set(id, record);
    return publicFile(record);
  }

  /** The File object, or a 404 naming the id. */
  get(id: string): FileObject {
    const record = this.files.get(id);
    if (!record) throw notFound('file', id, 'file_id');
    return publicFile(record);
  }

  has(id: string): boolean {
    return this.files.has(id);
  }

  /** Every file, oldest first; `purpose` keeps only those uploaded for it. */
  list(purpose?: string): FileObject[] {
    return [...this.files.values()]
      .filter((f) => purpose === undefined || f.purpose === purpose)
      .sort((a, b) => a.key - b.key)
      .map(publicFile);
  }

  async content(id: string): Promise<Buffer> {
    this.get(id);
    return fsp.readFile(join(this.dir, id, 'content'));
  }

  async delete(id: string): Promise<void> {
    this.get(id);
    this.files.delete(id);
    // file.json first: a crash between the two leaves a folder that the next start recognises as incomplete.
    await fsp.rm(join(this.dir, id, 'file.json'), { force: true });
    await fsp.rm(join(this.dir, id), { recursive: true, force: true });
  }
}

function publicFile(r: FileRecord): FileObject {
  const { key: _key, ...file } = r;
  return file;
}
