import { InvalidArgumentError } from '../../errors.ts';

/** One topic as a list of words, best first, with the id it was given (its index when it had none). */
export interface TopicWordList {
  id: string | number;
  words: string[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A topic's words from any of the accepted shapes (see readTopicWordLists); `where` names it in errors. */
function wordsOf(topic: unknown, where: string): string[] {
  const list = Array.isArray(topic) ? topic : isRecord(topic) ? (topic.words ?? topic.keywords) : undefined;
  if (!Array.isArray(list)) throw new InvalidArgumentError(`${where}: expected a list of words, or an object with "words" or "keywords"`);
  return list.map((w, j) => {
    const word = isRecord(w) ? w.word : w;
    if (typeof word !== 'string') throw new InvalidArgumentError(`${where}, word ${j}: expected a string or {"word": …}`);
    return word;
  });
}

/**
 * The topics of a parsed TOPICS.json, whatever its shape: a list of word lists (`[["a","b"],…]`), a list of
 * `{id, words: [...]}`, or what findTopics and fitLda return (`{topics: [{id, keywords: [{word, score}]}]}`); an
 * object with `topics` may hold any of the list shapes. Outlier topics (id −1, as findTopics reports them) are
 * left out: they are not topics.
 *
 * @example
 *   import { readTopicWordLists } from 'embedkit/apps';
 *   const topics = readTopicWordLists({ topics: [{ id: 0, keywords: [{ word: 'dog', score: 0.4 }, { word: 'cat', score: 0.3 }] }] });
 *   console.log(topics); // [ { id: 0, words: [ 'dog', 'cat' ] } ]
 */
export function readTopicWordLists(json: unknown): TopicWordList[] {
  const list = isRecord(json) ? json.topics : json;
  if (!Array.isArray(list)) throw new InvalidArgumentError('topics: expected a list of topics or an object with a "topics" list');
  const out: TopicWordList[] = [];
  list.forEach((topic, i) => {
    const given = isRecord(topic) ? topic.id : undefined;
    const id = typeof given === 'string' || typeof given === 'number' ? given : i;
    if (id === -1) return;
    out.push({ id, words: wordsOf(topic, `topic ${i}`) });
  });
  if (out.length === 0) throw new InvalidArgumentError('topics: the list holds no topic');
  return out;
}
