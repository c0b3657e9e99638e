#!/usr/bin/env node
// In a source checkout run the TypeScript sources through tsx, so the CLI never lags behind a stale build;
// an installed package (which ships dist/ and no src/) runs the built JavaScript.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
const source = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const built = fileURLToPath(new URL('../dist/src/cli/main.js', import.meta.url));
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(source).href);
} else {
  await import(pathToFileURL(built).href);
}
