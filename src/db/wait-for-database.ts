/**
 * Start-up against a database that is not up yet (a compose stack starting together, a database restart):
 * instead of exiting at once, try again with a growing delay for at most `waitSeconds`, saying so in the log.
 * Only failures that mean "nobody answers yet" are retried; a wrong password or a newer schema stops at once.
 */
export interface WaitOptions {
  /** Give up after this long (SF_DATABASE_WAIT_SECONDS); 0: one attempt. */
  waitSeconds: number;
  log: (msg: string, data: Record<string, unknown>) => void;
  /** First delay; it doubles up to `maxDelayMs`. */
  firstDelayMs?: number;
  maxDelayMs?: number;
}

/** Error codes of a server that is not (yet) reachable or not accepting connections. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  '57P03', // cannot_connect_now: the server is starting up or shutting down
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
]);

export function isUnreachable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return true;
    const message = (e as { message?: unknown }).message;
    if (
      typeof message === 'string' &&
      /Connection terminated|timeout expired while connecting|the database system is (starting up|shutting down)/i.test(message)
    )
      return true;
    // AggregateError (a host name with several addresses, all refusing).
    const inner = (e as { errors?: unknown[] }).errors;
    if (Array.isArray(inner) && inner.some((x) => isUnreachable(x))) return true;
  }
  return false;
}

export async function waitForDatabase<T>(attempt: () => Promise<T>, opts: WaitOptions): Promise<T> {
  const deadline = Date.now() + opts.waitSeconds * 1000;
  let delay = opts.firstDelayMs ?? 500;
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      const left = deadline - Date.now();
      if (!isUnreachable(err) || left <= 0) {
        if (n > 1 && isUnreachable(err)) {
          throw new Error(`the database was still unreachable after ${opts.waitSeconds} s (SF_DATABASE_WAIT_SECONDS): ${(err as Error).message}`, {
            cause: err,
          });
        }
        throw err;
      }
      const wait = Math.min(delay, left);
      opts.log('database not reachable yet; trying again', {
        attempt: n,
        retryInMs: wait,
        givesUpInSeconds: Math.ceil(left / 1000),
        error: (err as Error).message,
      });
      await new Promise((r) => setTimeout(r, wait));
      delay = Math.min(delay * 2, opts.maxDelayMs ?? 5_000);
    }
  }
}
