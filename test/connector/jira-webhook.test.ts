import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJiraConnector } from '../../src/connectors/jira_service_management/connector.ts';
import { jiraWebhook } from '../../src/connectors/jira_service_management/webhook.ts';
import { startJiraSimulator, type JiraSimulator } from '../../src/simulator/jira/index.ts';
import { rawServer } from '../helpers/raw-servers.ts';

interface Received {
  headers: Record<string, string | undefined>;
  raw: Buffer;
}

let sim: JiraSimulator;
let receiver: { url: string; close(): Promise<void> };
const received: Received[] = [];
let arrived: (() => void) | null = null;

beforeAll(async () => {
  sim = await startJiraSimulator({ seed: 'demo', rateLimit: false });
  receiver = await rawServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers as Record<string, string | undefined>, raw: Buffer.concat(chunks) });
      res.writeHead(204).end();
      arrived?.();
    });
  });
});
afterAll(async () => {
  await sim?.close();
  await receiver?.close();
});

describe('Jira webhooks, as the simulator delivers them', () => {
  it('verifies the signature over the raw body and reads the issue id from the real payload shape', async () => {
    const secret = 'jira-hook-secret';
    sim.registerWebhook({ url: `${receiver.url}/hook`, secret, events: ['jira:issue_created'] });
    const jira = createJiraConnector(
      { apiUrl: sim.url, email: sim.emailFor('admin'), apiToken: sim.tokenFor('admin') },
      { timeoutMs: 5000, sideSettings: { project: 'SUP' } },
    );
    const delivered = new Promise<void>((resolve) => (arrived = resolve));
    const t = await jira.createTicket({ type: 'Incident', subject: 'Hooked', description: '', requesterId: '', marker: 'sf-hook1' });
    await delivered;
    const call = received.at(-1)!;
    const hook = { headers: call.headers, rawBody: call.raw, json: JSON.parse(call.raw.toString('utf8')) as unknown };
    expect(jiraWebhook.verify(hook, secret)).toBe(true);
    expect(jiraWebhook.verify(hook, 'another-secret')).toBe(false);
    expect(jiraWebhook.verify({ ...hook, rawBody: Buffer.from(call.raw.toString().replace('Hooked', 'Hacked')) }, secret)).toBe(false);
    expect(jiraWebhook.read(hook)).toEqual({ ok: true, ticketIds: [t.id] });
  });
});
