import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CACHE } from './en-mix-vectors.ts';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export interface Verse {
  id: string;
  text: string;
}

/**
 * The verse-aligned King James and World English Bibles (same references, same order), built by
 * scripts/bench-data/bible-verses.mjs into the cache folder the first time they are needed.
 */
export function bibleVerses(): { dir: string; kjv: Verse[]; web: Verse[] } {
  const dir = join(CACHE, 'bible');
  if (!existsSync(join(dir, 'manifest.json'))) {
    const r = spawnSync(process.execPath, [join(root, 'scripts/bench-data/bible-verses.mjs'), dir], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('scripts/bench-data/bible-verses.mjs failed (are sword-text-kjv, sword-text-web and libsword-utils installed?)');
  }
  const read = (name: string) =>
    readFileSync(join(dir, name), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Verse);
  const kjv = read('kjv.jsonl');
  const web = read('web.jsonl');
  if (kjv.length !== web.length || kjv.some((v, i) => v.id !== web[i].id)) throw new Error(`${dir}: kjv.jsonl and web.jsonl are not verse-aligned; delete the folder to rebuild it`);
  return { dir, kjv, web };
}
