// tsc copies no non-TS files: put the web page assets and the kernels beside the built JS, each WAT kernel
// also assembled to .wasm so the built package never loads the assembler at run time.
// Usage: node scripts/copy-assets.mjs [outDir]   (default dist)
import { cpSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

const root = resolve(import.meta.dirname, '..');
const outDir = resolve(process.argv[2] ?? join(root, 'dist'));
for (const dir of ['src/kernels/wasm', 'src/serve/public']) {
  if (existsSync(join(root, dir))) cpSync(join(root, dir), join(outDir, dir), { recursive: true });
}
register();
const { assembleKernel } = await import(pathToFileURL(join(root, 'src/kernels/wasm.ts')).href);
for (const file of readdirSync(join(root, 'src/kernels/wasm'))) {
  if (!file.endsWith('.wat')) continue;
  const name = file.slice(0, -'.wat'.length);
  writeFileSync(join(outDir, 'src/kernels/wasm', `${name}.wasm`), await assembleKernel(name));
}
