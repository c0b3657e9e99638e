import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';

/**
 * WebAssembly kernels are kept as readable WAT text next to this file and compiled once per process
 * (about 60 ms). A compiled WebAssembly.Module can be posted to worker_threads, so workers never compile.
 */
const cache = new Map<string, WebAssembly.Module>();
let wabtPromise: ReturnType<typeof wabtInit> | undefined;

/** Path of a kernel's WAT source, `src/kernels/wasm/<name>.wat` (copied beside the built JS in dist). */
export function watPath(name: string): string {
  return fileURLToPath(new URL(`./wasm/${name}.wat`, import.meta.url));
}

/** Compiles `wasm/<name>.wat` (SIMD and threads enabled) and caches the module. */
export async function compileKernel(name: string): Promise<WebAssembly.Module> {
  const hit = cache.get(name);
  if (hit) return hit;
  wabtPromise ??= wabtInit();
  const wabt = await wabtPromise;
  const features = { simd: true, threads: true, mutable_globals: true, bulk_memory: true };
  const parsed = wabt.parseWat(`${name}.wat`, readFileSync(watPath(name), 'utf8'), features);
  try {
    parsed.resolveNames();
    // Validation checks features too (shared memory needs threads); wabt's typings omit the parameter.
    (parsed as unknown as { validate(f: typeof features): void }).validate(features);
    const { buffer } = parsed.toBinary({});
    const mod = new WebAssembly.Module(new Uint8Array(buffer));
    cache.set(name, mod);
    return mod;
  } finally {
    parsed.destroy();
  }
}

/** A shared memory of `bytes` (rounded up to 64 KiB pages), growable to 4 GiB. */
export function sharedMemory(bytes: number): WebAssembly.Memory {
  const pages = Math.max(1, Math.ceil(bytes / 65536));
  return new WebAssembly.Memory({ initial: pages, maximum: 65536, shared: true });
}
