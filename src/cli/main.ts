#!/usr/bin/env node
// Entry of the `embedkit` binary: signal handling and exit code around main().
import { installInterruptHandlers } from './interrupt.ts';
import { main } from './program.ts';

// `embedkit similar V king --topn 100 | head -2`: the reader has what it wanted and closed the pipe. Like every
// Unix tool, stop quietly (status 0) instead of an unhandled 'error' event and a stack; any other stdout error is a bug.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

installInterruptHandlers();
process.exitCode = await main(process.argv.slice(2));
