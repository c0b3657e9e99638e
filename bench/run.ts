/**
 * Runs the benchmarks named on the command line (all when none): `npm run bench -- query load`.
 * Each prints its own table with ratios to the peers measured in the same run.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { openBlasCore } from './lib/measure.ts';

const here = dirname(fileURLToPath(import.meta.url));
const all = readdirSync(here).filter((f) => f.endsWith('.bench.ts')).map((f) => f.replace(/\.bench\.ts$/, '')).sort();
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const chosen = wanted.length ? wanted : all;
// Peers that call OpenBLAS run slower where it picks its oldest kernels: each run says which it picked.
console.log(`OpenBLAS kernels for the Python peers: ${openBlasCore()}${process.env.OPENBLAS_CORETYPE ? ` (OPENBLAS_CORETYPE=${process.env.OPENBLAS_CORETYPE})` : ''}`);
for (const name of chosen) {
  if (!all.includes(name)) {
    console.error(`unknown benchmark ${name}; available: ${all.join(', ')}`);
    process.exit(2);
  }
  console.log(`\n## bench/${name}`);
  await import(join(here, `${name}.bench.ts`));
}
