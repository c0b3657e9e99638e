import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LoopStalls } from '../../bench/lib/loop-stalls.ts';
import { Pacer } from '../../src/encoders/pace.ts';

/** Work in small synchronous steps under a pacer with `sliceMs` slices, for `forMs` of wall-clock time. */
async function work(sliceMs: number, forMs: number): Promise<void> {
  const pace = new Pacer(undefined, sliceMs);
  const until = performance.now() + forMs;
  while (performance.now() < until) {
    const step = performance.now() + 0.2;
    while (performance.now() < step);
    await pace.tick();
  }
}

const skip = LoopStalls.supported ? false : 'needs /proc/thread-self/schedstat (Linux)';

test('pacers working at once share one slice per turn of the event loop, not one slice each', { skip, timeout: 60_000 }, async () => {
  // 20 ms slices: three requests at once held the loop for 60 ms per turn before they shared them.
  const stalls = new LoopStalls().start(1);
  await Promise.all([work(20, 1500), work(20, 1500), work(20, 1500)]);
  stalls.stop();
  const longest = stalls.maxCpuMs;
  // One shared slice (20 ms) plus a step, measured to a scheduler tick (4 ms at HZ 250); 60 ms when not shared.
  assert.ok(longest < 40, `longest stretch ${longest.toFixed(1)} ms of CPU`);
});
