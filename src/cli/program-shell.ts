import { Command, CommanderError } from 'commander';
import { EmbedkitError } from '../errors.ts';
import { normalizeArgv } from './argv.ts';
import { examples } from './common.ts';

/** The `embedkit` command itself, before any subcommand is registered on it. */
export function rootCommand(): Command {
  return new Command('embedkit')
    .description('Train, load, query, evaluate and serve word embeddings (word2vec, GloVe, fastText).')
    .version('0.1.0')
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', examples(['embedkit info vectors.bin', 'embedkit query vectors.bin "king - man + woman"', 'embedkit eval vectors.bin --analogies questions-words.txt --pairs wordsim353.tsv']));
}

/** Every long flag name (no `--`, no `no-`) of `cmd` and its subcommands: what normalizeArgv may rewrite to. */
export function longOptionNames(cmd: Command, into = new Set<string>()): Set<string> {
  ownLongOptionNames(cmd, into);
  for (const c of cmd.commands) longOptionNames(c, into);
  return into;
}

/** The long flag names (no `--`, no `no-`) of `cmd` itself, added to `into`. */
function ownLongOptionNames(cmd: Command, into: Set<string>): void {
  for (const o of cmd.options) if (o.long) into.add(o.long.replace(/^--(no-)?/, ''));
}

/**
 * The long flags normalizeArgv may rewrite to on this line: those of the command the line names (`train supervised`:
 * the words before the first flag that name subcommands), of the commands above it, and of its subcommands when
 * it names none. The answer is the same whether the program holds every command or only this one, so a line with
 * reference-tool flags (`-epoch 5`) needs no other command loaded; and a flag is read as its own command has it
 * (`-max-vocab` is train glove's `--max-vocab`, and train word2vec's `--max-vocab-size`).
 */
export function flagsOfLine(program: Command, argv: readonly string[]): Set<string> {
  const known = new Set<string>();
  let cmd = program;
  for (const word of argv) {
    const sub = word.startsWith('-') ? undefined : cmd.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (!sub) break;
    ownLongOptionNames(cmd, known);
    cmd = sub;
  }
  return longOptionNames(cmd, known);
}

/** Parses and runs one command line on `program`; the exit status, errors printed as one `embedkit: …` line. */
export async function runProgram(program: Command, argv: string[]): Promise<number> {
  program.exitOverride();
  try {
    await program.parseAsync(normalizeArgv(argv, flagsOfLine(program, argv)), { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof EmbedkitError) {
      process.stderr.write(`embedkit: ${err.message}\n`);
      // Stopped by Ctrl-C (or SIGTERM): the conventional 128 + signal number.
      return err.code === 'aborted' ? 130 : 1;
    }
    // A file that cannot be opened or written (missing, a folder, no permission): name it, no stack trace.
    if (isFileSystemError(err)) {
      process.stderr.write(`embedkit: ${err.path}: ${err.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '')} (${err.code})\n`);
      return 1;
    }
    throw err;
  }
}

function isFileSystemError(err: unknown): err is NodeJS.ErrnoException & { path: string; code: string } {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).path === 'string' && typeof (err as NodeJS.ErrnoException).code === 'string';
}
