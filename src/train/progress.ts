/**
 * Progress of long jobs (vocabulary scan, training) as plain events, so the CLI, a program or the server can
 * each show it their way. ProgressMeter turns running counters into events; stderrProgress() displays them.
 */
export interface ProgressEvent {
  phase: 'vocab' | 'train' | string;
  /** 1-based epoch in progress (1 for single-pass phases). */
  epoch: number;
  epochs: number;
  /** Fraction of the whole phase done, 0..1; NaN when the total is unknown (e.g. the first pass over stdin). */
  progress: number;
  /** Throughput over the last few seconds. */
  wordsPerSecond: number;
  learningRate?: number;
  loss?: number;
  /** Seconds left at the current rate; Infinity when it cannot be estimated yet. */
  etaSeconds: number;
  /** Words processed since the phase started, across epochs. */
  wordsDone: number;
  /** What is counted when it is not words (an ingest counts documents: "docs"). */
  unit?: string;
}

export type ProgressListener = (e: ProgressEvent) => void;

export interface ProgressMeterOptions {
  phase: ProgressEvent['phase'];
  epochs?: number;
  /** Words the whole phase will process (all epochs); undefined or 0 when unknown. */
  totalWords?: number;
  listener?: ProgressListener;
  /** Minimum time between two emitted events; forced updates ignore it. Default 200 ms. */
  intervalMs?: number;
  /** Span of the sliding window the rate is measured over. Default 10 s. */
  windowMs?: number;
  /** Clock in milliseconds (tests substitute their own). */
  now?: () => number;
  /** Words already done when the meter starts (a resumed run), so they do not count toward the rate. Default 0. */
  startWords?: number;
  /** What the counter counts when it is not words (shown in place of "words"). */
  unit?: string;
}

export interface ProgressUpdate {
  epoch?: number;
  learningRate?: number;
  loss?: number;
  /** Override the fraction done (e.g. bytes read / file size while the word total is unknown). */
  progress?: number;
  /** Emit even if the last event was moments ago (epoch ends, the final update). */
  force?: boolean;
}

/**
 * Turns a growing word counter into ProgressEvents: rate over a sliding window (so a slow start or a pause does
 * not distort it for long), ETA from that rate, at most one event per interval unless forced.
 */
export class ProgressMeter {
  private readonly samples: { t: number; words: number }[] = [];
  private readonly now: () => number;
  private readonly intervalMs: number;
  private readonly windowMs: number;
  private lastEmit = -Infinity;
  private last: ProgressEvent | undefined;

  constructor(private readonly options: ProgressMeterOptions) {
    this.now = options.now ?? (() => performance.now());
    this.intervalMs = options.intervalMs ?? 200;
    this.windowMs = options.windowMs ?? 10_000;
    this.samples.push({ t: this.now(), words: options.startWords ?? 0 });
  }

  /** The latest event computed (emitted or not). */
  get latest(): ProgressEvent | undefined {
    return this.last;
  }

  /** Records that `wordsDone` words are done in total; returns the event when one was emitted. */
  update(wordsDone: number, extra: ProgressUpdate = {}): ProgressEvent | undefined {
    const t = this.now();
    this.record(t, wordsDone);
    const { epochs = 1, totalWords, phase, listener } = this.options;
    const first = this.samples[0];
    const dt = (t - first.t) / 1000;
    const wordsPerSecond = dt > 0 ? Math.max(0, wordsDone - first.words) / dt : 0;
    const progress = extra.progress ?? (totalWords ? Math.min(1, wordsDone / totalWords) : NaN);
    let etaSeconds = Infinity;
    if (progress >= 1) etaSeconds = 0;
    else if (totalWords && extra.progress === undefined && wordsPerSecond > 0) etaSeconds = (totalWords - wordsDone) / wordsPerSecond;
    else if (progress > 0 && wordsPerSecond > 0) etaSeconds = ((1 - progress) / progress) * (wordsDone / wordsPerSecond);
    const perEpoch = totalWords ? totalWords / epochs : 0;
    const epoch = extra.epoch ?? (perEpoch ? Math.min(epochs, Math.floor(wordsDone / perEpoch) + 1) : 1);
    const event: ProgressEvent = { phase, epoch, epochs, progress, wordsPerSecond, etaSeconds, wordsDone };
    if (extra.learningRate !== undefined) event.learningRate = extra.learningRate;
    if (extra.loss !== undefined) event.loss = extra.loss;
    if (this.options.unit !== undefined) event.unit = this.options.unit;
    this.last = event;
    if (!extra.force && t - this.lastEmit < this.intervalMs) return undefined;
    this.lastEmit = t;
    listener?.(event);
    return event;
  }

  /** Keeps samples spanning at least the window (the oldest sample just outside it anchors the rate). */
  private record(t: number, words: number): void {
    const s = this.samples;
    // One sample per 100 ms is plenty for a 10 s window and keeps the array short: a newer reading replaces
    // the newest sample while that one is within 100 ms of the sample before it. s[0] is never replaced.
    if (s.length >= 2 && t - s[s.length - 2].t < 100) s[s.length - 1] = { t, words };
    else s.push({ t, words });
    while (s.length > 2 && t - s[1].t >= this.windowMs) s.shift();
  }
}

export interface StderrProgressOptions {
  /** Show nothing. */
  quiet?: boolean;
  /** Where to write; default process.stderr. */
  stream?: NodeJS.WriteStream;
  /** Seconds between lines when the stream is not a terminal. Default 5. */
  lineEverySeconds?: number;
}

/**
 * A listener printing progress: on a terminal one line rewritten in place (at most 10 times a second), otherwise
 * (a log file, CI) one line every few seconds, plus the final line of each phase. close() ends the live line.
 * @example
 * ```ts
 * import { stderrProgress, trainWord2Vec } from 'embedkit/train';
 * const progress = stderrProgress();
 * try {
 *   await trainWord2Vec({ input: 'corpus.txt', dim: 20, minCount: 2, onProgress: progress });
 * } finally {
 *   progress.close();
 * }
 * ```
 */
export function stderrProgress(options: StderrProgressOptions = {}): ProgressListener & { close(): void } {
  const stream = options.stream ?? process.stderr;
  const tty = Boolean(stream.isTTY);
  const minGapMs = tty ? 100 : (options.lineEverySeconds ?? 5) * 1000;
  let lastWrite = -Infinity;
  let lastPhase: string | undefined;
  let lastDone = false;
  let liveLine = false;

  const endLiveLine = () => {
    if (liveLine) stream.write('\n');
    liveLine = false;
  };
  const listener = (e: ProgressEvent) => {
    if (options.quiet) return;
    const t = performance.now();
    const done = e.progress >= 1;
    const phaseChanged = e.phase !== lastPhase;
    // A pass may report its end more than once (the last batch read, then the count of it): one "done" line per phase.
    if (done && !phaseChanged && lastDone) return;
    if (!done && !phaseChanged && t - lastWrite < minGapMs) return;
    if (phaseChanged) endLiveLine();
    lastPhase = e.phase;
    lastDone = done;
    lastWrite = t;
    const line = formatProgress(e);
    if (tty) {
      stream.write(`\r${line}\x1b[K`);
      liveLine = true;
      if (done) endLiveLine();
    } else {
      stream.write(`${line}\n`);
    }
  };
  return Object.assign(listener, { close: endLiveLine });
}

/** "train  epoch 2/5  43.1%  1.23M words/s  lr 0.014320  loss 2.3456  ETA 1m23s" */
export function formatProgress(e: ProgressEvent): string {
  const parts = [e.phase.padEnd(5)];
  if (e.epochs > 1) parts.push(`epoch ${e.epoch}/${e.epochs}`);
  if (Number.isFinite(e.progress)) parts.push(`${(e.progress * 100).toFixed(1).padStart(5)}%`);
  else parts.push(`${formatCount(e.wordsDone)} ${e.unit ?? 'words'}`);
  parts.push(`${formatCount(e.wordsPerSecond)} ${e.unit ?? 'words'}/s`);
  if (e.learningRate !== undefined) parts.push(`lr ${e.learningRate.toFixed(6)}`);
  if (e.loss !== undefined && Number.isFinite(e.loss)) parts.push(`loss ${e.loss.toFixed(4)}`);
  if (e.progress >= 1) parts.push('done');
  else if (Number.isFinite(e.etaSeconds)) parts.push(`ETA ${formatDuration(e.etaSeconds)}`);
  return parts.join('  ');
}

function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return `${Math.round(n)}`;
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
