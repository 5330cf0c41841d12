import { realSleep } from './retry.ts';

/**
 * A sleep that ends early, rejecting with the signal's reason, when the signal aborts: a run past its time
 * limit must not sit out a Retry-After or a budget wait first.
 */
export function abortableSleep(signal: AbortSignal | undefined, base: (ms: number) => Promise<void> = realSleep): (ms: number) => Promise<void> {
  if (!signal) return base;
  return (ms) =>
    new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const timer = setTimeout(done, ms);
      function done() {
        signal!.removeEventListener('abort', onAbort);
        resolve();
      }
      function onAbort() {
        clearTimeout(timer);
        reject(signal!.reason);
      }
      signal.addEventListener('abort', onAbort, { once: true });
    });
}
