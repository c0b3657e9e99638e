import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { corpusBatches, corpusFromLines, openCorpus } from '../../src/text/corpus.ts';
import { EmbedkitError, FormatError } from '../../src/errors.ts';
import { collect, tempFiles } from './helpers/files.ts';

const files = tempFiles();
test.after(() => files.cleanup());

test('a plain file streams its lines; CRLF, blank lines and a missing final newline are handled', async () => {
  const p = files.file('a.txt', 'one two\r\n\nthree\nfour five six');
  const c = await openCorpus(p);
  assert.deepEqual(await collect(c.lines()), ['one two', '', 'three', 'four five six']);
  // A second pass reads the file again from the start.
  assert.deepEqual(await collect(c.lines()), ['one two', '', 'three', 'four five six']);
  assert.equal(c.byteLength, Buffer.byteLength('one two\r\n\nthree\nfour five six'));
  assert.equal(c.bytesRead, c.byteLength);
});

test('.gz files are decompressed on the fly, and gzip data is recognised without the extension', async () => {
  const text = 'der schnelle braune\nfuchs springt\n';
  const gz = files.file('b.txt.gz', text);
  const c = await openCorpus(gz);
  assert.deepEqual(await collect(c.lines()), ['der schnelle braune', 'fuchs springt']);
  assert.equal(c.bytesRead, c.byteLength, 'progress counts compressed bytes up to the file size');
  const disguised = files.file('b-gz.txt', gzipSync(Buffer.from(text)));
  assert.deepEqual(await collect((await openCorpus(disguised)).lines()), ['der schnelle braune', 'fuchs springt']);
});

test('concatenated gzip members read as one stream', async () => {
  const p = files.file('multi.txt', Buffer.concat([gzipSync(Buffer.from('a b\n')), gzipSync(Buffer.from('c d\n'))]));
  assert.deepEqual(await collect((await openCorpus(p)).lines()), ['a b', 'c d']);
});

test('multi-byte characters split across read buffers survive, and batches cover every line once', async () => {
  // Lines of 3-byte and 4-byte characters, well past the 1 MiB read size, so boundaries fall inside characters.
  const lines: string[] = [];
  for (let i = 0; i < 60000; i++) lines.push(`第${i}行 😀${'語'.repeat(i % 7)} é${i}`);
  const p = files.file('big.txt', `${lines.join('\n')}\n`);
  const c = await openCorpus(p);
  const batches = await collect(corpusBatches(c));
  assert.ok(batches.length > 1, 'several batches');
  assert.deepEqual(batches.flat(), lines);
  const gz = files.file('big.txt.gz', `${lines.join('\n')}\n`);
  assert.deepEqual((await collect((await openCorpus(gz)).lineBatches!())).flat(), lines);
});

test('an early stop leaves the corpus readable again', async () => {
  const p = files.file('stop.txt', 'a\nb\nc\n');
  const c = await openCorpus(p);
  for await (const line of c.lines()) {
    assert.equal(line, 'a');
    break;
  }
  assert.deepEqual(await collect(c.lines()), ['a', 'b', 'c']);
});

test('missing, directory and unreadable inputs are EmbedkitErrors naming the path', async () => {
  const missing = `${files.dir}/nope.txt`;
  await assert.rejects(openCorpus(missing), (e: unknown) => e instanceof EmbedkitError && e.code === 'io_error' && e.message.includes(missing) && /no such file/.test(e.message));
  await assert.rejects(openCorpus(files.dir), (e: unknown) => e instanceof EmbedkitError && e.message.includes(files.dir) && /directory/.test(e.message));
  if (process.getuid?.() !== 0) {
    const locked = files.file('locked.txt', 'x\n');
    chmodSync(locked, 0o000);
    await assert.rejects(openCorpus(locked), (e: unknown) => e instanceof EmbedkitError && /permission denied/.test(e.message) && e.message.includes(locked));
  }
});

test('corrupt gzip data is a FormatError naming the file', async () => {
  const good = gzipSync(Buffer.from('hello world\n'.repeat(1000)));
  const bad = Buffer.from(good);
  bad.fill(0x55, 20, 60);
  const p = files.file('bad.txt', bad);
  const c = await openCorpus(p);
  await assert.rejects(collect(c.lines()), (e: unknown) => e instanceof FormatError && e.message.includes(p) && /gzip/.test(e.message));
  const cut = files.file('cut.txt', good.subarray(0, good.length >> 1));
  await assert.rejects(collect((await openCorpus(cut)).lines()), (e: unknown) => e instanceof FormatError && e.message.includes(cut));
  const empty = files.file('empty.txt.gz', Buffer.alloc(0));
  assert.deepEqual(await collect((await openCorpus(empty)).lines()), [], 'an empty file is an empty corpus, not an error');
});

test('corpusFromLines offers lines and batches', async () => {
  const c = corpusFromLines(['x y', 'z']);
  assert.deepEqual(await collect(c.lines()), ['x y', 'z']);
  assert.deepEqual(await collect(corpusBatches(c)), [['x y', 'z']]);
  // A corpus with lines() only is batched by corpusBatches.
  assert.deepEqual(await collect(corpusBatches({ path: 'p', lines: c.lines })), [['x y', 'z']]);
});

const child = fileURLToPath(new URL('./helpers/stdin-twice.ts', import.meta.url));
function runChild(input: Buffer, arg = ''): { first: string[]; second: string[]; bytes: { read: number; length: number }; spoolDuringRun: string[]; spoolAfterClose: string[]; exists: boolean[]; pid: number } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', child, arg], { input, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return { ...JSON.parse(r.stdout), pid: r.pid };
}

test('stdin is spooled to a temporary file on the first pass, serves the second, and is removed', () => {
  const text = 'first line\nsecond line\n';
  const r = runChild(Buffer.from(text));
  assert.deepEqual(r.first, ['first line', 'second line']);
  assert.deepEqual(r.second, r.first);
  assert.equal(r.bytes.length, Buffer.byteLength(text));
  assert.equal(r.bytes.read, r.bytes.length);
  assert.equal(r.spoolDuringRun.length, 1, 'one spool file while running');
  assert.ok(!existsSync(`${tmpdir()}/${r.spoolDuringRun[0]}`), 'spool removed at exit');
  const closed = runChild(Buffer.from(text), 'close');
  assert.deepEqual(closed.spoolAfterClose, [], 'close() removes the spool');
});

test('gzipped stdin is recognised by its magic bytes', () => {
  const r = runChild(gzipSync(Buffer.from('alpha beta\ngamma\n')));
  assert.deepEqual(r.first, ['alpha beta', 'gamma']);
  assert.deepEqual(r.second, r.first);
});

test('a named pipe is spooled like standard input, so it can be read twice', (t) => {
  const fifo = `${files.dir}/pipe`;
  if (spawnSync('mkfifo', [fifo]).status !== 0) return t.skip('mkfifo unavailable');
  const sh = `printf 'x y\\nz\\n' > "$1" & exec "$2" --import tsx "$3" keep "$1"`;
  const r = spawnSync('sh', ['-c', sh, 'sh', fifo, process.execPath, child], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(out.first, ['x y', 'z']);
  assert.deepEqual(out.second, out.first);
});
