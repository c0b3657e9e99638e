import { InvalidArgumentError } from '../../errors.ts';

/** Document counts per topic in consecutive time bins (a year, a month or a day, chosen from the dates' span). */
export interface TopicsOverTime {
  granularity: 'year' | 'month' | 'day';
  /** Bins in time order, each with its label ("1999", "1999-04", "1999-04-30") and a count per topic id. */
  bins: { bin: string; counts: number[]; outliers: number }[];
}

const DAY = 86_400_000;

/** A document date (ISO 8601 string or Date) as milliseconds; throws naming the document for anything else. */
export function parseDate(value: string | Date, index: number): number {
  const t = value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(t)) throw new InvalidArgumentError(`document ${index}: date ${JSON.stringify(String(value))} is not a date (expected ISO 8601, e.g. 2024-05-17)`);
  return t;
}

/**
 * Topics over time: each dated document counted in its topic's bin (outliers apart). Bins are years when the dates
 * span over two years, months when over two months, days otherwise; bins without documents in the span are kept,
 * so the series has no gaps. Undefined when no document has a date.
 */
export function topicsOverTime(times: readonly (number | undefined)[], topicOf: readonly (number | null)[], topicCount: number): TopicsOverTime | undefined {
  const dated = times.flatMap((t, i) => (t === undefined || topicOf[i] === null ? [] : [{ t, topic: topicOf[i]! }]));
  if (dated.length === 0) return undefined;
  const lo = Math.min(...dated.map((d) => d.t));
  const hi = Math.max(...dated.map((d) => d.t));
  const granularity = hi - lo > 2 * 366 * DAY ? 'year' : hi - lo > 62 * DAY ? 'month' : 'day';
  const label = (t: number) => new Date(t).toISOString().slice(0, granularity === 'year' ? 4 : granularity === 'month' ? 7 : 10);
  const bins = new Map<string, { bin: string; counts: number[]; outliers: number }>();
  const first = new Date(lo);
  const cursor = new Date(Date.UTC(first.getUTCFullYear(), granularity === 'year' ? 0 : first.getUTCMonth(), granularity === 'day' ? first.getUTCDate() : 1));
  while (cursor.getTime() <= hi) {
    const bin = label(cursor.getTime());
    bins.set(bin, { bin, counts: new Array<number>(topicCount).fill(0), outliers: 0 });
    if (granularity === 'year') cursor.setUTCFullYear(cursor.getUTCFullYear() + 1);
    else if (granularity === 'month') cursor.setUTCMonth(cursor.getUTCMonth() + 1);
    else cursor.setUTCDate(cursor.getUTCDate() + 1);
  }
  for (const { t, topic } of dated) {
    const b = bins.get(label(t))!;
    if (topic < 0) b.outliers++;
    else b.counts[topic]++;
  }
  return { granularity, bins: [...bins.values()] };
}
