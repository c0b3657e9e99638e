import { invalidRequest } from '../api-error.ts';
import type { AttributeValue } from './objects.ts';

/** OpenAI's attribute filters: a comparison, or `and` / `or` over filters (nested at most MAX_DEPTH deep). */
export type Filter =
  | { type: 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte'; key: string; value: AttributeValue }
  | { type: 'in' | 'nin'; key: string; value: Array<string | number> }
  | { type: 'and' | 'or'; filters: Filter[] };

const COMPARISONS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin'];
const MAX_DEPTH = 8;
const MAX_FILTERS = 64;

export type AttributeType = 'string' | 'number' | 'boolean';

/** What the store's chunks carry: each attribute key with its type (a collection keeps one type per field). */
export type AttributeSchema = ReadonlyMap<string, AttributeType>;

/**
 * Checks a `filters` object against the store's attributes and returns it typed. Every refusal is a 400 whose
 * `param` is the path of the offending field (`filters.filters[1].key`) and whose message names the attribute:
 * an unknown key, a value whose type no file's attribute has, an ordering comparison on booleans, or a
 * malformed filter. Comparing against a key no file has would silently match nothing (or everything, for `ne`),
 * which hides a typo: refusing it is the safer answer.
 */
export function checkFilter(input: unknown, schema: AttributeSchema, path = 'filters', depth = 0, count = { n: 0 }): Filter {
  if (++count.n > MAX_FILTERS) throw invalidRequest(`Invalid '${path}': at most ${MAX_FILTERS} filters in all.`, path);
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw invalidRequest(`Invalid '${path}': expected a filter object.`, path);
  const f = input as Record<string, unknown>;
  if (f.type === 'and' || f.type === 'or') {
    if (depth >= MAX_DEPTH) throw invalidRequest(`Invalid '${path}': filters nest at most ${MAX_DEPTH} deep.`, path);
    if (!Array.isArray(f.filters) || f.filters.length === 0) throw invalidRequest(`Invalid '${path}.filters': expected a non-empty array of filters.`, `${path}.filters`);
    return { type: f.type, filters: f.filters.map((sub, i) => checkFilter(sub, schema, `${path}.filters[${i}]`, depth + 1, count)) };
  }
  if (typeof f.type !== 'string' || !COMPARISONS.includes(f.type)) {
    throw invalidRequest(`Invalid '${path}.type': expected one of ${[...COMPARISONS, 'and', 'or'].join(', ')}, got ${JSON.stringify(f.type)}.`, `${path}.type`);
  }
  if (typeof f.key !== 'string' || f.key === '') throw invalidRequest(`Invalid '${path}.key': expected the name of an attribute.`, `${path}.key`);
  const fieldType = schema.get(f.key);
  if (!fieldType) {
    const known = [...schema.keys()].sort();
    throw invalidRequest(
      `Invalid '${path}.key': no file in this vector store has the attribute ${JSON.stringify(f.key)} (${known.length ? `known attributes: ${known.join(', ')}` : 'its files have no attributes'}).`,
      `${path}.key`,
      'unknown_attribute',
    );
  }
  const type = f.type as Filter['type'];
  const valuePath = `${path}.value`;
  const types = new Set([fieldType]);
  const describe = () => fieldType;
  if (type === 'in' || type === 'nin') {
    if (!Array.isArray(f.value) || f.value.length === 0 || !f.value.every((v) => typeof v === 'string' || typeof v === 'number')) {
      throw invalidRequest(`Invalid '${valuePath}': '${type}' expects a non-empty array of strings or numbers.`, valuePath);
    }
    for (const v of f.value) {
      if (!types.has(typeof v as AttributeType)) {
        throw invalidRequest(`Invalid '${valuePath}': attribute ${JSON.stringify(f.key)} holds ${describe()} values, not ${typeof v} (${JSON.stringify(v)}).`, valuePath, 'invalid_type');
      }
    }
    return { type, key: f.key, value: f.value as Array<string | number> };
  }
  const v = f.value;
  if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
    throw invalidRequest(`Invalid '${valuePath}': expected a string, number or boolean.`, valuePath);
  }
  if (typeof v === 'number' && !Number.isFinite(v)) throw invalidRequest(`Invalid '${valuePath}': expected a finite number.`, valuePath);
  if (!types.has(typeof v as AttributeType)) {
    throw invalidRequest(`Invalid '${valuePath}': attribute ${JSON.stringify(f.key)} holds ${describe()} values, not ${typeof v} (${JSON.stringify(v)}).`, valuePath, 'invalid_type');
  }
  if (typeof v === 'boolean' && type !== 'eq' && type !== 'ne') {
    throw invalidRequest(`Invalid '${path}.type': attribute ${JSON.stringify(f.key)} is boolean; only 'eq' and 'ne' compare booleans.`, `${path}.type`, 'invalid_type');
  }
  return { type: type as 'eq', key: f.key, value: v };
}

/**
 * The filter as the collection's SQL condition (`embedkit/search` filters): field names quoted with backticks,
 * strings as SQL literals, so no attribute key or value can change the condition's structure.
 */
export function filterSql(filter: Filter): string {
  switch (filter.type) {
    case 'and':
    case 'or':
      return `(${filter.filters.map(filterSql).join(` ${filter.type.toUpperCase()} `)})`;
    case 'in':
    case 'nin':
      return `${field(filter.key)} ${filter.type === 'nin' ? 'NOT IN' : 'IN'} (${filter.value.map(literal).join(', ')})`;
  }
  const op = { eq: '=', ne: '!=', gt: '>', gte: '>=', lt: '<', lte: '<=' }[filter.type];
  return `${field(filter.key)} ${op} ${literal(filter.value)}`;
}

function field(key: string): string {
  if (key.includes('`')) throw invalidRequest(`Invalid attribute key ${JSON.stringify(key)}: a key must not contain a backtick.`, 'filters');
  return `\`${key}\``;
}

function literal(v: AttributeValue): string {
  if (typeof v === 'string') return `'${v.replaceAll("'", "''")}'`;
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  return String(v);
}
