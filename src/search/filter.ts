import { EmbedkitError } from '../errors.ts';

/** The types a metadata field can hold in a collection (each field keeps one type). */
export type FieldType = 'string' | 'number' | 'boolean';

/** A search filter that names a field the collection does not have, compares a field with a value of another type, or cannot be read. */
export class FilterError extends EmbedkitError {
  /** The field the problem is about, when there is one. */
  readonly field: string | undefined;
  constructor(message: string, field?: string) {
    super('invalid_filter', message);
    this.name = 'FilterError';
    this.field = field;
  }
}

type Token =
  | { kind: 'string'; value: string; at: number }
  | { kind: 'number'; text: string; at: number }
  | { kind: 'keyword'; word: string; at: number }
  | { kind: 'field'; name: string; at: number }
  | { kind: 'op'; op: string; at: number };

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'IN', 'IS', 'NULL', 'LIKE', 'BETWEEN', 'TRUE', 'FALSE']);
const COMPARISONS = new Set(['=', '!=', '<>', '<', '<=', '>', '>=']);

function tokenize(filter: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const fail = (what: string): never => {
    throw new FilterError(`cannot read filter ${JSON.stringify(filter)} at character ${i + 1}: ${what}`);
  };
  while (i < filter.length) {
    const c = filter[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'" || c === '"') {
      // SQL doubles the quote inside a string; LanceDB reads "…" as a string too (as in lang = "en").
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= filter.length) fail('a string is not closed');
        if (filter[j] === c) {
          if (filter[j + 1] === c) {
            value += c;
            j += 2;
            continue;
          }
          break;
        }
        value += filter[j++];
      }
      out.push({ kind: 'string', value, at: i });
      i = j + 1;
    } else if (c === '`') {
      const j = filter.indexOf('`', i + 1);
      if (j < 0) fail('a `quoted` field name is not closed');
      out.push({ kind: 'field', name: filter.slice(i + 1, j), at: i });
      i = j + 1;
    } else {
      const rest = filter.slice(i);
      const num = /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(rest);
      const word = /^[\p{L}_][\p{L}\p{N}_]*/u.exec(rest);
      const op = /^(<=|>=|<>|!=|=|<|>|\(|\)|,)/.exec(rest);
      if (num && !(c === '-' && out.at(-1)?.kind !== 'op' && out.at(-1)?.kind !== 'keyword' && out.length > 0)) {
        out.push({ kind: 'number', text: num[0], at: i });
        i += num[0].length;
      } else if (word) {
        const upper = word[0].toUpperCase();
        out.push(KEYWORDS.has(upper) ? { kind: 'keyword', word: upper, at: i } : { kind: 'field', name: word[0], at: i });
        i += word[0].length;
      } else if (op) {
        out.push({ kind: 'op', op: op[0], at: i });
        i += op[0].length;
      } else {
        fail(`unexpected ${JSON.stringify(c)}`);
      }
    }
  }
  return out;
}

type ValueType = FieldType | 'null';

function valueType(t: Token | undefined): ValueType | undefined {
  if (!t) return undefined;
  if (t.kind === 'string') return 'string';
  if (t.kind === 'number') return 'number';
  if (t.kind === 'keyword' && (t.word === 'TRUE' || t.word === 'FALSE')) return 'boolean';
  if (t.kind === 'keyword' && t.word === 'NULL') return 'null';
  return undefined;
}

/** SQL text of a string literal. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * Checks a filter (an SQL `WHERE` condition as LanceDB takes it, e.g. `lang = "en" AND year >= 2020`) against the
 * collection's metadata fields and rewrites it for the table: every field must exist, and every value it is
 * compared with (=, !=, <, IN, BETWEEN, LIKE) must have the field's type; otherwise a FilterError names the field.
 * Field names become the table's quoted column names (`columnOf`), so metadata keys cannot clash with the
 * collection's own columns.
 */
export function compileFilter(filter: string, fields: ReadonlyMap<string, FieldType>, columnOf: (field: string) => string): string {
  const tokens = tokenize(filter);
  if (tokens.length === 0) throw new FilterError('the filter is empty');
  const known = () => (fields.size ? [...fields.keys()].join(', ') : 'none: no document has metadata');
  const check = (field: string, type: FieldType, v: Token | undefined, how: string) => {
    const vt = valueType(v);
    if (vt === undefined || vt === 'null') return; // compared with another field or an expression: LanceDB judges it
    if (vt !== type) {
      throw new FilterError(`filter field ${JSON.stringify(field)} holds ${type} values but is ${how} a ${vt} (${v!.kind === 'string' ? JSON.stringify((v as { value: string }).value) : filter.slice(v!.at).split(/\s/)[0]})`, field);
    }
  };
  const parts: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind === 'field') {
      const type = fields.get(t.name);
      if (type === undefined) throw new FilterError(`filter names unknown field ${JSON.stringify(t.name)} (fields: ${known()})`, t.name);
      const next = tokens[i + 1];
      const prev = tokens[i - 1];
      if (next?.kind === 'op' && COMPARISONS.has(next.op)) check(t.name, type, tokens[i + 2], `compared with`);
      if (prev?.kind === 'op' && COMPARISONS.has(prev.op)) check(t.name, type, tokens[i - 2], 'compared with');
      let j = i + 1;
      if (tokens[j]?.kind === 'keyword' && (tokens[j] as { word: string }).word === 'NOT') j++;
      const kw = tokens[j]?.kind === 'keyword' ? (tokens[j] as { word: string }).word : undefined;
      if (kw === 'IN') {
        for (let m = j + 2; m < tokens.length && !(tokens[m].kind === 'op' && (tokens[m] as { op: string }).op === ')'); m += 2) check(t.name, type, tokens[m], 'tested against');
      } else if (kw === 'BETWEEN') {
        check(t.name, type, tokens[j + 1], 'bounded by');
        check(t.name, type, tokens[j + 3], 'bounded by');
      } else if (kw === 'LIKE') {
        if (type !== 'string') throw new FilterError(`filter field ${JSON.stringify(t.name)} holds ${type} values; LIKE matches strings only`, t.name);
        check(t.name, type, tokens[j + 1], 'matched with');
      }
      parts.push(columnOf(t.name));
    } else if (t.kind === 'string') {
      parts.push(sqlString(t.value));
    } else if (t.kind === 'number') {
      parts.push(t.text);
    } else if (t.kind === 'keyword') {
      parts.push(t.word);
    } else {
      parts.push(t.op);
    }
  }
  return parts.join(' ');
}
