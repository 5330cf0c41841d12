import { describe, expect, it } from 'vitest';
import { JiraError } from './errors.ts';
import { compareTuples, matches, sortTuple } from './jql-eval.ts';
import { parseJql } from './jql-parse.ts';
import { seedJira } from './seed.ts';
import { JiraState } from './state.ts';
import { jiraTime, parseJqlDate } from './time.ts';

const NOW = Date.parse('2026-12-07T10:00:00Z');

function site() {
  const state = new JiraState('t', () => NOW, 'Europe/Warsaw');
  seedJira(state, 'demo');
  return { state, ctx: { state, user: state.userByProfile('admin')!, now: NOW } };
}

describe('JQL subset', () => {
  it.each([
    ['project = SUP', 3],
    ['project = sup AND statusCategory = new', 3],
    ['project = SUP AND statusCategory != "To Do"', 0],
    ['project IN (SUP, Support) AND issuetype = Incident', 1],
    ['cf[10050] IS EMPTY AND project = SUP', 3],
    ['key = SUP-2 OR key = SUP-3', 2],
    ['key > SUP-1', 2],
    ['project = SUP AND NOT (issuetype = Incident)', 2],
    ['assignee IS EMPTY AND project = SUP', 3],
    ['summary ~ "vpn"', 1],
    ['updated >= -1d', 3],
    ['updated >= "2026-12-07 11:00"', 0],
    ['issue.property["sf.marker"].id = "x"', 0],
  ])('%s → %i issues', (jql, n) => {
    const { state, ctx } = site();
    const q = parseJql(jql);
    expect([...state.issues.values()].filter((i) => matches(ctx, q, i))).toHaveLength(n);
  });

  it.each([
    ['project = ', /Expecting a value/],
    ['project = "SUP', /has not been completed/],
    ['project = NOPE', /does not exist for the field 'project'/],
    ['nosuchfield = 1', /Field 'nosuchfield' does not exist/],
    ['updated >= "2026-12-07 10:00:30"', /invalid/],
    ['project = SUP ORDER BY a, b, c, d, e, f, g, h', /at most 7/],
  ])('%s is a 400 (%s)', (jql, message) => {
    const { state, ctx } = site();
    const run = () => {
      const q = parseJql(jql);
      for (const i of state.issues.values()) matches(ctx, q, i);
    };
    expect(run).toThrow(JiraError);
    try {
      run();
    } catch (err) {
      expect((err as JiraError).status).toBe(400);
      expect(JSON.stringify((err as JiraError).body)).toMatch(message);
    }
  });

  it('orders by updated then key, id last', () => {
    const { state, ctx } = site();
    const q = parseJql('project = SUP ORDER BY updated DESC, key ASC');
    const keys = [...state.issues.values()].sort((a, b) => compareTuples(q, sortTuple(ctx, q, a), sortTuple(ctx, q, b))).map((i) => i.key);
    expect(keys).toEqual(['SUP-3', 'SUP-2', 'SUP-1']);
  });
});

describe('Jira times', () => {
  it.each([
    ['2026-12-07 11:00', 'Europe/Warsaw', '2026-12-07T10:00:00.000Z'],
    ['2026/07/01 02:30', 'Europe/Warsaw', '2026-07-01T00:30:00.000Z'],
    ['2026-12-07', 'America/New_York', '2026-12-07T05:00:00.000Z'],
    ['-5m', 'UTC', '2026-12-07T09:55:00.000Z'],
  ])('%s in %s is %s', (literal, zone, iso) => {
    expect(new Date(parseJqlDate(literal, zone, NOW)!).toISOString()).toBe(iso);
  });

  it('formats with milliseconds and an offset without a colon', () => {
    expect(jiraTime(Date.parse('2026-04-28T13:33:15.438Z'), 'Europe/Warsaw')).toBe('2026-04-28T15:33:15.438+0200');
    expect(jiraTime(Date.parse('2026-12-07T10:00:00Z'), 'America/St_Johns')).toBe('2026-12-07T06:30:00.000-0330');
  });
});
