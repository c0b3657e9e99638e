import { readFile } from 'node:fs/promises';
import { FormatError } from '../../errors.ts';
import type { Vocabulary } from '../../vocab/vocabulary.ts';
import { readDictd } from './dictd.ts';

/** A source word and one of its translations. A word with several translations has several pairs. */
export type WordPair = readonly [source: string, target: string];

/**
 * Pairs from dictionary text in the common plain shapes: one pair per line, `source target` separated by
 * whitespace (MUSE's files) or by a tab (then either side may hold spaces). Blank lines and lines starting with
 * `#` are skipped; any other line without exactly two fields is a FormatError naming its line.
 * @example
 * ```ts
 * import { parseDictionary } from 'embedkit/apps';
 * console.log(parseDictionary('dog perro\ncat\tgato\n# comment\n')); // [ [ 'dog', 'perro' ], [ 'cat', 'gato' ] ]
 * ```
 */
export function parseDictionary(text: string, file?: string): WordPair[] {
  const pairs: WordPair[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const fields = raw.includes('\t') ? raw.split('\t').map((f) => f.trim()) : line.split(/\s+/);
    if (fields.length !== 2 || !fields[0] || !fields[1]) {
      throw new FormatError(`a dictionary line holds a source word and a target word (space- or tab-separated), got ${JSON.stringify(raw)}`, { file, line: i + 1 });
    }
    pairs.push([fields[0], fields[1]]);
  });
  return pairs;
}

/**
 * Reads a bilingual dictionary: a dictd dictionary when `path` is its `.index` file (every headword paired with
 * every translation it lists), else plain text as parseDictionary reads it.
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { readDictionary } from 'embedkit/apps';
 * writeFileSync('pairs.txt', 'dog perro\ndog can\n');
 * console.log((await readDictionary('pairs.txt')).length); // 2
 * ```
 */
export async function readDictionary(path: string): Promise<WordPair[]> {
  if (path.endsWith('.index')) return readDictd(path).flatMap((e) => e.translations.map((t): WordPair => [e.headword, t]));
  return parseDictionary(await readFile(path, 'utf8'), path);
}

/** Pairs looked up in two vocabularies: the rows of the pairs found, and what was missing, counted. */
export interface ResolvedPairs {
  /** Source row of each pair found (parallel to tgtRows). */
  srcRows: Int32Array;
  /** Target row of each pair found. */
  tgtRows: Int32Array;
  /** The pairs found, as words. */
  found: WordPair[];
  /** Pairs given. */
  given: number;
  /** Pairs dropped because a word was missing from a space (or outside the rows searched). */
  missingPairs: number;
  /** Distinct source words the source space lacks. */
  missingSource: string[];
  /** Distinct target words the target space lacks. */
  missingTarget: string[];
}

/** Row limits for resolvePairs: words past them count as missing. */
export interface ResolveLimits {
  /** Only the first N source rows (the most frequent words); all when absent. */
  sourceRows?: number;
  /** Only the first N target rows; all when absent. */
  targetRows?: number;
}

/**
 * Finds each pair's rows in the source and target vocabularies; pairs with a word missing from either are
 * dropped and counted (never silently): see `missingPairs`, `missingSource` and `missingTarget`.
 * @example
 * ```ts
 * import { Vocabulary } from 'embedkit';
 * import { resolvePairs } from 'embedkit/apps';
 * const r = resolvePairs([['dog', 'perro'], ['cat', 'gato']], new Vocabulary(['dog', 'cat']), new Vocabulary(['perro']));
 * console.log(r.found, r.missingPairs, r.missingTarget); // [ [ 'dog', 'perro' ] ] 1 [ 'gato' ]
 * ```
 */
export function resolvePairs(pairs: readonly WordPair[], source: Vocabulary, target: Vocabulary, limits: ResolveLimits = {}): ResolvedPairs {
  const srcEnd = Math.min(limits.sourceRows ?? source.size, source.size);
  const tgtEnd = Math.min(limits.targetRows ?? target.size, target.size);
  const src: number[] = [];
  const tgt: number[] = [];
  const found: WordPair[] = [];
  const missingSource = new Set<string>();
  const missingTarget = new Set<string>();
  const seen = new Set<string>();
  for (const [s, t] of pairs) {
    const i = source.indexOf(s);
    const j = target.indexOf(t);
    const sOk = i >= 0 && i < srcEnd;
    const tOk = j >= 0 && j < tgtEnd;
    if (!sOk) missingSource.add(s);
    if (!tOk) missingTarget.add(t);
    if (!sOk || !tOk) continue;
    // A pair listed twice is one pair: it would otherwise weigh double in the map.
    const key = `${i} ${j}`;
    if (seen.has(key)) continue;
    seen.add(key);
    src.push(i);
    tgt.push(j);
    found.push([s, t]);
  }
  return {
    srcRows: Int32Array.from(src),
    tgtRows: Int32Array.from(tgt),
    found,
    given: pairs.length,
    missingPairs: pairs.filter(([s, t]) => missingSource.has(s) || missingTarget.has(t)).length,
    missingSource: [...missingSource],
    missingTarget: [...missingTarget],
  };
}
