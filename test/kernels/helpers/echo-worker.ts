// A pool worker for the pool tests: answers each task with its number doubled and the worker's thread id.
import { parentPort, threadId } from 'node:worker_threads';
import { serveWorker } from '../../../src/kernels/pool.ts';

if (parentPort) serveWorker<{ offset: number }, { n: number }, { n: number; thread: number }>(parentPort, (init) => (task) => ({ n: 2 * task.n + init.offset, thread: threadId }));
