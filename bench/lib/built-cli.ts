import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/**
 * Builds the package into `outDir/dist` (JavaScript, assets, assembled kernels) and returns the arguments that
 * run its `embedkit` CLI with plain node, which is what an installed package runs: benchmarks then measure
 * neither the TypeScript loader's time nor its memory. Falls back to bin/embedkit.js (the sources through tsx)
 * when the build produced nothing, and says so.
 */
export function builtCli(outDir: string): { args: string[]; description: string } {
  const dist = join(outDir, 'dist');
  spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', dist], { cwd: root, stdio: 'ignore' });
  const main = join(dist, 'src/cli/main.js');
  if (existsSync(main)) {
    const assets = spawnSync(process.execPath, [join(root, 'scripts/copy-assets.mjs'), dist], { cwd: root, stdio: 'inherit' });
    if (assets.status === 0) return { args: [main], description: `embedkit runs the built CLI with plain node (${main})` };
  }
  return { args: [join(root, 'bin/embedkit.js')], description: 'embedkit runs from the TypeScript sources through tsx (the build failed)' };
}
