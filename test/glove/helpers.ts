import { seededRandom } from '../../src/util/random.ts';

/**
 * A corpus with known structure: words belong to topics (`t3w7` is word 7 of topic 3), every line draws most of its
 * words from one topic, the rest from any topic or a few shared function words. Words of a topic co-occur often,
 * words of different topics seldom, so good vectors
 * put each word's nearest neighbours in its own topic.
 */
export function topicCorpus(lines: number, topics: number, wordsPerTopic: number, seed: number): string[] {
  const rnd = seededRandom(seed);
  const shared = ['the', 'of', 'and', 'a'];
  const out: string[] = [];
  for (let l = 0; l < lines; l++) {
    const t = Math.floor(rnd() * topics);
    const len = 6 + Math.floor(rnd() * 10);
    const toks: string[] = [];
    for (let k = 0; k < len; k++) {
      const u = rnd();
      // Some words come from a random other topic: cross-topic pairs then exist with low counts, which GloVe must
      // fit too (it never sees pairs that do not occur, so only counts can push topics apart).
      const topic = u < 0.3 ? Math.floor(rnd() * topics) : t;
      toks.push(u > 0.85 ? shared[Math.floor(rnd() * shared.length)] : `t${topic}w${Math.floor(rnd() * wordsPerTopic)}`);
    }
    out.push(toks.join(' '));
  }
  return out;
}

export function topicOf(word: string): string | undefined {
  return /^t(\d+)w/.exec(word)?.[1];
}
