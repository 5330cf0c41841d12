/**
 * Test Connection's frame, the same on every platform: named checks run in order, each call spends the
 * shared budget like a sync's (but a person is waiting, so a long budget wait fails at once), the first
 * failure ends the test in one of the troubleshooting categories with the platform's hints, and platform
 * trouble is reported, never thrown.
 */
import type { z } from 'zod';
import type { ConnectionCheck, ConnectionTestErrorCode, ConnectionTestResult } from '../core/connection-test.ts';
import type { Classified, FailureWording } from './connection-failures.ts';
import { classifyFailure, notTheApi } from './connection-failures.ts';
import { createHttpClient, NetworkError, type AuthSpec, type HttpClient, type HttpResponse } from './http.ts';
import { budgetNews, type RateWindow } from './platform-api.ts';
import { BudgetUnavailableError, type RateGate, type RateLimitClass, type ReleaseLease } from './rate-gate.ts';
import type { AddressPolicy } from './ssrf.ts';

/** A check failed: the test stops, reporting this. */
export class StepFailed extends Error {
  constructor(readonly classified: Classified) {
    super(classified.message);
  }
}

/** The options every platform's Test Connection takes. */
export interface ConnectionTestOptions {
  timeoutMs: number;
  http?: HttpClient;
  addressPolicy?: AddressPolicy;
  /** Each call spends the budget of `budgetAccount` (the host when unset) like any other platform call. */
  rateGate?: RateGate;
  budgetAccount?: string;
  /** A person is waiting: a budget wait longer than this fails the step as rate_limited (default 10 s). */
  maxBudgetWaitMs?: number;
}

export interface ProbeSpec {
  wording: FailureWording;
  /** The platform id, naming its calls in metrics like a sync's. */
  platform: string;
  baseUrl: string;
  auth: AuthSpec;
  /** Said when the budget has no room now: whose budget it is ("this account's"), and what was fine until then. */
  budgetUsedUp(err: BudgetUnavailableError): string;
  /** When set, answers are reported to the shared budget (see platform-api.ts), a 429 always. */
  rateWindow?: RateWindow;
  /** The sub-limit a call counts against, if any. */
  limitClassOf?(path: string): RateLimitClass | undefined;
}

export type Probe = <T extends z.ZodTypeAny>(path: string, query: Record<string, string | number>, schema: T, what: string) => Promise<z.infer<T>>;

/** A GET for the test: its parsed answer, or a StepFailed saying what the failure means. */
export function connectionProbe(spec: ProbeSpec, opts: ConnectionTestOptions): Probe {
  const account = opts.budgetAccount ?? new URL(spec.baseUrl).host;
  const http =
    opts.http ??
    createHttpClient({
      baseUrl: spec.baseUrl,
      platform: spec.platform,
      auth: spec.auth,
      timeoutMs: opts.timeoutMs,
      maxBodyBytes: 5 * 1024 * 1024,
      ...(opts.addressPolicy ? { addressPolicy: opts.addressPolicy } : {}),
    });
  const gate = opts.rateGate;
  return async (path, query, schema, what) => {
    let release: ReleaseLease | void;
    try {
      release = await gate?.acquire(account, 1, undefined, spec.limitClassOf?.(path), { maxWaitMs: opts.maxBudgetWaitMs ?? 10_000 });
    } catch (err) {
      if (err instanceof BudgetUnavailableError) throw new StepFailed({ code: 'rate_limited', message: spec.budgetUsedUp(err) });
      throw err;
    }
    let res: HttpResponse;
    try {
      res = await http.request('GET', path, { query });
    } catch (err) {
      if (err instanceof NetworkError) throw new StepFailed(classifyFailure(err, what, spec.wording));
      throw err;
    } finally {
      // A concurrency lease (when the gate caps requests in flight) ends with the request, whatever happened.
      await release?.().catch(() => {});
    }
    if (gate && spec.rateWindow) {
      const news = budgetNews(res, spec.rateWindow) ?? (res.status === 429 ? budgetNews(res, 'burst') : null);
      if (news) await gate.observe(account, news).catch(() => {});
    }
    if (res.status !== 200) throw new StepFailed(classifyFailure(res, what, spec.wording));
    const parsed = schema.safeParse(res.json);
    if (!parsed.success) throw new StepFailed(notTheApi(what, spec.wording));
    return parsed.data;
  };
}

export type ConnectionTestSuccess = Omit<Extract<ConnectionTestResult, { ok: true }>, 'checks'>;

/** The checks of one test, in order: each skipped until it passes or fails. */
export class ConnectionSteps<Id extends string> {
  readonly checks: ConnectionCheck[];
  private current: Id;

  constructor(steps: ReadonlyArray<{ id: Id; label: string }>) {
    this.checks = steps.map((s) => ({ id: s.id, label: s.label, status: 'skipped' }));
    this.current = steps[0]!.id;
  }

  /** A failure from now on is this check's. */
  at(id: Id): void {
    this.current = id;
  }

  pass(id: Id, detail?: string): void {
    const c = this.checks.find((x) => x.id === id)!;
    c.status = 'passed';
    if (detail) c.detail = detail;
  }

  /**
   * The first call, which also proves the address: any answer but a reach failure (an authentication or
   * permission answer included) passes the first check, with `detail`, and makes the second one current.
   */
  async reach<T>(next: Id, detail: string, call: () => Promise<T>): Promise<T> {
    const first = this.current;
    try {
      const answer = await call();
      this.pass(first, detail);
      this.at(next);
      return answer;
    } catch (err) {
      if (err instanceof StepFailed && !isReachFailure(err.classified)) {
        this.pass(first, detail);
        this.at(next);
      }
      throw err;
    }
  }

  /** Runs the test: its success, or the failed check and category, with the platform's hints for it. */
  async run(hints: Record<ConnectionTestErrorCode, string[]>, test: () => Promise<ConnectionTestSuccess>): Promise<ConnectionTestResult> {
    try {
      return { ...(await test()), checks: this.checks };
    } catch (err) {
      if (!(err instanceof StepFailed)) throw err;
      const c = this.checks.find((x) => x.id === this.current)!;
      c.status = 'failed';
      c.detail = err.classified.message;
      return { ok: false, error: { ...err.classified, hints: hints[err.classified.code] }, checks: this.checks };
    }
  }
}

function isReachFailure(c: Classified): boolean {
  return c.code === 'connection_timeout' || c.code === 'connection_refused' || c.code === 'invalid_api_url';
}
