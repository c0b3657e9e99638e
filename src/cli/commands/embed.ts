import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { EmbedkitError, InvalidArgumentError } from '../../errors.ts';
import { NoKnownWordError } from '../../encoders/static.ts';
import { openEncoder, type OpenEncoderOptions } from '../../encoders/open-encoder.ts';
import { TRANSFORMER_POOLINGS, type TransformerPooling } from '../../encoders/transformer-model-dir.ts';
import { formatFloat32 } from '../../formats/float-text.ts';
import { withAtomicWriteStream } from '../../util/atomic-write.ts';
import { examples, printJson } from '../common.ts';
import { positiveInt, nonNegativeInt } from '../flag-values.ts';
import { hubDownloads, OFFLINE_HELP } from '../hub-progress.ts';
import { remoteApiKey } from '../remote-key.ts';
import { MODEL_DTYPES, type ModelDtype } from '../../encoders/onnx-dtypes.ts';
import { embedImages } from '../embed-images.ts';
import { npyHeader, write } from '../npy-output.ts';

export { npyHeader };

export type EmbedOutputFormat = 'jsonl' | 'npy' | 'word2vec';

interface EmbedFlags {
  input?: string;
  images?: string[];
  dtype?: ModelDtype;
  partial?: boolean;
  maxImagePixels?: number;
  output: string;
  format?: EmbedOutputFormat;
  query?: boolean;
  queryPrefix?: string;
  passagePrefix?: string;
  pooling?: TransformerPooling | 'sif';
  truncate?: boolean;
  overlap?: number;
  threads?: number;
  batch: number;
  concurrency?: number;
  cache?: string;
  dimensions?: number;
  quiet?: boolean;
  json?: boolean;
  offline?: boolean;
}

/** The encoder flags as openEncoder's options; the remote API key comes from $EMBEDKIT_REMOTE_API_KEY. */
function encoderOptions(flags: EmbedFlags, say: (message: string) => void, hub: OpenEncoderOptions['hub']): OpenEncoderOptions {
  return {
    hub,
    pooling: flags.pooling,
    apiKey: remoteApiKey(),
    remote: {
      concurrency: flags.concurrency,
      cacheDir: flags.cache,
      dimensions: flags.dimensions,
      onRetry: (r) => say(`retry ${r.attempt} in ${(r.delayMs / 1000).toFixed(1)} s: ${r.reason}`),
    },
    clip: { dtype: flags.dtype, threads: flags.threads, maxImagePixels: flags.maxImagePixels },
    transformer: { truncate: flags.truncate, overlap: flags.overlap, threads: flags.threads, queryPrefix: flags.queryPrefix, passagePrefix: flags.passagePrefix },
    load: { unicodeErrors: 'strict', onWarning: (m) => process.stderr.write(`embedkit: warning: ${m}\n`) },
  };
}

/** The output format named by --format, else by the file's extension. */
export function outputFormat(path: string, format?: EmbedOutputFormat): EmbedOutputFormat {
  if (format) return format;
  if (/\.jsonl?$/i.test(path)) return 'jsonl';
  if (/\.npy$/i.test(path)) return 'npy';
  if (/\.(txt|vec|w2v)$/i.test(path)) return 'word2vec';
  throw new InvalidArgumentError(`cannot tell the output format from ${JSON.stringify(path)}; use .jsonl, .npy, .txt/.vec or --format`);
}

/** One row of the chosen format. word2vec text has no room for spaces in a key: runs of whitespace become "_". */
function formatRow(format: EmbedOutputFormat, index: number, text: string, v: Float32Array, tokens: number): string | Buffer {
  if (format === 'npy') {
    const b = Buffer.alloc(v.length * 4);
    v.forEach((x, j) => b.writeFloatLE(x, 4 * j));
    return b;
  }
  const numbers = Array.from(v, formatFloat32);
  if (format === 'word2vec') return `${text.replace(/\s+/g, '_')} ${numbers.join(' ')}\n`;
  return `{"index":${index},"text":${JSON.stringify(text)},"tokens":${tokens},"embedding":[${numbers.join(',')}]}\n`;
}

/** The texts (blank lines skipped), each with its 1-based line number in the input for messages. */
async function readTexts(input: string): Promise<{ texts: string[]; lineNumbers: number[]; blank: number }> {
  let content: string;
  if (input === '-') {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    content = Buffer.concat(chunks).toString('utf8');
  } else {
    content = await readFile(input, 'utf8');
  }
  const lines = content.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  const texts: string[] = [];
  const lineNumbers: number[] = [];
  lines.forEach((l, i) => {
    if (l.trim() === '') return;
    texts.push(l);
    lineNumbers.push(i + 1);
  });
  return { texts, lineNumbers, blank: lines.length - texts.length };
}

export function registerEmbed(program: Command): void {
  program
    .command('embed')
    .description('embed texts (one per line) with a transformer model directory, an OpenAI-compatible API or a vectors file; pictures (--images) with a CLIP model directory')
    .argument('<model>', 'model directory (config.json, tokenizer.json, onnx/model.onnx), hf:ORG/NAME[@revision] (downloaded once), API URL#model, or vectors file')
    .option('--input <file>', 'texts, one per line ("-" for stdin); blank lines are skipped')
    .option('--images <paths...>', 'embed pictures instead (CLIP models): files, or folders of .jpg .png .webp .gif')
    .requiredOption('--output <file>', 'JSON lines (.jsonl), NumPy float32 matrix (.npy) or word2vec text (.txt, .vec)')
    .addOption(new Option('--format <format>', 'output format (default: from the extension)').choices(['jsonl', 'npy', 'word2vec']))
    .option('--query', 'embed the texts as search queries (query prefix) rather than passages')
    .option('--query-prefix <text>', 'put before each query (e5: "query: ")')
    .option('--passage-prefix <text>', 'put before each passage (e5: "passage: ")')
    .addOption(new Option('--pooling <how>', "pooling (default: the model's, else mean)").choices([...TRANSFORMER_POOLINGS, 'sif']))
    .option('--truncate', 'cut inputs longer than the model window instead of embedding every window')
    .option('--overlap <tokens>', 'tokens shared by consecutive windows of a long input', nonNegativeInt('--overlap'))
    .option('--threads <n>', 'ONNX Runtime threads', positiveInt('--threads'))
    .option('--batch <n>', 'texts per step (progress and memory granularity)', positiveInt('--batch'), 256)
    .option('--concurrency <n>', 'API requests in flight at once', positiveInt('--concurrency'))
    .option('--cache <dir>', 'cache API answers on disk in DIR')
    .option('--dimensions <n>', "ask the API for shorter vectors (OpenAI's dimensions)", positiveInt('--dimensions'))
    .addOption(new Option('--dtype <type>', 'weight type of a CLIP model: which onnx/*.onnx files to run (default fp32)').choices(MODEL_DTYPES))
    .option('--partial', 'with --images: skip pictures that cannot be read (listed on stderr) instead of stopping')
    .option('--max-image-pixels <n>', 'refuse pictures with more pixels than this (default 50000000)', positiveInt('--max-image-pixels'))
    .option('--quiet', 'no progress on stderr')
    .option('--json', 'print a JSON summary of what was written on stdout')
    .addHelpText(
      'after',
      examples([
        'embedkit embed models/clip --images photos/ --output photos.jsonl',
        'embedkit embed models/e5-small --input docs.txt --output docs.jsonl --passage-prefix "passage: "',
        'embedkit embed hf:sentence-transformers/all-MiniLM-L6-v2 --input docs.txt --output docs.npy',
        'embedkit embed http://localhost:11434/v1#nomic-embed-text --input docs.txt --output docs.npy --cache .cache',
        'embedkit embed vectors.bin --input sentences.txt --output sentences.vec --pooling sif',
      ]),
    )
    .option('--offline', OFFLINE_HELP)
    .action(async (model: string, flags: EmbedFlags) => {
      const format = outputFormat(flags.output, flags.format);
      const say = (m: string) => flags.quiet || process.stderr.write(`embedkit: ${m}\n`);
      if (flags.images && flags.input !== undefined) throw new InvalidArgumentError('give --input (texts) or --images (pictures), not both');
      if (flags.images) {
        const downloads = hubDownloads(flags);
        try {
          return await embedImages(model, flags.images, { ...flags, format }, encoderOptions(flags, say, downloads.options), say);
        } finally {
          downloads.close();
        }
      }
      if (flags.input === undefined) throw new InvalidArgumentError("required option '--input <file>' not specified (or --images for pictures)");
      const input = flags.input;
      const { texts, lineNumbers, blank } = await readTexts(input);
      if (blank > 0) say(`skipped ${blank} blank line${blank === 1 ? '' : 's'}`);
      const downloads = hubDownloads(flags);
      const encoder = await openEncoder(model, encoderOptions(flags, say, downloads.options)).finally(() => downloads.close());
      const encode = flags.query && encoder.encodeQueries ? encoder.encodeQueries.bind(encoder) : encoder.encode.bind(encoder);
      const { SingleBar, Presets } = (await import('cli-progress')).default;
      const bar = !flags.quiet && process.stderr.isTTY ? new SingleBar({ stream: process.stderr, format: 'embedding |{bar}| {value}/{total} texts | {rate} texts/s | eta {eta_formatted}', hideCursor: true }, Presets.shades_classic) : undefined;
      const started = performance.now();
      let tokens = 0;
      bar?.start(texts.length, 0, { rate: '-' });
      try {
        await withAtomicWriteStream(flags.output, async (out) => {
          if (format === 'npy') await write(out, npyHeader(texts.length, encoder.dim));
          if (format === 'word2vec') await write(out, `${texts.length} ${encoder.dim}\n`);
          for (let from = 0; from < texts.length; from += flags.batch) {
            const part = texts.slice(from, from + flags.batch);
            const result = await encode(part).catch((err: unknown) => {
              // The encoder counts within the batch; the user knows the line of the input.
              if (err instanceof NoKnownWordError) {
                const file = input === '-' ? 'stdin' : input;
                throw new EmbedkitError('no_known_words', `${JSON.stringify(part[err.index])} has no word in the model's vocabulary, so it has no vector (remove the line or use a model with subwords)`, { file, line: lineNumbers[from + err.index] });
              }
              throw err;
            });
            for (let k = 0; k < part.length; k++) {
              tokens += result.tokens[k];
              await write(out, formatRow(format, from + k, part[k], result.vectors[k], result.tokens[k]));
            }
            const done = from + part.length;
            bar?.update(done, { rate: (done / ((performance.now() - started) / 1000)).toFixed(1) });
          }
        });
      } finally {
        bar?.stop();
        await (encoder as { dispose?: () => Promise<void> }).dispose?.();
      }
      const seconds = (performance.now() - started) / 1000;
      if (flags.json) return printJson({ model, input: flags.input, output: flags.output, format, texts: texts.length, blank, tokens, dim: encoder.dim, seconds });
      say(`embedded ${texts.length} texts (${tokens} tokens, dim ${encoder.dim}) in ${seconds.toFixed(2)} s, ${(texts.length / seconds).toFixed(1)} texts/s → ${flags.output} (${format})`);
    });
}

