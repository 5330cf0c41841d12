import { createHmac, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { matches, type JqlContext } from './jql-eval.ts';
import { parseJql } from './jql-parse.ts';
import type { AdminWebhook } from './model.ts';
import { commentJson, issueJson, userJson, type View } from './serialize.ts';
import type { JiraState, SiteEvent } from './state.ts';

// Admin webhooks [spec 13]: JSON POSTs of issue/comment events; with a secret the raw body is signed
// HMAC-SHA256 as `X-Hub-Signature: sha256=<hex>`. Retries of one delivery keep its identifier.

export interface Delivery {
  webhookId: string;
  identifier: string;
  event: string;
  url: string;
  attempt: number;
  /** HTTP status, or 0 when the receiver could not be reached. */
  status: number;
  body: string;
  headers: Record<string, string>;
}

export interface DeliveryOptions {
  /** Retries after a non-2xx or unreachable receiver (default 2). */
  retries?: number;
  /** Wait before retry n is n × this (default 1000 ms). */
  retryDelayMs?: number;
  timeoutMs?: number;
}

export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export class WebhookDispatcher {
  readonly deliveries: Delivery[] = [];
  /** Emits `delivery` (Delivery) after each attempt, and `idle` when nothing is in flight. */
  readonly events = new EventEmitter();
  private inFlight = 0;
  private stopped = false;

  constructor(
    private readonly state: JiraState,
    private readonly origin: () => string,
    private readonly opts: DeliveryOptions = {},
  ) {
    state.events.on('change', (e: SiteEvent) => this.dispatch(e));
  }

  stop(): void {
    this.stopped = true;
  }

  /** Resolves when no delivery is in flight (tests wait on this instead of sleeping). */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.events.once('idle', resolve));
  }

  payload(hook: AdminWebhook, e: SiteEvent): Record<string, unknown> {
    const view: View = { state: this.state, base: this.origin(), site: this.origin(), tz: this.state.defaultTimeZone };
    const user = userJson(view, this.state.users.get(e.userId));
    const base = { timestamp: this.state.now(), webhookEvent: e.event, user };
    if (e.event === 'comment_created' || e.event === 'comment_updated' || e.event === 'comment_deleted') {
      const trimmed = issueJson(view, e.issue, new Set(['summary', 'status', 'issuetype', 'priority']));
      return { ...base, comment: commentJson(view, e.comment), issue: trimmed };
    }
    const typeName = e.event === 'jira:issue_updated' ? e.typeName : e.event === 'jira:issue_created' ? 'issue_created' : 'issue_deleted';
    return {
      ...base,
      issue_event_type_name: typeName,
      issue: hook.excludeBody ? { id: e.issue.id, key: e.issue.key } : issueJson(view, e.issue, null),
      ...(e.event === 'jira:issue_updated' ? { changelog: { id: String(this.state.now()), items: e.items } } : {}),
    };
  }

  private dispatch(e: SiteEvent): void {
    if (this.stopped) return;
    for (const hook of this.state.webhooks.values()) {
      if (!hook.enabled || !hook.events.includes(e.event)) continue;
      if (hook.jql) {
        const ctx: JqlContext = { state: this.state, user: null, now: this.state.now() };
        try {
          if (!matches({ ...ctx, user: [...this.state.users.values()].find((u) => u.admin) ?? null }, parseJql(hook.jql), e.issue)) continue;
        } catch {
          continue;
        }
      }
      const body = JSON.stringify(this.payload(hook, e));
      const identifier = randomUUID();
      this.inFlight++;
      void this.send(hook, e.event, body, identifier, 0).finally(() => {
        if (--this.inFlight === 0) this.events.emit('idle');
      });
    }
  }

  private async send(hook: AdminWebhook, event: string, body: string, identifier: string, attempt: number): Promise<void> {
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'Atlassian Webhook HTTP Client',
      'x-atlassian-webhook-identifier': identifier,
      'x-atlassian-webhook-retry': String(attempt),
      'x-atlassian-webhook-flow': 'Primary',
      'x-atlassian-webhook-trace': randomUUID(),
    };
    if (hook.secret) headers['x-hub-signature'] = signBody(hook.secret, body);
    let status: number;
    try {
      // Never follow redirects: a receiver answering 3xx has not accepted the delivery.
      const res = await fetch(hook.url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000) });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch {
      status = 0;
    }
    const d: Delivery = { webhookId: hook.id, identifier, event, url: hook.url, attempt, status, body, headers };
    this.deliveries.push(d);
    this.events.emit('delivery', d);
    const retries = this.opts.retries ?? 2;
    if ((status < 200 || status >= 300) && attempt < retries && !this.stopped) {
      await new Promise((r) => setTimeout(r, (attempt + 1) * (this.opts.retryDelayMs ?? 1000)));
      await this.send(hook, event, body, identifier, attempt + 1);
    }
  }
}
