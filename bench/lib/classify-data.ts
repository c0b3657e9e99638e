import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const dataDir = join(root, '.cache/bench/classify');

/**
 * The classification benchmarks' train and test files for `dataset` (built by scripts/bench-data/classify-splits.mjs
 * when missing); with `lines` > 0 the training file is every k-th line of the (shuffled) split, `lines` of them,
 * written into `outDir`.
 */
export function classifySplit(dataset: string, lines: number, outDir: string): { train: string; test: string } {
  if (!existsSync(join(dataDir, 'manifest.json'))) spawnSync(process.execPath, [join(root, 'scripts/bench-data/classify-splits.mjs'), dataDir], { stdio: 'inherit' });
  const test = join(dataDir, `${dataset}.test.txt`);
  const train = join(dataDir, `${dataset}.train.txt`);
  if (lines <= 0) return { train, test };
  const all = readFileSync(train, 'utf8').split('\n').filter(Boolean);
  const step = Math.max(1, Math.floor(all.length / lines));
  const cut = join(outDir, `${dataset}.train.${lines}.txt`);
  writeFileSync(cut, all.filter((_, i) => i % step === 0).slice(0, lines).join('\n') + '\n');
  return { train: cut, test };
}
