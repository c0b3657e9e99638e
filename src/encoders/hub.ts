import { readFileSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { EmbedkitError, FormatError, InvalidArgumentError } from '../errors.ts';
import { defaultHubCacheDir, HubRepoCache, isCommitKey } from './hub-cache.ts';
import { downloadFile, HubFileNotFoundError, probeFile, type DownloadOptions } from './hub-download.ts';
import { firstFiles, remainingFiles, type WantedFile } from './hub-files.ts';
import { MODEL_DTYPES, type ModelDtype } from './onnx-dtypes.ts';
import { hubModelName, isCommitId, parseHubSpec, HUB_PREFIX, type HubModelId } from './hub-spec.ts';

/** Where models by hub id come from and where they are kept. */
export interface HubOptions {
  /** The cache folder (default: $EMBEDKIT_CACHE, else embedkit/hub under $XDG_CACHE_HOME or ~/.cache). */
  cacheDir?: string;
  /** The hub's address (default: $EMBEDKIT_HUB_URL, else https://huggingface.co). Files are read from `{hubUrl}/{org}/{name}/resolve/{revision}/{file}`. */
  hubUrl?: string;
  /** Never download: a model missing from the cache is an error that lists the missing files (default false). */
  offline?: boolean;
  /** Which ONNX weights to fetch: fp32 (`onnx/model.onnx`), q8 (`onnx/model_quantized.onnx`), fp16, … (default fp32). */
  dtype?: ModelDtype;
  /** Access token for private or gated models, sent as a bearer token (default: $HF_TOKEN when the hub is huggingface.co). */
  token?: string;
  /** Sees every file's bytes as they arrive. */
  onProgress?: (event: HubProgressEvent) => void;
  /** Tries per file, the first included, when a connection drops, stalls or ends early (default 4). */
  attempts?: number;
  /** Wait before the second try in ms; doubled for each further one (default 500). */
  retryDelayMs?: number;
  /** A request that sends nothing for this long in ms is dropped and tried again (default 30000). */
  idleTimeoutMs?: number;
}

/** A file download's progress: one event per chunk received, the last one with status 'done'. */
export interface HubProgressEvent {
  /** The model, as ORG/NAME[@revision]. */
  model: string;
  /** The file's path in the repository, e.g. onnx/model.onnx. */
  file: string;
  status: 'downloading' | 'done';
  /** Bytes received so far. */
  loaded: number;
  /** The file's size, when the hub said it. */
  total?: number;
}

/** A model's files in the cache, ready to open as a local model directory. */
export interface HubModel {
  /** The model directory (a snapshot in the cache). */
  dir: string;
  /** What the spec named. */
  id: HubModelId;
  /** The commit the revision resolved to (or the revision's name, when the hub named no commit). */
  snapshot: string;
  /** The files this call downloaded (none when everything was cached). */
  downloaded: string[];
}

const DEFAULT_HUB_URL = 'https://huggingface.co';

/**
 * The model a hub id names (`hf:ORG/NAME[@revision]`), downloaded into the cache on first use and read from there
 * afterwards without asking the hub. A branch or tag is resolved to the commit the hub reports once, when first
 * downloaded; a commit id is taken as it is. Only the files the model needs are fetched (config.json, the
 * tokenizer, the ONNX graphs for `dtype`, the pooling and image processor settings when the repository has them),
 * each into a temporary file that is renamed into place when complete.
 * @example
 * ```ts
 * import { fetchHubModel, openEncoder } from 'embedkit/encoders';
 * // Omitted, hubUrl is $EMBEDKIT_HUB_URL or https://huggingface.co, cacheDir $EMBEDKIT_CACHE or ~/.cache/embedkit/hub.
 * const options = { hubUrl: 'http://127.0.0.1:8081', cacheDir: 'hub-cache' };
 * const model = await fetchHubModel('hf:test/tiny-bert', {
 *   ...options,
 *   onProgress: (e) => e.status === 'done' && console.log(`downloaded ${e.file}: ${e.loaded} bytes`),
 * });
 * console.log(model.snapshot, model.downloaded.length); // the commit main is at, 7 files
 * // Cached: openEncoder takes the id too, and now needs no network.
 * const encoder = await openEncoder('hf:test/tiny-bert', { hub: { ...options, offline: true } });
 * console.log(encoder.id, encoder.dim); // transformer:test/tiny-bert 32
 * await encoder.dispose?.();
 * ```
 */
export async function fetchHubModel(spec: string | HubModelId, options: HubOptions = {}): Promise<HubModel> {
  const id = typeof spec === 'string' ? parseHubSpec(spec) : spec;
  const name = hubModelName(id);
  const cacheDir = resolve(options.cacheDir ?? defaultHubCacheDir());
  const hubUrl = checkedHubUrl(options.hubUrl);
  checkOptions(options);
  const cache = new HubRepoCache(cacheDir, id);
  // $HF_TOKEN is a Hugging Face credential: sent to huggingface.co only, never to another hub or a mirror.
  const token = options.token ?? (/^https:\/\/([a-z0-9-]+\.)*huggingface\.co$/i.test(hubUrl) ? process.env.HF_TOKEN : undefined);
  const download: DownloadOptions = {
    headers: { 'user-agent': 'embedkit', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    attempts: options.attempts ?? 4,
    retryDelayMs: options.retryDelayMs ?? 500,
    idleTimeoutMs: options.idleTimeoutMs ?? 30_000,
  };
  const fileUrl = (revision: string, path: string) =>
    `${hubUrl}/${encodeURIComponent(id.org)}/${encodeURIComponent(id.name)}/resolve/${encodeURIComponent(revision)}/${path.split('/').map(encodeURIComponent).join('/')}`;
  const notCached = (missing: string[], more = '') =>
    new EmbedkitError(
      'model_not_cached',
      `${HUB_PREFIX}${name} is not in the cache ${cacheDir} and downloads are off (offline): missing ${missing.join(', ')}${more}`,
    );

  // Which snapshot: a commit id is one; a branch or tag is what it resolved to before, else what the hub says now.
  const known = isCommitId(id.revision) ? id.revision : cache.readRef(id.revision);
  let snapshot: string;
  if (known !== undefined) snapshot = known;
  else if (options.offline) throw notCached(firstFiles().map((f) => f.path), ' and the files config.json names');
  else snapshot = await resolveSnapshot(fileUrl(id.revision, 'config.json'), id, download);
  // Files come from the resolved commit, so a branch that moves during the download cannot mix two commits.
  const remoteRevision = isCommitKey(snapshot) ? snapshot : id.revision;
  const dir = cache.snapshotDir(snapshot);
  const absent = cache.readAbsent(snapshot);
  const absentBefore = absent.size;
  const downloaded: string[] = [];

  /** Makes every wanted file present or known absent; offline, says which are neither. */
  const ensure = async (files: WantedFile[], more?: string) => {
    const missing = files.filter((f) => !cache.has(snapshot, f.path) && !absent.has(f.path));
    if (missing.length === 0) return;
    if (options.offline) throw notCached(missing.map((f) => f.path), more);
    for (const f of missing) {
      const url = fileUrl(remoteRevision, f.path);
      const target = join(dir, f.path);
      await mkdir(dirname(target), { recursive: true });
      try {
        await downloadFile(url, target, f.path, {
          ...download,
          onProgress: (loaded, total) => options.onProgress?.({ model: name, file: f.path, status: 'downloading', loaded, total }),
        });
      } catch (err) {
        if (!(err instanceof HubFileNotFoundError)) throw err;
        if (f.required) throw missingOnHub(name, f.path, url, err.answer, options.dtype);
        absent.add(f.path);
        continue;
      }
      downloaded.push(f.path);
      const size = statSync(target).size;
      options.onProgress?.({ model: name, file: f.path, status: 'done', loaded: size, total: size });
    }
  };

  try {
    await ensure(firstFiles(), ' and the files config.json names');
    const config = readJson(join(dir, 'config.json'));
    const modules = absent.has('modules.json') ? undefined : readJson(join(dir, 'modules.json'));
    await ensure(remainingFiles(config, modules, options.dtype ?? 'fp32'));
  } finally {
    // Kept even when a later file fails: the next try asks only for what is still unknown.
    if (absent.size !== absentBefore) await cache.writeAbsent(snapshot, absent);
  }
  // Written last: a reference names only a snapshot that was complete once.
  if (!isCommitId(id.revision) && cache.readRef(id.revision) !== snapshot) await cache.writeRef(id.revision, snapshot);
  return { dir, id, snapshot, downloaded };
}

/** The commit the hub reports for the revision (X-Repo-Commit), else the revision's name as a folder name. */
async function resolveSnapshot(configUrl: string, id: HubModelId, download: DownloadOptions): Promise<string> {
  let headers: Headers;
  try {
    headers = await probeFile(configUrl, 'config.json', download);
  } catch (err) {
    if (!(err instanceof HubFileNotFoundError)) throw err;
    const hidden = err.answer.includes('RepoNotFound') ? '; a private model needs an access token (the token option)' : '';
    throw new EmbedkitError('model_not_found', `the hub has no model ${id.org}/${id.name} at revision ${id.revision} (${err.answer} from ${configUrl})${hidden}`);
  }
  const commit = headers.get('x-repo-commit')?.trim().toLowerCase();
  return commit && isCommitKey(commit) ? commit : encodeURIComponent(id.revision);
}

/** The hub's address without a trailing slash: the option, else $EMBEDKIT_HUB_URL, else the public hub; http(s) only. */
function checkedHubUrl(given: string | undefined): string {
  const url = given ?? process.env.EMBEDKIT_HUB_URL ?? DEFAULT_HUB_URL;
  const from = given !== undefined ? 'the hubUrl option' : '$EMBEDKIT_HUB_URL';
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new InvalidArgumentError(`${from} must be an http(s) URL such as ${DEFAULT_HUB_URL}, got ${JSON.stringify(url)}`);
  }
  return url.replace(/\/+$/, '');
}

function checkOptions(options: HubOptions): void {
  if (options.dtype !== undefined && !(MODEL_DTYPES as readonly string[]).includes(options.dtype)) {
    throw new InvalidArgumentError(`dtype must be one of ${MODEL_DTYPES.join(', ')}, got ${JSON.stringify(options.dtype)}`);
  }
  for (const key of ['attempts', 'idleTimeoutMs'] as const) {
    const v = options[key];
    if (v !== undefined && !(Number.isInteger(v) && v >= 1)) throw new InvalidArgumentError(`${key} must be a positive integer, got ${v}`);
  }
  if (options.retryDelayMs !== undefined && !(Number.isFinite(options.retryDelayMs) && options.retryDelayMs >= 0)) {
    throw new InvalidArgumentError(`retryDelayMs must be a number ≥ 0, got ${options.retryDelayMs}`);
  }
}

function missingOnHub(name: string, file: string, url: string, answer: string, dtype: ModelDtype | undefined): EmbedkitError {
  const hint = file.startsWith('onnx/') ? `; these are the ${dtype ?? 'fp32'} weights (the dtype option picks another variant)` : '';
  return new EmbedkitError('hub_file_not_found', `${HUB_PREFIX}${name} has no ${file} on the hub (${answer} from ${url})${hint}`);
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (err) {
    throw new FormatError(`not valid JSON: ${(err as Error).message}`, { file });
  }
}
