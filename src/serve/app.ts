import { timingSafeEqual } from 'node:crypto';
import cors from '@fastify/cors';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import { ApiError, invalidRequest, modelNotFound, toApiError } from './api-error.ts';
import { sendClientError } from './client-error.ts';
import { defaultAllowedHosts, hostMatcher } from './host-check.ts';
import { resolveLimits, type ServeLimits } from './limits.ts';
import { jsonBodyReader } from './json-body.ts';
import { OffThreadJson } from './json-off-thread.ts';
import { Metrics } from './metrics.ts';
import type { ServedModel } from './models.ts';
import { registerEmbeddingRoutes } from './routes/embeddings.ts';
import { registerClassifyRoutes } from './routes/classify.ts';
import { ModelGates } from './model-gate.ts';
import { registerExplorerRoutes } from './routes/explorer.ts';
import { buildTopicsView, registerTopicRoutes, type TopicsViewOptions } from './routes/topics.ts';
import { buildLanguagesView, registerLanguageRoutes, type AlignedLanguagesOptions } from './routes/languages.ts';
import { registerStaticFiles } from './static-files.ts';
import { registerCollections, type CollectionsOptions } from './vector-stores/register.ts';

export interface ServeOptions {
  /** Served in order; the first is the page's default. Names must be unique. */
  models: readonly ServedModel[];
  /** Accepted Bearer keys for every route but /health, /metrics and the page's files; none: no authentication. */
  apiKeys?: readonly string[];
  /** Allow cross-origin requests: true for any origin, or the allowed origin(s). Off by default. */
  cors?: boolean | string | readonly string[];
  /** Largest request body in bytes (default 8 MiB); larger bodies get 413. */
  bodyLimit?: number;
  /**
   * Host header names accepted (port ignored; "*.example.org" for subdomains); other hosts get 403. None: any.
   * startServer defaults it from the listen host (see defaultAllowedHosts): localhost names only on loopback.
   */
  allowedHosts?: readonly string[];
  /** Serve OpenAI's Files and vector-stores APIs (and the page's Search tab) over this collections folder. */
  collections?: CollectionsOptions;
  /** A document collection whose topics the page's Topics tab maps (found once, before the app is ready). */
  topics?: TopicsViewOptions;
  /** Two served word models in one aligned space: the page's Languages tab translates between them. */
  languages?: AlignedLanguagesOptions;
  /** Fastify's logger setting (default off). */
  logger?: FastifyServerOptions['logger'];
  /** Serve the explorer page (default true). */
  page?: boolean;
  /** Bounds on request size, work, waiting and time (see ServeLimits; defaults in DEFAULT_LIMITS). */
  limits?: Partial<ServeLimits>;
  /**
   * Fetch `{ "image": "https://..." }` inputs of /v1/embeddings (within maxImageBytes and remoteImageTimeoutMs).
   * Off by default: images then come only as data URLs or base64.
   */
  allowRemoteImages?: boolean;
}

export const DEFAULT_BODY_LIMIT = 8 * 1024 * 1024;
/** JSON bodies of at least this many bytes are parsed in a worker thread (about 1 ms of parsing on the event loop below it). */
const OFF_THREAD_JSON_BYTES = 256 * 1024;
/** Longest request target accepted (longer: 414); Node's 16 KiB header limit (431) covers longer still. */
const MAX_URL_LENGTH = 8192;

/**
 * Routes open without the API key when keys are configured (the page's files are added as they are registered).
 * Everything else needs the key, unmatched URLs included: the check follows the route the router matched, never
 * the raw request target, which the router percent-decodes, strips of its fragment and accepts in absolute form.
 */
const OPEN_ROUTES = ['/health', '/metrics'];

/**
 * The HTTP app: the OpenAI-compatible embeddings API, /v1/models, /health, /metrics, the explorer's JSON
 * endpoints and page. Every error leaves in OpenAI's shape. Not listening yet: call listen() or use inject().
 * @example
 * ```ts
 * import { loadEmbeddings } from 'embedkit';
 * import { createApp, staticModel } from 'embedkit/serve';
 * const app = await createApp({ models: [staticModel('en', await loadEmbeddings('vectors.bin'))] });
 * const res = await app.inject({ method: 'POST', url: '/v1/embeddings', payload: { model: 'en', input: 'the king' } });
 * console.log(res.statusCode, res.json().data[0].embedding.length); // 200 16
 * await app.close();
 * ```
 */
export async function createApp(options: ServeOptions): Promise<FastifyInstance> {
  const models = new Map<string, ServedModel>();
  for (const m of options.models) {
    if (models.has(m.name)) throw new Error(`two models are named ${JSON.stringify(m.name)}`);
    models.set(m.name, m);
  }
  if (models.size === 0) throw new Error('serve needs at least one model');
  const findModel = (name: string): ServedModel => {
    const m = models.get(name);
    if (!m) throw modelNotFound(name);
    return m;
  };

  // Before the app exists: a collection findTopics refuses stops here with nothing to close.
  const topicsView = options.topics ? await buildTopicsView(options.topics, [...models.values()]) : null;
  const languagesView = options.languages ? buildLanguagesView(options.languages, [...models.values()]) : null;
  const limits = resolveLimits(options.limits);
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // A client sending its request slowly (slowloris) is answered 408 and cut off once these run out. Node checks
    // them on an interval (30 s by default): a tenth of the shorter one keeps the cut close to the limit.
    requestTimeout: limits.requestTimeoutMs,
    http: { headersTimeout: limits.headersTimeoutMs, connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 10))) },
    return503OnClosing: true,
    // A "__proto__" or "constructor.prototype" key is valid JSON: drop it rather than refuse the body as invalid.
    onProtoPoisoning: 'remove',
    onConstructorPoisoning: 'remove',
    // The router's own errors (a URL that is not valid percent-encoding) in OpenAI's shape, like every other.
    // (Its 414, for a path parameter past maxParamLength, echoes the whole URL: replaced by a short message.)
    frameworkErrors: (err, _request, reply) => {
      const e =
        err.code === 'FST_ERR_BAD_URL'
          ? invalidRequest('Invalid URL: the path is not valid percent-encoding.', null, 'invalid_url')
          : (err as { statusCode?: number }).statusCode === 414
            ? uriTooLong()
            : toApiError(err);
      void (reply as FastifyReply).code(e.status).send(e.body());
    },
    // Node's HTTP parser answers some requests before fastify sees them (431 for oversized headers): same shape.
    clientErrorHandler: sendClientError,
  });
  // Only JSON bodies: without this, fastify would hand a text/plain body to the handlers as a string.
  app.removeContentTypeParser('text/plain');
  // Large JSON bodies are parsed off the event loop; small ones (nearly all) by fastify's own parser, in place.
  const inPlace = app.getDefaultJsonParser('remove', 'remove');
  const offThread = new OffThreadJson();
  app.addHook('onClose', () => offThread.close());
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', jsonBodyReader(offThread, inPlace, OFF_THREAD_JSON_BYTES));
  const metrics = new Metrics();
  const methodsByPath = new Map<string, Set<string>>();
  app.addHook('onRoute', (route) => {
    const set = methodsByPath.get(route.url) ?? new Set<string>();
    for (const m of [route.method].flat()) set.add(m);
    methodsByPath.set(route.url, set);
  });

  if (options.cors) {
    const origin = options.cors === true ? true : typeof options.cors === 'string' ? options.cors : [...options.cors];
    await app.register(cors, { origin, methods: ['GET', 'POST', 'DELETE', 'OPTIONS'], allowedHeaders: ['Authorization', 'Content-Type', 'OpenAI-Organization', 'OpenAI-Project'], maxAge: 600 });
  }

  if (options.allowedHosts) {
    const hostAllowed = hostMatcher(options.allowedHosts);
    app.addHook('onRequest', async (request) => {
      if (!hostAllowed(request.headers.host)) {
        throw new ApiError(403, `Host ${JSON.stringify(request.headers.host)} is not allowed: this server answers only requests addressed to ${options.allowedHosts!.join(', ')}.`, 'invalid_request_error', null, 'host_not_allowed');
      }
    });
  }

  // Before the key check: an oversized URL is refused whoever sends it, and the refusal gives nothing away.
  app.addHook('onRequest', async (request) => {
    if (request.url.length > MAX_URL_LENGTH) {
      throw uriTooLong();
    }
  });

  const keys = (options.apiKeys ?? []).filter((k) => k !== '').map((k) => Buffer.from(k));
  const openRoutes = new Set(OPEN_ROUTES);
  if (keys.length > 0) {
    app.addHook('onRequest', async (request) => {
      // routeOptions.url is the matched route's pattern (undefined when nothing matched, which stays protected).
      const route = request.routeOptions.url;
      if (request.method === 'OPTIONS' || (route !== undefined && openRoutes.has(route) && (request.method === 'GET' || request.method === 'HEAD'))) return;
      const header = request.headers.authorization;
      const match = header ? /^Bearer\s+(.+)$/i.exec(header) : null;
      if (!match) {
        throw new ApiError(401, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).", 'invalid_request_error', null, 'missing_api_key');
      }
      const given = Buffer.from(match[1].trim());
      if (!keys.some((k) => k.length === given.length && timingSafeEqual(k, given))) {
        throw new ApiError(401, `Incorrect API key provided: ${redact(match[1].trim())}.`, 'invalid_request_error', null, 'invalid_api_key');
      }
    });
  }

  // A callback hook, not an async one: it runs on every request and needs no promise.
  app.addHook('onResponse', (request, reply, done) => {
    metrics.observeRequest(request.routeOptions.url ?? 'unmatched', request.method, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });

  app.setErrorHandler(async (err, request, reply) => {
    const e = toApiError(err);
    if (e.status >= 500) request.log.error(err);
    metrics.observeError(e.type, e.code);
    return reply.code(e.status).send(e.body());
  });

  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0];
    const allowed = methodsByPath.get(path);
    const e = allowed
      ? new ApiError(405, `Method ${request.method} is not allowed on ${path}; use ${[...allowed].filter((m) => m !== 'HEAD').join(' or ')}.`, 'invalid_request_error', null, 'method_not_allowed')
      : new ApiError(404, `Invalid URL (${request.method} ${path})`, 'invalid_request_error', null, 'not_found');
    if (allowed) reply.header('allow', [...allowed].join(', '));
    metrics.observeError(e.type, e.code);
    return reply.code(e.status).send(e.body());
  });

  // One gate per model for every route that runs one, so its concurrency bound holds across them.
  const gates = new ModelGates(limits.maxConcurrent, limits.maxQueued);
  registerEmbeddingRoutes(app, metrics, findModel, limits, gates, { allowRemoteImages: options.allowRemoteImages ?? false });
  registerClassifyRoutes(app, findModel, limits, gates);

  const modelObject = (m: ServedModel) => ({ id: m.name, object: 'model', created: m.created, owned_by: 'embedkit' });
  app.get('/v1/models', async () => ({ object: 'list', data: [...models.values()].map(modelObject) }));
  app.get('/v1/models/:model', async (request) => modelObject(findModel((request.params as { model: string }).model)));

  app.get('/health', async () => ({ status: 'ok', models: [...models.keys()], uptime_seconds: Math.round(process.uptime()) }));
  app.get('/metrics', async (_request, reply) => reply.header('content-type', 'text/plain; version=0.0.4; charset=utf-8').send(metrics.render()));

  registerExplorerRoutes(app, [...models.values()], findModel);
  await registerCollections(app, options.collections, [...models.values()]);
  registerTopicRoutes(app, topicsView);
  registerLanguageRoutes(app, languagesView);
  if (options.page !== false) for (const route of registerStaticFiles(app)) openRoutes.add(route);
  return app;
}

export interface RunningServer {
  app: FastifyInstance;
  /** Base URL, e.g. http://127.0.0.1:8080 (with the real port when 0 was asked for). */
  url: string;
  close(): Promise<void>;
}

/**
 * Creates the app and listens on host:port (port 0 picks a free one). On a loopback host only requests addressed
 * to localhost names are answered (DNS-rebinding guard); `allowedHosts` adds names, "*" turns the check off.
 * @example
 * ```ts
 * import { loadEmbeddings } from 'embedkit';
 * import { startServer, staticModel } from 'embedkit/serve';
 * const server = await startServer({ models: [staticModel('en', await loadEmbeddings('vectors.bin'))], port: 0 });
 * const res = await fetch(`${server.url}/v1/embeddings`, {
 *   method: 'POST',
 *   headers: { 'content-type': 'application/json' },
 *   body: JSON.stringify({ model: 'en', input: ['the king', 'the queen'] }),
 * });
 * console.log((await res.json()).data.length); // 2
 * await server.close();
 * ```
 */
export async function startServer(options: ServeOptions & { host?: string; port?: number }): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const app = await createApp({ ...options, allowedHosts: defaultAllowedHosts(host, options.allowedHosts) });
  try {
    await app.listen({ host, port: options.port ?? 8080 });
  } catch (err) {
    // Not listening: release the models' resources so a caller can try another port in the same process.
    await app.close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return { app, url: `http://${shownHost}:${port}`, close: () => app.close() };
}

function uriTooLong(): ApiError {
  return new ApiError(414, `URL too long: at most ${MAX_URL_LENGTH} characters, and at most 100 in one path segment.`, 'invalid_request_error', null, 'uri_too_long');
}

/** Shows the first and last characters of a wrong key, as OpenAI does, never the whole key. */
function redact(key: string): string {
  return key.length <= 8 ? '*'.repeat(key.length) : `${key.slice(0, 3)}${'*'.repeat(Math.min(20, key.length - 7))}${key.slice(-4)}`;
}
