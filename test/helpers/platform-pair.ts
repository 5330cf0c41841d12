/**
 * Two organisations on two (possibly different) platforms, each platform a conformance harness's simulator,
 * connected through the real API: what engine, API and browser tests between platforms start from.
 */
import type { PlatformHarness, SimHandle } from '../conformance/harness.ts';
import { loadHarnesses } from '../conformance/platforms/index.ts';
import { signUpAndLogIn, startStack, type TestStack } from './stack.ts';

export type Side = 'source' | 'target';

const harnesses = await loadHarnesses();

export function harnessFor(id: string): PlatformHarness {
  const h = harnesses.find((x) => x.platform === id);
  if (!h) throw new Error(`no conformance harness for ${id}`);
  return h;
}

/** The JSON of an answer that must have this status; anything else throws with the body. */
export async function expectJson(r: Promise<{ statusCode: number; body: string; json(): any }>, status: number) {
  const res = await r;
  if (res.statusCode !== status) throw new Error(`expected ${status}, got ${res.statusCode}: ${res.body}`);
  return res.json();
}

export interface PlatformPair {
  stack: TestStack;
  sims: Record<Side, SimHandle>;
  /** Each organisation's session headers, and its session token (for a browser's cookie). */
  auth: Record<Side, Record<string, string>>;
  tokens: Record<Side, string>;
  connectionId: string;
  close(): Promise<void>;
}

/**
 * Starts both simulators and a stack (`listen`: on a port, for a browser), saves each side's admin account in
 * Settings, and connects the two organisations (the source creates, the target accepts).
 */
export async function startPlatformPair(platforms: Record<Side, string>, opts: { contractName: string; listen?: boolean }): Promise<PlatformPair> {
  const [source, target, stack] = await Promise.all([
    harnessFor(platforms.source).start(),
    harnessFor(platforms.target).start(),
    startStack({ listen: opts.listen ?? false }),
  ]);
  const sims: Record<Side, SimHandle> = { source, target };
  const auth = {} as Record<Side, Record<string, string>>;
  const tokens = {} as Record<Side, string>;
  const close = async () => {
    await Promise.allSettled([stack.close(), source.close(), target.close()]);
  };
  try {
    for (const side of ['source', 'target'] as const) {
      const who = await signUpAndLogIn(stack.app);
      auth[side] = who.auth;
      tokens[side] = who.token;
      const creds = sims[side].credentials('admin');
      await expectJson(
        stack.app.inject({
          method: 'PUT',
          url: '/api/v1/platform',
          headers: auth[side],
          payload: { platform: platforms[side], apiUrl: creds.apiUrl, credentials: creds.fields },
        }),
        200,
      );
    }
    const created = await expectJson(
      stack.app.inject({ method: 'POST', url: '/api/v1/connections', headers: auth.source, payload: { role: 'source', contractName: opts.contractName } }),
      201,
    );
    await expectJson(
      stack.app.inject({ method: 'POST', url: '/api/v1/connections/accept', headers: auth.target, payload: { verificationCode: created.verificationCode } }),
      200,
    );
    return { stack, sims, auth, tokens, connectionId: created.id as string, close };
  } catch (err) {
    await close();
    throw err;
  }
}
