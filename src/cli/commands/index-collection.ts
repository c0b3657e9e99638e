import type { Command } from 'commander';
import { Option } from 'commander';
import { EmbedkitError, InvalidArgumentError } from '../../errors.ts';
import { TRANSFORMER_POOLINGS } from '../../encoders/transformer-model-dir.ts';
import { openCollection, type BuildAnnOptions, type Collection, type OpenCollectionOptions } from '../../search/collection.ts';
import { ingestFiles } from '../../search/ingest-files.ts';
import { ADD_OPTIONS, BUILD_ANN_OPTIONS } from '../../search/search-options.ts';
import { resolveOptions } from '../../train/option-schema.ts';
import { ProgressMeter, stderrProgress } from '../../train/progress.ts';
import { examples, printJson } from '../common.ts';
import { interruptSignal } from '../interrupt.ts';
import { addOptionFlags, flagError, optionsFromFlags } from '../option-flags.ts';
import { hubDownloads, OFFLINE_HELP } from '../hub-progress.ts';
import { remoteApiKey } from '../remote-key.ts';
import type { HubOptions } from '../../encoders/hub.ts';
import { addImageFiles } from '../index-images.ts';

/** `embedkit index add|delete|build-ann|info`: a collection's contents, over embedkit/search. */

interface AddFlags {
  model?: string;
  images?: string[];
  partial?: boolean;
  pooling?: OpenCollectionOptions['pooling'];
  quiet?: boolean;
  json?: boolean;
  offline?: boolean;
  [flag: string]: unknown;
}

/** Opens a collection for the CLI (the remote API key from $EMBEDKIT_REMOTE_API_KEY; `hub` for models by hub id). */
export function openForCli(path: string, o: { model?: string; pooling?: OpenCollectionOptions['pooling']; create?: boolean; hub?: HubOptions }): Promise<Collection> {
  return openCollection(path, { model: o.model, pooling: o.pooling, create: o.create ?? false, encoderOptions: { apiKey: remoteApiKey(), hub: o.hub } });
}

/**
 * The collection to add to (created with --model on first use) and the hub downloads' progress, both closed by the
 * caller when done: an existing collection opens its model on first use, during the ingest.
 */
async function openToAdd(path: string, f: AddFlags): Promise<{ collection: Collection; downloads: ReturnType<typeof hubDownloads> }> {
  const downloads = hubDownloads(f);
  const collection = await openForCli(path, { model: f.model, pooling: f.pooling, create: true, hub: downloads.options }).catch((err: unknown) => {
    downloads.close();
    throw err;
  });
  return { collection, downloads };
}

async function add(path: string, files: string[], f: AddFlags): Promise<void> {
  if (f.images !== undefined) return addImagesCommand(path, files, f);
  if (files.length === 0) throw new InvalidArgumentError('name the files to add (or --images PATHS for pictures)');
  let given: ReturnType<typeof resolveOptions<typeof ADD_OPTIONS>>;
  try {
    given = resolveOptions(ADD_OPTIONS, optionsFromFlags(ADD_OPTIONS, f));
  } catch (err) {
    throw flagError(ADD_OPTIONS, err);
  }
  const { collection, downloads } = await openToAdd(path, f);
  const show = f.quiet ? undefined : stderrProgress();
  const meter = new ProgressMeter({ phase: 'index', unit: 'docs', listener: show });
  const failed: string[] = [];
  const started = performance.now();
  try {
    const result = await ingestFiles(collection, files, {
      chunking: { maxTokens: given.maxTokens, overlapTokens: given.overlapTokens },
      batchSize: given.batchSize,
      txt: given.txt,
      signal: interruptSignal(),
      onProgress: (p) => meter.update(p.docs, { progress: p.totalBytes ? p.bytes / p.totalBytes : NaN }),
      onFile: (r) => {
        if (r.status === 'failed') {
          failed.push(r.path);
          process.stderr.write(`${show ? '\n' : ''}embedkit: ${r.path}: failed: ${r.error}\n`);
        }
      },
    }).catch((err: unknown) => {
      throw flagError(ADD_OPTIONS, err);
    });
    meter.update(result.docs, { progress: 1, force: true });
    show?.close();
    const seconds = (performance.now() - started) / 1000;
    const summary = { collection: path, docs: result.docs, skippedDocs: result.skippedDocs, chunks: result.chunks, rows: result.rows, seconds: Number(seconds.toFixed(3)), files: result.files };
    if (f.json) printJson(summary);
    else if (!f.quiet) {
      process.stderr.write(`embedkit: ${result.docs} documents (${result.skippedDocs} already stored), ${result.chunks} passages embedded, ${result.rows} in ${path}, ${seconds.toFixed(1)} s\n`);
    }
    if (failed.length) throw new EmbedkitError('files_failed', `${failed.length} of ${result.files.length} files could not be read and were skipped: ${failed.join(', ')}`);
  } finally {
    show?.close();
    downloads.close();
    await collection.close();
  }
}

/** `index add COLLECTION --images PATHS...`: pictures into a CLIP model's collection. */
async function addImagesCommand(path: string, files: string[], f: AddFlags): Promise<void> {
  if (files.length > 0) throw new InvalidArgumentError('give files (texts) or --images (pictures), not both');
  const given = resolveOptions(ADD_OPTIONS, optionsFromFlags(ADD_OPTIONS, f));
  const { collection, downloads } = await openToAdd(path, f);
  const show = f.quiet ? undefined : stderrProgress();
  const meter = new ProgressMeter({ phase: 'index', unit: 'images', listener: show });
  const started = performance.now();
  try {
    const say = (m: string) => process.stderr.write(`${show ? '\n' : ''}embedkit: ${m}\n`);
    const result = await addImageFiles(collection, f.images ?? [], { batchSize: given.batchSize, partial: f.partial, signal: interruptSignal(), onProgress: (docs) => meter.update(docs), say });
    meter.update(result.docs, { progress: 1, force: true });
    show?.close();
    const seconds = (performance.now() - started) / 1000;
    const failed = result.failed.map((x) => ({ index: x.index, image: x.image, reason: x.error.message }));
    if (f.json) printJson({ collection: path, images: result.docs, skippedDocs: result.skippedDocs, rows: result.rows, seconds: Number(seconds.toFixed(3)), failed });
    else if (!f.quiet) process.stderr.write(`embedkit: ${result.docs} pictures (${result.skippedDocs} already stored), ${result.rows} in ${path}, ${seconds.toFixed(1)} s\n`);
  } finally {
    show?.close();
    downloads.close();
    await collection.close();
  }
}

export function registerIndex(program: Command): void {
  const index = program.command('index').description('build and manage a searchable collection (LanceDB): add files, delete documents, build the ANN index');

  const addCmd = index
    .command('add')
    .description('add files to a collection (created with --model on first use): .txt (a document per line), .jsonl, .md, .html, directories')
    .argument('<collection>', 'collection directory')
    .argument('[files...]', 'files or directories (walked recursively)')
    .option('--images <paths...>', 'add pictures instead (a CLIP model\'s collection): files, or folders of .jpg .png .webp .gif; each stored under its path')
    .option('--partial', 'with --images: skip pictures that cannot be read (listed on stderr) instead of stopping')
    .option('--model <model>', 'model to embed with: vectors file, transformer model directory, hf:ORG/NAME[@revision] or http(s)://host/v1#model (needed to create the collection; afterwards it must match)')
    .addOption(new Option('--pooling <pooling>', 'how token vectors are pooled (vectors files: mean or sif)').choices(['mean', 'sif', ...TRANSFORMER_POOLINGS]));
  addOptionFlags(addCmd, ADD_OPTIONS)
    .option('--offline', OFFLINE_HELP)
    .option('--quiet', 'no progress on stderr')
    .option('--json', 'print a JSON summary on stdout when done')
    .addHelpText('after', examples(['embedkit index add docs.collection --model vectors.bin --pooling sif notes/ faq.jsonl', 'embedkit index add docs.collection manual.md --max-tokens 200 --overlap-tokens 50', 'embedkit index add photos.collection --model models/clip --images photos/']))
    .action((path: string, files: string[], f: AddFlags) => add(path, files, f));

  index
    .command('delete')
    .description('delete documents (every passage of each) or single passages (DOC#N) by id')
    .argument('<collection>', 'collection directory')
    .argument('<ids...>', 'document or passage ids')
    .option('--json', 'print the count as JSON')
    .action(async (path: string, ids: string[], f: { json?: boolean }) => {
      const c = await openForCli(path, {});
      try {
        const deleted = await c.delete(ids);
        if (f.json) printJson({ deleted, rows: await c.count() });
        else process.stdout.write(`deleted ${deleted} passages; ${await c.count()} left\n`);
      } finally {
        await c.close();
      }
    });

  const buildCmd = index
    .command('build-ann')
    .description('build (or rebuild) the approximate nearest-neighbour index; searches use it from then on')
    .argument('<collection>', 'collection directory');
  addOptionFlags(buildCmd, BUILD_ANN_OPTIONS)
    .option('--json', 'print the result as JSON')
    .addHelpText('after', examples(['embedkit index build-ann docs.collection', 'embedkit index build-ann docs.collection --connectivity 32 --expansion-add 200', 'embedkit index build-ann docs.collection --type ivf_pq --partitions 256']))
    .action(async (path: string, f: Record<string, unknown> & { json?: boolean }) => {
      const c = await openForCli(path, {});
      try {
        const started = performance.now();
        await c.buildAnnIndex(optionsFromFlags(BUILD_ANN_OPTIONS, f) as BuildAnnOptions).catch((err: unknown) => {
          throw flagError(BUILD_ANN_OPTIONS, err);
        });
        const seconds = (performance.now() - started) / 1000;
        const { annIndex, rows } = await c.info();
        if (f.json) printJson({ collection: path, annIndex, rows, seconds: Number(seconds.toFixed(3)) });
        else process.stdout.write(`built ${annIndex} over ${rows} passages in ${seconds.toFixed(1)} s\n`);
      } finally {
        await c.close();
      }
    });

  index
    .command('info')
    .description('describe a collection: encoder, passages, documents, metadata fields, indexes')
    .argument('<collection>', 'collection directory')
    .option('--json', 'print as JSON')
    .action(async (path: string, f: { json?: boolean }) => {
      const c = await openForCli(path, {});
      try {
        const info = await c.info();
        if (f.json) return printJson(info);
        const fields = Object.entries(info.fields).map(([k, t]) => `${k} (${t})`);
        process.stdout.write(
          [
            `collection  ${info.path}`,
            `encoder     ${c.describeEncoder()}`,
            `passages    ${info.rows.toLocaleString('en-US')}`,
            `documents   ${info.docs.toLocaleString('en-US')}`,
            `fields      ${fields.length ? fields.join(', ') : '(none)'}`,
            `ann index   ${info.annIndex ?? '(none: exact search)'}`,
            `full text   ${info.fullTextIndex ? 'indexed' : '(built on the first hybrid search)'}`,
            `version     ${info.version}`,
            '',
          ].join('\n'),
        );
      } finally {
        await c.close();
      }
    });
}
