/**
 * Platform-neutral retry policy around one HTTP call. It answers three questions: wait and retry,
 * give up with a PlatformError, or hand the response back to the connector (success, or a 4xx the
 * connector turns into its own readable error).
 *
 * - 429: wait `Retry-After` (bounded per wait and in count). The platform did not act, so this is
 *   safe for every method, POST creates included. A Retry-After beyond the bound is not slept on:
 *   the error carries it (`retryAfterMs`) so the engine can reschedule instead of blocking a worker.
 * - 5xx, connection reset, timeout, unreachable: exponential backoff with jitter, bounded attempts,
 *   but only when the caller says the call is idempotent. A POST that created a ticket or note and then
 *   lost its answer must not be sent again blindly: the engine finds it by its marker first
 *   (findTicketByMarker / findCommentByMarker). A refused connection never reached the server, so it
 *   is retried for every method.
 * - Other 4xx: never retried.
 * - Throttle: when `X-RateLimit-Remaining` falls below a fraction of `X-RateLimit-Total`, the next call
 *   waits a little first, so a busy run slows down before it hits 429s.
 */
import { PlatformError } from '../core/connector.ts';
import { NetworkError, type HttpResponse, type NetworkErrorKind } from './http.ts';

export interface RetryPolicy {
  /** Attempts in total for 5xx and network failures (idempotent calls). */
  maxAttempts: number;
  /** How many 429 answers are waited out before giving up. */
  max429Waits: number;
  /** The longest single Retry-After wait; a longer one is returned to the engine as rate_limited. */
  maxRetryAfterMs: number;
  /** Wait after a 429 without Retry-After. */
  default429WaitMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Pause before the next call when remaining/total drops below this fraction. */
  throttleBelow: number;
  throttlePauseMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  max429Waits: 5,
  maxRetryAfterMs: 120_000,
  default429WaitMs: 5_000,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  throttleBelow: 0.05,
  throttlePauseMs: 1_000,
};

export interface RetrierOptions {
  /** Platform name for messages (the manifest's name). */
  platform: string;
  policy?: Partial<RetryPolicy>;
  sleep?: (ms: number) => Promise<void>;
  /** 0 ≤ r < 1; injectable so jitter is deterministic in tests. */
  random?: () => number;
}

export interface CallInfo {
  /** What the call does, as an infinitive: "update ticket 42". Used in messages. */
  what: string;
  /** True when sending the call twice has the same effect as once (GET, PUT of attributes). */
  idempotent: boolean;
}

export interface Retrier {
  /** Runs `send` until it answers with something other than a retryable failure, or the bounds are hit. */
  run(send: () => Promise<HttpResponse>, info: CallInfo): Promise<HttpResponse>;
}

const RETRYABLE_NETWORK: ReadonlySet<NetworkErrorKind> = new Set(['timeout', 'reset', 'unreachable', 'refused']);

export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function createRetrier(options: RetrierOptions): Retrier {
  const policy = { ...DEFAULT_RETRY_POLICY, ...options.policy };
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const name = options.platform;
  let pauseNext = false;

  const backoff = (failures: number) => {
    const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failures - 1));
    return Math.round(cap / 2 + (cap / 2) * random()); // "equal jitter": between half and the full cap
  };

  return {
    async run(send, info) {
      let failures = 0;
      let waits429 = 0;
      for (;;) {
        if (pauseNext) {
          pauseNext = false;
          await sleep(policy.throttlePauseMs);
        }
        let res: HttpResponse;
        try {
          res = await send();
        } catch (err) {
          if (!(err instanceof NetworkError)) throw err;
          failures += 1;
          const retryable = RETRYABLE_NETWORK.has(err.kind) && (info.idempotent || err.kind === 'refused');
          if (!retryable || failures >= policy.maxAttempts) throw networkFailure(err, name, info.what, failures);
          await sleep(backoff(failures));
          continue;
        }
        const { total, remaining } = res.rateLimit;
        if (total !== null && remaining !== null && total > 0 && remaining < total * policy.throttleBelow) pauseNext = true;

        if (res.status === 429) {
          const asked = res.rateLimit.retryAfterSeconds;
          const waitMs = asked !== null && asked >= 0 ? asked * 1000 : policy.default429WaitMs;
          if (waitMs > policy.maxRetryAfterMs || waits429 >= policy.max429Waits) {
            throw new PlatformError(
              'rate_limited',
              `${name}'s API rate limit is used up (while trying to ${info.what}); it asks to wait ${Math.ceil(waitMs / 1000)} s.`,
              {
                status: 429,
                retryAfterMs: waitMs,
              },
            );
          }
          waits429 += 1;
          await sleep(waitMs);
          continue;
        }
        if (res.status >= 500) {
          failures += 1;
          if (!info.idempotent || failures >= policy.maxAttempts) {
            const times = failures > 1 ? ` ${failures} times` : '';
            throw new PlatformError('server', `${name} answered ${res.status} (server error)${times} while trying to ${info.what}.`, { status: res.status });
          }
          const asked = res.rateLimit.retryAfterSeconds;
          await sleep(asked !== null && asked >= 0 && asked * 1000 <= policy.maxRetryAfterMs ? asked * 1000 : backoff(failures));
          continue;
        }
        return res;
      }
    },
  };
}

function networkFailure(err: NetworkError, name: string, what: string, attempts: number): PlatformError {
  const tries = attempts > 1 ? ` (${attempts} attempts)` : '';
  if (err.kind === 'timeout') return new PlatformError('timeout', `${name} did not answer in time while trying to ${what}${tries}: ${err.message}.`);
  if (err.kind === 'too_large') return new PlatformError('unexpected_response', `${name}'s answer was too large while trying to ${what}: ${err.message}.`);
  return new PlatformError('network', `${name} could not be reached while trying to ${what}${tries}: ${err.message}.`);
}
