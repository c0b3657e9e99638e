#!/usr/bin/env node
// Entry of the `embedkit` binary: signal handling and exit code around main().
import { installInterruptHandlers } from './interrupt.ts';
import { main } from './program.ts';

installInterruptHandlers();
process.exitCode = await main(process.argv.slice(2));
