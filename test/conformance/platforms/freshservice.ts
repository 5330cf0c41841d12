/**
 * The conformance harness for Freshservice: its simulator (src/simulator/freshservice) in this process,
 * driven through the simulator's own state and fault controller (the same hooks its /_sim routes use).
 */
import { startFreshserviceSimulator } from '../../../src/simulator/freshservice/index.ts';
import type { FaultRule } from '../../../src/simulator/freshservice/faults.ts';
import { withHeaders, type PlatformHarness, type SimHandle } from '../harness.ts';

/** The Workflow Automator's webhook action sends the body typed in its form, placeholders filled in, unsigned. */
const webhookBody = (ticketId: string) => `{"ticket_id": "${ticketId}"}`;

const freshserviceHarness: PlatformHarness = {
  platform: 'freshservice',
  async start(opts = {}): Promise<SimHandle> {
    const limited = opts.rateLimit === true || opts.rateLimitPerMinute !== undefined;
    const sim = await startFreshserviceSimulator({
      seed: 'demo',
      rateLimit: limited ? (opts.rateLimitPerMinute === undefined ? {} : { overall: opts.rateLimitPerMinute }) : false,
    });
    const requester = [...sim.state.users.values()].find((u) => u.agent === null && u.active && u.email);
    if (!requester?.email) throw new Error('The Freshservice demo seed has no requester with an e-mail address');
    const ticket = (id: string) => {
      const t = sim.state.tickets.get(Number(id));
      if (!t) throw new Error(`The Freshservice simulator has no ticket ${id}`);
      return t;
    };
    return {
      apiUrl: sim.url,
      credentials: (profile) => ({
        apiUrl: sim.url,
        // agent_only lacks IT Supervisor and Account Admin: /roles answers 403.
        fields: { apiKey: profile === 'admin' ? sim.keyFor('admin') : profile === 'no_permission' ? sim.keyFor('agent_only') : 'not-a-key-of-this-account' },
      }),
      sideSettings: {},
      requesterEmail: requester.email,
      ticketType: 'Incident',

      async seedTickets(tickets) {
        return tickets.map((s) => {
          const created = (s.createdAt ?? s.updatedAt)?.getTime();
          const t = sim.state.createTicket({
            subject: s.subject,
            requester_id: requester.id,
            ...(created === undefined ? {} : { created_at: created }),
            ...(s.updatedAt ? { updated_at: s.updatedAt.getTime() } : {}),
          });
          return String(t.id);
        });
      },
      async editTicketAsPerson(id, change) {
        const t = ticket(id);
        if (change.subject !== undefined) t.subject = change.subject;
        if (change.at) t.updated_at = Math.floor(change.at.getTime() / 1000) * 1000;
        else sim.state.touchTicket(t);
      },
      async deleteTicket(id) {
        // Deleted tickets go to the trash: the API answers 404 for them.
        ticket(id).deleted = true;
      },

      async injectFault(f) {
        if (f.hang) return sim.faults.set({ hang: true });
        if (f.status === undefined) throw new Error('injectFault needs a status or hang');
        const rule: FaultRule = {
          pathPattern: '^/api/v2/',
          status: f.status,
          ...(f.method ? { method: f.method } : {}),
          ...(f.times === undefined ? {} : { times: f.times }),
          ...(f.status === 429
            ? {
                headers: withHeaders({ 'retry-after': String(f.retryAfterSeconds ?? 1) }, f.headers),
                body: { message: 'You have exceeded the limit of requests per minute' },
              }
            : {}),
        };
        sim.faults.addRule(rule);
      },
      async clearFaults() {
        sim.faults.clear();
      },
      async repeatPages() {
        sim.faults.set({ pageLoop: {} });
      },
      async redirectDownload(att, location) {
        const a = sim.state.attachments.get(Number(att.id));
        if (!a) throw new Error(`The Freshservice simulator has no attachment ${att.id}`);
        // The real API answers 302 to the file's signed storage URL, the attachment_url it lists.
        const to = location === 'platform' ? `${sim.url}/_sim/files/${a.id}/${encodeURIComponent(a.name)}?token=${a.token}` : location;
        sim.faults.addRule({ pathPattern: `^/api/v2/attachments/${a.id}$`, method: 'GET', status: 302, times: 1, headers: { location: to }, body: {} });
      },
      async limitUploadBytes(bytes, retryAfterSeconds) {
        sim.faults.set({ uploadBytes: { limit: bytes, retryAfterSeconds } });
      },
      async refillUploadBytes() {
        sim.faults.refillUploadBytes();
      },
      async setSearchLag(ms) {
        sim.state.search.set(ms > 0 ? { mode: 'delay', ms } : { mode: 'off' });
      },

      async resetRateLimit() {
        sim.limiter.reset();
      },

      async requestLog() {
        return sim.requests.map((r) => ({ method: r.method, path: r.path, query: { ...r.query }, status: r.status }));
      },
      async clearRequestLog() {
        sim.clearRequests();
      },

      async webhookCall(ticketId) {
        const raw = Buffer.from(webhookBody(ticketId), 'utf8');
        return {
          hook: { headers: { 'content-type': 'application/json', 'user-agent': 'Freshservice-Webhook' }, rawBody: raw, json: JSON.parse(raw.toString('utf8')) },
          secret: null,
        };
      },

      close: () => sim.close(),
    };
  },
};

export default freshserviceHarness;
