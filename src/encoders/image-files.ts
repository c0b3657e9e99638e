import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { InvalidArgumentError } from '../errors.ts';

/** File extensions taken as pictures when a folder is listed (a file named on its own is taken whatever its name). */
export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.webp', '.gif'] as const;

/**
 * The image files that `paths` name: each file as given, each folder's pictures (by extension, folders below
 * included) in sorted order, so the same folder always lists the same way. A path that does not exist is an error.
 * @example
 * ```ts
 * import { listImageFiles } from 'embedkit/encoders';
 * console.log(await listImageFiles(['pictures'])); // [ 'pictures/heldout.png', 'pictures/resized.png' ]
 * ```
 */
export async function listImageFiles(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths) {
    let isDir: boolean;
    try {
      isDir = (await stat(path)).isDirectory();
    } catch {
      throw new InvalidArgumentError(`${path}: no such file or directory`);
    }
    if (!isDir) out.push(path);
    else out.push(...(await walk(path)));
  }
  return out;
}

async function walk(dir: string): Promise<string[]> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: string[] = [];
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(path)));
    else if (e.isFile() && (IMAGE_EXTENSIONS as readonly string[]).includes(extname(e.name).toLowerCase())) out.push(path);
  }
  return out;
}
