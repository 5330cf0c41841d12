import { describe, expect, it } from 'vitest';
import { compareShape } from './shape-compare.ts';

describe('compareShape (the checker itself)', () => {
  it.each([
    ['missing key', { a: 1, b: 2 }, { a: 1 }, '$.b: missing'],
    ['type change', { a: 1 }, { a: '1' }, '$.a: string where the example has number'],
    ['null not allowed', { subject: 'x' }, { subject: null }, '$.subject: null where the example has string'],
    ['small id', { id: 54001538979 }, { id: 12 }, '$.id: id 12 is not above 2^31 like the example'],
    [
      'timestamp format',
      { created_at: '2019-04-04T04:45:15.983Z' },
      { created_at: '2019-04-04T04:45:15.983Z' },
      '$.created_at: "2019-04-04T04:45:15.983Z" is not YYYY-MM-DDTHH:MM:SSZ',
    ],
    ['nested array element', { xs: [{ a: 1 }] }, { xs: [{ a: 1 }, { b: 1 }] }, null],
  ])('%s', (_name, expected, actual, problem) => {
    const problems = compareShape(expected, actual);
    if (problem === null) expect(problems).toEqual([]);
    else expect(problems).toContain(problem);
  });

  it('accepts a value where the example has null, and null where the spec allows it', () => {
    expect(compareShape({ group_id: null, responder_id: 5 }, { group_id: 3, responder_id: null })).toEqual([]);
  });
});
