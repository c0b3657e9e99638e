import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { COHERENCE_OPTIONS, topicCoherence, topicDiversity, type CoherenceOptions } from '../../apps/topics/coherence.ts';
import { readTokenizedDocuments } from '../../apps/topics/tokenized-documents.ts';
import { readTopicWordLists } from '../../apps/topics/topic-words.ts';
import { FormatError } from '../../errors.ts';
import { TOKENIZER_NAMES, type TokenizerName } from '../../text/tokenize.ts';
import { examples, printJson } from '../common.ts';
import { addOptionFlags, flagError, optionsFromFlags } from '../option-flags.ts';
import { switchValue } from '../flag-values.ts';

interface CoherenceFlags extends Record<string, unknown> {
  corpus: string;
  tokenizer: TokenizerName;
  lowercase: boolean;
  json?: boolean;
}

/** TOPICS.json parsed, its errors naming the file. */
function readTopicsFile(path: string) {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    if (err instanceof SyntaxError) throw new FormatError(`not JSON: ${err.message}`, { file: path });
    throw err;
  }
  try {
    return readTopicWordLists(json);
  } catch (err) {
    throw new FormatError((err as Error).message, { file: path });
  }
}

export function registerCoherence(program: Command): void {
  const cmd = program
    .command('coherence')
    .description('coherence of topics over a collection, as gensim\'s CoherenceModel computes it (c_v, c_npmi, c_uci, u_mass), and the topics\' diversity')
    .argument('<topics>', 'TOPICS.json: a list of word lists, a list of {id, words}, or the JSON of `embedkit topics` ({topics: [{id, keywords: [{word, score}]}]})')
    .requiredOption('--corpus <file>', 'the documents, one per line (.txt or .gz)')
    .addOption(new Option('--tokenizer <name>', 'how documents are cut into words').choices([...TOKENIZER_NAMES]).default('unicode'))
    .option('--lowercase [0|1]', 'lower-case the documents first', switchValue('--lowercase'), true)
    .option('--json', 'print JSON instead of text');
  addOptionFlags(cmd, COHERENCE_OPTIONS)
    .addHelpText('after', examples(['embedkit coherence topics.json --corpus docs.txt', 'embedkit coherence topics.json --corpus docs.txt --measure c_npmi --json']))
    .action(async (topicsPath: string, f: CoherenceFlags) => {
      const topics = readTopicsFile(topicsPath);
      const { docs, empty } = await readTokenizedDocuments(f.corpus, { tokenizer: f.tokenizer, lowercase: f.lowercase });
      const words = topics.map((t) => t.words);
      let result;
      try {
        result = topicCoherence(words, docs, optionsFromFlags(COHERENCE_OPTIONS, f) as CoherenceOptions);
      } catch (err) {
        throw flagError(COHERENCE_OPTIONS, err);
      }
      const diversity = topicDiversity(words, 25);
      const perTopic = topics.map((t, i) => ({ id: t.id, coherence: finite(result.perTopic[i]), words: result.scoredWords[i] }));
      if (f.json) {
        return printJson({ measure: result.measure, window: result.window ?? null, topn: result.topn, coherence: finite(result.mean), diversity, documents: docs.length, emptyDocuments: empty, topics: perTopic });
      }
      const width = Math.max(2, ...perTopic.map((t) => String(t.id).length));
      process.stdout.write(`${result.measure}${result.window ? ` (window ${result.window})` : ''} over ${docs.length} documents${empty ? ` (${empty} empty)` : ''}\n`);
      for (const t of perTopic) process.stdout.write(`${String(t.id).padStart(width)}  ${t.coherence === null ? '   n/a' : t.coherence.toFixed(4).padStart(7)}  ${t.words.slice(0, 10).join(' ')}\n`);
      process.stdout.write(`mean ${result.measure}: ${result.mean.toFixed(4)}\ndiversity (top 25): ${diversity.toFixed(4)}\n`);
    });
}

/** NaN (a topic with too few known words) as null in JSON. */
const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);
