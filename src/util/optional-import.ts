import { MissingDependencyError } from '../errors.ts';

/**
 * Packages that only some features need. They are optional peer dependencies (not installed with embedkit), loaded
 * on first use; the versions are the ones embedkit is tested with, kept equal to package.json by a test.
 */
export const OPTIONAL_PACKAGES = {
  '@huggingface/transformers': '4.3.2',
  '@node-rs/jieba': '2.0.3',
  '@napi-rs/canvas': '1.1.1',
  '@lancedb/lancedb': '0.31.0',
  'apache-arrow': '18.1.0',
  usearch: '2.25.3',
  // Preferred over usearch for hnsw indexes where installed (compiles at install, so optional like usearch).
  'hnswlib-node': '3.0.0',
  sharp: '0.35.5',
  // Only a source checkout assembles kernels from WAT; a built package ships the .wasm (wabt is a dev dependency).
  wabt: '1.0.39',
} as const;

export type OptionalPackage = keyof typeof OPTIONAL_PACKAGES;

const NOT_FOUND = new Set(['ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND']);

/** True when `err` is the loader's "cannot find module" for `name` itself (not a module that `name` imports). */
function isMissing(err: unknown, name: string): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (!e || !NOT_FOUND.has(String(e.code)) || typeof e.message !== 'string') return false;
  return e.message.includes(`'${name}'`) || e.message.includes(`'${name}/`);
}

function missing(name: OptionalPackage, feature: string, cause: unknown): MissingDependencyError {
  const install = `npm install ${name}@${OPTIONAL_PACKAGES[name]}`;
  return new MissingDependencyError(name, `${feature} needs ${name}, which is not installed: ${install}`, { cause });
}

/**
 * Loads an optional package with `load` (an `import()` of it, so its types stay known); when the package is not
 * installed, fails with a MissingDependencyError naming it and how to install it. Any other failure is rethrown.
 *
 * @param feature what needs the package, in words that start a sentence ("the transformer encoder")
 */
export async function importOptional<T>(name: OptionalPackage, feature: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    throw isMissing(err, name) ? missing(name, feature, err) : err;
  }
}

/** importOptional for a synchronous `require` of a CommonJS package (for callers that cannot wait). */
export function requireOptional<T>(name: OptionalPackage, feature: string, load: () => T): T {
  try {
    return load();
  } catch (err) {
    throw isMissing(err, name) ? missing(name, feature, err) : err;
  }
}
