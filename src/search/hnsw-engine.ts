import { MissingDependencyError } from '../errors.ts';
import { OPTIONAL_PACKAGES } from '../util/optional-import.ts';
import type { HnswEngine, HnswEngineName } from './hnsw-graph.ts';
import { loadHnswlibEngine } from './hnswlib-graph.ts';
import { loadUsearchEngine } from './usearch-graph.ts';

const loaded = new Map<HnswEngineName, Promise<HnswEngine>>();

function loadNamed(name: HnswEngineName): Promise<HnswEngine> {
  let engine = loaded.get(name);
  if (!engine) {
    engine = name === 'hnswlib' ? loadHnswlibEngine() : loadUsearchEngine();
    // A failed load is tried again next time (the package may be installed meanwhile).
    engine.catch(() => loaded.delete(name));
    loaded.set(name, engine);
  }
  return engine;
}

/**
 * The HNSW library to build a new graph with, or the named one (to read a graph it saved). Without a name:
 * hnswlib-node (its search is 1.7–3× usearch's at equal recall on the benchmarks' data, one thread), else usearch
 * (prebuilt, builds on every core); when neither loads, a MissingDependencyError naming usearch's install command
 * (the one that needs no compiler) and hnswlib-node's.
 */
export async function loadHnswEngine(name?: HnswEngineName): Promise<HnswEngine> {
  if (name) return loadNamed(name);
  try {
    return await loadNamed('hnswlib');
  } catch {
    // Not installed, or its native part did not compile at install: usearch's prebuilt binary stands in.
  }
  try {
    return await loadNamed('usearch');
  } catch (err) {
    if (!(err instanceof MissingDependencyError)) throw err;
    throw new MissingDependencyError('usearch', `${err.message} (or npm install hnswlib-node@${OPTIONAL_PACKAGES['hnswlib-node']}, faster, which compiles at install)`, { cause: err });
  }
}
