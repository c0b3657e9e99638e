import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openCollection, type Collection } from '../../src/search/index.ts';
import { cleanup, licenseModel, tempDir } from './helpers.ts';

// Documents that lack a metadata field other documents of the collection have: the field is null for them, whether
// the batch they come in has the field on some documents, on none, or replaces a document that had it. A boolean
// field that no document of a batch has was once written in a form LanceDB refused ("Need at least 1 bytes for
// bitmap"), so each kind of field (boolean, number, string) goes through every case.

let collection: Collection;

before(async () => {
  collection = await openCollection(join(tempDir(), 'sparse'), { model: await licenseModel(), pooling: 'mean' });
});
after(async () => {
  await collection?.close();
  cleanup();
});

const ids = async (filter: string) => (await collection.search('software licence', { k: 50, filter })).map((h) => h.docId).sort();

test('a batch where only some documents have a field: the others are null for it', async () => {
  await collection.add([
    { id: 'with', text: 'the licence of this free software', metadata: { flag: true, year: 2007, lang: 'en' } },
    { id: 'without', text: 'the software is distributed under this licence', metadata: {} },
    { id: 'false', text: 'a licence for software documentation', metadata: { flag: false } },
  ]);
  assert.deepEqual(await ids('flag = true'), ['with']);
  assert.deepEqual(await ids('flag = false'), ['false']);
  assert.deepEqual(await ids('flag IS NULL'), ['without']);
  assert.deepEqual(await ids('year IS NULL'), ['false', 'without']);
});

test('a batch where no document has the fields the collection has', async () => {
  await collection.add([{ id: 'bare', text: 'copyright notice of the software licence' }]);
  await collection.add([{ id: 'bare2', text: 'software licence terms', metadata: { other: 'x' } }, { id: 'bare3', text: 'the licence grants rights' }]);
  assert.equal(await collection.count(), 6);
  assert.deepEqual(await ids('flag IS NULL'), ['bare', 'bare2', 'bare3', 'without']);
  assert.deepEqual(await ids('flag = true OR flag = false'), ['false', 'with']);
  assert.deepEqual((await collection.get(['bare']))[0].metadata, {});
});

test('a document replaced by one without the field loses its value', async () => {
  await collection.add([{ id: 'with', text: 'the licence of this free software, revised', metadata: { lang: 'en' } }]);
  assert.deepEqual(await ids('flag = true'), []);
  assert.deepEqual(await ids('year = 2007'), []);
  assert.deepEqual(await ids("lang = 'en'"), ['with']);
  assert.deepEqual((await collection.get(['with']))[0].metadata, { lang: 'en' });
});
