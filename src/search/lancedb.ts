import { importOptional } from '../util/optional-import.ts';
import { writeNullBooleansWhole } from './arrow-null-booleans.ts';

/**
 * The embedded vector database behind collections. LanceDB and Apache Arrow are optional peers: only programs that
 * use collections need them, so they load here on first use and a missing one is named with its install command.
 */
export type LanceDb = typeof import('@lancedb/lancedb');
export type Arrow = typeof import('apache-arrow');

let loaded: Promise<{ lancedb: LanceDb; arrow: Arrow }> | undefined;

/** Both packages, loaded once per process. */
export function loadLanceDb(): Promise<{ lancedb: LanceDb; arrow: Arrow }> {
  loaded ??= (async () => {
    // LanceDB logs warnings (k-means on small sets, deprecations) straight to stderr, which would interleave with a
    // program's own output; errors only, unless the user chose a level.
    process.env.LANCEDB_LOG ??= 'error';
    // LanceDB first: it is the package a user knows to ask for (apache-arrow is its peer).
    const lancedb = await importOptional('@lancedb/lancedb', 'Collections', () => import('@lancedb/lancedb'));
    const arrow = await importOptional('apache-arrow', 'Collections', () => import('apache-arrow'));
    writeNullBooleansWhole();
    return { lancedb, arrow };
  })();
  loaded.catch(() => (loaded = undefined));
  return loaded;
}
