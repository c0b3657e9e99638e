import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** The explorer page's folder: beside this module in the sources, copied beside the build by scripts/copy-assets.mjs. */
export const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));

/**
 * Serves the page's few files from memory (read once at startup): `/` is index.html, every other file is at
 * `/<name>`. No directory walking at request time, so no path can escape the folder. Returns the routes it
 * added, which stay open when API keys are set.
 */
export function registerStaticFiles(app: FastifyInstance, dir = PUBLIC_DIR): string[] {
  const routes: string[] = [];
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (!type) continue;
    const body = readFileSync(join(dir, name));
    const send = async (_req: unknown, reply: import('fastify').FastifyReply) =>
      reply
        .header('content-type', type)
        .header('cache-control', 'no-cache')
        // Everything the page needs is on this server: no third-party scripts, fonts or styles.
        .header('content-security-policy', "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'")
        .header('x-content-type-options', 'nosniff')
        .send(body);
    app.get(`/${name}`, send);
    routes.push(`/${name}`);
    if (name === 'index.html') {
      app.get('/', send);
      routes.push('/');
    }
  }
  return routes;
}
