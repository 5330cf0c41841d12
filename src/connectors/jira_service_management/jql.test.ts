import { describe, expect, it } from 'vitest';
import { changesJql, feedCursor, jqlString, lowerBoundLiteral, pageCursorTime, timeOfFeedCursor } from './jql.ts';

describe('lowerBoundLiteral', () => {
  it.each([
    ['UTC, truncated and one minute earlier', '2026-04-28T15:30:59.999Z', 'UTC', '2026/04/28 15:29'],
    ['Warsaw summer time (+02:00)', '2026-04-28T13:30:10Z', 'Europe/Warsaw', '2026/04/28 15:29'],
    ['Kolkata (+05:30)', '2026-04-28T10:00:00Z', 'Asia/Kolkata', '2026/04/28 15:29'],
    ['Los Angeles, previous day', '2026-04-28T02:00:00Z', 'America/Los_Angeles', '2026/04/27 18:59'],
    ['New York in the hour that happens twice: one hour more', '2026-11-01T05:30:00Z', 'America/New_York', '2026/11/01 00:29'],
    ['New York after the clocks went back', '2026-11-01T06:10:00Z', 'America/New_York', '2026/11/01 01:09'],
    ['unknown zone: 14 hours earlier, in UTC', '2026-04-28T15:30:00Z', 'Mars/Olympus', '2026/04/28 01:29'],
    ['no zone', '2026-04-28T15:30:00Z', null, '2026/04/28 01:29'],
  ])('%s', (_name, at, zone, literal) => {
    expect(lowerBoundLiteral(new Date(at), zone)).toBe(literal);
  });
});

describe('changesJql', () => {
  it('is bounded, inclusive and ordered by change then key', () => {
    expect(changesJql('SUP', new Date('2026-04-28T15:30:00Z'), 'UTC')).toBe('project = "SUP" AND updated >= "2026/04/28 15:29" ORDER BY updated ASC, key ASC');
    expect(changesJql(undefined, new Date('2026-04-28T15:30:00Z'), 'UTC')).toBe('updated >= "2026/04/28 15:29" ORDER BY updated ASC, key ASC');
  });
  it('quotes what it is given', () => {
    expect(jqlString('a"b\\c')).toBe('"a\\"b\\\\c"');
  });
});

describe('cursors', () => {
  it('round-trip and refuse foreign ones', () => {
    const at = new Date('2026-04-28T15:30:00.123Z');
    expect(timeOfFeedCursor(feedCursor(at))).toEqual(at);
    expect(() => timeOfFeedCursor('time:2026-01-01T00:00:00Z')).toThrow(/Not a Jira change-feed cursor/);
  });
  it.each([
    ['at the last change', '2026-01-01T10:00:00Z', '2026-01-01T10:05:00Z', '2026-01-01T10:10:00Z', '2026-01-01T10:05:00Z'],
    ['held back while the index settles', '2026-01-01T10:00:00Z', '2026-01-01T10:09:30Z', '2026-01-01T10:09:00Z', '2026-01-01T10:09:00Z'],
    ['never before the start', '2026-01-01T10:00:00Z', '2026-01-01T09:59:00Z', '2026-01-01T10:09:00Z', '2026-01-01T10:00:00Z'],
    ['no change: the settled time', '2026-01-01T10:00:00Z', null, '2026-01-01T10:09:00Z', '2026-01-01T10:09:00Z'],
  ])('%s', (_n, from, last, settle, expected) => {
    expect(pageCursorTime(new Date(from), last ? new Date(last) : null, new Date(settle)).toISOString()).toBe(new Date(expected).toISOString());
  });
});
