import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFreshserviceSimulator, type FreshserviceSimulator } from '../../src/simulator/freshservice/index.ts';
import { call, minimalTicket } from './helpers.ts';

const MB = 1024 * 1024;
let sim: FreshserviceSimulator;
beforeEach(async () => {
  sim = await startFreshserviceSimulator();
});
afterEach(async () => {
  await sim.close();
});

function form(fields: Record<string, string | number>, files: Array<[string, Buffer, string]>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, String(v));
  for (const [name, data, type] of files) f.append('attachments[]', new Blob([new Uint8Array(data)], { type }), name);
  return f;
}

describe('attachments', () => {
  it('multipart create stores files; attachment_url downloads without auth; /attachments/{id} needs auth', async () => {
    const data = Buffer.from('hello attachment');
    const r = await call(sim, 'POST', '/tickets', {
      form: form({ ...minimalTicket, 'tags[]': 'upload', 'custom_fields[it_field]': 'First Choice' }, [['notes.txt', data, 'text/plain']]),
    });
    expect(r.status).toBe(201);
    const t = r.json.ticket;
    expect(t.priority).toBe(2);
    expect(t.tags).toEqual(['upload']);
    expect(t.custom_fields.it_field).toBe('First Choice');
    const att = t.attachments[0];
    expect(att).toMatchObject({ name: 'notes.txt', size: data.length, content_type: 'text/plain' });
    expect(att.attachment_url.startsWith(`${sim.url}/_sim/files/`)).toBe(true);
    const dl = await fetch(att.attachment_url);
    expect(Buffer.from(await dl.arrayBuffer()).toString()).toBe('hello attachment');
    expect((await fetch(att.attachment_url.replace(/token=\w+/, 'token=forged'))).status).toBe(403);
    const api = await fetch(`${sim.url}/api/v2/attachments/${att.id}`, {
      headers: { authorization: `Basic ${Buffer.from(`${sim.keyFor('admin')}:X`).toString('base64')}` },
    });
    expect(api.status).toBe(200);
    expect(await api.text()).toBe('hello attachment');
    expect((await fetch(`${sim.url}/api/v2/attachments/${att.id}`)).status).toBe(401);
  });

  it('update adds files to the existing ones; reply and note take attachments too', async () => {
    const id = (await call(sim, 'POST', '/tickets', { form: form(minimalTicket, [['a.txt', Buffer.from('a'), 'text/plain']]) })).json.ticket.id;
    const upd = await call(sim, 'PUT', `/tickets/${id}`, { form: form({ priority: 3 }, [['b.txt', Buffer.from('b'), 'text/plain']]) });
    expect(upd.status).toBe(200);
    expect(upd.json.ticket.priority).toBe(3);
    expect(upd.json.ticket.attachments.map((a: any) => a.name)).toEqual(['a.txt', 'b.txt']);
    const reply = await call(sim, 'POST', `/tickets/${id}/reply`, { form: form({ body: 'see file' }, [['c.png', Buffer.alloc(10), 'image/png']]) });
    expect(reply.json.conversation.attachments[0].name).toBe('c.png');
    const note = await call(sim, 'POST', `/tickets/${id}/notes`, { form: form({ body: 'n', private: 'false' }, [['d.png', Buffer.alloc(10), 'image/png']]) });
    expect(note.json.conversation).toMatchObject({ private: false });
    const delAtt = upd.json.ticket.attachments[0].id;
    expect((await call(sim, 'DELETE', `/tickets/${id}/attachments/${delAtt}`)).status).toBe(204);
    expect((await call(sim, 'GET', `/tickets/${id}`)).json.ticket.attachments.map((a: any) => a.name)).toEqual(['b.txt']);
  });

  it('rejects more than 40 MB per ticket (ticket + conversations) with 400 attachments invalid_value', async () => {
    const id = (await call(sim, 'POST', '/tickets', { body: minimalTicket })).json.ticket.id;
    const conv = sim.state.addConversation(id, { body: 'big', user_id: sim.agents[0]!.id });
    sim.state.addAttachment({ ticketId: id, conversationId: conv.id }, { name: 'big.iso', size: 39 * MB }); // quota without allocating
    const tooMuch = await call(sim, 'POST', `/tickets/${id}/notes`, {
      form: form({ body: 'more' }, [['two-mb.bin', Buffer.alloc(2 * MB), 'application/octet-stream']]),
    });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.json).toEqual({ description: 'Validation failed', errors: [{ field: 'attachments', message: expect.any(String), code: 'invalid_value' }] });
    expect(
      (await call(sim, 'PUT', `/tickets/${id}`, { form: form({ priority: 1 }, [['two-mb.bin', Buffer.alloc(2 * MB), 'application/octet-stream']]) })).status,
    ).toBe(400);
    expect(
      (await call(sim, 'POST', `/tickets/${id}/notes`, { form: form({ body: 'fits' }, [['half.bin', Buffer.alloc(MB / 2), 'application/octet-stream']]) }))
        .status,
    ).toBe(201);
    const big = await call(sim, 'POST', '/tickets', { form: form(minimalTicket, [['41mb.bin', Buffer.alloc(41 * MB), 'application/octet-stream']]) });
    expect(big.status).toBe(400);
    expect(big.json.errors[0].field).toBe('attachments');
  });
});
