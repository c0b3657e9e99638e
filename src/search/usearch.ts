import { importOptional } from '../util/optional-import.ts';

/**
 * usearch, the HNSW library behind a collection's `hnsw` index. An optional peer like LanceDB: only collections that
 * build or search an HNSW index load it, and a missing one is named with its install command.
 */
export type Usearch = (typeof import('usearch'))['default'];

let loaded: Promise<Usearch> | undefined;

/** usearch, loaded once per process. */
export function loadUsearch(): Promise<Usearch> {
  loaded ??= importOptional('usearch', 'An HNSW index', async () => (await import('usearch')).default);
  loaded.catch(() => (loaded = undefined));
  return loaded;
}
