import { startServer, type RunningServer, type ServeOptions } from '../../../src/serve/app.ts';
import { staticModel } from '../../../src/serve/models.ts';
import { structuredModel } from './model.ts';

/** A server on a free port over the structured test model (named "tiny"); extra options override. */
export async function testServer(options: Partial<ServeOptions> = {}): Promise<RunningServer> {
  return startServer({ models: [staticModel('tiny', structuredModel())], port: 0, ...options });
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests inspect arbitrary JSON
}

/** POSTs `body` (an object is sent as JSON; a string is sent as is) and parses the JSON answer. */
export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<JsonResponse> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

export async function get(url: string, headers: Record<string, string> = {}): Promise<JsonResponse> {
  const res = await fetch(url, { headers });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON (e.g. /metrics): keep the text
  }
  return { status: res.status, headers: res.headers, body };
}

/** Asserts nothing: returns the error object of an OpenAI-shaped error body, or throws if the shape is wrong. */
export function openaiError(body: unknown): { message: string; type: string; param: string | null; code: string | null } {
  const e = (body as { error?: Record<string, unknown> }).error;
  if (!e || typeof e.message !== 'string' || typeof e.type !== 'string' || !('param' in e) || !('code' in e)) {
    throw new Error(`not an OpenAI error body: ${JSON.stringify(body)}`);
  }
  return e as { message: string; type: string; param: string | null; code: string | null };
}
