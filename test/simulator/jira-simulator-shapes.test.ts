// Jira simulator answers against the public fixtures' shapes (test/fixtures/jira, copied from the platform references).
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { checkShape } from '../../src/simulator/kit/shape.ts';
import { startJiraSimulator, type JiraSimulator, type JiraSimulatorOptions } from '../../src/simulator/jira/index.ts';
import { jira } from './jira-helpers.ts';

let sim: JiraSimulator | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});
const start = async (opts: JiraSimulatorOptions = {}) => (sim = await startJiraSimulator({ rateLimit: false, ...opts }));

/** Issue fields the recordings have and the simulator does not model (time tracking, votes, security...): not compared. */
const UNMODELLED_ISSUE_FIELDS = [
  'timetracking',
  'aggregatetimespent',
  'workratio',
  'lastViewed',
  'timeestimate',
  'aggregatetimeoriginalestimate',
  'timeoriginalestimate',
  'aggregatetimeestimate',
  'aggregateprogress',
  'progress',
  'votes',
  'worklog',
  'timespent',
  'security',
  'issuerestriction',
  'versions',
  'entityId',
];

describe('Jira simulator: fixture shapes', () => {
  const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/jira/${name}`, import.meta.url), 'utf8'));
  const jiraTimeFormat = {
    key: /^(created|updated|statuscategorychangedate|resolutiondate)$/,
    example: /T/,
    actual: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d{4}$/,
    label: 'yyyy-MM-ddTHH:mm:ss.SSS+hhmm',
  };

  it('issue, myself and transitions have the recorded shapes', async () => {
    const s = await start();
    const issue = await jira(s, 'GET', '/rest/api/3/issue/SUP-1');
    const ignore = new Set([...UNMODELLED_ISSUE_FIELDS, 'thumbnail']);
    const open = new Set(['avatarUrls']);
    const problems = checkShape(fixture('issue.get.real-nango.json').body, issue.json, {
      ignore,
      open,
      nullable: new Set(['assignee', 'description', 'priority']),
      formats: [jiraTimeFormat],
    });
    expect(problems.filter((p) => !/customfield_/.test(p))).toEqual([]);
    const me = await jira(s, 'GET', '/rest/api/3/myself');
    expect(checkShape(fixture('myself.real-nango.json').body, me.json, { open })).toEqual([]);
    const tr = await jira(s, 'GET', '/rest/api/3/issue/SUP-1/transitions');
    expect(checkShape(fixture('transitions.list.real-nango.json').body, tr.json)).toEqual([]);
  });
  it('search, comments, createmeta, fields, statuses and service desks have the documented or recorded shapes', async () => {
    const s = await start();
    const open = new Set(['avatarUrls', '_links', 'author', 'updateAuthor']);
    const ignore = new Set([...UNMODELLED_ISSUE_FIELDS, 'renderedBody', 'visibility', 'properties', 'self']);
    const fields = fixture('search-jql.get.real-nango.json').request.params.fields as string;
    const search = await jira(s, 'GET', `/rest/api/3/search/jql?jql=${encodeURIComponent('updated >= "1970-01-01" ORDER BY updated ASC')}&fields=${fields}`);
    expect(
      checkShape(fixture('search-jql.get.real-nango.json').body, search.json, {
        open,
        ignore,
        nullable: new Set(['assignee', 'description']),
        formats: [jiraTimeFormat],
      }),
    ).toEqual([]);
    const comments = await jira(s, 'GET', '/rest/api/3/issue/SUP-1/comment');
    expect(checkShape(fixture('comments.list.docs.json'), comments.json, { open, ignore })).toEqual([]);
    const meta = await jira(s, 'GET', '/rest/api/3/issue/createmeta/SUP/issuetypes/10100');
    expect(
      checkShape(fixture('createmeta.issuetype-fields.docs.json'), meta.json, {
        open,
        ignore: new Set([...ignore, 'autoCompleteUrl', 'defaultValue', 'allowedValues', 'configuration']),
      }),
    ).toEqual([]);
    const list = await jira(s, 'GET', '/rest/api/3/field');
    expect(
      checkShape(fixture('fields.list.real-nango.json').body.slice(0, 1), list.json.slice(0, 1), { ignore: new Set(['scope', 'untranslatedName']) }),
    ).toEqual([]);
    const statuses = await jira(s, 'GET', '/rest/api/3/statuses/search');
    expect(checkShape(fixture('statuses.search.real-nango.json').body, statuses.json, { ignore: new Set([...ignore, 'nextPage']) })).toEqual([]);
    const desks = await jira(s, 'GET', '/rest/servicedeskapi/servicedesk');
    expect(checkShape(fixture('jsm.servicedesks.list.docs.json'), desks.json, { open })).toEqual([]);
  });
});
