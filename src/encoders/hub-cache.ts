import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.ts';
import type { HubModelId } from './hub-spec.ts';

/**
 * The hub cache on disk, one folder per repository:
 * - `ORG/NAME/snapshots/KEY/…`: the repository's files at one revision, by their paths in the repository. KEY is the
 *   commit id the hub reported for the revision (or the revision's name, when the hub reports none). Every file in
 *   it is complete: files arrive by rename (hub-download.ts).
 * - `ORG/NAME/snapshots/KEY/.embedkit-absent.json`: optional files the hub answered 404 for, so that a cached model
 *   opens without asking the hub again.
 * - `ORG/NAME/refs/REVISION`: the KEY a branch or tag resolved to when it was first downloaded.
 */

/**
 * The cache folder when none is given: $EMBEDKIT_CACHE, else `embedkit/hub` under $XDG_CACHE_HOME, else under
 * ~/.cache.
 * @example
 * ```ts
 * import { defaultHubCacheDir } from 'embedkit/encoders';
 * console.log(defaultHubCacheDir().length > 0); // true
 * ```
 */
export function defaultHubCacheDir(): string {
  if (process.env.EMBEDKIT_CACHE) return resolve(process.env.EMBEDKIT_CACHE);
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'embedkit', 'hub');
}

/** One repository's part of the cache. */
export class HubRepoCache {
  readonly repoDir: string;

  constructor(cacheDir: string, id: HubModelId) {
    this.repoDir = join(resolve(cacheDir), id.org, id.name);
  }

  /** The snapshot KEY a branch or tag resolved to, if it was downloaded before. */
  readRef(revision: string): string | undefined {
    try {
      const key = readFileSync(this.refFile(revision), 'utf8').trim();
      return isSnapshotKey(key) ? key : undefined;
    } catch {
      return undefined;
    }
  }

  async writeRef(revision: string, key: string): Promise<void> {
    await mkdir(join(this.repoDir, 'refs'), { recursive: true });
    await writeFileAtomic(this.refFile(revision), `${key}\n`, 'the revision reference');
  }

  snapshotDir(key: string): string {
    return join(this.repoDir, 'snapshots', key);
  }

  /** True when the snapshot holds `path` (a complete file: partial downloads never take a file's name). */
  has(key: string, path: string): boolean {
    return existsSync(join(this.snapshotDir(key), path));
  }

  /** Optional files the hub answered 404 for at this snapshot. */
  readAbsent(key: string): Set<string> {
    try {
      const list = JSON.parse(readFileSync(this.absentFile(key), 'utf8')) as unknown;
      return new Set(Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : []);
    } catch {
      return new Set();
    }
  }

  async writeAbsent(key: string, absent: Set<string>): Promise<void> {
    await mkdir(this.snapshotDir(key), { recursive: true });
    await writeFileAtomic(this.absentFile(key), `${JSON.stringify([...absent].sort())}\n`, 'the list of absent files');
  }

  private refFile(revision: string): string {
    return join(this.repoDir, 'refs', encodeURIComponent(revision));
  }

  private absentFile(key: string): string {
    return join(this.snapshotDir(key), '.embedkit-absent.json');
  }
}

/** A commit id as the hub reports it (X-Repo-Commit), usable as a folder name. */
export function isCommitKey(key: string): boolean {
  return /^[0-9a-f]{7,64}$/.test(key);
}

/** A commit id, or a revision's name as encodeURIComponent spells it (no '/', never '.' or '..'). */
function isSnapshotKey(key: string): boolean {
  return isCommitKey(key) || (/^[A-Za-z0-9._%-]+$/.test(key) && key !== '.' && key !== '..');
}
