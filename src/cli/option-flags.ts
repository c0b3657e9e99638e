import { Option, type Command } from 'commander';
import { EmbedkitError, InvalidArgumentError } from '../errors.ts';
import { defaultText, OptionError, type OptionDef, type OptionDefs } from '../train/option-schema.ts';
import { aliased, integer, nonNegativeInt, nonNegativeNumber, positiveInt, positiveNumber, switchValue } from './flag-values.ts';

/**
 * The command-line side of the trainers' option schemas: every option becomes a flag (kebab case, or the
 * spelling the schema gives), its help text and default come from the schema, and the reference tools' names
 * (word2vec C's -size -iter, fastText's -ws -neg -lr -epoch -t, GloVe C's -alpha -vector-size ...) are hidden
 * aliases of the same flag. Library errors name the option; flagError names the flag instead.
 */

const kebab = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** The flag of library option `name` (without the dashes). */
export function flagOf(defs: OptionDefs, name: string): string {
  return defs[name]?.cli?.flag ?? kebab(name);
}

function parserFor(def: OptionDef<unknown>, flag: string): ((v: string) => unknown) | undefined {
  const k = def.kind;
  switch (k.type) {
    case 'int':
      return k.min >= 1 ? positiveInt(flag) : k.min === 0 ? nonNegativeInt(flag) : integer(flag);
    case 'number':
      return k.positive ? positiveNumber(flag) : nonNegativeNumber(flag);
    case 'boolean':
      return switchValue(flag);
    default:
      return undefined;
  }
}

function optionFor(def: OptionDef<unknown>, name: string, help: string): Option {
  const k = def.kind;
  const placeholder = k.type === 'boolean' ? '[0|1]' : (def.cli?.value ?? (k.type === 'int' || k.type === 'number' ? '<n>' : '<value>'));
  const spelled = name.length === 1 ? `-${name}, --${name}` : `--${name}`;
  const o = new Option(`${spelled} ${placeholder}`, help);
  if (k.type === 'enum') o.choices([...k.choices]);
  const parse = parserFor(def, `--${name}`);
  if (parse) o.argParser(parse);
  return o;
}

/** Adds a flag for every option of `defs` (except those in `skip` and those the schema keeps off the command line). */
export function addOptionFlags(cmd: Command, defs: OptionDefs, skip: readonly string[] = []): Command {
  for (const [name, def] of Object.entries(defs)) {
    if (def.cli?.omit || skip.includes(name)) continue;
    const flag = flagOf(defs, name);
    const dflt = defaultText(def);
    const aliases = def.cli?.aliases ?? [];
    const help = `${def.help}${dflt ? ` (default ${dflt})` : ''}${aliases.length ? `; also ${aliases.map((a) => `-${a}`).join(', ')}` : ''}`;
    cmd.addOption(optionFor(def, flag, help));
    for (const alias of aliases) cmd.addOption(optionFor(def, alias, `same as --${flag}`).hideHelp());
  }
  return cmd;
}

/** The library options the flags give (an option given under two of its spellings with different values is refused). */
export function optionsFromFlags(defs: OptionDefs, flags: Record<string, unknown>, skip: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(defs)) {
    if (def.cli?.omit || skip.includes(name)) continue;
    let value: unknown;
    let given = '';
    for (const spelling of [flagOf(defs, name), ...(def.cli?.aliases ?? [])]) {
      const v = flags[camel(spelling)];
      if (v === undefined) continue;
      value = value === undefined ? v : aliased(value, given, v, spelling);
      given ||= spelling;
    }
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/**
 * A library error reworded for the command line: an OptionError names its option's flag in place of the option,
 * and in any embedkit error the camelCase option names (minCount, maxVocabSize, which cannot be mistaken for
 * plain words) become their flags. Other errors are returned unchanged.
 */
export function flagError(defs: OptionDefs, err: unknown): unknown {
  if (!(err instanceof EmbedkitError)) return err;
  let message = err.message;
  const replace = (name: string, pattern: RegExp) => (message = message.replace(pattern, `$1--${flagOf(defs, name)}`));
  // An OptionError, or any error naming the option to change (a diverged training names alpha).
  const option = err instanceof OptionError ? err.option : 'option' in err && typeof err.option === 'string' ? err.option : undefined;
  if (option && defs[option]) replace(option, new RegExp(`(^|[^\\w-])${option}\\b`, 'g'));
  for (const name of Object.keys(defs)) if (/[A-Z]/.test(name)) replace(name, new RegExp(`(^|[^\\w-])${name}\\b`, 'g'));
  if (message === err.message) return err;
  return err.code === 'invalid_argument' ? new InvalidArgumentError(message) : new EmbedkitError(err.code, message);
}

/**
 * Reference-tool flags whose feature embedkit lacks: accepted by the parser (hidden), so that a command line copied
 * from the reference tool fails with what is missing instead of "unknown option". `what` names the feature.
 */
export function addUnsupportedFlags(cmd: Command, flags: Record<string, UnsupportedFlag>): Command {
  for (const [flag, { what }] of Object.entries(flags)) cmd.addOption(new Option(`--${flag} [value]`, `not supported: ${what}`).hideHelp());
  return cmd;
}

/** A reference tool's flag (kebab case as the key) whose feature is absent: its own spelling and what is missing. */
export interface UnsupportedFlag {
  reference: string;
  what: string;
}

/** Refuses the first unsupported flag given (see addUnsupportedFlags). */
export function refuseUnsupportedFlags(given: Record<string, unknown>, flags: Record<string, UnsupportedFlag>): void {
  for (const [flag, { reference, what }] of Object.entries(flags)) {
    if (given[camel(flag)] !== undefined) throw new InvalidArgumentError(`-${reference} is not supported: ${what}`);
  }
}
