import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const BIN = resolve('bin/embedkit.js');

/** Runs `embedkit ARGS` (a server command) and resolves with the explorer URL it prints; stop it with stop(). */
export function serverCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  const url = new Promise<string>((ok, fail) => {
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      const m = /explorer:\s+(http:\/\/\S+?)\/\s/.exec(stderr);
      if (m) ok(m[1]);
    });
    child.on('exit', (code) => fail(new Error(`embedkit ${args[0]} exited with ${code}: ${stderr}`)));
  });
  url.catch(() => {}); // a failure is seen by whoever awaits it; never an unhandled rejection
  return { child, url, stderr: () => stderr };
}

/** SIGTERM, as a service manager would send; the server must exit on it. */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((ok) => child.once('exit', ok));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
  assert.notEqual(child.signalCode, 'SIGKILL', 'the server exits on SIGTERM');
}
