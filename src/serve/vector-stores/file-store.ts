import { createHash, randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../util/atomic-write.ts';
import { isProcessRunning } from '../../util/process-alive.ts';
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

/** What an upload says about its file once its bytes are in. */
export interface UploadDetails {
  filename: string;
  purpose: string;
  expiresAfterSeconds?: number;
}

/** An upload being received: its bytes go to `contentPath`; `commit` publishes it whole, `abort` leaves nothing. */
export interface PendingUpload {
  contentPath: string;
  commit(details: UploadDetails): Promise<FileObject>;
  abort(): Promise<void>;
}

/**
 * Folders of uploads being received: `.upload-<host>-<pid>-<random>` (dot-named, so never a file id); the host (a
 * hash of its name) keeps a server from taking another machine's upload on a shared folder for a dead process's.
 */
const UPLOAD_FOLDER = /^\.upload-([0-9a-f]+)-(\d+)-[0-9a-f]+$/;
const HOST = createHash('sha256').update(hostname()).digest('hex').slice(0, 12);

/**
 * Uploaded files, one folder each under `dir`: `content` (the bytes as uploaded) and `file.json` (the File object).
 * An upload is received into a folder of its own with a temporary name and renamed to its id only once both are
 * written and synced, so a folder named by an id is always whole: any number of servers sharing `dir` see each
 * other's files as soon as they exist, and never one half written. Nothing is cached: every request reads the
 * disk. An upload folder left by a process that died is removed when a store opens `dir`. A file past its
 * `expires_at` (an upload's `expires_after`) is gone, as OpenAI's expired files are: every read treats it as never
 * uploaded, and the first to see it removes it.
 */
export class FileStore {
  private constructor(
    private readonly dir: string,
    private readonly clock: () => number,
  ) {}

  static async open(dir: string, clock: () => number = Date.now): Promise<FileStore> {
    await fsp.mkdir(dir, { recursive: true });
    for (const entry of await fsp.readdir(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const upload = UPLOAD_FOLDER.exec(entry.name);
      // A file folder without file.json is a deletion cut short; an upload folder of a dead process, an upload cut short.
      const leftover = upload ? upload[1] === HOST && !isProcessRunning(Number(upload[2])) : isSafeId(entry.name) && !(await exists(join(dir, entry.name, 'file.json')));
      if (leftover) await fsp.rm(join(dir, entry.name), { recursive: true, force: true });
    }
    return new FileStore(dir, clock);
  }

  /** Starts receiving an upload (see PendingUpload). */
  async begin(): Promise<PendingUpload> {
    const folder = join(this.dir, `.upload-${HOST}-${process.pid}-${randomBytes(8).toString('hex')}`);
    await fsp.mkdir(folder);
    const contentPath = join(folder, 'content');
    const abort = () => fsp.rm(folder, { recursive: true, force: true });
    return {
      contentPath,
      abort,
      commit: async (details) => {
        try {
          const id = newId('file-');
          const created = Math.floor(this.clock() / 1000);
          const record: FileRecord = {
            id,
            object: 'file',
            bytes: (await fsp.stat(contentPath)).size,
            created_at: created,
            filename: details.filename,
            purpose: details.purpose,
            status: 'processed',
            expires_at: details.expiresAfterSeconds === undefined ? null : created + details.expiresAfterSeconds,
            status_details: null,
            key: creationKey(),
          };
          await syncFile(contentPath);
          await writeFileAtomic(join(folder, 'file.json'), JSON.stringify(record));
          await fsp.rename(folder, join(this.dir, id));
          return publicFile(record);
        } catch (err) {
          await abort();
          throw err;
        }
      },
    };
  }

  /** Stores a file given whole. */
  async create(filename: string, purpose: string, data: Buffer, expiresAfterSeconds?: number): Promise<FileObject> {
    const upload = await this.begin();
    try {
      await fsp.writeFile(upload.contentPath, data);
    } catch (err) {
      await upload.abort();
      throw err;
    }
    return upload.commit({ filename, purpose, expiresAfterSeconds });
  }

  /** The File object, or a 404 naming the id. */
  async get(id: string): Promise<FileObject> {
    const record = await this.read(id);
    if (!record) throw notFound('file', id, 'file_id');
    return publicFile(record);
  }

  async has(id: string): Promise<boolean> {
    return (await this.read(id)) !== null;
  }

  /** Every file, oldest first; `purpose` keeps only those uploaded for it. */
  async list(purpose?: string): Promise<FileObject[]> {
    const names = (await fsp.readdir(this.dir)).filter(isSafeId);
    const records = (await Promise.all(names.map((n) => this.read(n)))).filter((r): r is FileRecord => r !== null);
    return records
      .filter((f) => purpose === undefined || f.purpose === purpose)
      .sort((a, b) => a.key - b.key)
      .map(publicFile);
  }

  async content(id: string): Promise<Buffer> {
    await this.get(id);
    try {
      return await fsp.readFile(join(this.dir, id, 'content'));
    } catch (err) {
      // Deleted by another server since: as unknown as if it had never been.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw notFound('file', id, 'file_id');
      throw err;
    }
  }

  async delete(id: string): Promise<void> {
    await this.get(id);
    await this.remove(id);
  }

  private async read(id: string): Promise<FileRecord | null> {
    if (!isSafeId(id)) return null;
    try {
      const record = JSON.parse(await fsp.readFile(join(this.dir, id, 'file.json'), 'utf8')) as FileRecord;
      if (record.id !== id) return null;
      if (record.expires_at !== null && this.clock() / 1000 >= record.expires_at) {
        await this.remove(id);
        return null;
      }
      return record;
    } catch {
      // Missing (never uploaded, or deleted) or not ours: written atomically, file.json is never half there.
      return null;
    }
  }

  private async remove(id: string): Promise<void> {
    // file.json first: the file is gone for every reader at once, and a crash before the folder is removed leaves
    // one that the next start recognises as a deletion cut short.
    await fsp.rm(join(this.dir, id, 'file.json'), { force: true });
    await fsp.rm(join(this.dir, id), { recursive: true, force: true });
  }
}

async function exists(path: string): Promise<boolean> {
  return fsp.access(path).then(
    () => true,
    () => false,
  );
}

async function syncFile(path: string): Promise<void> {
  const handle = await fsp.open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function publicFile(r: FileRecord): FileObject {
  const { key: _key, ...file } = r;
  return file;
}
