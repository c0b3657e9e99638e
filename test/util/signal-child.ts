/**
 * Child process for the signal test: installs the CLI's signal handlers and starts a long atomic save that
 * never finishes, so every catchable signal arrives while a temporary file is open.
 */
import { installInterruptHandlers } from '../../src/cli/interrupt.ts';
import { withAtomicWriteStream, writeAll } from '../../src/util/atomic-write.ts';

installInterruptHandlers();
await withAtomicWriteStream(process.argv[2], async (out) => {
  await writeAll(out, Buffer.alloc(1 << 16, 0x61));
  process.stdout.write('writing\n');
  await new Promise(() => setInterval(() => undefined, 1000)); // until a signal ends the process
});
