import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PlatformError } from '../core/connector.ts';
import { connectionProbe, type ProbeSpec } from './connection-steps.ts';
import { NetworkError, type HttpClient, type HttpResponse } from './http.ts';
import { PlatformApi, type PlatformSpec } from './platform-api.ts';
import type { RateGate } from './rate-gate.ts';

const spec: PlatformSpec = {
  name: 'Lease test',
  platform: 'lease-test',
  baseUrl: new URL('https://lease.example.com/api/'),
  auth: { kind: 'none' },
  rateWindow: 'account',
  errorOf: (res) => new PlatformError('network', `status ${res.status}`),
  unexpectedShape: () => new PlatformError('network', 'unexpected shape'),
};

/** A gate that hands out a lease with every acquire and counts the releases. */
function leasingGate(onAcquire: () => void = () => {}) {
  const counts = { acquired: 0, released: 0 };
  const gate: RateGate = {
    async acquire() {
      counts.acquired += 1;
      onAcquire();
      return async () => {
        counts.released += 1;
      };
    },
    async observe() {},
  };
  return { gate, counts };
}

const failing = (err: unknown): HttpClient => ({
  request: async () => {
    throw err;
  },
});

describe('PlatformApi releases the lease of every request, however it ends', () => {
  it.each([
    ['a thrown request (connection reset)', new Error('connection reset')],
    ['a timeout', Object.assign(new Error('No answer within 1 s'), { name: 'TimeoutError' })],
  ])('%s', async (_name, err) => {
    const { gate, counts } = leasingGate();
    const api = new PlatformApi(spec, { timeoutMs: 1_000, http: failing(err), rateGate: gate, sleep: async () => {}, retryPolicy: { maxAttempts: 1 } });
    await expect(api.raw('POST', 'tickets', { what: 'create a ticket' })).rejects.toThrow();
    expect(counts).toEqual({ acquired: 1, released: 1 });
  });

  it('an answer, and each retried attempt, release their own lease', async () => {
    const { gate, counts } = leasingGate();
    let calls = 0;
    const http: HttpClient = {
      request: async () => {
        calls += 1;
        const res: HttpResponse = {
          status: calls === 1 ? 503 : 200,
          headers: new Headers(),
          text: '{}',
          json: {},
          rateLimit: { total: null, remaining: null, usedByRequest: null, retryAfterSeconds: null },
        };
        return res;
      },
    };
    const api = new PlatformApi(spec, {
      timeoutMs: 1_000,
      http,
      rateGate: gate,
      sleep: async () => {},
      retryPolicy: { maxAttempts: 3, baseDelayMs: 0, maxDelayMs: 0 },
    });
    await api.raw('GET', 'tickets/1', { what: 'read ticket 1' });
    expect(calls).toBe(2);
    expect(counts).toEqual({ acquired: 2, released: 2 });
  });

  it('a run aborted right after its lease was granted', async () => {
    const controller = new AbortController();
    const { gate, counts } = leasingGate(() => controller.abort(new Error('run stopped')));
    const http: HttpClient = { request: async () => Promise.reject(new Error('must not be sent')) };
    const api = new PlatformApi(spec, {
      timeoutMs: 1_000,
      http,
      rateGate: gate,
      signal: controller.signal,
      sleep: async () => {},
      retryPolicy: { maxAttempts: 1 },
    });
    await expect(api.raw('GET', 'tickets/1', { what: 'read ticket 1' })).rejects.toThrow('run stopped');
    expect(counts).toEqual({ acquired: 1, released: 1 });
  });
});

describe("Test Connection's probe releases its lease too", () => {
  const probeSpec = {
    wording: { platform: 'Lease test', credentials: 'the key', forbidden: 'no access', notTheApi: 'not the API' },
    platform: 'lease-test',
    baseUrl: 'https://lease.example.com/api/',
    auth: { kind: 'none' },
    budgetUsedUp: () => 'budget used up',
  } as unknown as ProbeSpec;

  it.each([
    ['an answer', { request: async () => ({ status: 200, json: { ok: true } }) as unknown as HttpResponse } as HttpClient],
    ['a failed request', failing(new NetworkError('timeout', 'No answer within 1 s'))],
  ])('%s', async (_name, http) => {
    const { gate, counts } = leasingGate();
    const probe = connectionProbe(probeSpec, { timeoutMs: 1_000, http, rateGate: gate });
    await probe('me', {}, z.object({ ok: z.boolean() }), 'read the account').catch(() => {});
    expect(counts).toEqual({ acquired: 1, released: 1 });
  });
});
