import { endianness } from 'node:os';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { EmbedkitError, InvalidArgumentError } from '../../errors.ts';
import { InputItemError } from '../../encoders/clip.ts';
import { acceptsImages } from '../../encoders/clip-modalities.ts';
import type { EncodeOptions, EncodeResult } from '../../encoders/encoder.ts';
import type { EncoderInput } from '../../encoders/image-decode.ts';
import { Pacer } from '../../encoders/pace.ts';
import { NoKnownWordError } from '../../encoders/static.ts';
import { allFinite } from '../../formats/finite-values.ts';
import { ApiError, invalidRequest } from '../api-error.ts';
import { ByteChunks } from '../byte-chunks.ts';
import { checkCharacters, modelBusy, tokenLimitCheck, type ServeLimits } from '../limits.ts';
import { withRequestSignal } from '../request-signal.ts';
import type { Metrics } from '../metrics.ts';
import type { ModelGates } from '../model-gate.ts';
import type { ServedModel } from '../models.ts';
import { describeIssue, embeddingsRequest, MAX_INPUTS } from '../schemas.ts';
import { hasItemObjects, resolveRequestItems, type ImageInputSettings, type RequestItem } from '../image-inputs.ts';

const LITTLE_ENDIAN = endianness() === 'LE';

/**
 * POST /v1/embeddings and /embeddings: OpenAI's request and response, on the served encoders, within `limits`:
 * characters checked before tokenizing, tokens before model work, a per-model gate (429 beyond its queue), and one
 * signal that stops the work when the client leaves or the handler's time runs out.
 */
export function registerEmbeddingRoutes(
  app: FastifyInstance,
  metrics: Metrics,
  findModel: (name: string) => ServedModel,
  limits: ServeLimits,
  gates: ModelGates,
  images: ImageInputSettings = { allowRemoteImages: false },
): void {
  const handler = async (body: unknown, reply: FastifyReply, signal: AbortSignal) => {
    const parsed = embeddingsRequest.safeParse(body);
    if (!parsed.success) {
      // Name the missing model as OpenAI does before anything else.
      const b = body as { model?: unknown } | null;
      if (b === null || typeof b !== 'object' || b.model === undefined) throw invalidRequest('You must provide a model parameter.', 'model');
      const { message, param } = describeIssue(parsed.error);
      if (param === 'input') {
        throw invalidRequest("'$.input' is invalid: expected a non-empty string, an array of strings, an array of token ids (integers ≥ 0), an array of such arrays, or (for a model that takes images) an array of strings, { \"text\": ... } and { \"image\": data URL, base64 or URL } items.", 'input');
      }
      throw invalidRequest(message, param);
    }
    const req = parsed.data;
    const model = findModel(req.model);
    const { encoder } = model;
    const inputs = normalizeInput(req.input);
    if (inputs.length === 0) throw invalidRequest("'$.input' is invalid: the input must not be empty.", 'input');
    if (inputs.length > MAX_INPUTS) throw invalidRequest(`'$.input' is invalid: at most ${MAX_INPUTS} inputs per request, got ${inputs.length}.`, 'input');
    const dims = req.dimensions;
    if (dims !== undefined && (dims < 1 || dims > encoder.dim)) {
      throw invalidRequest(`'$.dimensions' is invalid: it must be between 1 and ${encoder.dim} for model ${model.name}, got ${dims}.`, 'dimensions');
    }
    const items = hasItemObjects(inputs);
    const texts = typeof inputs[0] === 'string' && !items;
    if (items) {
      const list = inputs as RequestItem[];
      if (!acceptsImages(encoder)) {
        const at = list.findIndex((x) => typeof x === 'object' && 'image' in x);
        if (at >= 0) throw invalidRequest(`'$.input[${at}]' is invalid: model ${model.name} takes text only, not images.`, 'input', 'image_not_supported');
      }
      const itemTexts = list.map((x) => (typeof x === 'string' ? x : 'text' in x ? x.text : ''));
      if (list.some((x, i) => itemTexts[i] === '' && !(typeof x === 'object' && 'image' in x))) throw invalidRequest("'$.input' is invalid: an input must not be an empty string.", 'input');
      checkCharacters(itemTexts, limits);
    } else if (texts) {
      if ((inputs as string[]).some((s) => s === '')) throw invalidRequest("'$.input' is invalid: an input must not be an empty string.", 'input');
      checkCharacters(inputs as string[], limits);
    } else {
      if (!encoder.encodeTokenIds) throw invalidRequest(`model ${model.name} does not accept token ids; send text`, 'input');
      if ((inputs as number[][]).some((ids) => ids.length === 0)) throw invalidRequest("'$.input' is invalid: a token array must not be empty.", 'input');
    }

    const entered = gates.of(model.name).enter(signal);
    if (!entered) {
      reply.header('retry-after', '1');
      throw modelBusy(model.name, limits);
    }
    const release = await entered;
    const checkTokens = tokenLimitCheck(encoder.maxTokens);
    const options: EncodeOptions = { signal, onTokens: checkTokens };
    let result: EncodeResult;
    try {
      if (items) {
        const mixed: EncoderInput[] = await resolveRequestItems(inputs as RequestItem[], limits, images, signal);
        // A text model given only { text } items encodes them as plain strings.
        result = acceptsImages(encoder) ? await encoder.encode(mixed, { ...options, maxImagePixels: limits.maxImagePixels }) : await encoder.encode(mixed as string[], options);
      } else {
        result = texts ? await encoder.encode(inputs as string[], options) : await encoder.encodeTokenIds!(inputs as number[][], options);
      }
    } catch (err) {
      if (err instanceof InputItemError) throw invalidRequest(`'$.input[${err.index}]' is invalid: ${err.reason.message}`, 'input', err.reason.code);
      if (err instanceof EmbedkitError && err.code.startsWith('image_')) throw invalidRequest(`'$.input' is invalid: ${err.message}`, 'input', err.code);
      if (err instanceof NoKnownWordError) throw invalidRequest(`'$.input' is invalid: ${err.message}.`, 'input', 'no_known_words');
      if (err instanceof InvalidArgumentError) throw invalidRequest(err.message, 'input');
      throw err;
    } finally {
      release();
    }
    // Again on the result, for encoders that count tokens only as they work (a remote API).
    const total = checkTokens(result.tokens);
    metrics.observeEmbeddings(model.name, inputs.length, total);
    return serializeResponse(result.vectors, dims, req.encoding_format === 'base64', model.name, total, new Pacer(signal));
  };
  for (const url of ['/v1/embeddings', '/embeddings']) {
    app.post(url, (request, reply) =>
      withRequestSignal(reply, limits, async (signal) => {
        const body = await handler(request.body, reply, signal);
        return reply.header('content-type', 'application/json; charset=utf-8').header('content-length', body.length).send(body.payload());
      }),
    );
  }
}

/**
 * The response body, written directly as bytes: its shape is fixed, and printing the typed arrays avoids building
 * (then stringifying) an object tree and an Array copy of every vector. Float32 values print as the shortest
 * decimal that reads back to the same double, as JSON.stringify would print them. Each vector's text goes into
 * the body's chunks as it is printed (see ByteChunks): a 2048-vector answer is megabytes, which as one string
 * held the event loop for tens of milliseconds after printing (joining, measuring and encoding it).
 */
async function serializeResponse(vectors: readonly Float32Array[], dims: number | undefined, base64: boolean, model: string, tokens: number, pace: Pacer): Promise<ByteChunks> {
  const body = new ByteChunks();
  body.ascii('{"object":"list","data":[');
  for (let index = 0; index < vectors.length; index++) {
    const v = vectors[index];
    const vec = dims !== undefined && dims < v.length ? truncate(v, dims) : v;
    // NaN is not JSON (clients fail on the whole body) and is no answer in base64 either: refuse the request.
    if (!allFinite(vec)) {
      throw new ApiError(500, `The model ${JSON.stringify(model)} gave a vector that is not finite (NaN or infinity) for input ${index}; the model's vectors are damaged.`, 'server_error', 'input', 'non_finite_vector');
    }
    const embedding = base64 ? `"${toBase64(vec)}"` : `[${vec.join(',')}]`;
    body.ascii(`${index === 0 ? '' : ','}{"object":"embedding","index":${index},"embedding":${embedding}}`);
    // Printing thousands of vectors as decimals takes a while: leave turns to other requests between them.
    await pace.tick();
  }
  body.utf8(`],"model":${JSON.stringify(model)},"usage":{"prompt_tokens":${tokens},"total_tokens":${tokens}}}`);
  return body;
}

/** The input shapes as a list of strings, of token-id lists, or of text and image items. */
function normalizeInput(input: string | string[] | number[] | number[][] | RequestItem[]): string[] | number[][] | RequestItem[] {
  if (typeof input === 'string') return [input];
  if (input.length === 0) return [];
  if (typeof input[0] === 'number') return [input as number[]];
  return input as string[] | number[][] | RequestItem[];
}

/** The first `dims` coordinates scaled back to unit length (OpenAI's `dimensions`, as for its v3 models). */
function truncate(v: Float32Array, dims: number): Float32Array {
  const out = v.slice(0, dims);
  let s = 0;
  for (let i = 0; i < dims; i++) s += out[i] * out[i];
  if (s > 0) {
    const inv = 1 / Math.sqrt(s);
    for (let i = 0; i < dims; i++) out[i] *= inv;
  }
  return out;
}

/** Little-endian float32 bytes in base64, as the OpenAI API sends them. */
function toBase64(v: Float32Array): string {
  const buf = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  if (LITTLE_ENDIAN) return buf.toString('base64');
  const copy = Buffer.from(buf);
  copy.swap32();
  return copy.toString('base64');
}
