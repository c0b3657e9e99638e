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
  // 20 ms slices: six requests at once held the loop for up to 120 ms per turn before they shared them.
  const stalls = new LoopStalls().start(1);
  await Promise.all(Array.from({ length: 6 }, () => work(20, 1500)));
  stalls.stop();
  const longest = stalls.maxCpuMs;
  // One shared slice (20 ms) plus a step, measured to a scheduler tick (4 ms at HZ 250), with room for a garbage
  // collection or a busy CI machine; far more when not shared.
  assert.ok(longest < 50, `longest stretch ${longest.toFixed(1)} ms of CPU`);
});
