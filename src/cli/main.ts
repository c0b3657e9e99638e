#!/usr/bin/env node
// Entry of the `embedkit` binary: signal handling and exit code around main().
import { installInterruptHandlers } from './interrupt.ts';
import { singleCommandProgram } from './command-table.ts';

// `embedkit similar V king --topn 100 | head -2`: the reader has what it wanted and closed the pipe. Like every
// Unix tool, stop quietly (status 0) instead of an unhandled 'error' event and a stack; any other stdout error is a bug.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

installInterruptHandlers();
const argv = process.argv.slice(2);
// Most lines name one command: load that one alone (a second less at every start); otherwise the whole program.
const single = await singleCommandProgram(argv);
if (single) {
  const { runProgram } = await import('./program-shell.ts');
  // `train fasttext … --supervised` is `train supervised`; the rewrite's module is loaded for `train` lines only.
  const line = argv[0] === 'train' ? (await import('./commands/train-supervised.ts')).supervisedAlias(argv) : argv;
  process.exitCode = await runProgram(single, line);
} else {
  process.exitCode = await (await import('./program.ts')).main(argv);
}
