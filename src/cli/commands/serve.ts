import { basename } from 'node:path';
import { Option, type Command } from 'commander';
import { EmbedkitError, InvalidArgumentError } from '../../errors.ts';
import type { Pooling } from '../../encoders/static.ts';
import { TOKENIZER_NAMES, type TokenizerName } from '../../text/tokenize.ts';
import type { RunningServer, ServeOptions } from '../../serve/app.ts';
import type { TopicsViewOptions } from '../../serve/routes/topics.ts';
import type { AlignedLanguagesOptions } from '../../serve/routes/languages.ts';
import { DEFAULT_LIMITS, LIMIT_HELP, type ServeLimits } from '../../serve/limit-defaults.ts';
import { examples } from '../common.ts';
import { nonNegativeInt, positiveInt } from '../flag-values.ts';

/** Words per side CSLS is set up over when --aligned-vocab is not given (its setup at start grows with the square). */
const ALIGNED_VOCAB_DEFAULT = 10_000;
import { drainOnTerminate } from '../interrupt.ts';
import { hubDownloads, OFFLINE_HELP } from '../hub-progress.ts';
import { remoteApiKey } from '../remote-key.ts';

/** Options `serve` and `start` share: where to listen, who may call, how texts are encoded. */
export interface ServeFlags extends Partial<ServeLimits> {
  host: string;
  port: number;
  apiKey?: string[];
  cors?: boolean | string;
  allowedHosts?: string[];
  tokenizer: TokenizerName | 'auto';
  pooling: Pooling;
  bodyLimit?: number;
  limit?: number;
  log?: boolean;
  json?: boolean;
  collections?: string;
  offline?: boolean;
  allowRemoteImages?: boolean;
}

function port(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`--port expects 0..65535, got ${JSON.stringify(v)}`);
  return n;
}

const kebab = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
const LIMIT_KEYS = Object.keys(DEFAULT_LIMITS) as (keyof ServeLimits)[];

/** A flag per server limit, named after it (maxInputChars: --max-input-chars), with its help and default. */
function withLimitOptions(cmd: Command): Command {
  for (const key of LIMIT_KEYS) {
    const flag = `--${kebab(key)}`;
    cmd.option(`${flag} <n>`, `${LIMIT_HELP[key]} (default ${DEFAULT_LIMITS[key]})`, positiveInt(flag));
  }
  return cmd;
}

/** The limits the flags set (commander gives --max-input-chars as maxInputChars, the limit's own name). */
export function limitsFrom(flags: Partial<ServeLimits>): Partial<ServeLimits> {
  const out: Partial<ServeLimits> = {};
  for (const key of LIMIT_KEYS) if (flags[key] !== undefined) out[key] = flags[key];
  return out;
}

export function withServeOptions(cmd: Command): Command {
  cmd
    .option('--host <host>', 'interface to listen on (0.0.0.0 for every interface)', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 picks a free one)', port, 8080)
    .option('--api-key <key>', 'require "Authorization: Bearer KEY" on the API (repeatable; default: $EMBEDKIT_API_KEY, comma-separated)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--cors [origin]', 'allow cross-origin requests (from any origin, or only ORIGIN)')
    .option('--allowed-hosts <names>', 'Host names answered besides localhost (comma-separated; *.example.org for subdomains; * for any)', (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((h) => h.trim()).filter((h) => h !== '')])
    .addOption(new Option('--tokenizer <name>', 'how texts split into words (auto: jieba for Chinese vocabularies, else unicode)').choices(['auto', ...TOKENIZER_NAMES]).default('auto'))
    .addOption(new Option('--pooling <how>', 'how word vectors combine into a text vector').choices(['mean', 'sif']).default('mean'))
    .option('--body-limit <bytes>', 'largest request body (default 8 MiB)', positiveInt('--body-limit'));
  return withLimitOptions(cmd)
    .option('--limit <n>', 'load only the first N vectors of each model', positiveInt('--limit'))
    .option('--offline', OFFLINE_HELP)
    .option('--collections <dir>', "serve OpenAI's Files and vector-stores APIs (and the page's Search tab) over the collections in DIR (created if missing)")
    .option('--allow-remote-images', 'fetch image URLs given to CLIP models ({"image": "https://..."}), within --max-image-bytes and --remote-image-timeout-ms')
    .option('--log', 'log every request (JSON lines on stdout)')
    .option('--json', 'once listening, print one JSON line on stdout: the URL and the models');
}

/** API keys from the flags, or from EMBEDKIT_API_KEY (comma-separated) when no flag gave one. */
export function apiKeysFrom(flags: { apiKey?: string[] }): string[] {
  const keys = flags.apiKey ?? (process.env.EMBEDKIT_API_KEY ?? '').split(',');
  return keys.map((k) => k.trim()).filter((k) => k !== '');
}

/** How many ports after a busy one `start` tries before giving up. */
const NEXT_PORT_TRIES = 20;

function isPortInUse(err: unknown): boolean {
  return err instanceof Error && (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
}

/**
 * Listens on flags.port. A busy port is named with the flag to change it; with `nextFreePort` (what `start`, the
 * newcomer's command, asks for) the following ports are tried instead and the move is reported.
 */
async function listenWithFlags(listen: (port: number) => Promise<RunningServer>, flags: ServeFlags, nextFreePort: boolean): Promise<RunningServer> {
  const tries = nextFreePort && flags.port !== 0 ? NEXT_PORT_TRIES : 1;
  for (let i = 0; ; i++) {
    const port = flags.port + i;
    try {
      const server = await listen(port);
      if (i > 0) process.stderr.write(`embedkit: port ${flags.port} is in use; serving on port ${port} instead (--port to choose one)\n`);
      return server;
    } catch (err) {
      if (!isPortInUse(err)) throw err;
      if (i + 1 >= tries || port >= 65535) {
        const range = tries > 1 ? `ports ${flags.port}..${port} are` : `port ${flags.port} is`;
        throw new EmbedkitError('port_in_use', `${range} in use on ${flags.host} (another server is running there?): choose another with --port N, or --port 0 for any free port`);
      }
    }
  }
}

export async function serveWithFlags(models: ServeOptions['models'], flags: ServeFlags, options: { nextFreePort?: boolean; topics?: TopicsViewOptions; languages?: AlignedLanguagesOptions } = {}): Promise<RunningServer> {
  const keys = apiKeysFrom(flags);
  // Loaded on use: the web server stack would otherwise cost every other command startup time and memory.
  const { startServer } = await import('../../serve/app.ts');
  const server = await listenWithFlags(
    (port) =>
      startServer({
        models,
        host: flags.host,
        port,
        apiKeys: keys,
        cors: flags.cors,
        allowedHosts: flags.allowedHosts,
        bodyLimit: flags.bodyLimit,
        limits: limitsFrom(flags),
        logger: flags.log ? true : false,
        collections: flags.collections === undefined ? undefined : { dir: flags.collections },
        allowRemoteImages: flags.allowRemoteImages ?? false,
        topics: options.topics,
        languages: options.languages,
      }),
    flags,
    options.nextFreePort ?? false,
  );
  // A service manager's SIGTERM lets the requests in flight finish (new ones get 503) before the process exits.
  drainOnTerminate(() => server.close());
  const lines = [
    `embedkit: serving ${models.map((m) => `${m.name} (${m.embeddings ? `${m.embeddings.size} words, ` : ''}dim ${m.encoder.dim})`).join(', ')}`,
    `  explorer:   ${server.url}/`,
    `  embeddings: POST ${server.url}/v1/embeddings${keys.length ? '  (Bearer key required)' : ''}`,
    `  models: ${server.url}/v1/models   health: ${server.url}/health   metrics: ${server.url}/metrics`,
    ...(flags.collections === undefined ? [] : [`  vector stores: ${server.url}/v1/vector_stores  files: ${server.url}/v1/files  (collections in ${flags.collections})`]),
    ...(options.topics === undefined ? [] : [`  topics:     ${server.url}/#topics  (${options.topics.name})`]),
    ...(options.languages === undefined ? [] : [`  languages:  ${server.url}/#languages  (${options.languages.languages.join(' ↔ ')})`]),
  ];
  process.stderr.write(`${lines.join('\n')}\n`);
  if (flags.json) {
    const served = models.map((m) => ({ name: m.name, dim: m.encoder.dim, words: m.embeddings?.size ?? null }));
    process.stdout.write(`${JSON.stringify({ url: server.url, models: served })}\n`);
  }
  return server;
}

interface ServeCommandFlags extends ServeFlags {
  model?: string[];
  topics?: string;
  topicsModel?: string;
  aligned?: [string, string];
  alignedVocab?: number;
  truncate?: boolean;
  threads?: number;
}

export function registerServe(program: Command): void {
  withServeOptions(
    program
      .command('serve')
      .description('serve models over an OpenAI-compatible embeddings API, with an explorer page at /')
      .argument('[models...]', 'models, each as name=SPEC or a SPEC (named after it): a vectors file, a transformer model directory, hf:ORG/NAME[@revision], or an API URL#model')
      .option('--model <spec>', 'a model, as the arguments (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
      .option('--truncate', 'transformer models: cut inputs longer than the model window instead of embedding them in windows')
      .option('--threads <n>', 'transformer models: ONNX Runtime threads', positiveInt('--threads'))
      .option('--topics <docs>', "map the topics of DOCS (one document per line, or JSON Lines) on the page's Topics tab; found once at start")
      .option('--topics-model <name>', 'the served model that embeds the --topics documents (default: the first)')
      .option('--aligned <a,b>', "two served word models in one aligned space (from embedkit align or train joint), named by language: the page's Languages tab translates between them", alignedPair)
      .option('--aligned-vocab <n>', "--aligned: only the N most frequent words of each space are translations and CSLS neighbourhoods (CSLS's setup at start grows with the square of N; default 10000, 0 for all)", nonNegativeInt('--aligned-vocab')),
  )
    .addHelpText(
      'after',
      examples([
        'embedkit serve vectors.bin',
        'embedkit serve en=wiki.en.vec zh=zh.vec --port 9000 --api-key secret',
        'embedkit serve cc.en.300.bin --pooling sif --cors',
        'embedkit serve vectors.bin --topics abstracts.txt',
        'embedkit serve es=es.aligned.vec en=en.aligned.vec --aligned es,en',
        'embedkit serve --model minilm=models/all-MiniLM-L6-v2 --model ada=https://api.openai.com/v1#text-embedding-ada-002',
        "curl localhost:8080/v1/embeddings -H 'Content-Type: application/json' -d '{\"model\":\"vectors\",\"input\":\"hello world\"}'",
      ]),
    )
    .action(async (args: string[], flags: ServeCommandFlags) => {
      const specs = [...args, ...(flags.model ?? [])];
      if (specs.length === 0) throw new InvalidArgumentError('serve needs at least one model: embedkit serve [name=]SPEC... or --model [name=]SPEC');
      const { loadServedModels } = await import('../../serve/models.ts');
      const downloads = hubDownloads(flags);
      const models = await loadServedModels(
        specs,
        { tokenizer: flags.tokenizer, pooling: flags.pooling },
        { limit: flags.limit },
        { truncate: flags.truncate, threads: flags.threads },
        { apiKey: remoteApiKey() },
        downloads.options,
      ).finally(() => downloads.close());
      await serveWithFlags(models, flags, { topics: flags.topics === undefined ? undefined : await topicsFrom(flags.topics, flags.topicsModel), languages: flags.aligned && { languages: flags.aligned, restrictVocab: flags.alignedVocab === 0 ? undefined : (flags.alignedVocab ?? ALIGNED_VOCAB_DEFAULT) } });
    });
}

function alignedPair(v: string): [string, string] {
  const names = v.split(',').map((s) => s.trim());
  if (names.length !== 2 || names.some((n) => !n)) throw new InvalidArgumentError(`--aligned expects two served model names, as es,en; got ${JSON.stringify(v)}`);
  return names as [string, string];
}

/** The --topics collection, read now (a bad line fails before the server starts), with its stages shown on stderr. */
async function topicsFrom(path: string, model: string | undefined): Promise<TopicsViewOptions> {
  const { readTopicDocuments } = await import('../../apps/topics/read-documents.ts');
  const documents = await readTopicDocuments(path);
  const name = basename(path);
  return { documents, name, model, onStage: (stage) => process.stderr.write(`embedkit: topics of ${name} (${documents.length} documents): ${stage}\n`) };
}
