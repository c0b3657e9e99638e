import { connect, type Socket } from 'node:net';

/** Raw HTTP/1.1 on a socket, for request targets and headers that fetch() would normalize or refuse to send. */

export interface RawResponse {
  status: number;
  body: string;
}

/** Sends one request with `target` written verbatim in the request line and reads the whole answer. */
export function raw(base: string, method: string, target: string, headers: Record<string, string> = {}, body = ''): Promise<RawResponse> {
  const { hostname, port } = new URL(base);
  return new Promise((ok, fail) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', fail);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (!m) return fail(new Error(`no HTTP status line in ${JSON.stringify(text.slice(0, 200))}`));
      ok({ status: Number(m[1]), body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
    // A Host header given in `headers` replaces the default one.
    const lines = [`${method} ${target} HTTP/1.1`, ...('host' in headers ? [] : [`host: ${hostname}:${port}`]), 'connection: close'];
    for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
    if (body) lines.push('content-type: application/json', `content-length: ${Buffer.byteLength(body)}`);
    socket.write(`${lines.join('\r\n')}\r\n\r\n${body}`);
  });
}

/** Chunked bodies would hide the JSON behind chunk sizes: take the text between the first '{' and the last '}'. */
export function json(body: string): unknown {
  return JSON.parse(body.slice(body.indexOf('{'), body.lastIndexOf('}') + 1));
}


/** An open connection for a request written by hand piece by piece: what came back so far, and whether it ended. */
export interface RawConnection {
  socket: Socket;
  hostname: string;
  port: number;
  answer(): string;
  closed(): boolean;
}

export async function rawConnection(base: string): Promise<RawConnection> {
  const { hostname, port } = new URL(base);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((ok) => socket.once('connect', () => ok()));
  let answer = '';
  let closed = false;
  socket.on('data', (d: Buffer) => (answer += d.toString()));
  socket.on('error', () => (closed = true));
  socket.on('close', () => (closed = true));
  return { socket, hostname, port: Number(port), answer: () => answer, closed: () => closed };
}
