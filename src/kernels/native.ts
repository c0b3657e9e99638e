import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EmbedkitError } from '../errors.ts';

/**
 * The optional native kernels (C in `native/`, compiled by `scripts/build-native.mjs` at install and by
 * `npm run build` into `build/native/embedkit-kernels.node`). Where the file is missing (no C compiler at install)
 * or will not load (built for instructions this processor lacks), the WebAssembly kernels run instead; `why` says
 * which, for a caller that asked for the native kernel by name. EMBEDKIT_NATIVE=0 turns them off.
 */
export interface NativeKernels {
  /** Trains the chunk placed in a word2vec slot (the WebAssembly kernel's `train`, over the same memory). */
  word2vecTrain(memory: Uint8Array, ctx: number, nSentences: number, alpha: number): number;
  /** Trains the chunk placed in a fastText slot (likewise). */
  fasttextTrain(memory: Uint8Array, ctx: number, nSentences: number, alphaStart: number, alphaEnd: number): number;
  /**
   * Reads a graph file hnswlib wrote (vectors of `dim` floats) into a handle, on a libuv thread; rejects, naming
   * the byte, when it cannot.
   */
  hnswOpen(path: string, dim: number): Promise<NativeHnswHandle>;
  /** The `take` live nodes nearest to `query` (cosine): slots and scores, best first; returns how many. */
  hnswSearch(graph: NativeHnswHandle, query: Float32Array, ef: number, take: number, slots: Uint32Array, scores: Float32Array): number;
  /** Writes the graph back to `path` in hnswlib's format (the bytes it was read from). */
  hnswSave(graph: NativeHnswHandle, path: string): void;
  /** Nodes in the graph (deleted ones included). */
  hnswCount(graph: NativeHnswHandle): number;
  /** Frees the graph now (a dropped handle is freed when collected); the handle cannot be used after. */
  hnswClose(graph: NativeHnswHandle): void;
  /**
   * LDA's E-step over documents first..last−1 (native/lda.c; the TypeScript one is src/apps/topics/lda-estep.ts):
   * `gamma` and `expElogtheta` hold K values per document from `first`; with `sstats`, each document's sufficient
   * statistics are added to it. Returns the iterations run in all; throws a RangeError on inconsistent arrays.
   */
  ldaEStep(
    ids: Int32Array,
    counts: Float64Array,
    start: Int32Array,
    first: number,
    last: number,
    expElogbeta: Float32Array,
    alpha: Float64Array,
    gamma: Float64Array,
    expElogtheta: Float64Array,
    iterations: number,
    threshold: number,
    sstats: Float64Array | null,
    work: Float64Array,
  ): number;
  /** The instruction set it was compiled for ("avx2+fma" or "generic"). */
  simd: string;
}

/** An hnswlib graph held by the native addon (native/hnsw.c). */
export type NativeHnswHandle = { readonly __nativeHnsw: unique symbol };

export type NativeLoad = { kernels: NativeKernels } | { kernels: undefined; why: string };

const ADDON = 'build/native/embedkit-kernels.node';

/**
 * The addon's path under the package root: the nearest folder above this file whose package.json is embedkit's (two
 * folders up in a checkout, three in dist/src, more for a build written elsewhere, as the benches' builds are).
 */
export function nativeAddonPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (isPackageRoot(dir)) return join(dir, ADDON);
    const up = dirname(dir);
    if (up === dir) return fileURLToPath(new URL(`../../${ADDON}`, import.meta.url));
    dir = up;
  }
}

function isPackageRoot(dir: string): boolean {
  try {
    return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown }).name === 'embedkit';
  } catch {
    return false;
  }
}

let loaded: NativeLoad | undefined;

/** Loads the native kernels once per thread; never throws. */
export function loadNativeKernels(): NativeLoad {
  if (loaded) return loaded;
  // A switch to compare the two kernels on one build, or to rule the native one out.
  if (process.env.EMBEDKIT_NATIVE === '0') {
    loaded = { kernels: undefined, why: 'the native kernels are turned off (EMBEDKIT_NATIVE=0)' };
    return loaded;
  }
  const path = nativeAddonPath();
  if (!existsSync(path)) {
    loaded = { kernels: undefined, why: `the native kernels are not built (${path} is missing; \`npm run build:native\` builds them with a C compiler)` };
    return loaded;
  }
  try {
    const kernels = createRequire(import.meta.url)(path) as Partial<NativeKernels>;
    const missing = KERNEL_FUNCTIONS.filter((name) => typeof kernels[name] !== 'function');
    loaded = missing.length
      ? { kernels: undefined, why: `the native kernels at ${path} are an older build without ${missing.join(', ')} (\`npm run build:native\` rebuilds them)` }
      : { kernels: kernels as NativeKernels };
  } catch (err) {
    loaded = { kernels: undefined, why: `the native kernels at ${path} did not load: ${(err as Error).message}` };
  }
  return loaded;
}

const KERNEL_FUNCTIONS = ['word2vecTrain', 'fasttextTrain', 'hnswOpen', 'hnswSearch', 'hnswSave', 'hnswCount', 'hnswClose', 'ldaEStep'] as const;

/** The native kernels, for a kernel constructed as 'native' (its trainer resolved the choice already); throws why not. */
export function requireNativeKernels(): NativeKernels {
  const native = loadNativeKernels();
  if (!native.kernels) throw new Error(native.why);
  return native.kernels;
}

/** A trainer's `kernel` option: 'auto' is the native kernel where it loads, else the WebAssembly one. */
export type KernelChoice = 'auto' | 'native' | 'wasm' | 'reference';

/** The kernel a run uses for its `kernel` option; asking for 'native' where it does not load fails, saying why. */
export function resolveKernelChoice(choice: KernelChoice): Exclude<KernelChoice, 'auto'> {
  if (choice === 'wasm' || choice === 'reference') return choice;
  const native = loadNativeKernels();
  if (native.kernels) return 'native';
  if (choice === 'auto') return 'wasm';
  throw new EmbedkitError('missing_dependency', `kernel 'native': ${native.why}`);
}
