import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, formatProgress, ProgressMeter, stderrProgress, type ProgressEvent } from '../../src/train/progress.ts';

function fakeClock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

test('meter: rate over the sliding window, ETA from it, epoch from words done', () => {
  const clock = fakeClock();
  const events: ProgressEvent[] = [];
  const meter = new ProgressMeter({ phase: 'train', epochs: 2, totalWords: 2_000_000, listener: (e) => events.push(e), now: clock.now, intervalMs: 0, windowMs: 10_000 });
  // 100k words/s for 5 s.
  for (let i = 1; i <= 50; i++) {
    clock.advance(100);
    meter.update(i * 10_000);
  }
  let e = events.at(-1)!;
  assert.equal(e.wordsDone, 500_000);
  assert.ok(Math.abs(e.wordsPerSecond - 100_000) < 1, `${e.wordsPerSecond}`);
  assert.equal(e.progress, 0.25);
  assert.equal(e.epoch, 1);
  assert.ok(Math.abs(e.etaSeconds - 15) < 1e-6);
  // Then 20 s at 25k words/s: the window forgets the fast start.
  for (let i = 1; i <= 200; i++) {
    clock.advance(100);
    meter.update(500_000 + i * 2_500, { learningRate: 0.01, loss: 2.5 });
  }
  e = events.at(-1)!;
  assert.ok(Math.abs(e.wordsPerSecond - 25_000) < 300, `${e.wordsPerSecond}`);
  assert.equal(e.wordsDone, 1_000_000);
  assert.equal(e.epoch, 2);
  assert.equal(e.learningRate, 0.01);
  assert.equal(e.loss, 2.5);
  assert.ok(Math.abs(e.etaSeconds - 1_000_000 / e.wordsPerSecond) < 1e-6);
});

test('meter: events are throttled unless forced; the latest is always available', () => {
  const clock = fakeClock();
  const events: ProgressEvent[] = [];
  const meter = new ProgressMeter({ phase: 'vocab', listener: (e) => events.push(e), now: clock.now, intervalMs: 1000 });
  clock.advance(10);
  assert.ok(meter.update(10));
  clock.advance(10);
  assert.equal(meter.update(20), undefined);
  assert.equal(meter.latest?.wordsDone, 20);
  assert.ok(meter.update(30, { force: true }));
  assert.equal(events.length, 2);
  // Unknown total: progress NaN unless given (e.g. bytes read / size), ETA from the given fraction.
  assert.ok(Number.isNaN(events[0].progress));
  clock.advance(1000);
  const e = meter.update(1000, { progress: 0.5 })!;
  assert.equal(e.progress, 0.5);
  assert.ok(Math.abs(e.etaSeconds - 1000 / e.wordsPerSecond) < 1e-6, 'as long again as it took so far at this rate');
});

test('formatProgress shows percent, words/s, lr, loss and ETA', () => {
  const line = formatProgress({ phase: 'train', epoch: 2, epochs: 5, progress: 0.431, wordsPerSecond: 1_234_000, learningRate: 0.01432, loss: 2.34567, etaSeconds: 83, wordsDone: 1 });
  assert.equal(line, 'train  epoch 2/5   43.1%  1.23M words/s  lr 0.014320  loss 2.3457  ETA 1m23s');
  const vocab = formatProgress({ phase: 'vocab', epoch: 1, epochs: 1, progress: NaN, wordsPerSecond: 5e6, etaSeconds: Infinity, wordsDone: 12_300_000 });
  assert.equal(vocab, 'vocab  12.30M words  5.00M words/s');
  assert.equal(formatDuration(3 * 3600 + 7 * 60 + 9), '3h07m');
  assert.equal(formatDuration(0.4), '0s');
});

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, write: (s: string) => writes.push(s) } as unknown as NodeJS.WriteStream };
}
const event = (progress: number, phase = 'train'): ProgressEvent => ({ phase, epoch: 1, epochs: 1, progress, wordsPerSecond: 1000, etaSeconds: 5, wordsDone: 10 });

test('stderrProgress on a terminal rewrites one line and ends it when the phase completes', () => {
  const { writes, stream } = fakeStream(true);
  const show = stderrProgress({ stream });
  show(event(0.1));
  show(event(0.2)); // within 100 ms of the previous: skipped
  show(event(1));
  assert.equal(writes.length, 3);
  assert.ok(writes[0].startsWith('\r') && writes[0].includes('10.0%'));
  assert.ok(writes[1].includes('100.0%') && writes[1].includes('done'));
  assert.equal(writes[2], '\n');
  show.close();
  assert.equal(writes.length, 3, 'close after a finished line writes nothing');
});

test('stderrProgress off a terminal prints a line every few seconds, phase changes and completion always', () => {
  const { writes, stream } = fakeStream(false);
  const show = stderrProgress({ stream, lineEverySeconds: 60 });
  show(event(0.1, 'vocab'));
  show(event(0.5, 'vocab'));
  show(event(0.01, 'train'));
  show(event(0.02, 'train'));
  show(event(1, 'train'));
  assert.equal(writes.length, 3);
  assert.ok(writes.every((w) => w.endsWith('\n') && !w.includes('\r')));
  assert.match(writes[0], /^vocab/);
  assert.match(writes[2], /done/);
});

test('stderrProgress quiet prints nothing', () => {
  const { writes, stream } = fakeStream(true);
  const show = stderrProgress({ stream, quiet: true });
  show(event(0.5));
  show(event(1));
  show.close();
  assert.deepEqual(writes, []);
});

test('stderrProgress prints the completion of a phase once, however many final events arrive', () => {
  for (const tty of [false, true]) {
    const { writes, stream } = fakeStream(tty);
    const show = stderrProgress({ stream, lineEverySeconds: 60 });
    show(event(1, 'vocab'));
    show(event(1, 'vocab'));
    show(event(1, 'train'));
    show(event(1, 'train'));
    show.close();
    const done = writes.filter((w) => w.includes('done'));
    assert.equal(done.length, 2, JSON.stringify(writes));
    assert.match(done[0], /vocab/);
    assert.match(done[1], /train/);
  }
});
