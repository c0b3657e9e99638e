import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';

/**
 * A stand-in for the Hugging Face hub on 127.0.0.1 (an ephemeral port), serving model directories in the hub's file
 * URL layout `/{org}/{name}/resolve/{revision}/{file}` as the hub answers them: X-Repo-Commit names the commit a
 * branch is at, an ETag, and `Range` requests answered with 206 and Content-Range. Tests reach nothing outside
 * this machine.
 */

/** One repository: branches and tags → commit ids, and each commit's files as a local directory. */
export interface HubRepo {
  refs: Record<string, string>;
  commits: Record<string, string>;
}

/** One file request the hub received. */
export interface HubRequest {
  method: string;
  repo: string;
  revision: string;
  file: string;
  range?: string;
  authorization?: string;
  status: number;
}

/**
 * What to do with one request: answer it (undefined), or send the headers (the full Content-Length) and only
 * `truncateAfter` bytes of the body, then drop the connection, or with `stall` keep it open sending nothing more.
 */
export type HubFault = { truncateAfter: number; stall?: boolean } | undefined;

export interface LocalHub {
  url: string;
  requests: HubRequest[];
  /** Decides the fate of each request (default: answer every one). */
  fault: (request: HubRequest) => HubFault;
  /** Answer range requests with the whole file (200), as a server without range support does (default false). */
  ignoreRange: boolean;
  /** Send X-Repo-Commit (default true; a plain file server sends none). */
  sendsCommit: boolean;
  close(): Promise<void>;
}

export async function startLocalHub(repos: Record<string, HubRepo>): Promise<LocalHub> {
  const hub: LocalHub = { url: '', requests: [], fault: () => undefined, ignoreRange: false, sendsCommit: true, close: async () => {} };
  const server = createServer((req, res) => answer(req, res, repos, hub));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  hub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  hub.close = () =>
    new Promise<void>((done) => {
      server.closeAllConnections();
      server.close(() => done());
    });
  return hub;
}

function answer(req: IncomingMessage, res: ServerResponse, repos: Record<string, HubRepo>, hub: LocalHub): void {
  const m = /^\/([^/]+)\/([^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(new URL(req.url ?? '/', 'http://x').pathname);
  const record: HubRequest = { method: req.method ?? 'GET', repo: '', revision: '', file: '', range: req.headers.range, authorization: req.headers.authorization, status: 404 };
  hub.requests.push(record);
  // As the hub answers: 401 RepoNotFound for a repository it does not show, 404 for a missing revision or file.
  const notFound = (code: 'RepoNotFound' | 'RevisionNotFound' | 'EntryNotFound' | 'NotAResolveUrl') => {
    record.status = code === 'RepoNotFound' ? 401 : 404;
    res.writeHead(record.status, { 'content-type': 'text/plain', 'x-error-code': code }).end(code);
  };
  if (!m) return notFound('NotAResolveUrl');
  [record.repo, record.revision, record.file] = [`${decodeURIComponent(m[1])}/${decodeURIComponent(m[2])}`, decodeURIComponent(m[3]), m[4].split('/').map(decodeURIComponent).join('/')];
  const repo = repos[record.repo];
  if (!repo) return notFound('RepoNotFound');
  const commit = repo.refs[record.revision] ?? (repo.commits[record.revision] ? record.revision : undefined);
  if (!commit) return notFound('RevisionNotFound');
  const file = normalize(record.file);
  const path = join(repo.commits[commit], file);
  if (file.startsWith('..') || !existsSync(path) || !statSync(path).isFile()) return notFound('EntryNotFound');
  const body = readFileSync(path);
  const headers: Record<string, string | number> = {
    ...(hub.sendsCommit ? { 'x-repo-commit': commit } : {}),
    etag: `"${createHash('sha256').update(body).digest('hex')}"`,
    'accept-ranges': 'bytes',
    'content-type': 'application/octet-stream',
  };
  let from = 0;
  let to = body.length - 1;
  let status = 200;
  const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
  if (range && !hub.ignoreRange) {
    from = Number(range[1]);
    to = range[2] === '' ? body.length - 1 : Math.min(Number(range[2]), body.length - 1);
    if (from >= body.length) {
      record.status = 416;
      res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
      return;
    }
    status = 206;
    headers['content-range'] = `bytes ${from}-${to}/${body.length}`;
  }
  const part = body.subarray(from, to + 1);
  headers['content-length'] = part.length;
  record.status = status;
  const fault = hub.fault(record);
  res.writeHead(status, headers);
  if (req.method === 'HEAD') return void res.end();
  if (fault) {
    // The announced length, then fewer bytes and a dropped connection: what a reset mid-download looks like. The
    // drop waits a moment so the client has read the bytes sent (a stream that errors discards what it still queues).
    res.write(part.subarray(0, fault.truncateAfter), () => fault.stall || setTimeout(() => res.destroy(), 100));
    return;
  }
  res.end(part);
}
