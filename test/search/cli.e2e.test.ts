import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openCollection, type SearchHit, type SearchOptions } from '../../src/search/index.ts';
import { parseJson, runCli } from '../cli/e2e-helpers.ts';
import { cleanup, licenseModel, LICENSES, tempDir } from './helpers.ts';

// The CLI over the library: `index add` (with a file that fails), `index info`, `search` (its JSON equal to the
// library's answer), `index delete`, `index build-ann`, and bad input reported with the flag's name.

let model: string;
let dir: string;
let col: string;

before(async () => {
  model = await licenseModel();
  dir = tempDir();
  col = join(dir, 'licenses');
  writeFileSync(join(dir, 'binary.bin'), Buffer.from([1, 2, 0, 3]));
});
after(cleanup);

test('index add stores the files it can read, reports the one it cannot, and exits 1', async () => {
  const r = await runCli(['index', 'add', col, '--model', model, '--pooling', 'sif', join(LICENSES, 'MPL-2.0'), join(dir, 'binary.bin'), join(LICENSES, 'Apache-2.0'), '--max-tokens', '30', '--overlap-tokens', '5', '--json']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /binary\.bin: failed: not a text file/);
  assert.match(r.stderr, /1 of 3 files could not be read/);
  const summary = parseJson<{ docs: number; rows: number; files: { status: string }[] }>(r);
  assert.deepEqual(summary.files.map((f) => f.status), ['completed', 'failed', 'completed']);
  const c = await openCollection(col);
  const info = await c.info();
  await c.close();
  assert.equal(info.rows, summary.rows);
  assert.equal(info.encoder.pooling, 'sif');
  // Again: everything is skipped.
  const again = parseJson<{ skippedDocs: number; docs: number }>(await runCli(['index', 'add', col, join(LICENSES, 'MPL-2.0'), join(LICENSES, 'Apache-2.0'), '--max-tokens', '30', '--overlap-tokens', '5', '--json']));
  assert.equal(again.skippedDocs, again.docs);
});

test('search prints what the library finds, with filters, hybrid and MMR options under the library names', async () => {
  const c = await openCollection(col);
  const filter = 'line <= 200 AND source = "/usr/share/common-licenses/MPL-2.0"';
  const r = await runCli(['search', col, 'patent license', '--k', '4', '--json', '--hybrid', '--alpha', '0.3', '--mmr', '0.5', '--filter', filter]);
  assert.equal(r.code, 0, r.stderr);
  const hits = parseJson<SearchHit[]>(r);
  assert.equal(hits.length, 4);
  assert.deepEqual(hits, JSON.parse(JSON.stringify(await c.search('patent license', { k: 4, hybrid: true, alpha: 0.3, mmr: 0.5, filter }))));
  await c.close();
  const text = await runCli(['search', col, 'patent license', '--k', '2']);
  assert.match(text.stdout, /^ {2}1\. \d\.\d{4} {2}\S+#\d+\n/);
});

test('search --hybrid fuses by convex fusion at alpha 0.3, with --fusion rrf at alpha 0.5, as --help says', async () => {
  const c = await openCollection(col);
  const library = async (options: SearchOptions) => JSON.parse(JSON.stringify(await c.search('patent license', { k: 5, hybrid: true, ...options }))) as SearchHit[];
  const convex = await library({ fusion: 'convex', alpha: 0.3 });
  const rrf = await library({ fusion: 'rrf', alpha: 0.5 });
  await c.close();
  assert.notDeepEqual(convex.map((h) => h.score), rrf.map((h) => h.score));
  assert.deepEqual(parseJson<SearchHit[]>(await runCli(['search', col, 'patent license', '--k', '5', '--hybrid', '--json'])), convex);
  assert.deepEqual(parseJson<SearchHit[]>(await runCli(['search', col, 'patent license', '--k', '5', '--hybrid', '--fusion', 'rrf', '--json'])), rrf);
  const help = (await runCli(['search', '--help'])).stdout.replace(/\s+/g, ' ');
  assert.match(help, /\(default convex\)/);
  assert.match(help, /\(default 0\.3 with convex fusion, 0\.5 with rrf\)/);
});

test('bad input: an unknown filter field, an out-of-range flag, another model', async () => {
  const unknown = await runCli(['search', col, 'license', '--filter', 'lang = "en"']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /unknown field "lang"/);
  const alpha = await runCli(['search', col, 'license', '--alpha', '1.5']);
  assert.match(alpha.stderr, /--alpha must be a number from 0 to 1/);
  const other = await runCli(['index', 'add', col, '--model', 'test/fixtures/reference/w2v-c-lee.bin', join(LICENSES, 'MPL-2.0')]);
  assert.equal(other.code, 1);
  assert.match(other.stderr, /cannot take vectors of/);
});

test('index delete, build-ann and info', async () => {
  const c = await openCollection(col);
  const [hit] = await c.search('patent', { k: 1 });
  const before = await c.count();
  await c.close();
  const del = parseJson<{ deleted: number; rows: number }>(await runCli(['index', 'delete', col, hit.docId, '--json']));
  assert.ok(del.deleted >= 1);
  assert.equal(del.rows, before - del.deleted);
  const built = await runCli(['index', 'build-ann', col, '--partitions', '4', '--json']);
  assert.equal(built.code, 0, built.stderr);
  const info = await runCli(['index', 'info', col]);
  assert.match(info.stdout, /ann index +ivf_pq/);
});
