import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { issueAnswer } from './zod-issues.ts';

const Settings = z
  .object({
    name: z.string().trim().min(1).max(5),
    code: z.string().min(3),
    email: z.string().email(),
    url: z.string().url(),
    mode: z.enum(['a', 'b']),
    on: z.boolean(),
    count: z.number().int(),
    tags: z.array(z.string()).max(1),
    value: z.union([z.string().min(1), z.number().int()]),
    size: z.number().min(2).max(4),
    rule: z.string().refine((v) => v !== 'x', 'Pick another rule'),
  })
  .partial()
  .strict();

const answer = (body: unknown) => {
  const r = Settings.safeParse(body, { reportInput: true });
  if (r.success) throw new Error('expected a problem');
  return issueAnswer(r.error.issues[0]!);
};

describe('issueAnswer: the words and field of the first zod problem', () => {
  it.each([
    ['missing (invalid_type, no input)', z.object({ name: z.string() }), {}, 'name: is required (string).'],
    ['wrong type: a number', Settings, { name: 7 }, 'name: must be a string, not number 7.'],
    ['wrong type: null', Settings, { on: null }, 'on: must be true or false, not null.'],
    ['wrong type: a list', Settings, { mode: ['a'] }, 'mode: must be one of "a", "b".'],
    ['wrong type: an object', Settings, { name: {} }, 'name: must be a string, not an object.'],
    ['wrong type: a list for a text', Settings, { name: [] }, 'name: must be a string, not a list.'],
    ['whole number expected', Settings, { count: 1.5 }, 'count: must be a whole number, not number 1.5.'],
    ['an before a vowel', z.object({ o: z.object({}) }), { o: 1 }, 'o: must be an object, not number 1.'],
    ['long text is cut at 40 characters', Settings, { count: 'y'.repeat(50) }, `count: must be a number, not the text "${'y'.repeat(40)}…".`],
    ['invalid_value', Settings, { mode: 'c' }, 'mode: must be one of "a", "b".'],
    ['too_small, empty text', Settings, { name: '  ' }, 'name: must not be empty.'],
    ['too_small, short text', Settings, { code: 'ab' }, 'code: must be at least 3 characters long.'],
    ['too_small, number', Settings, { size: 1 }, 'size: Too small: expected number to be >=2.'],
    ['too_big, text', Settings, { name: 'abcdef' }, 'name: must be at most 5 characters long.'],
    ['too_big, list', Settings, { tags: ['a', 'b'] }, 'tags: has more than 1 entries.'],
    ['too_big, number', Settings, { size: 5 }, 'size: Too big: expected number to be <=4.'],
    ['invalid_format, e-mail', Settings, { email: 'nope' }, 'email: must be an e-mail address.'],
    ['invalid_format, other', Settings, { url: 'nope' }, 'url: is not a valid url.'],
    ['invalid_union', Settings, { value: true }, 'value: must be a non-empty text or a whole number.'],
    ['custom (default)', Settings, { rule: 'x' }, 'rule: Pick another rule.'],
  ])('%s', (_name, schema, body, message) => {
    const r = schema.safeParse(body, { reportInput: true });
    expect(r.success).toBe(false);
    const a = issueAnswer(r.error!.issues[0]!);
    expect(a).toEqual({ message, field: message.slice(0, message.indexOf(':')) });
  });

  it('names a nested field by its dotted path, list positions included', () => {
    const schema = z.object({ a: z.object({ list: z.array(z.string().email()) }) });
    const r = schema.safeParse({ a: { list: ['x@y.io', 'bad'] } }, { reportInput: true });
    expect(issueAnswer(r.error!.issues[0]!)).toEqual({ message: 'a.list.1: must be an e-mail address.', field: 'a.list.1' });
  });

  it('unrecognized_keys names the unknown setting to remove', () => {
    expect(answer({ extra: 1 })).toEqual({ message: 'extra is not a known setting; remove it.', field: 'extra' });
    const nested = z.object({ o: z.object({}).strict() }).safeParse({ o: { k: 1 } });
    expect(issueAnswer(nested.error!.issues[0]!)).toEqual({ message: 'o.k is not a known setting; remove it.', field: 'o.k' });
  });

  it('a body that is not an object asks for one, naming no field', () => {
    expect(answer('text')).toEqual({ message: 'Send a JSON object as the request body.' });
  });
});
