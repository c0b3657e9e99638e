/**
 * The word2vec bench's regimes (`--regimes`): the settings in which embedkit must reach gensim's quality, not
 * only the full corpus at 5 epochs but the small jobs most users run. Each regime is a corpus (the first lines of
 * the bench corpus, or all of it), epochs, window, dim and mode; every regime is trained with several seeds by
 * each tool, and passes when embedkit's mean is at least gensim's mean minus gensim's own seed-to-seed spread on
 * both analogy and WordSim-353.
 */
import { printTable } from './table.ts';
import { signed } from './env.ts';

export type RegimeMode = 'sg-ns' | 'cbow-ns' | 'sg-hs' | 'cbow-hs';

export interface Regime {
  /** e.g. slice-e2-w5-d100-sg-ns */
  name: string;
  corpus: 'slice' | 'full';
  epochs: number;
  window: number;
  dim: number;
  mode: RegimeMode;
}

/** The speed embedkit must keep: gensim's words/s times this, in every regime (measured in the same run). */
export const SPEED_FLOOR = 1.5;

/**
 * Every regime, cheapest first (the slice before the full corpus, fewer epochs, window 5 and dim 100 first), so
 * a run cut short has covered the small jobs. `modes` defaults to skip-gram with NS and HS.
 */
export function allRegimes(modes: RegimeMode[] = ['sg-ns', 'sg-hs']): Regime[] {
  const out: Regime[] = [];
  const runs: [Regime['corpus'], number][] = [['slice', 1], ['slice', 2], ['slice', 5], ['full', 5]];
  for (const [corpus, epochs] of runs) {
    for (const window of [5, 10]) {
      for (const dim of [100, 300]) {
        for (const mode of modes) out.push({ name: `${corpus}-e${epochs}-w${window}-d${dim}-${mode}`, corpus, epochs, window, dim, mode });
      }
    }
  }
  return out;
}

/**
 * The regimes whose name matches one of the comma-separated patterns (`*` matches any run of characters, e.g.
 * `slice-e2-*,*-d300-sg-hs`); all of them without patterns. Unknown patterns (matching nothing) are an error,
 * so a typo never silently runs nothing.
 */
export function selectRegimes(regimes: Regime[], patterns: string | undefined): Regime[] {
  if (!patterns) return regimes;
  const list = patterns.split(',').map((p) => p.trim()).filter(Boolean);
  const matchers = list.map((p) => new RegExp(`^${p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`));
  for (const [i, m] of matchers.entries()) {
    if (!regimes.some((r) => m.test(r.name))) throw new Error(`no regime matches ${list[i]}; regimes are named like ${regimes[0]?.name}`);
  }
  return regimes.filter((r) => matchers.some((m) => m.test(r.name)));
}

/** One trained and scored run of a regime. */
export interface RegimeRun {
  regime: string;
  tool: string;
  seed: number;
  seconds: number;
  /** User + system CPU seconds of the whole process (absent in journals written before it was recorded). */
  cpuSeconds?: number;
  analogy: number;
  ws353: number;
}

interface Summary {
  mean: number;
  spread: number;
}

function summary(xs: number[]): Summary {
  return { mean: xs.reduce((s, x) => s + x, 0) / xs.length, spread: Math.max(...xs) - Math.min(...xs) };
}

/** Whether `ours` meets the floor: its mean at least the peer's mean minus the peer's seed spread. */
export function meetsFloor(ours: Summary, peer: Summary): boolean {
  return ours.mean >= peer.mean - peer.spread;
}

/**
 * Prints one row per regime: both tools' means, gensim's spread, the gap, whether the quality floor is met on
 * both metrics, the speed ratio (gensim's mean seconds over embedkit's: > 1 is faster; the whole process of
 * each tool is timed, vocabulary pass included) against SPEED_FLOOR, and the same ratio in CPU seconds. Returns the regimes that fail either floor.
 */
export function printRegimeTable(regimes: Regime[], runs: RegimeRun[]): string[] {
  const failed: string[] = [];
  const rows = regimes.flatMap((r) => {
    const of = (tool: string) => runs.filter((x) => x.regime === r.name && x.tool === tool);
    const e = of('embedkit');
    const g = of('gensim');
    if (e.length === 0 || g.length === 0) return [];
    const [ea, ga] = [summary(e.map((x) => x.analogy)), summary(g.map((x) => x.analogy))];
    const [ew, gw] = [summary(e.map((x) => x.ws353)), summary(g.map((x) => x.ws353))];
    const speed = summary(g.map((x) => x.seconds)).mean / summary(e.map((x) => x.seconds)).mean;
    // Wall time on a loaded machine measures the neighbours as much as the trainer; CPU seconds do not, so
    // the table gives both (the floor stays on wall time, as the issue states it).
    const cpu = [...e, ...g].every((x) => x.cpuSeconds !== undefined)
      ? `${(summary(g.map((x) => x.cpuSeconds!)).mean / summary(e.map((x) => x.cpuSeconds!)).mean).toFixed(2)}×`
      : 'n/a';
    const quality = meetsFloor(ea, ga) && meetsFloor(ew, gw);
    if (!quality || speed < SPEED_FLOOR) failed.push(r.name);
    return [[
      r.name,
      `${e.length}/${g.length}`,
      ga.mean, ga.spread, ea.mean, signed(ea.mean - ga.mean),
      gw.mean, gw.spread, ew.mean, signed(ew.mean - gw.mean),
      quality ? 'pass' : 'FAIL',
      `${speed.toFixed(2)}× ${speed >= SPEED_FLOOR ? 'pass' : 'FAIL'}`,
      cpu,
    ]];
  });
  printTable(
    `regimes: embedkit vs gensim, seed means; floor: embedkit mean ≥ gensim mean − gensim spread (analogy and WS353), speed ≥ ${SPEED_FLOOR}× gensim`,
    ['regime', 'seeds ek/gensim', 'gensim analogy', 'spread', 'embedkit analogy', 'Δ analogy', 'gensim WS353', 'spread', 'embedkit WS353', 'Δ WS353', 'quality floor', 'speed vs gensim', 'CPU-time ratio'],
    rows,
  );
  return failed;
}
