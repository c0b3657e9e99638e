import { readFileSync } from 'node:fs';

/**
 * How long this thread held its event loop, measured in the thread's own CPU time rather than on the clock: a
 * 1 ms timer notes the thread's CPU time (Linux: /proc/thread-self/schedstat, in ns) at every turn, and the CPU
 * spent between two turns is a stretch no other callback could run in. On a loaded machine the clock adds the
 * time the thread waited for a core; its CPU time does not, so the longest stretch is the same loaded or quiet.
 */
export class LoopStalls {
  /** Longest stretches of CPU between two turns, in ms, with the wall time each ended at (performance.now()). */
  readonly spans: { cpuMs: number; wallMs: number; at: number }[] = [];
  private timer?: NodeJS.Timeout;
  private lastCpu = 0;
  private lastWall = 0;

  /** Whether the thread's CPU time can be read here (Linux only). */
  static get supported(): boolean {
    try {
      return threadCpuNs() > 0;
    } catch {
      return false;
    }
  }

  /** Starts watching; stretches of at least `keepMs` of CPU are kept in `spans`. */
  start(keepMs = 5): this {
    this.lastCpu = threadCpuNs();
    this.lastWall = performance.now();
    this.timer = setInterval(() => {
      const cpu = threadCpuNs();
      const wall = performance.now();
      const cpuMs = (cpu - this.lastCpu) / 1e6;
      if (cpuMs >= keepMs) this.spans.push({ cpuMs, wallMs: wall - this.lastWall, at: wall });
      this.lastCpu = cpu;
      this.lastWall = wall;
    }, 1);
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The longest stretch seen since the last reset, in ms of CPU (0 when none reached `keepMs`). */
  get maxCpuMs(): number {
    return this.spans.reduce((m, s) => Math.max(m, s.cpuMs), 0);
  }

  reset(): void {
    this.spans.length = 0;
  }
}

/** This thread's CPU time in ns (the first field of /proc/thread-self/schedstat). */
export function threadCpuNs(): number {
  return Number(readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ', 1)[0]);
}
