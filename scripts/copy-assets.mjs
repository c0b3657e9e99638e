// tsc copies no non-TS files: put the WAT kernels and the web page assets beside the built JS.
import { cpSync, existsSync } from 'node:fs';
for (const dir of ['src/kernels/wasm', 'src/serve/public']) {
  if (existsSync(dir)) cpSync(dir, `dist/${dir}`, { recursive: true });
}
