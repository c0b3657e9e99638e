import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { withWriteLock } from '../../src/search/write-lock.ts';
import { checkConsistent, expectedDocuments } from './consistency.ts';
import { cleanup, licenseModel, LICENSES, tempDir } from './helpers.ts';

// Ingest in child processes: one killed with SIGKILL mid-ingest (what it committed survives, the store stays whole,
// a rerun completes it), and two writing one collection at once (serialized by the write lock, nothing corrupted).

const CHILD = join(import.meta.dirname, 'ingest-child.ts');
let model: string;
let dir: string;

before(async () => {
  model = await licenseModel();
  dir = tempDir();
});
after(cleanup);

function ingest(name: string, files: string[], batch: number): { child: ChildProcess; lines: string[]; done: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, join(dir, name), model, String(batch), ...files], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => lines.push(...d.split('\n').filter(Boolean)));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Promise<number | null>((resolve) =>
    child.on('exit', (code, signal) => {
      if (code !== 0 && signal !== 'SIGKILL') process.stderr.write(stderr);
      resolve(code);
    }),
  );
  return { child, lines, done };
}

const committed = (lines: string[]) => Math.max(0, ...lines.filter((l) => l.startsWith('committed ')).map((l) => Number(l.split(' ')[1])));

test('an ingest killed with SIGKILL keeps every committed batch, stays consistent, and a rerun completes it', async () => {
  const files = ['GPL-3', 'GPL-2', 'LGPL-2.1', 'Apache-2.0'].map((f) => join(LICENSES, f));
  const expected = expectedDocuments(files);
  const run = ingest('killed', files, 50);
  // Kill it once a few batches are committed (and well before the end).
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (committed(run.lines) >= 150) {
        clearInterval(timer);
        run.child.kill('SIGKILL');
        resolve();
      }
    }, 5);
    run.done.then(() => {
      clearInterval(timer);
      reject(new Error(`the ingest ended before it could be killed: ${run.lines.slice(-3).join(' | ')}`));
    });
  });
  await run.done;
  const before = committed(run.lines);
  assert.ok(before < expected.size, `killed after ${before} of ${expected.size} documents`);
  const stored = await checkConsistent(dir, 'killed', expected);
  // Everything reported committed is there (documents come in file order; a batch may have landed after the report).
  const inOrder = [...expected.keys()];
  assert.ok(stored.size >= before, `${stored.size} stored, ${before} reported committed`);
  for (const id of inOrder.slice(0, before)) assert.ok(stored.has(id), `committed document ${id} survived`);
  // The rerun embeds only what is missing and completes the collection.
  const rerun = ingest('killed', files, 50);
  assert.equal(await rerun.done, 0);
  const [, docs, skipped] = rerun.lines.at(-1)!.split(' ').map(Number);
  assert.equal(docs, expected.size);
  assert.ok(skipped >= stored.size, `rerun skipped ${skipped}, ${stored.size} were stored`);
  assert.equal((await checkConsistent(dir, 'killed', expected)).size, expected.size);
});

test('two processes ingesting into one collection at once are serialized and leave it whole', async () => {
  const a = ['GPL-3', 'MPL-2.0'].map((f) => join(LICENSES, f));
  const b = ['Apache-2.0', 'MPL-2.0', 'Artistic'].map((f) => join(LICENSES, f));
  const expected = expectedDocuments([...a, ...b]);
  const runs = [ingest('shared', a, 40), ingest('shared', b, 40)];
  assert.deepEqual(await Promise.all(runs.map((r) => r.done)), [0, 0]);
  const stored = await checkConsistent(dir, 'shared', expected);
  assert.equal(stored.size, expected.size);
  assert.ok(!existsSync(join(dir, 'shared', '.embedkit-write.lock')), 'the lock is released');
});

test('a lock left by a dead process is taken over; a live one is waited for', async () => {
  const lock = join(tempDir(), 'w.lock');
  // A PID that cannot be running: beyond the kernel's pid_max.
  writeFileSync(lock, `${2 ** 22 + 12345}\n${(await import('node:os')).hostname()}\n`);
  assert.equal(await withWriteLock(lock, async () => 'ran'), 'ran');
  assert.ok(!existsSync(lock));
  // Within one process, writers take turns.
  const order: string[] = [];
  await Promise.all(
    ['a', 'b', 'c'].map((name) =>
      withWriteLock(lock, async () => {
        order.push(`${name}+`);
        await new Promise((r) => setTimeout(r, 10));
        order.push(`${name}-`);
      }),
    ),
  );
  assert.deepEqual(order, ['a+', 'a-', 'b+', 'b-', 'c+', 'c-']);
  // A lock held by a live process (this one's parent) makes a writer wait, then give up.
  writeFileSync(lock, `${process.ppid}\n${(await import('node:os')).hostname()}\n`);
  await assert.rejects(withWriteLock(lock, async () => 'never', { timeoutMs: 100 }), /being written by another process/);
});
