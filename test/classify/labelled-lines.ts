import { seededRandom } from '../../src/util/random.ts';

/**
 * Labelled lines for classifier tests: `labels` topics, each with its own 30 words plus 60 shared ones, so the
 * task is learnable but not trivial; a fifth of the lines carry a second label (multi-label), some words occur
 * once (unknown at minCount 2), and a few lines have no label.
 */
export function labelledLines(n: number, seed: number, labels = 5): string[] {
  const rnd = seededRandom(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const topicWords = Array.from({ length: labels }, (_, l) => Array.from({ length: 30 }, (_, i) => `t${l}w${i}`));
  const shared = Array.from({ length: 60 }, (_, i) => `s${i}`);
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const l = Math.floor(rnd() * rnd() * labels); // skewed label counts
    const words: string[] = [];
    const len = 3 + Math.floor(rnd() * 12);
    for (let k = 0; k < len; k++) words.push(rnd() < 0.55 ? pick(topicWords[l]) : rnd() < 0.9 ? pick(shared) : `rare${seed}x${i}x${k}`);
    const tags = [`__label__c${l}`];
    if (rnd() < 0.2) tags.push(`__label__c${(l + 1) % labels}`);
    if (rnd() < 0.02) tags.length = 0;
    // Labels anywhere in the line, as fastText allows.
    const at = Math.floor(rnd() * 3);
    lines.push([...words.slice(0, at), ...tags, ...words.slice(at)].join(rnd() < 0.1 ? '\t' : ' '));
  }
  return lines;
}
