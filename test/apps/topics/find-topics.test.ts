import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizedMutualInformation } from '../../../src/apps/topics/cluster-agreement.ts';
import { findTopics, outliersAssigned } from '../../../src/apps/topics/find-topics.ts';
import { normalizeInPlace, type Encoder } from '../../../src/encoders/encoder.ts';
import { StaticEncoder } from '../../../src/encoders/static.ts';
import { gaussian, seededRandom } from '../../../src/util/random.ts';
import { TOPIC_OPTIONS, type TopicSchemaSettings, type TopicSettings } from '../../../src/apps/topics/topic-options.ts';
import { topicDocuments, topicModel, TOPIC_WORDS } from './topic-model.ts';

const encoder = () => new StaticEncoder(topicModel(), { pooling: 'sif' });
const fast = { minClusterSize: 8, umapEpochs: 100 };

test('findTopics recovers planted topics, with their words as keywords', async () => {
  const { texts, labels } = topicDocuments(30);
  const result = await findTopics(texts, { encoder: encoder(), ...fast });
  assert.equal(result.singleCluster, false);
  const assigned = result.documents.map((d) => d.topic!);
  const nmi = normalizedMutualInformation(assigned, labels);
  assert.ok(nmi > 0.8, `NMI ${nmi}`);
  assert.equal(result.documents.length, texts.length);
  // Topics by falling size; each topic's top keywords come from one planted vocabulary.
  for (let i = 1; i < result.topics.length; i++) assert.ok(result.topics[i - 1].size >= result.topics[i].size);
  for (const t of result.topics) {
    const top = t.keywords.slice(0, 5).map((k) => k.word);
    const source = Object.values(TOPIC_WORDS).filter((list) => top.filter((w) => list.includes(w)).length >= 4);
    assert.equal(source.length, 1, `topic ${t.id} keywords ${top.join(' ')}`);
    assert.equal(t.keywords.length, 10);
    // Representatives are members of the topic.
    for (const j of t.representatives) assert.equal(result.documents[j].topic, t.id);
  }
});

test('findTopics is reproducible with a seed, and merges down to K topics', async () => {
  const { texts } = topicDocuments(30, 9);
  const a = await findTopics(texts, { encoder: encoder(), ...fast, seed: 7 });
  const b = await findTopics(texts, { encoder: encoder(), ...fast, seed: 7 });
  assert.deepEqual(a.documents, b.documents);
  assert.deepEqual(a.topics, b.topics);
  const two = await findTopics(texts, { encoder: encoder(), ...fast, seed: 7, topics: 2 });
  assert.equal(two.topics.length, 2);
  assert.equal(two.clustersFound, a.clustersFound);
  // Merging only joins topics: documents together before stay together.
  for (let i = 0; i < texts.length; i++) {
    for (let j = i + 1; j < texts.length; j++) {
      if (a.documents[i].topic! >= 0 && a.documents[i].topic === a.documents[j].topic) assert.equal(two.documents[i].topic, two.documents[j].topic);
    }
  }
});

test('findTopics: empty documents skipped and counted, outliers assigned on request, dates give topics over time', async () => {
  const { texts } = topicDocuments(30, 3);
  const docs = texts.map((text, i) => ({ text, date: `20${10 + (i % 5)}-06-01` }));
  docs.splice(5, 0, { text: '   ', date: '2012-01-01' }, { text: 'zzz qqq', date: '2012-01-01' });
  const result = await findTopics(docs, { encoder: encoder(), ...fast, minClusterSize: 20, assignOutliers: true });
  assert.deepEqual(result.skipped, { empty: [5], unknown: [6] });
  assert.equal(result.documents[5].topic, null);
  assert.ok(result.documents.every((d, i) => i === 5 || i === 6 || d.topic! >= 0), 'every outlier assigned');
  assert.equal(result.overTime?.granularity, 'year');
  assert.deepEqual(result.overTime?.bins.map((b) => b.bin), ['2010', '2011', '2012', '2013', '2014']);
  const counted = result.overTime!.bins.reduce((s, b) => s + b.counts.reduce((x, y) => x + y, 0) + b.outliers, 0);
  assert.equal(counted, texts.length);
});

test('outliersAssigned places the outliers of a result found without assignOutliers as assignOutliers does', async () => {
  // Documents of mixed vocabularies between the planted topics: HDBSCAN leaves some of them out.
  const { texts } = topicDocuments(30, 3);
  const lists = Object.values(TOPIC_WORDS);
  for (let i = 0; i < 12; i++) texts.push(lists.flatMap((list, k) => list.slice(0, 2 + ((i + k * 2) % 5))).join(' '));
  const settings = { encoder: encoder(), ...fast, minClusterSize: 20 };
  const plain = await findTopics(texts, settings);
  assert.ok(plain.outliers > 0, 'the run leaves outliers');
  const { index, vectors } = plain.embedded;
  const assigned = outliersAssigned(vectors, index.map((doc) => plain.documents[doc].topic!), plain.topics.length);
  const withOption = await findTopics(texts, { ...settings, assignOutliers: true });
  assert.deepEqual(assigned, index.map((doc) => withOption.documents[doc].topic));
  // By the definition: the topic whose mean member vector has the highest cosine with the outlier's vector.
  const topicOf = index.map((doc) => plain.documents[doc].topic!);
  const means = plain.topics.map((t) => {
    const sum = new Float64Array(vectors[0].length);
    topicOf.forEach((tp, j) => tp === t.id && vectors[j].forEach((x, d) => (sum[d] += x)));
    return sum;
  });
  const cos = (v: Float32Array, m: Float64Array) => v.reduce((s, x, d) => s + x * m[d], 0) / Math.hypot(...m);
  topicOf.forEach((tp, j) => {
    if (tp >= 0) return assert.equal(assigned[j], tp);
    const scores = means.map((m) => cos(vectors[j], m));
    assert.equal(assigned[j], scores.indexOf(Math.max(...scores)), `outlier ${j}`);
  });
});

test('findTopics: too few documents, and a collection that is one cluster', async () => {
  await assert.rejects(findTopics(topicDocuments(7).texts.slice(0, 19), { encoder: encoder() }), /at least 20 documents with text; got 19/);
  await assert.rejects(findTopics([...topicDocuments(6).texts, '', ''], { encoder: encoder() }), /at least 20 documents with text; got 18 \(2 empty skipped\)/);
  // One planted topic only: HDBSCAN finds no split, and the result says so.
  const one = topicDocuments(60).texts.filter((_, i) => i % 3 === 0);
  const result = await findTopics(one, { encoder: encoder(), ...fast, minClusterSize: 15 });
  assert.equal(result.singleCluster, true);
  assert.equal(result.topics.length, 1);
  assert.equal(result.topics[0].size, one.length);
});

/** An encoder that looks each text's vector up in a table (documents given directly as vectors). */
function tableEncoder(table: Map<string, Float32Array>, dim: number): Encoder {
  return { id: 'table', dim, maxTokens: 100, encode: async (texts) => ({ vectors: texts.map((t) => table.get(t)!), tokens: texts.map(() => 1) }) };
}

test('findTopics: by default no topic keeps more than half the documents while it splits (maxClusterSize); merging to K joins the nearest topics', async () => {
  // Four groups of document vectors: two close ones (60 each) that HDBSCAN's excess of mass keeps as one cluster of
  // 120 of the 200 documents, and two far ones (40 each).
  const r = seededRandom(5);
  const dim = 16;
  const centres = [[0, 4, 0], [0, 4, 1], [2, 4, 0], [3, 4, 0]].map(([axis, at, second]) => Array.from({ length: dim }, (_, j) => (j === axis ? at : j === 1 ? second : 0)));
  const table = new Map<string, Float32Array>();
  const texts: string[] = [];
  const group: number[] = [];
  centres.forEach((c, k) => {
    for (let i = 0; i < (k < 2 ? 60 : 40); i++) {
      texts.push(`document ${k} ${i}`);
      group.push(k);
      table.set(texts.at(-1)!, normalizeInPlace(Float32Array.from(c, (v) => v + 0.3 * gaussian(r))));
    }
  });
  const encoder = tableEncoder(table, dim);
  /** The topic most of group k's documents are in. */
  const majority = (result: Awaited<ReturnType<typeof findTopics>>, k: number) => {
    const counts = new Map<number | null, number>();
    result.documents.forEach((d, i) => group[i] === k && d.topic !== null && !d.outlier && counts.set(d.topic, (counts.get(d.topic) ?? 0) + 1));
    return [...counts].sort((a, b) => b[1] - a[1])[0][0];
  };
  const unlimited = await findTopics(texts, { encoder, seed: 1, maxClusterSize: 0 });
  assert.equal(unlimited.topics.length, 3);
  assert.equal(majority(unlimited, 0), majority(unlimited, 1), 'excess of mass alone keeps the close groups together');
  const capped = await findTopics(texts, { encoder, seed: 1 });
  assert.equal(capped.settings.maxClusterSize, 100);
  assert.equal(capped.topics.length, 4);
  assert.equal(new Set([0, 1, 2, 3].map((k) => majority(capped, k))).size, 4, 'each group its own topic');
  assert.ok(capped.topics.every((t) => t.size <= 100));
  // Leaf selection takes the finest clusters: the close groups apart as well.
  const leaf = await findTopics(texts, { encoder, seed: 1, maxClusterSize: 0, clusterSelection: 'leaf' });
  assert.notEqual(majority(leaf, 0), majority(leaf, 1));
  // Down to 3 topics, the close groups are the ones merged: topics are joined by where their documents lie (their
  // texts, "document k i", tell the groups nothing apart).
  const three = await findTopics(texts, { encoder, seed: 1, topics: 3 });
  assert.equal(three.topics.length, 3);
  assert.equal(majority(three, 0), majority(three, 1));
  assert.equal(new Set([1, 2, 3].map((k) => majority(three, k))).size, 3);
  await assert.rejects(findTopics(texts, { encoder, clusterSelection: 'best' as 'eom' }), /clusterSelection/);
  await assert.rejects(findTopics(texts, { encoder, maxClusterSize: -1 }), /maxClusterSize/);
});

test('TopicSettings and the option schema declare the same settings', () => {
  // Assignable both ways, so neither can gain a setting the other lacks (checked by tsc), and the same names.
  const fromSchema: TopicSettings = {} as TopicSchemaSettings;
  const toSchema: TopicSchemaSettings = {} as TopicSettings;
  assert.deepEqual(fromSchema, toSchema);
  const declared: Record<keyof TopicSettings, true> = { minClusterSize: true, minSamples: true, nNeighbors: true, nComponents: true, minDist: true, umapEpochs: true, seed: true, keywords: true, representatives: true, assignOutliers: true, stopWords: true, keywordMinDocuments: true, keywordMinShare: true, bm25Weighting: true, reduceFrequentWords: true, pooling: true, maxClusterSize: true, clusterSelection: true };
  assert.deepEqual(Object.keys(TOPIC_OPTIONS).sort(), Object.keys(declared).sort());
});

test('findTopics: keywordMinDocuments keeps words in fewer documents out of the keywords', async () => {
  const { texts } = topicDocuments(30, 5);
  // A word only three documents carry (the vectors do not know it; keywords count it all the same).
  const docs = texts.map((t, i) => (i < 9 && i % 3 === 0 ? `${t} zanzibar` : t));
  const all = await findTopics(docs, { encoder: encoder(), ...fast, keywords: 50 });
  assert.ok(all.topics.some((t) => t.keywords.some((k) => k.word === 'zanzibar')));
  const common = await findTopics(docs, { encoder: encoder(), ...fast, keywords: 50, keywordMinDocuments: 4 });
  assert.deepEqual(common.documents, all.documents, 'the clusters do not change');
  assert.ok(common.topics.every((t) => t.keywords.every((k) => k.word !== 'zanzibar')));
});

test('findTopics: keywordMinShare puts words many of the topic’s documents use before a word one document repeats', async () => {
  const { texts } = topicDocuments(30, 5);
  // One document says "zanzibar" 40 times: by c-TF-IDF weight alone it tops its topic's keywords.
  const docs = texts.map((t, i) => (i === 0 ? `${t} ${'zanzibar '.repeat(40)}` : t));
  const own = (r: Awaited<ReturnType<typeof findTopics>>) => r.topics.find((t) => t.id === r.documents[0].topic)!;
  const byWeight = await findTopics(docs, { encoder: encoder(), ...fast, keywordMinShare: 0 });
  assert.equal(own(byWeight).keywords[0].word, 'zanzibar');
  const floored = await findTopics(docs, { encoder: encoder(), ...fast });
  assert.equal(floored.settings.keywordMinShare, 0.05);
  assert.deepEqual(floored.documents, byWeight.documents, 'the clusters do not change');
  const words = own(floored).keywords.map((k) => k.word);
  assert.ok(!words.includes('zanzibar'), `zanzibar (1 document of ${own(floored).size}) is below the ${words.length} words that pass: ${words.join(' ')}`);
});
