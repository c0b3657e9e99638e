import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { writeFileAtomic } from '../../src/util/atomic-write.ts';
import type { CollectionBackend } from '../../src/serve/vector-stores/backend.ts';
import { FileStore } from '../../src/serve/vector-stores/file-store.ts';
import type { StoreRecord } from '../../src/serve/vector-stores/objects.ts';
import { FILES_FOLDER, RECORDS_FOLDER, VectorStoreRegistry } from '../../src/serve/vector-stores/registry.ts';
import { tempCollectionsDir } from './helpers/vector-stores.ts';

// A store's record is parsed again only when its file changed: a request to a store of thousands of files costs a
// stat, not megabytes read and parsed. Changes by this registry and by another process (another server writing
// the record by atomic rename) are seen at once.

const tmp = tempCollectionsDir();
after(() => tmp.remove());

/** Empty collections: these tests touch only the records. */
const noCollections: CollectionBackend = {
  open: () =>
    Promise.resolve({
      add: () => Promise.resolve(),
      delete: () => Promise.resolve(),
      search: () => Promise.resolve([]),
      passages: () => Promise.resolve([]),
      fields: () => Promise.resolve(new Map()),
      count: () => Promise.resolve(0),
      close: () => Promise.resolve(),
    }),
  isCollection: () => Promise.resolve(false),
};

test('an unchanged record is not parsed again; a change by this registry or another process is read at once', async () => {
  const files = await FileStore.open(join(tmp.dir, FILES_FOLDER));
  const stores = await VectorStoreRegistry.open(tmp.dir, files, noCollections, Date.now, 0);
  try {
    const { id } = await stores.create({ name: 'cached', description: null, metadata: null, expires_after: null });
    const first = await stores.get(id);
    assert.equal(await stores.get(id), first, 'the same parsed record while its file is unchanged');

    const renamed = await stores.update(id, { name: 'renamed' });
    assert.equal(renamed.name, 'renamed');
    assert.equal(first.name, 'cached', 'the record other requests hold is not edited in place');
    assert.equal((await stores.get(id)).name, 'renamed');

    // Another server rewrites the record (same length of name, same second: only the file's identity tells).
    const path = join(tmp.dir, RECORDS_FOLDER, `${id}.json`);
    const onDisk = JSON.parse(readFileSync(path, 'utf8')) as StoreRecord;
    await writeFileAtomic(path, JSON.stringify({ ...onDisk, name: 'elsewhr' }));
    assert.equal((await stores.get(id)).name, 'elsewhr');
    assert.deepEqual((await stores.list()).map((r) => r.name), ['elsewhr']);
  } finally {
    await stores.close();
  }
});
