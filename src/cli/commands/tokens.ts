import type { Command } from 'commander';
import { InvalidArgumentError } from '../../errors.ts';
import { isModelDirectory } from '../../encoders/transformer-model-dir.ts';
import { isHubSpec } from '../../encoders/hub-spec.ts';
import { hubDownloads, OFFLINE_HELP } from '../hub-progress.ts';
import type { TokenVectors } from '../../encoders/transformer.ts';
import { examples, printJson } from '../common.ts';
import { positiveInt } from '../flag-values.ts';

interface TokensFlags {
  word?: string;
  json?: boolean;
  digits: number;
  threads?: number;
  offline?: boolean;
}

/** A few tokens around an occurrence, WordPiece pieces glued back, the word itself in [brackets]. */
function context(tv: TokenVectors, position: number, length: number, around = 4): string {
  const from = Math.max(0, position - around);
  let to = Math.min(tv.tokens.length, position + length + around);
  while (to < tv.tokens.length && tv.tokens[to].startsWith('##')) to++;
  let out = '';
  for (let i = from; i < to; i++) {
    const t = tv.tokens[i];
    const glued = t.startsWith('##') && i > from;
    out += `${glued ? '' : ' '}${i === position ? '[' : ''}${glued ? t.slice(2) : t}${i === position + length - 1 ? ']' : ''}`;
  }
  return out.trim();
}

export function registerTokens(program: Command): void {
  program
    .command('tokens')
    .description('contextual token vectors of texts from a transformer model, or with --word the cosine between the occurrences of a word')
    .argument('<model>', 'transformer model directory (config.json, tokenizer.json, onnx/model.onnx) or hf:ORG/NAME[@revision]')
    .argument('<texts...>', 'texts to run through the model')
    .option('--word <word>', 'compare the vectors of this word wherever it occurs in the texts')
    .option('--digits <n>', 'decimals printed per vector component', positiveInt('--digits'), 4)
    .option('--threads <n>', 'ONNX Runtime threads', positiveInt('--threads'))
    .option('--json', 'print JSON instead of text')
    .option('--offline', OFFLINE_HELP)
    .addHelpText(
      'after',
      examples([
        'embedkit tokens models/bert "the bank of the river"',
        'embedkit tokens models/bert "we sat on the river bank" "the bank lent us money" "a bank loan" --word bank',
      ]),
    )
    .action(async (spec: string, texts: string[], flags: TokensFlags) => {
      const model = isHubSpec(spec) ? await fetchForCli(spec, flags) : spec;
      if (!isModelDirectory(model)) throw new InvalidArgumentError(`${model} is not a transformer model directory (it needs a config.json)`);
      const { TransformerEncoder } = await import('../../encoders/transformer.ts');
      const { contextualWordVectors } = await import('../../encoders/transformer-tokens.ts');
      const { cosineMatrix } = await import('../../kernels/similarity.ts');
      const encoder = await TransformerEncoder.load(model, { threads: flags.threads });
      try {
        if (flags.word === undefined) {
          const all = await encoder.tokenVectors(texts);
          if (flags.json) {
            return printJson(all.map((tv, t) => ({ text: texts[t], tokens: tv.tokens.map((token, i) => ({ token, id: tv.ids[i], vector: Array.from(tv.vectors[i]) })) })));
          }
          all.forEach((tv, t) => {
            process.stdout.write(`text ${t + 1}: ${texts[t]}\n`);
            const width = Math.max(...tv.tokens.map((x) => [...x].length));
            tv.tokens.forEach((token, i) => {
              const v = Array.from(tv.vectors[i], (x) => x.toFixed(flags.digits).padStart(flags.digits + 3)).join(' ');
              process.stdout.write(`${String(i).padStart(4)} ${token.padEnd(width)} ${v}\n`);
            });
          });
          return;
        }
        const { occurrences, tokens } = await contextualWordVectors(encoder, texts, flags.word);
        if (occurrences.length === 0) throw new InvalidArgumentError(`${JSON.stringify(flags.word)} does not occur in the texts (as tokens ${encoder.tokenize(flags.word).tokens.join(' ')})`);
        const cosine = cosineMatrix(occurrences.map((o) => o.vector));
        const labels = occurrences.map((o) => context(tokens[o.text], o.position, o.length));
        if (flags.json) {
          return printJson({
            word: flags.word,
            occurrences: occurrences.map((o, k) => ({ text: o.text, position: o.position, tokens: o.length, context: labels[k] })),
            cosine,
          });
        }
        process.stdout.write(`"${flags.word}": ${occurrences.length} occurrence${occurrences.length === 1 ? '' : 's'}\n`);
        occurrences.forEach((o, k) => process.stdout.write(`  #${k + 1}  text ${o.text + 1}, token ${o.position}: ${labels[k]}\n`));
        process.stdout.write(`cosine\n      ${occurrences.map((_, k) => `#${k + 1}`.padStart(7)).join('')}\n`);
        cosine.forEach((row, k) => process.stdout.write(`  ${`#${k + 1}`.padEnd(4)}${row.map((c) => c.toFixed(4).padStart(7)).join('')}\n`));
      } finally {
        await encoder.dispose();
      }
    });
}

/** A hub model's directory in the cache, downloaded first unless --offline. */
async function fetchForCli(spec: string, flags: TokensFlags): Promise<string> {
  const { fetchHubModel } = await import('../../encoders/hub.ts');
  const downloads = hubDownloads(flags);
  try {
    return (await fetchHubModel(spec, downloads.options)).dir;
  } finally {
    downloads.close();
  }
}
