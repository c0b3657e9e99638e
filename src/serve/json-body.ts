import { errorCodes, type FastifyBodyParser, type FastifyRequest } from 'fastify';
import type { OffThreadJson, OffThreadBody } from './json-off-thread.ts';

type Done = (err: Error | null, body?: unknown) => void;

/** Body bytes read in one turn of the event loop before reading pauses until the next. */
const BYTES_PER_TURN = 256 * 1024;

/**
 * Reads a JSON request body within `bodyLimit` bytes, as fastify's own reader does (413 from Content-Length
 * before anything is read, or as soon as the bytes pass the limit; 400 when fewer or more arrive than announced),
 * but never gathers a large body on the event loop: once `offThreadBytes` have arrived, they and every later
 * chunk go to the worker as they come, and it gathers, decodes and parses them. A small body (nearly all) is
 * parsed in place by `inPlace`, fastify's own JSON parser.
 */
export function jsonBodyReader(offThread: OffThreadJson, inPlace: FastifyBodyParser<string>, offThreadBytes: number) {
  return (request: FastifyRequest, payload: NodeJS.ReadableStream, done: Done): void => {
    const limit = request.routeOptions.bodyLimit ?? Infinity;
    const announced = Number(request.headers['content-length']);
    if (announced > limit) return done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
    let received = 0;
    let turnBytes = 0;
    let held: Buffer[] = [];
    let sent: OffThreadBody | undefined;

    const stop = () => {
      payload.removeListener('data', onData);
      payload.removeListener('end', onEnd);
      payload.removeListener('error', onError);
      payload.removeListener('close', onClose);
    };
    const onData = (data: Buffer | string) => {
      const chunk = typeof data === 'string' ? Buffer.from(data) : data;
      received += chunk.length;
      if (received > limit) {
        // The rest is not read: the 413 goes out with Connection: close.
        stop();
        sent?.cancel();
        held = [];
        return done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
      }
      // Past a turn's share, reading pauses until the next turn: the socket's bytes are copied in for as long as
      // reading goes on, and 2 MB in one turn (what libuv reads from a busy socket) held the loop for 10-20 ms on
      // a loaded machine.
      turnBytes += chunk.length;
      if (turnBytes >= BYTES_PER_TURN) {
        turnBytes = 0;
        payload.pause();
        setImmediate(() => payload.resume());
      }
      if (sent) return sent.write(chunk);
      held.push(chunk);
      if (received >= offThreadBytes) {
        sent = offThread.open();
        for (const c of held) sent.write(c);
        held = [];
      }
    };
    const onEnd = () => {
      stop();
      if (!Number.isNaN(announced) && received !== announced) {
        sent?.cancel();
        return done(new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH());
      }
      if (!sent) return inPlace(request, Buffer.concat(held, received).toString('utf8'), done);
      sent.end().then(
        (value) => done(null, value),
        (err: Error) => done(err),
      );
    };
    const onError = (err: Error & { statusCode?: number }) => {
      stop();
      sent?.cancel();
      if (!(typeof err.statusCode === 'number' && err.statusCode >= 400)) err.statusCode = 400;
      done(err);
    };
    // The client went away before the end: nothing to answer, and the worker drops what it holds.
    const onClose = () => {
      stop();
      sent?.cancel();
    };
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', onError);
    payload.on('close', onClose);
    payload.resume();
  };
}
