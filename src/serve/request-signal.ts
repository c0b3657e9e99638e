import type { FastifyReply } from 'fastify';
import { ApiError } from './api-error.ts';
import { handlerTimedOut, type ServeLimits } from './limits.ts';

/** The client closed its connection before the answer: the work for it stops, and nothing can be sent. */
export class ClientGone extends ApiError {
  constructor() {
    super(499, 'The client closed the connection before the answer was ready.', 'invalid_request_error', null, 'client_closed_request');
  }
}

/**
 * Runs a route's work with one signal that fires when the client goes away (the response closes before it has
 * finished) or the handler's time (limits.handlerTimeoutMs) runs out.
 */
export async function withRequestSignal<T>(reply: FastifyReply, limits: ServeLimits, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const stop = new AbortController();
  const onClose = () => {
    if (!reply.raw.writableFinished) stop.abort(new ClientGone());
  };
  reply.raw.once('close', onClose);
  const timer = setTimeout(() => stop.abort(handlerTimedOut(limits)), limits.handlerTimeoutMs);
  try {
    return await work(stop.signal);
  } finally {
    clearTimeout(timer);
    reply.raw.off('close', onClose);
  }
}
