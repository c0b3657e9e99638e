import type { Socket } from 'node:net';
import { ApiError } from './api-error.ts';

/**
 * Answers a request that Node's HTTP parser refused before fastify saw it, in OpenAI's error shape: 431 for
 * headers (or a request line) past Node's size limit, 408 for a request that took too long to arrive, 400 for
 * anything else that is not HTTP. The connection is closed after, as it can no longer be trusted.
 */
export function sendClientError(err: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const e =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? new ApiError(431, 'Request header fields too large: the request line and headers exceed the server\'s limit.', 'invalid_request_error', null, 'headers_too_large')
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new ApiError(408, 'Request timeout: the request did not arrive in time.', 'invalid_request_error', null, 'request_timeout')
        : new ApiError(400, 'Bad request: it is not valid HTTP/1.1.', 'invalid_request_error', null, 'bad_request');
  const body = JSON.stringify(e.body());
  const reason = e.status === 431 ? 'Request Header Fields Too Large' : e.status === 408 ? 'Request Timeout' : 'Bad Request';
  socket.end(
    `HTTP/1.1 ${e.status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
