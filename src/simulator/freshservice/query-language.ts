// The filter query language of /tickets/filter (and agents/requesters `query=`) [Docs 5.5]:
// `field:value`, `:>` (>=) and `:<` (<=), AND binds tighter than OR, parentheses, 'strings', numbers,
// true/false and null. The whole expression arrives wrapped in double quotes.

import { fieldError } from './errors.ts';

export type QueryValue = { type: 'string'; v: string } | { type: 'number'; v: number } | { type: 'bool'; v: boolean } | { type: 'null' };
export type QueryOp = ':' | ':>' | ':<';
export type QueryNode = { kind: 'and' | 'or'; left: QueryNode; right: QueryNode } | { kind: 'cond'; field: string; op: QueryOp; value: QueryValue };

type Token = { t: '(' | ')' | 'AND' | 'OR' } | { t: 'ident'; v: string } | { t: 'op'; v: QueryOp } | { t: 'value'; v: QueryValue };

const invalid = (message: string) => fieldError('query', 'invalid_value', message);

/** Unwraps the double quotes and parses; every syntax problem is a 400 on field `query`. */
export function parseQueryParam(raw: string | undefined): QueryNode {
  if (raw === undefined || raw.trim() === '') throw fieldError('query', 'missing_field', 'It should be a/an String');
  const s = raw.trim();
  if (s.length < 2 || !s.startsWith('"') || !s.endsWith('"')) throw invalid('The query should be enclosed in double quotes');
  const inner = s.slice(1, -1);
  if (inner.length > 512) throw invalid('The query should not exceed 512 characters');
  const tokens = tokenize(inner);
  let pos = 0;
  const peek = () => tokens[pos];
  const expr = (): QueryNode => {
    let left = term();
    while (peek()?.t === 'OR') {
      pos++;
      left = { kind: 'or', left, right: term() };
    }
    return left;
  };
  const term = (): QueryNode => {
    let left = factor();
    while (peek()?.t === 'AND') {
      pos++;
      left = { kind: 'and', left, right: factor() };
    }
    return left;
  };
  const factor = (): QueryNode => {
    const tok = tokens[pos++];
    if (tok?.t === '(') {
      const node = expr();
      if (tokens[pos++]?.t !== ')') throw invalid('Unbalanced parentheses in query');
      return node;
    }
    if (tok?.t !== 'ident') throw invalid('Invalid query syntax');
    const op = tokens[pos++];
    const val = tokens[pos++];
    if (op?.t !== 'op' || val?.t !== 'value') throw invalid(`Invalid condition for ${tok.v}`);
    return { kind: 'cond', field: tok.v, op: op.v, value: val.v };
  };
  const node = expr();
  if (pos !== tokens.length) throw invalid('Invalid query syntax');
  return node;
}

function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      out.push({ t: c });
      i++;
    } else if (c === ':') {
      const next = s[i + 1];
      if (next === '>' || next === '<') {
        out.push({ t: 'op', v: `:${next}` });
        i += 2;
      } else {
        out.push({ t: 'op', v: ':' });
        i++;
      }
    } else if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end === -1) throw invalid('Unterminated string in query');
      out.push({ t: 'value', v: { type: 'string', v: s.slice(i + 1, end) } });
      i = end + 1;
    } else {
      const m = /^[A-Za-z0-9_.-]+/.exec(s.slice(i));
      if (!m) throw invalid(`Unexpected character ${c} in query`);
      const word = m[0];
      i += word.length;
      const prev = out[out.length - 1];
      if (prev?.t === 'op') {
        if (/^-?\d+(\.\d+)?$/.test(word)) out.push({ t: 'value', v: { type: 'number', v: Number(word) } });
        else if (word === 'true' || word === 'false') out.push({ t: 'value', v: { type: 'bool', v: word === 'true' } });
        else if (word === 'null') out.push({ t: 'value', v: { type: 'null' } });
        else throw invalid(`Strings should be in single quotes (${word})`);
      } else if (word === 'AND' || word === 'OR') out.push({ t: word });
      else out.push({ t: 'ident', v: word });
    }
  }
  return out;
}

/** Field kinds a query can compare; `date` compares by whole UTC day. */
export type FieldKind = 'number' | 'string' | 'bool' | 'date' | 'tags';
export interface FieldAccess<T> {
  kind: FieldKind;
  get(item: T): unknown;
}

export function evaluate<T>(node: QueryNode, item: T, fields: Record<string, FieldAccess<T>>): boolean {
  if (node.kind !== 'cond')
    return node.kind === 'and'
      ? evaluate(node.left, item, fields) && evaluate(node.right, item, fields)
      : evaluate(node.left, item, fields) || evaluate(node.right, item, fields);
  const f = fields[node.field]!;
  const actual = f.get(item);
  const { op, value } = node;
  if (value.type === 'null') return actual === null || actual === undefined;
  switch (f.kind) {
    case 'tags':
      return Array.isArray(actual) && actual.some((x) => String(x).toLowerCase() === String((value as { v: unknown }).v).toLowerCase());
    case 'date': {
      if (typeof actual !== 'number') return false;
      const day = Date.parse(`${(value as { v: string }).v}T00:00:00Z`);
      return op === ':>' ? actual >= day : actual < day + 86_400_000;
    }
    case 'number': {
      if (typeof actual !== 'number') return false;
      const v = (value as { v: number }).v;
      return op === ':' ? actual === v : op === ':>' ? actual >= v : actual <= v;
    }
    case 'string':
      return typeof actual === 'string' && actual.toLowerCase() === String((value as { v: unknown }).v).toLowerCase();
    case 'bool':
      return actual === (value as { v: unknown }).v;
  }
}

/** Checks field names and value types up front, with the docs' odd message formatting. */
export function checkQuery<T>(node: QueryNode, fields: Record<string, FieldAccess<T>>): void {
  if (node.kind !== 'cond') {
    checkQuery(node.left, fields);
    checkQuery(node.right, fields);
    return;
  }
  const f = fields[node.field];
  if (!f) throw fieldError(node.field, 'invalid_value', '[:invalid_field]');
  const { value, op } = node;
  if (value.type === 'null') return;
  const bad = (msg: string) => fieldError(node.field, 'invalid_value', `[ " ${msg} " ]`);
  if (f.kind === 'number' && (value.type !== 'number' || !Number.isInteger(value.v) || value.v < 0)) throw bad('It should be a/an Positive Integer');
  if (f.kind === 'bool' && value.type !== 'bool') throw bad('It should be a/an Boolean');
  if ((f.kind === 'string' || f.kind === 'tags') && value.type !== 'string') throw bad('It should be a/an String');
  if (f.kind === 'date') {
    if (value.type !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value.v)) throw bad("It should be in the 'yyyy-mm-dd' format");
    if (op === ':') throw bad('Dates support only :> and :<');
  } else if (op !== ':' && f.kind !== 'number') throw bad('Only numbers and dates support :> and :<');
}
