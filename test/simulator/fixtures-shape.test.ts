import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFreshserviceSimulator, type FreshserviceSimulator } from '../../src/simulator/freshservice/index.ts';
import { call, fixture, minimalTicket } from './helpers.ts';
import { compareShape } from './shape-compare.ts';

let sim: FreshserviceSimulator;
beforeAll(async () => {
  sim = await startFreshserviceSimulator({ port: 0 });
});
afterAll(async () => {
  await sim.close();
});

function expectShape(fixtureName: string, actual: unknown, ignore: string[] = []): void {
  expect(compareShape(fixture(fixtureName), actual, { ignore: new Set(ignore) })).toEqual([]);
}

function png(size = 64): Blob {
  return new Blob([Buffer.alloc(size, 7)], { type: 'image/png' });
}

const ticketWithAttachment = () => [...sim.state.tickets.values()].find((t) => t.attachment_ids.length > 0)!.id;
const ticketWithConversations = () => [...sim.state.tickets.values()].find((t) => t.subject.startsWith('VPN'))!.id;

describe('responses have the shape of the public examples', () => {
  it('tickets: view, view with conversations, list, filter', async () => {
    expectShape('ticket.view.docs.json', (await call(sim, 'GET', `/tickets/${ticketWithAttachment()}`)).json);
    expectShape(
      'ticket.view-include-conversations.real-sanitized.json',
      (await call(sim, 'GET', `/tickets/${ticketWithConversations()}?include=conversations`)).json,
    );
    expectShape('tickets.list.docs.json', (await call(sim, 'GET', '/tickets')).json);
    expectShape('tickets.filter.docs.json', (await call(sim, 'GET', `/tickets/filter?query=${encodeURIComponent('"priority:>1"')}`)).json);
  });

  it('tickets: create (JSON and multipart) and update', async () => {
    const created = await call(sim, 'POST', '/tickets', { body: { ...minimalTicket, cc_emails: ['ram@example.org'] } });
    expect(created.status).toBe(201);
    expectShape('ticket.create.response.docs.json', created.json);
    const form = new FormData();
    for (const [k, v] of Object.entries(minimalTicket)) form.set(k, String(v));
    form.append('attachments[]', png(), 'api_attach.png');
    const withFile = await call(sim, 'POST', '/tickets', { form });
    expect(withFile.status).toBe(201);
    expectShape('ticket.create-with-attachment.response.docs.json', withFile.json);
    const updated = await call(sim, 'PUT', `/tickets/${created.json.ticket.id}`, { body: { priority: 3, tags: ['hello', 'how'] } });
    expect(updated.status).toBe(200);
    expectShape('ticket.update.response.docs.json', updated.json);
  });

  it('conversations: list, reply, reply and note with attachment, update', async () => {
    const id = ticketWithConversations();
    expectShape('conversations.list.docs.json', (await call(sim, 'GET', `/tickets/${id}/conversations`)).json);
    expectShape(
      'conversation.reply.response.docs.json',
      (await call(sim, 'POST', `/tickets/${id}/reply`, { body: { body: 'We are working on this issue.' } })).json,
    );
    const rf = new FormData();
    rf.set('body', 'With a screenshot');
    rf.append('attachments[]', png(), 'api2.png');
    expectShape('conversation.reply-with-attachment.response.docs.json', (await call(sim, 'POST', `/tickets/${id}/reply`, { form: rf })).json);
    const nf = new FormData();
    nf.set('body', 'Hi tom, Still Angry');
    nf.set('private', 'false');
    nf.append('attachments[]', png(), 'api_attach.png');
    const note = await call(sim, 'POST', `/tickets/${id}/notes`, { form: nf });
    expect(note.json.conversation.private).toBe(false);
    expectShape('conversation.note-with-attachment.response.docs-repaired.json', note.json);
    const upd = await call(sim, 'PUT', `/conversations/${note.json.conversation.id}`, { body: { body: 'Can you provide some screenshots?' } });
    expectShape('conversation.update.response.docs.json', upd.json, ['Attachment_url']);
  });

  it('agents, requesters, roles, groups, departments, workspaces, ticket fields', async () => {
    const admin = sim.agents.find((a) => a.profile === 'admin')!;
    expectShape('agent.view.docs.json', (await call(sim, 'GET', `/agents/${admin.id}`)).json);
    expectShape('agent.convert-to-agent.msp.docs-repaired.json', (await call(sim, 'GET', '/agents/me')).json);
    expectShape('agents.list.docs.json', (await call(sim, 'GET', '/agents')).json);
    const requesters = await call(sim, 'GET', '/requesters');
    expectShape('requesters.list.docs.json', requesters.json);
    expectShape('requester.view.docs.json', (await call(sim, 'GET', `/requesters/${requesters.json.requesters[0].id}`)).json);
    const roles = await call(sim, 'GET', '/roles');
    expectShape('roles.list.docs.json', roles.json);
    expectShape('role.view.docs.json', (await call(sim, 'GET', `/roles/${roles.json.roles[0].id}`)).json);
    const groups = await call(sim, 'GET', '/groups');
    expectShape('groups.list.docs.json', groups.json);
    expectShape('group.view.docs.json', (await call(sim, 'GET', `/groups/${groups.json.groups[0].id}`)).json);
    expectShape('departments.list.docs.json', (await call(sim, 'GET', '/departments')).json);
    expectShape('workspaces.list.docs.json', (await call(sim, 'GET', '/workspaces')).json);
    expectShape('workspace.view.docs.json', (await call(sim, 'GET', '/workspaces/2')).json);
    expectShape('ticket_form_fields.docs.json', (await call(sim, 'GET', '/ticket_form_fields')).json);
  });

  it('error bodies: 400 validation, 401, 403', async () => {
    const bad = await call(sim, 'POST', '/tickets', { body: { ...minimalTicket, priority: 9 } });
    expect(bad.status).toBe(400);
    expectShape('error.400.query-choice.docs.json', bad.json);
    expectShape('error.400.validation.n8n-test.json', bad.json);
    const badQuery = await call(sim, 'GET', `/tickets/filter?query=${encodeURIComponent('"time_period:3"')}`);
    expect(badQuery.json).toEqual(fixture('error.400.query-invalid-field.docs.json'));
    const badType = await call(sim, 'GET', `/tickets/filter?query=${encodeURIComponent('"department_id:\'x\'"')}`);
    expect(badType.json).toEqual(fixture('error.400.query-datatype.docs.json'));
    const unauth = await call(sim, 'GET', '/tickets', { key: 'nope' });
    expect(unauth.status).toBe(401);
    expect(unauth.json).toEqual(fixture('error.401.invalid_credentials.freshdesk-family.json'));
    const denied = await call(sim, 'GET', '/agents', { key: sim.keyFor('agent_only') });
    expect(denied.status).toBe(403);
    expect(denied.json).toEqual(fixture('error.403.access_denied.community.json'));
  });

  it('header wrappers: rate-limit + version on 200, Location on 201, link on lists, Retry-After on 429', async () => {
    const ok = await call(sim, 'GET', '/agents/me');
    for (const h of Object.keys(fixture('response.200.ratelimit-headers.docs.json').headers)) expect(ok.headers.get(h), h).not.toBeNull();
    expect(ok.headers.get('x-freshservice-api-version')).toBe('latest=v2; requested=v2');
    expect(ok.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const created = await call(sim, 'POST', '/tickets', { body: minimalTicket });
    expect(created.headers.get('location')).toBe(`${sim.url}/api/v2/tickets/${created.json.ticket.id}`);
    const page = await call(sim, 'GET', '/tickets?per_page=1');
    expect(page.headers.get('link')).toMatch(/^<http:\/\/127\.0\.0\.1:\d+\/api\/v2\/tickets\?[^>]*page=2[^>]*>;\s*rel="next"$/);
    const limited = await startFreshserviceSimulator({ rateLimit: { overall: 1 } });
    try {
      await call(limited, 'GET', '/agents/me');
      const r = await call(limited, 'GET', '/agents/me');
      expect(r.status).toBe(429);
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(r.headers.get('content-type')).toBe(fixture('response.429.docs.json').headers['Content-Type']);
    } finally {
      await limited.close();
    }
  });
});
