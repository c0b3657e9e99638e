#!/usr/bin/env node
// Builds the optional native kernels (native/*.c) into build/native/embedkit-kernels.node with the system's C
// compiler and Node's own headers: no node-gyp, nothing downloaded. Run at install (package.json "install") and by
// `npm run build`. Without a compiler or headers it says so and exits 0: the WebAssembly kernels then run
// (src/kernels/native.ts). `--require` makes a failed build exit 1 (for a machine that must have the native kernels).
//
// On x86-64 with AVX2 and FMA the kernels are compiled for them (8 floats per fused multiply-add); elsewhere for the
// compiler's baseline. The addon refuses to load on a processor without the instructions it was built for.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sources = ['native/word2vec.c', 'native/fasttext.c', 'native/hnsw.c', 'native/lda.c', 'native/addon.c'].map((f) => join(root, f));
const out = join(root, 'build/native/embedkit-kernels.node');
const require = process.argv.includes('--require');

function give_up(why) {
  console.error(`embedkit: native kernels not built (${why}); the WebAssembly kernels will run instead`);
  process.exit(require ? 1 : 0);
}

// Node's headers sit beside its binary in every official build and in Debian's nodejs package.
const headers = [join(dirname(process.execPath), '../include/node'), '/usr/include/node'].find((d) => existsSync(join(d, 'node_api.h')));
if (!headers) give_up(`node_api.h was not found beside ${process.execPath}`);
if (!sources.every((s) => existsSync(s))) give_up('native/ sources are missing');

const cc = process.env.CC || 'cc';
const cpuFlags = (() => {
  if (process.arch !== 'x64') return [];
  const info = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  return /\bavx2\b/.test(info) && /\bfma\b/.test(info) ? ['-mavx2', '-mfma'] : [];
})();
// A shared object's Node-API symbols resolve against the running node at load time (macOS needs that said).
const linkFlags = process.platform === 'darwin' ? ['-undefined', 'dynamic_lookup'] : [];
const tmp = `${out}.tmp-${process.pid}`;
mkdirSync(dirname(out), { recursive: true });
const args = ['-O3', '-std=c11', '-ffp-contract=fast', '-fPIC', '-shared', '-fvisibility=hidden', ...cpuFlags, `-I${headers}`, ...sources, '-lm', ...linkFlags, '-o', tmp];
const r = spawnSync(cc, args, { encoding: 'utf8' });
if (r.error || r.status !== 0) {
  rmSync(tmp, { force: true });
  give_up(r.error ? `${cc}: ${r.error.message}` : `${cc} failed: ${(r.stderr || '').trim().split('\n').slice(0, 5).join(' | ')}`);
}
// Written under a temporary name and renamed, so an interrupted build never leaves a half-written addon.
renameSync(tmp, out);
console.log(`embedkit: native kernels built (${cpuFlags.join(' ') || 'baseline'}) into ${out}`);
