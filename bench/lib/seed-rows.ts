/**
 * Benchmark rows measured over several seeds, summarised as mean ± half the range. On a busy machine a benchmark runs
 * one collection and seed at a time, each run appending its rows to a JSON Lines file, and a last run prints the
 * table of all of them from that file.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { printTable } from './table.ts';

export class SeedRows {
  private readonly rows = new Map<string, Map<string, number[][]>>();

  /** `jsonl`: where each added row is also appended (with its group, name and seed). */
  constructor(private readonly jsonl?: string) {}

  /** One seed's row of numbers for `name` in `group` (a collection); NaN where the method has no such value. */
  add(group: string, name: string, row: number[], seed: number): void {
    this.push(group, name, row);
    if (this.jsonl) appendFileSync(this.jsonl, `${JSON.stringify({ data: group, seed, name, row })}\n`);
  }

  /** The rows of a JSON Lines file written by earlier runs, for the given seeds only. */
  load(file: string, seeds: readonly number[]): void {
    for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
      const r = JSON.parse(line) as { data: string; seed: number; name: string; row: number[] };
      if (seeds.includes(r.seed)) this.push(r.data, r.name, r.row);
    }
  }

  private push(group: string, name: string, row: number[]): void {
    const g = this.rows.get(group) ?? new Map<string, number[][]>();
    this.rows.set(group, g);
    g.set(name, [...(g.get(name) ?? []), row]);
  }

  /** One table per group: each column's mean ± half its range over the seeds (`digits[c]` decimals, default 3). */
  print(title: (group: string) => string, header: string[], digits: number[] = []): void {
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    for (const [group, rows] of this.rows) {
      const cells = [...rows].map(([name, rs]) => [
        name,
        ...rs[0].map((_, c) => {
          const xs = rs.map((r) => r[c]);
          const d = digits[c] ?? 3;
          // A column a method has no value in (NaN, null once through JSON).
          if (xs.some((x) => x === null || Number.isNaN(x))) return '–';
          return rs.length === 1 ? xs[0].toFixed(d) : `${mean(xs).toFixed(d)} ±${((Math.max(...xs) - Math.min(...xs)) / 2).toFixed(d)}`;
        }),
      ]);
      printTable(title(group), header, cells);
    }
  }
}
