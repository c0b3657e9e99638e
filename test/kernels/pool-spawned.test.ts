import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { SpawnedWorkers, WorkerPool } from '../../src/kernels/pool.ts';

// Workers started ahead of their pool (a trainer starts them before its dictionary pass): the pool runs on those very
// threads when they match it, starts its own when they do not, and an unused set neither leaks nor holds the process.

const ECHO = new URL('./helpers/echo-worker.ts', import.meta.url);
const OTHER = new URL('./helpers/echo-worker.ts?other', import.meta.url);

async function runPool(spawned: SpawnedWorkers | undefined, count: number, script = ECHO): Promise<{ results: number[]; threads: Set<number> }> {
  const results: number[] = [];
  const threads = new Set<number>();
  const pool = await WorkerPool.start<{ n: number }, { n: number; thread: number }>(script, count, () => ({ offset: 1 }), {
    spawned,
    onResult: (r) => {
      results.push(r.n);
      threads.add(r.thread);
    },
  });
  try {
    for (let n = 0; n < 8; n++) await pool.submit(() => ({ n }));
    await pool.drain();
  } finally {
    await pool.close();
  }
  return { results: results.sort((a, b) => a - b), threads };
}

test('a pool given matching spawned workers runs on them; given others it stops them and starts its own', async () => {
  const spawned = new SpawnedWorkers(ECHO, 2);
  const ids = new Set(spawned.workers.map((w) => w.threadId));
  const { results, threads } = await runPool(spawned, 2);
  assert.deepEqual(results, [1, 3, 5, 7, 9, 11, 13, 15]);
  assert.ok([...threads].every((t) => ids.has(t)), `tasks ran on ${[...threads]}, spawned ${[...ids]}`);

  for (const [count, script] of [[3, ECHO], [2, OTHER]] as const) {
    const mismatched = new SpawnedWorkers(ECHO, 2);
    const exits = mismatched.workers.map((w) => new Promise((resolve) => w.once('exit', resolve)));
    const other = await runPool(mismatched, count, script);
    assert.equal(other.results.length, 8);
    assert.ok([...other.threads].every((t) => !mismatched.workers.some((w) => w.threadId === t)));
    await Promise.all(exits);
  }
});

test('release() stops workers no pool took; a worker that failed to load is replaced, its pool reports the failure', async () => {
  const unused = new SpawnedWorkers(ECHO, 2);
  const exits = unused.workers.map((w) => new Promise((resolve) => w.once('exit', resolve)));
  await unused.release();
  await Promise.all(exits);

  const missing = new URL('./helpers/no-such-worker.ts', import.meta.url);
  const broken = new SpawnedWorkers(missing, 1);
  // Spawned workers are unreferenced: held here so the test waits for the failed one to end.
  broken.workers[0].ref();
  await new Promise((resolve) => broken.workers[0].once('exit', resolve));
  await assert.rejects(runPool(broken, 1, missing));
});

test('spawned workers never taken nor released do not keep the process alive', () => {
  const code = `import { SpawnedWorkers } from ${JSON.stringify(new URL('../../src/kernels/pool.ts', import.meta.url).href)};
new SpawnedWorkers(new URL(${JSON.stringify(ECHO.href)}), 2);
console.log('spawned');`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /spawned/);
});
