/**
 * Whether process `pid` still runs on this machine: signal 0 checks without sending anything, and EPERM means it
 * runs under another user. Lock files and temporary files name their writer's PID; this tells a stale one.
 */
export function isProcessRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
