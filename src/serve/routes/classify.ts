import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DEFAULT_ZERO_SHOT_TEMPLATE, zeroShotClassify } from '../../apps/classify/zero-shot.ts';
import { NoKnownWordError } from '../../encoders/static.ts';
import { InvalidArgumentError } from '../../errors.ts';
import { invalidRequest } from '../api-error.ts';
import { checkCharacters, modelBusy, tokenLimitCheck, type ServeLimits } from '../limits.ts';
import { withRequestSignal } from '../request-signal.ts';
import type { ModelGates } from '../model-gate.ts';
import type { ServedModel } from '../models.ts';
import { describeIssue, MAX_INPUTS } from '../schemas.ts';

/** Most labels per request (each is one more sentence to encode and one more score per input). */
export const MAX_LABELS = 100;

/** The body of POST /v1/classify. */
const classifyRequest = z.object({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.string())]),
  labels: z.array(z.string().min(1).max(200)).min(2).max(MAX_LABELS),
  template: z.string().min(2).max(500).optional(),
  temperature: z.number().positive().finite().optional(),
  user: z.string().optional(),
});

/**
 * POST /v1/classify and /classify: zero-shot labels by similarity (zeroShotClassify) on a served encoder.
 *
 * Request: `{"model": "en", "input": "text" | ["text", ...], "labels": ["sport", "politics", ...],
 * "template"?: "This text is about {}.", "temperature"?: 0.2}`.
 * Response: OpenAI's list envelope (as /v1/embeddings) whose items follow the Hugging Face zero-shot-classification
 * pipeline's answer: per input, `labels` ranked best first with `scores` (probabilities, softmax of the cosine
 * similarities over the temperature) and `similarities` (the cosines) in the same order:
 * `{"object": "list", "model": "en", "data": [{"object": "classification", "index": 0, "labels": ["sport",
 * "politics"], "scores": [0.93, 0.07], "similarities": [0.41, 0.28]}], "usage": {"prompt_tokens": 5,
 * "total_tokens": 5}}` (usage counts the inputs' tokens). Errors have OpenAI's shape; every limit (inputs, labels,
 * characters, tokens) is checked before the model works, as for /v1/embeddings.
 */
export function registerClassifyRoutes(app: FastifyInstance, findModel: (name: string) => ServedModel, limits: ServeLimits, gates: ModelGates): void {
  const handler = async (body: unknown, signal: AbortSignal, setHeader: (name: string, value: string) => void) => {
    const parsed = classifyRequest.safeParse(body);
    if (!parsed.success) {
      const b = body as { model?: unknown } | null;
      if (b === null || typeof b !== 'object' || b.model === undefined) throw invalidRequest('You must provide a model parameter.', 'model');
      const { message, param } = describeIssue(parsed.error);
      throw invalidRequest(message, param);
    }
    const req = parsed.data;
    const model = findModel(req.model);
    const inputs = typeof req.input === 'string' ? [req.input] : req.input;
    if (inputs.length === 0) throw invalidRequest("'$.input' is invalid: the input must not be empty.", 'input');
    if (inputs.length > MAX_INPUTS) throw invalidRequest(`'$.input' is invalid: at most ${MAX_INPUTS} inputs per request, got ${inputs.length}.`, 'input');
    if (inputs.some((s) => s === '')) throw invalidRequest("'$.input' is invalid: an input must not be an empty string.", 'input');
    if (new Set(req.labels).size !== req.labels.length) throw invalidRequest("'$.labels' is invalid: the labels must be distinct.", 'labels');
    const template = req.template ?? DEFAULT_ZERO_SHOT_TEMPLATE;
    if (!template.includes('{}')) throw invalidRequest("'$.template' is invalid: it must contain {} where the label goes.", 'template');
    checkCharacters(inputs, limits);
    const entered = gates.of(model.name).enter(signal);
    if (!entered) {
      setHeader('retry-after', '1');
      throw modelBusy(model.name, limits);
    }
    const release = await entered;
    const checkTokens = tokenLimitCheck(model.encoder.maxTokens);
    let tokens: readonly number[] = [];
    try {
      const results = await zeroShotClassify(model.encoder, inputs, req.labels, {
        template,
        temperature: req.temperature,
        signal,
        onTokens: (counts) => {
          checkTokens(counts);
          tokens = counts;
        },
      });
      const total = tokens.reduce((a, b) => a + b, 0);
      return {
        object: 'list',
        model: model.name,
        data: results.map((scores, index) => ({
          object: 'classification',
          index,
          labels: scores.map((s) => s.label),
          scores: scores.map((s) => s.probability),
          similarities: scores.map((s) => s.score),
        })),
        usage: { prompt_tokens: total, total_tokens: total },
      };
    } catch (err) {
      if (err instanceof NoKnownWordError) throw invalidRequest(`'$.input' is invalid: ${err.message}.`, 'input', 'no_known_words');
      if (err instanceof InvalidArgumentError) throw invalidRequest(err.message, /label/.test(err.message) ? 'labels' : 'input');
      throw err;
    } finally {
      release();
    }
  };
  for (const url of ['/v1/classify', '/classify']) {
    app.post(url, (request, reply) => withRequestSignal(reply, limits, (signal) => handler(request.body, signal, (name, value) => void reply.header(name, value))));
  }
}
