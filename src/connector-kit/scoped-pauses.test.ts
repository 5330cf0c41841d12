import { describe, expect, it } from 'vitest';
import { ScopedPauses } from './rate-gate.ts';

type Step = ['pause', string | undefined, number] | ['at', number];

describe('pauses a 429 asked for, per scope', () => {
  const call = { endpoint: 'GET /items', subject: 'issue 1' };
  it.each<[string, Step[], { endpoint?: string; subject?: string }, number, number?]>([
    ['nothing paused', [], call, 0],
    ['the endpoint paused', [['pause', 'GET /items', 1000]], call, 1000],
    ['another endpoint paused', [['pause', 'POST /items', 1000]], call, 0],
    ['the issue paused', [['pause', 'issue 1', 2000]], call, 2000],
    ['another issue paused', [['pause', 'issue 2', 2000]], call, 0],
    ['the account paused holds every call', [['pause', undefined, 5000]], {}, 5000],
    [
      'the longest pause wins',
      [
        ['pause', 'GET /items', 1000],
        ['pause', 'issue 1', 3000],
      ],
      call,
      3000,
    ],
    [
      'a shorter later pause does not shorten one',
      [
        ['pause', 'GET /items', 3000],
        ['pause', 'GET /items', 1000],
      ],
      call,
      3000,
    ],
    [
      'a pause partly over',
      [
        ['pause', 'GET /items', 3000],
        ['at', 1000],
      ],
      call,
      2000,
    ],
    [
      'a pause over',
      [
        ['pause', 'GET /items', 3000],
        ['at', 3000],
      ],
      call,
      0,
    ],
    ['a pause the call already waited out', [['pause', 'GET /items', 3000]], call, 0, 3000],
    ['a quota pause is at most an hour', [['pause', undefined, 10_000_000]], {}, 3_600_000],
  ])('%s', (_n, steps, scopes, want, covered) => {
    let now = 0;
    const pauses = new ScopedPauses(() => now);
    for (const s of steps) {
      if (s[0] === 'pause') pauses.pause('acme', s[1], s[2]);
      else now = s[1];
    }
    expect(pauses.waitOf('acme', scopes, covered).ms).toBe(want);
    expect(pauses.waitOf('other', scopes).ms, 'another account').toBe(0);
  });
});

it('pauses that are over are dropped once many have gathered', () => {
  let now = 0;
  const pauses = new ScopedPauses(() => now);
  for (let i = 0; i < 1_000; i++) pauses.pause('acme', `issue ${i}`, 1000);
  now = 2000;
  pauses.pause('acme', 'issue new', 1000);
  expect((pauses as unknown as { until: Map<string, number> }).until.size).toBe(1);
  expect(pauses.waitOf('acme', { subject: 'issue new' }).ms).toBe(1000);
});
