import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { findTopics, type TopicsResult } from '../../apps/topics/find-topics.ts';
import { LDA_OPTIONS } from '../../apps/topics/lda-options.ts';
import { ldaTopics, type LdaTopicsOptions } from '../../apps/topics/lda-topics.ts';
import { readTopicDocuments } from '../../apps/topics/read-documents.ts';
import { TOPIC_OPTIONS } from '../../apps/topics/topic-options.ts';
import { InvalidArgumentError } from '../../errors.ts';
import { writeFileAtomic } from '../../util/atomic-write.ts';
import { examples, printJson } from '../common.ts';
import { displayWidth, padEndDisplay } from '../display-width.ts';
import { addOptionFlags, flagError, optionsFromFlags } from '../option-flags.ts';

interface TopicsFlags extends Record<string, unknown> {
  model?: string;
  topics: string;
  method: 'embedding' | 'lda';
  out?: string;
  json?: boolean;
}

/** `--topics auto|K`: 'auto' or a whole number ≥ 1. */
export function topicCount(value: string): number | 'auto' {
  if (value === 'auto') return 'auto';
  const k = Number(value);
  if (!Number.isInteger(k) || k < 1) throw new InvalidArgumentError(`--topics must be auto or a whole number ≥ 1, got ${JSON.stringify(value)}`);
  return k;
}

export function registerTopics(program: Command): void {
  const cmd = program
    .command('topics')
    .description('find the topics of a document collection (embeddings → UMAP → HDBSCAN → c-TF-IDF keywords)')
    .argument('<docs>', 'documents: a text file with one document per line, or JSON Lines with "text" and an optional "date"')
    .option('--model <model>', 'vectors file, transformer model directory, or http(s)://host/v1#model (not used by --method lda)')
    .option('--topics <auto|K>', 'keep the topics HDBSCAN finds (auto) or merge the most similar down to K', 'auto')
    .addOption(new Option('--method <method>', 'embedding topics, or the LDA baseline').choices(['embedding', 'lda']).default('embedding'))
    .option('--out <dir>', 'write documents.jsonl (topic and probability per document, by line) and topics.json there')
    .option('--json', 'print the topics as JSON');
  addOptionFlags(cmd, TOPIC_OPTIONS);
  // LDA's own settings; K, the seed and the keyword count are the command's --topics, --seed and --keywords.
  addOptionFlags(cmd, LDA_OPTIONS, LDA_SHARED)
    .addHelpText('after', examples(['embedkit topics abstracts.txt --model vectors.bin', 'embedkit topics news.jsonl --model vectors.bin --topics 12 --out topics/', 'embedkit topics notes.txt --model ./bge-small --assign-outliers 1 --json', 'embedkit topics abstracts.txt --method lda --topics 20 --passes 5']))
    .action(async (path: string, f: TopicsFlags) => {
      const k = topicCount(f.topics);
      if (f.method === 'lda' && k === 'auto') throw new InvalidArgumentError('--method lda needs a number of topics: --topics K');
      if (f.method === 'embedding' && !f.model) throw new InvalidArgumentError('--model is required (a vectors file, model directory or URL), or use --method lda');
      const docs = await readTopicDocuments(path);
      const say = (s: string) => process.stderr.write(`embedkit: ${s}\n`);
      const result = f.method === 'lda' ? runLda(docs, f, k as number) : await findTopics(docs, {
        ...optionsFromFlags(TOPIC_OPTIONS, f),
        model: f.model,
        topics: k,
        onStage: (stage) => f.json || say(`${stage}...`),
      }).catch((err: unknown) => {
        throw flagError(TOPIC_OPTIONS, err);
      });
      const summary = topicSummary(docs.map((d) => d.text), result);
      if (f.out) await writeOutputs(f.out, result, summary);
      if (f.json) return printJson(summary);
      printTable(summary);
      const skipped = result.skipped.empty.length + result.skipped.unknown.length;
      say(`${docs.length} documents: ${result.topics.length} topics, ${result.outliers} outliers${f.assignOutliers ? ' (assigned to the nearest topic)' : ''}, ${skipped} skipped (${result.skipped.empty.length} empty, ${result.skipped.unknown.length} without a known word)`);
      if (result.singleCluster) say(`HDBSCAN found a single cluster: the documents do not split into two groups of at least ${result.settings.minClusterSize}; try a smaller --min-cluster-size`);
      if (k !== 'auto' && result.clustersFound < k) say(`HDBSCAN found ${result.clustersFound} topics, fewer than the ${k} asked for; nothing was merged`);
      if (f.out) say(`wrote ${join(f.out, 'documents.jsonl')} and ${join(f.out, 'topics.json')}`);
    });
}

const LDA_SHARED = ['topics', 'seed', 'topn'];

/** --method lda: the LDA baseline over the same documents, its flags mapped to the library's options. */
function runLda(docs: Parameters<typeof ldaTopics>[0], f: TopicsFlags, k: number): TopicsResult {
  const shared = optionsFromFlags(TOPIC_OPTIONS, f) as Record<string, unknown>;
  const options = { ...optionsFromFlags(LDA_OPTIONS, f, LDA_SHARED), topics: k, seed: shared.seed, keywords: shared.keywords, representatives: shared.representatives, stopWords: shared.stopWords } as LdaTopicsOptions;
  try {
    return ldaTopics(docs, options);
  } catch (err) {
    throw flagError(LDA_OPTIONS, flagError(TOPIC_OPTIONS, err));
  }
}

/** A short one-line snippet of a document for the table. */
function snippet(text: string, width = 70): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
}

/** What --json prints and topics.json holds: topics with keywords and representative snippets, counts, time series. */
function topicSummary(texts: string[], r: TopicsResult) {
  return {
    topics: r.topics.map((t) => ({
      id: t.id,
      size: t.size,
      keywords: t.keywords.map((w) => w.word),
      weights: t.keywords.map((w) => Number(w.weight.toPrecision(6))),
      representatives: t.representatives.map((i) => ({ line: i + 1, text: snippet(texts[i], 200) })),
    })),
    documents: r.documents.length,
    outliers: r.outliers,
    skipped: { empty: r.skipped.empty.length, unknown: r.skipped.unknown.length },
    clustersFound: r.clustersFound,
    singleCluster: r.singleCluster,
    ...(r.overTime ? { overTime: r.overTime } : {}),
    settings: r.settings,
  };
}

function printTable(s: ReturnType<typeof topicSummary>): void {
  const rows = s.topics.map((t) => [String(t.id), String(t.size), t.keywords.join(' '), snippet(t.representatives[0]?.text ?? '', 60)]);
  const head = ['topic', 'size', 'keywords', 'representative'];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => displayWidth(r[c]))));
  const line = (cells: string[]) => cells.map((cell, c) => (c === cells.length - 1 ? cell : padEndDisplay(cell, widths[c]))).join('  ');
  process.stdout.write(`${line(head)}\n`);
  for (const r of rows) process.stdout.write(`${line(r)}\n`);
  if (s.overTime) {
    process.stdout.write(`\ntopics over time (${s.overTime.granularity}):\n${line(['bin', ...s.topics.map((t) => `t${t.id}`), 'outliers'])}\n`);
    for (const b of s.overTime.bins) process.stdout.write(`${[b.bin, ...b.counts.map(String), String(b.outliers)].join('  ')}\n`);
  }
}

/** documents.jsonl: one line per input line (its topic, null when skipped, and probability); topics.json: the summary. */
async function writeOutputs(dir: string, r: TopicsResult, summary: ReturnType<typeof topicSummary>): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const lines = r.documents.map((d, i) => JSON.stringify({ line: i + 1, topic: d.topic, probability: Number(d.probability.toFixed(6)), outlier: d.outlier }));
  await writeFileAtomic(join(dir, 'documents.jsonl'), `${lines.join('\n')}\n`);
  await writeFileAtomic(join(dir, 'topics.json'), `${JSON.stringify(summary, null, 2)}\n`);
}
