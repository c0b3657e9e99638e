import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { importOptional } from '../util/optional-import.ts';

/**
 * WebAssembly kernels are kept as readable WAT text next to this file. The build assembles each one into a
 * `.wasm` beside the built JavaScript, so an installed package reads bytes and never loads the assembler
 * (wabt costs ~17 MB of memory and ~100 ms); a source checkout has no `.wasm` and assembles the WAT once per
 * process (about 60 ms). A compiled WebAssembly.Module can be posted to worker_threads, so workers never compile.
 */
const cache = new Map<string, Promise<WebAssembly.Module>>();

/** Path of a kernel's WAT source, `src/kernels/wasm/<name>.wat` (copied beside the built JS in dist). */
export function watPath(name: string): string {
  return fileURLToPath(new URL(`./wasm/${name}.wat`, import.meta.url));
}

/** Path of a kernel's assembled binary, present only in a build. */
export function wasmPath(name: string): string {
  return fileURLToPath(new URL(`./wasm/${name}.wasm`, import.meta.url));
}

const FEATURES = { simd: true, threads: true, mutable_globals: true, bulk_memory: true };

/** Assembles `wasm/<name>.wat` (SIMD and threads enabled) into WebAssembly bytes. */
export async function assembleKernel(name: string): Promise<Uint8Array<ArrayBuffer>> {
  const feature = `assembling the ${name} kernel from its WAT source (a source checkout; a built package ships the .wasm)`;
  const { default: wabtInit } = await importOptional('wabt', feature, () => import('wabt'));
  const wabt = await wabtInit();
  const parsed = wabt.parseWat(`${name}.wat`, readFileSync(watPath(name), 'utf8'), FEATURES);
  try {
    parsed.resolveNames();
    // Validation checks features too (shared memory needs threads); wabt's typings omit the parameter.
    (parsed as unknown as { validate(f: typeof FEATURES): void }).validate(FEATURES);
    return Uint8Array.from(parsed.toBinary({}).buffer);
  } finally {
    parsed.destroy();
  }
}

/**
 * The compiled kernel `name`, from the build's `.wasm` when there is one, else assembled from its WAT; cached.
 * Compiled off the main thread (WebAssembly.compile), so a trainer that asks early has it compiled while it
 * reads its corpus.
 */
export function compileKernel(name: string): Promise<WebAssembly.Module> {
  let compiled = cache.get(name);
  if (!compiled) {
    compiled = compileUncached(name);
    cache.set(name, compiled);
    // A failed compile is not kept: the next call tries again (and reports its own error).
    compiled.catch(() => cache.delete(name));
  }
  return compiled;
}

async function compileUncached(name: string): Promise<WebAssembly.Module> {
  const prebuilt = wasmPath(name);
  const bytes = existsSync(prebuilt) ? new Uint8Array(readFileSync(prebuilt)) : await assembleKernel(name);
  return WebAssembly.compile(bytes);
}

/** A shared memory of `bytes` (rounded up to 64 KiB pages), growable to 4 GiB. */
export function sharedMemory(bytes: number): WebAssembly.Memory {
  const pages = Math.max(1, Math.ceil(bytes / 65536));
  return new WebAssembly.Memory({ initial: pages, maximum: 65536, shared: true });
}
