import { Embeddings } from '../../../src/vectors/embeddings.ts';
import { Vocabulary } from '../../../src/vocab/vocabulary.ts';
import { gaussian, seededRandom } from '../../../src/util/random.ts';

/**
 * Word vectors and documents whose topics are known by construction: three vocabularies (sea, kitchen, space) whose
 * words lie near their own axis, shared filler words in other directions, and documents of one vocabulary's words
 * mixed with filler. Frequent filler rows come first, as in files sorted by frequency.
 */
export const TOPIC_WORDS = {
  sea: ['ship', 'sail', 'harbour', 'wave', 'anchor', 'sailor', 'tide', 'mast', 'deck', 'crew', 'ocean', 'port'],
  kitchen: ['bread', 'oven', 'flour', 'butter', 'sugar', 'bake', 'dough', 'salt', 'knife', 'recipe', 'soup', 'pan'],
  space: ['rocket', 'orbit', 'planet', 'star', 'comet', 'moon', 'launch', 'galaxy', 'astronaut', 'telescope', 'gravity', 'satellite'],
};
const FILLER = ['time', 'people', 'day', 'way', 'thing', 'year', 'place', 'part', 'world', 'work'];
const DIM = 24;

export function topicModel(): Embeddings {
  const r = seededRandom(21);
  const words: string[] = [];
  const rows: number[][] = [];
  for (const w of FILLER) {
    words.push(w);
    rows.push(Array.from({ length: DIM }, (_, j) => (j >= 8 ? gaussian(r) : 0.1 * gaussian(r))));
  }
  Object.values(TOPIC_WORDS).forEach((list, k) => {
    for (const w of list) {
      words.push(w);
      rows.push(Array.from({ length: DIM }, (_, j) => (j === k ? 3 : 0) + 0.4 * gaussian(r)));
    }
  });
  return new Embeddings(new Vocabulary(words, words.map((_, i) => 1000 - i)), Float32Array.from(rows.flat()), DIM);
}

/** `perTopic` documents of each topic (label 0, 1, 2), interleaved, each 8–14 topic words and 3–6 filler words. */
export function topicDocuments(perTopic: number, seed = 4): { texts: string[]; labels: number[] } {
  const r = seededRandom(seed);
  const lists = Object.values(TOPIC_WORDS);
  const texts: string[] = [];
  const labels: number[] = [];
  for (let i = 0; i < perTopic * lists.length; i++) {
    const k = i % lists.length;
    const pick = (l: string[]) => l[Math.floor(r() * l.length)];
    const words = [...Array.from({ length: 8 + Math.floor(r() * 7) }, () => pick(lists[k])), ...Array.from({ length: 3 + Math.floor(r() * 4) }, () => pick(FILLER))];
    texts.push(words.sort(() => r() - 0.5).join(' '));
    labels.push(k);
  }
  return { texts, labels };
}
