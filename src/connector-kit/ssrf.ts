import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Server-side request forgery guard: platform URLs come from users, so before a connector connects it
 * checks where the host name actually points. Loopback, private, link-local (cloud metadata), carrier
 * NAT, multicast and reserved addresses are refused unless the instance allows private platform URLs
 * (SF_ALLOW_PRIVATE_PLATFORM_URLS, for the simulator and on-premises set-ups).
 *
 * The check resolves the name itself (every address, IPv4 and IPv6) just before the request; fetch then
 * resolves again. That closes names that point inside (split-horizon or wildcard DNS, typos into an
 * internal zone) and narrows DNS rebinding to a change within the cache time below, without claiming to
 * close it: see SECURITY.md.
 */
export type Resolver = (host: string) => Promise<string[]>;

export const systemResolver: Resolver = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

export interface AddressPolicy {
  /** SF_ALLOW_PRIVATE_PLATFORM_URLS: private destinations are allowed (no check at all). */
  allowPrivate: boolean;
  /** DNS resolver (tests inject one); the system resolver by default. */
  resolve?: Resolver | undefined;
}

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local: cloud metadata (169.254.169.254)
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128],
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

/** True for an IP literal (brackets allowed) that must not be reached from here; false for public addresses and non-IPs. */
export function isPrivateAddress(address: string): boolean {
  const a = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '').toLowerCase();
  const kind = isIP(a);
  if (kind === 4) return blocked.check(a, 'ipv4');
  if (kind !== 6) return false;
  // BlockList maps ::ffff:a.b.c.d onto the IPv4 rules itself; other IPv6 forms that carry an IPv4 address are unpacked here.
  if (blocked.check(a, 'ipv6')) return true;
  const embedded = embeddedIPv4(a);
  return embedded !== null && blocked.check(embedded, 'ipv4');
}

/** The IPv4 address inside an IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96) or 6to4 (2002::/16) address. */
function embeddedIPv4(v6: string): string | null {
  const h = expandIPv6(v6);
  if (!h) return null;
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  if (h.slice(0, 6).every((x) => x === 0)) return v4(h[6]!, h[7]!);
  if (h[0] === 0x64 && h[1] === 0xff9b && h.slice(2, 6).every((x) => x === 0)) return v4(h[6]!, h[7]!);
  if (h[0] === 0x2002) return v4(h[1]!, h[2]!);
  return null;
}

function expandIPv6(v6: string): number[] | null {
  let s = v6;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted?.[1]) {
    const [a = 0, b = 0, c = 0, d = 0] = dotted[1].split('.').map(Number);
    s = `${s.slice(0, -dotted[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = s.split('::');
  const part = (x: string) => (x === '' ? [] : x.split(':').map((g) => parseInt(g, 16)));
  const left = part(head);
  const right = tail === undefined ? [] : part(tail);
  const fill = 8 - left.length - right.length;
  if (fill < 0 || (tail === undefined && fill !== 0)) return null;
  const out = [...left, ...Array<number>(fill).fill(0), ...right];
  return out.every((x) => Number.isInteger(x) && x >= 0 && x <= 0xffff) ? out : null;
}

export class BlockedDestinationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BlockedDestinationError';
  }
}

/**
 * Refuses (BlockedDestinationError) a URL whose host is, or resolves to, an address that must not be
 * reached; resolver failures are passed on as they are (the caller maps them to a DNS error).
 */
export async function assertAllowedDestination(url: URL, policy: AddressPolicy): Promise<void> {
  if (policy.allowPrivate) return;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const hint = 'Private, loopback, link-local and metadata addresses are reached only when the instance sets SF_ALLOW_PRIVATE_PLATFORM_URLS=1.';
  if (host === 'localhost' || host.endsWith('.localhost')) throw new BlockedDestinationError(`${host} is a loopback name; the request was not sent. ${hint}`);
  if (isIP(host)) {
    if (isPrivateAddress(host)) throw new BlockedDestinationError(`${host} is a private or loopback address; the request was not sent. ${hint}`);
    return;
  }
  const addresses = await (policy.resolve ?? systemResolver)(host);
  if (addresses.length === 0) throw new BlockedDestinationError(`${host} resolves to no address; the request was not sent.`);
  const bad = addresses.find(isPrivateAddress);
  if (bad) throw new BlockedDestinationError(`${host} resolves to ${bad}, a private, loopback or link-local address; the request was not sent. ${hint}`);
}

/** assertAllowedDestination with a short per-host memory, so a sync run does not resolve before every request. */
export function destinationGuard(policy: AddressPolicy, ttlMs = 30_000, now: () => number = Date.now): (url: URL) => Promise<void> {
  const verdicts = new Map<string, { until: number; error: Error | null }>();
  return async (url) => {
    if (policy.allowPrivate) return;
    const key = url.hostname.toLowerCase();
    const cached = verdicts.get(key);
    if (cached && cached.until > now()) {
      if (cached.error) throw cached.error;
      return;
    }
    try {
      await assertAllowedDestination(url, policy);
      verdicts.set(key, { until: now() + ttlMs, error: null });
    } catch (err) {
      if (err instanceof BlockedDestinationError) verdicts.set(key, { until: now() + ttlMs, error: err });
      throw err;
    }
  };
}
