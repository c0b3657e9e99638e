import assert from 'node:assert/strict';
import { test } from 'node:test';
import { json, raw } from './helpers/raw-http.ts';
import { openaiError, testServer } from './helpers/server.ts';

/**
 * DNS rebinding: a page on evil.example whose name is made to resolve to 127.0.0.1 sends "Host: evil.example"
 * to a local server. A server on a loopback address answers only localhost names unless told more.
 */
async function statusFor(base: string, host: string, target = '/v1/models') {
  const r = await raw(base, 'GET', target, { host });
  return r;
}

test('on 127.0.0.1: localhost names pass, any other Host gets 403 in OpenAI\'s shape, even /health', async () => {
  const server = await testServer(); // startServer's default host: 127.0.0.1
  try {
    const port = new URL(server.url).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'localhost', `LOCALHOST.:${port}`, `app.localhost:${port}`]) {
      assert.equal((await statusFor(server.url, host)).status, 200, host);
    }
    for (const host of [`evil.example:${port}`, 'evil.example', `localhost.evil.example:${port}`, `127.0.0.1.nip.io:${port}`, `evillocalhost:${port}`]) {
      for (const target of ['/v1/models', '/health', '/api/models', '/']) {
        const r = await statusFor(server.url, host, target);
        assert.equal(r.status, 403, `${host} ${target}`);
        const e = openaiError(json(r.body));
        assert.equal(e.code, 'host_not_allowed');
      }
    }
  } finally {
    await server.close();
  }
});

test('allowedHosts adds names (and subdomain patterns); "*" turns the check off', async () => {
  const server = await testServer({ allowedHosts: ['embed.internal', '*.corp.example'] });
  try {
    for (const host of ['embed.internal', 'a.corp.example:81', 'localhost']) assert.equal((await statusFor(server.url, host)).status, 200, host);
    for (const host of ['corp.example', 'other.internal']) assert.equal((await statusFor(server.url, host)).status, 403, host);
  } finally {
    await server.close();
  }
  const open = await testServer({ allowedHosts: ['*'] });
  try {
    assert.equal((await statusFor(open.url, 'anything.example')).status, 200);
  } finally {
    await open.close();
  }
});
