import { MissingDependencyError } from '../errors.ts';

/**
 * Errors as the OpenAI API shapes them, so clients written for it (and its SDKs) report them properly:
 * `{ error: { message, type, param, code } }` with the HTTP status alongside.
 */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string = 'invalid_request_error',
    readonly param: string | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  body(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export function invalidRequest(message: string, param: string | null = null, code: string | null = null): ApiError {
  return new ApiError(400, message, 'invalid_request_error', param, code);
}

export function modelNotFound(model: string): ApiError {
  return new ApiError(404, `The model \`${model}\` does not exist or you do not have access to it.`, 'invalid_request_error', 'model', 'model_not_found');
}

export function unknownWord(word: string, param: string): ApiError {
  return new ApiError(404, `The word ${JSON.stringify(word)} is not in the model's vocabulary.`, 'invalid_request_error', param, 'word_not_found');
}

/**
 * Maps anything thrown while handling a request to an ApiError: our own errors pass through, fastify's
 * body-parsing failures get OpenAI wording and the right status, everything else is a 500 without internals.
 */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  // The server cannot do this kind of request until an optional package is installed: the operator's problem,
  // not the client's, and the message (which names the package) is what the operator needs to read.
  if (err instanceof MissingDependencyError) return new ApiError(501, err.message, 'server_error', null, 'missing_dependency');
  const e = err as { code?: string; statusCode?: number; message?: string; name?: string };
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError(413, 'Request body too large: it exceeds the server\'s limit on request size.', 'invalid_request_error', null, 'request_too_large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError(415, 'Unsupported content type: send the body as JSON with "Content-Type: application/json".', 'invalid_request_error', null, 'unsupported_media_type');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return invalidRequest('The request body is empty: expected a JSON object.', null, 'invalid_json');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return invalidRequest(`We could not parse the JSON body of your request. (${e.message ?? 'invalid JSON'})`, null, 'invalid_json');
  }
  if (e.name === 'SyntaxError' || e.statusCode === 400) {
    return invalidRequest(`We could not parse the JSON body of your request. (${e.message ?? 'invalid JSON'})`, null, 'invalid_json');
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new ApiError(e.statusCode, e.message ?? 'Bad request', 'invalid_request_error');
  }
  return new ApiError(500, 'The server had an error while processing your request.', 'server_error');
}
