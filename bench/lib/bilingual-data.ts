import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CACHE } from './en-mix-vectors.ts';

/** The verse-aligned Bible text and FreeDict splits of scripts/bench-data/bilingual.mjs, built on first use. */
export function bilingualData(): string {
  const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
  const dir = join(CACHE, 'bilingual');
  if (!existsSync(join(dir, 'manifest.json'))) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/bench-data/bilingual.mjs'), dir], { stdio: 'inherit', cwd: root });
    if (r.status !== 0) throw new Error('scripts/bench-data/bilingual.mjs failed (are sword-text-kjv, sword-text-web, sword-text-sparv, libsword-utils, dict-freedict-eng-spa and dict-freedict-spa-eng installed?)');
  }
  return dir;
}
