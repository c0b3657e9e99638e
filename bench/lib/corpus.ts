import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { once } from 'node:events';
import { createGunzip } from 'node:zlib';

/** gensim's LineSentence and fastText want plain text: a .gz corpus is decompressed once into `outDir`. */
export async function plainCorpus(path: string, outDir: string): Promise<string> {
  if (!path.endsWith('.gz')) return path;
  const target = join(outDir, `${path.split('/').pop()!.replace(/\.gz$/, '')}`);
  if (!existsSync(target) || statSync(target).mtimeMs < statSync(path).mtimeMs) {
    await pipeline(createReadStream(path), createGunzip(), createWriteStream(target));
  }
  return target;
}

/** Whitespace tokens of a file (`wc -w`). */
export function countTokens(path: string): number {
  const r = spawnSync('wc', ['-w', path], { encoding: 'utf8' });
  return Number(r.stdout.trim().split(/\s+/)[0]);
}

/**
 * Writes the first lines of `path` holding about `tokens` whitespace tokens (whole lines; all of it when
 * tokens is 0 or the file is shorter) to `target`, each line passed through `edit` first. Rebuilt only when
 * `target` is missing or older than `path`.
 */
export async function corpusPrefix(path: string, target: string, tokens: number, edit: (line: string) => string = (l) => l): Promise<void> {
  if (existsSync(target) && statSync(target).mtimeMs >= statSync(path).mtimeMs) return;
  const out = createWriteStream(`${target}.tmp`);
  const rl = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let seen = 0;
  for await (const line of rl) {
    if (!out.write(`${edit(line)}\n`)) await once(out, 'drain');
    seen += line.split(/\s+/).filter(Boolean).length;
    if (tokens > 0 && seen >= tokens) break;
  }
  rl.close();
  out.end();
  await once(out, 'finish');
  const { renameSync } = await import('node:fs');
  renameSync(`${target}.tmp`, target);
}

/** Writes the first `lines` lines of `path` to `target` (rebuilt only when missing or older than `path`). */
export async function corpusLines(path: string, target: string, lines: number): Promise<void> {
  if (existsSync(target) && statSync(target).mtimeMs >= statSync(path).mtimeMs) return;
  const out = createWriteStream(`${target}.tmp`);
  const rl = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let seen = 0;
  for await (const line of rl) {
    if (seen++ >= lines) break;
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  }
  rl.close();
  out.end();
  await once(out, 'finish');
  const { renameSync } = await import('node:fs');
  renameSync(`${target}.tmp`, target);
}
