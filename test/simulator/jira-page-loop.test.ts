import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJiraSimulator, type JiraSimulator } from '../../src/simulator/jira/index.ts';
import { jira } from './jira-helpers.ts';

// The pageLoop fault on Jira's offset listings, both styles [spec 4.2]: the platform API's startAt/isLast
// and JSM's start/isLastPage. Past the second page, the second page is served again and never the last.
let sim: JiraSimulator;
beforeAll(async () => {
  sim = await startJiraSimulator({ seed: 'demo', rateLimit: false });
});
afterAll(async () => sim?.close());

describe('pageLoop on offset listings', () => {
  it.each([
    ['platform API, startAt/isLast', '/rest/api/3/priority/search?startAt=7&maxResults=1', 'startAt', 'isLast'],
    ['JSM, start/isLastPage', '/rest/servicedeskapi/servicedesk/{desk}/requesttype?start=7&limit=1', 'start', 'isLastPage'],
  ])('%s', async (_n, template, offsetName, lastName) => {
    const desk = (await jira(sim, 'GET', '/rest/servicedeskapi/servicedesk')).json.values[0].id as string;
    const path = template.replace('{desk}', desk);
    sim.faults.set({ pageLoop: {} });
    try {
      const looped = await jira(sim, 'GET', path);
      expect(looped.status).toBe(200);
      expect(looped.json[lastName], 'never the last page').toBe(false);
      const second = await jira(sim, 'GET', path.replace('=7', '=1'));
      expect(second.json.values, 'the listing has a second page').toHaveLength(1);
      expect(looped.json.values, 'the second page again').toEqual(second.json.values);
      if (offsetName in looped.json) expect(looped.json[offsetName]).toBe(1);
    } finally {
      sim.faults.clear();
    }
    const plain = await jira(sim, 'GET', path);
    expect(plain.json.values, 'without the fault, past the end is empty').toEqual([]);
  });
});
