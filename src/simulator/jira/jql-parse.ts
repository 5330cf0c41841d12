import { badRequest } from './errors.ts';

// The JQL subset a sync service uses [spec 14]: clauses on fields with = != > >= < <= ~ !~ IN, NOT IN,
// IS [NOT] EMPTY, joined by AND / OR / NOT and parentheses, then ORDER BY up to 7 fields.

export type JqlValue = { kind: 'literal'; text: string } | { kind: 'function'; name: string } | { kind: 'empty' };
export type JqlOp = '=' | '!=' | '>' | '>=' | '<' | '<=' | '~' | '!~' | 'in' | 'not in' | 'is' | 'is not';
export type JqlNode =
  { kind: 'and' | 'or'; left: JqlNode; right: JqlNode } | { kind: 'not'; inner: JqlNode } | { kind: 'clause'; field: string; op: JqlOp; values: JqlValue[] };
export interface JqlQuery {
  where: JqlNode | null;
  order: Array<{ field: string; dir: 'asc' | 'desc' }>;
}

type Tok = { t: 'str' | 'word' | 'op' | 'punct'; v: string };

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let s = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\' && j + 1 < src.length) j++;
        s += src[j];
        j++;
      }
      if (j >= src.length) throw badRequest(`Error in the JQL Query: The quoted string '${s}' has not been completed.`);
      out.push({ t: 'str', v: s });
      i = j + 1;
    } else if ('(),'.includes(c)) {
      out.push({ t: 'punct', v: c });
      i++;
    } else {
      const op = /^(!=|>=|<=|!~|=|>|<|~)/.exec(src.slice(i));
      if (op) {
        out.push({ t: 'op', v: op[1]! });
        i += op[1]!.length;
        continue;
      }
      // `issue.property["a.b"].c` and `cf[10050]`: a bracket may hold quotes and dots.
      const w = /^[^\s(),=!<>~"'[]+(\[[^\]]*\][^\s(),=!<>~"'[]*)*/.exec(src.slice(i));
      if (!w) throw badRequest(`Error in the JQL Query: The character '${c}' is a reserved JQL character.`);
      out.push({ t: 'word', v: w[0] });
      i += w[0].length;
    }
  }
  return out;
}

export function parseJql(src: string): JqlQuery {
  if (src.length > 10_000) throw badRequest('The JQL query is too long.');
  const toks = tokenize(src);
  let p = 0;
  const peekWord = (w: string, k = 0) => toks[p + k]?.t === 'word' && toks[p + k]!.v.toUpperCase() === w;
  const fail = (what: string): never => {
    const at = toks[p] ? `'${toks[p]!.v}'` : 'the end of the query';
    throw badRequest(`Error in the JQL Query: Expecting ${what} but got ${at}.`);
  };
  const value = (): JqlValue => {
    const tk = toks[p];
    if (!tk || (tk.t !== 'str' && tk.t !== 'word')) return fail('a value');
    p++;
    if (tk.t === 'word' && (tk.v.toUpperCase() === 'EMPTY' || tk.v.toUpperCase() === 'NULL')) return { kind: 'empty' };
    if (tk.t === 'word' && toks[p]?.v === '(' && toks[p + 1]?.v === ')') {
      p += 2;
      return { kind: 'function', name: tk.v.toLowerCase() };
    }
    return { kind: 'literal', text: tk.v };
  };
  const clause = (): JqlNode => {
    const f = toks[p];
    if (!f || (f.t !== 'word' && f.t !== 'str')) return fail('a field name');
    p++;
    const field = f.v;
    if (peekWord('IS')) {
      p++;
      const not = peekWord('NOT') ? (p++, true) : false;
      if (!peekWord('EMPTY') && !peekWord('NULL')) fail("'EMPTY'");
      p++;
      return { kind: 'clause', field, op: not ? 'is not' : 'is', values: [{ kind: 'empty' }] };
    }
    let op: JqlOp | null = null;
    if (peekWord('NOT') && peekWord('IN', 1)) {
      p += 2;
      op = 'not in';
    } else if (peekWord('IN')) {
      p++;
      op = 'in';
    }
    if (op) {
      if (toks[p]?.v !== '(') fail("'('");
      p++;
      const values = [value()];
      while (toks[p]?.v === ',') {
        p++;
        values.push(value());
      }
      if (toks[p]?.v !== ')') fail("')'");
      p++;
      return { kind: 'clause', field, op, values };
    }
    const o = toks[p];
    if (o?.t !== 'op') return fail('an operator');
    p++;
    return { kind: 'clause', field, op: o.v as JqlOp, values: [value()] };
  };
  const unary = (): JqlNode => {
    if (peekWord('NOT') && !peekWord('IN', 1)) {
      p++;
      return { kind: 'not', inner: unary() };
    }
    if (toks[p]?.v === '(' && toks[p]?.t === 'punct') {
      p++;
      const inner = or();
      if (toks[p]?.v !== ')') fail("')'");
      p++;
      return inner;
    }
    return clause();
  };
  const and = (): JqlNode => {
    let left = unary();
    while (peekWord('AND')) {
      p++;
      left = { kind: 'and', left, right: unary() };
    }
    return left;
  };
  const or = (): JqlNode => {
    let left = and();
    while (peekWord('OR')) {
      p++;
      left = { kind: 'or', left, right: and() };
    }
    return left;
  };
  const where = toks.length > 0 && !peekWord('ORDER') ? or() : null;
  const order: JqlQuery['order'] = [];
  if (peekWord('ORDER')) {
    p++;
    if (!peekWord('BY')) fail("'by'");
    p++;
    do {
      if (order.length > 0) p++;
      const f = toks[p];
      if (!f || (f.t !== 'word' && f.t !== 'str')) fail('a field name');
      p++;
      let dir: 'asc' | 'desc' = 'asc';
      if (peekWord('ASC') || peekWord('DESC')) dir = toks[p++]!.v.toLowerCase() as 'asc' | 'desc';
      order.push({ field: f!.v.toLowerCase(), dir });
    } while (toks[p]?.v === ',');
    if (order.length > 7) throw badRequest('The ORDER BY clause may list at most 7 fields.');
  }
  if (p < toks.length) fail('end of the query');
  return { where, order };
}
