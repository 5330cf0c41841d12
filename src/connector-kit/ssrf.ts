import { lookup } from 'node:dns/promises';
import { BlockList, isIP, type Server } from 'node:net';
import { networkInterfaces } from 'node:os';

/**
 * Server-side request forgery guard: platform URLs come from users, so before a connector connects it
 * checks where the host name actually points. Loopback, private, link-local (cloud metadata), carrier
 * NAT, multicast and reserved addresses are refused unless the instance allows private platform URLs
 * (SF_ALLOW_PRIVATE_PLATFORM_URLS, for the simulator and on-premises set-ups). Whatever that setting,
 * this instance's own listening ports on this machine are never a destination (see registerOwnServer).
 *
 * The check resolves the name itself (every address, IPv4 and IPv6) and returns the addresses it
 * checked; the HTTP client (http.ts) then connects to those addresses only, never resolving again, so
 * a name that changes its answer between the check and the connection (DNS rebinding) cannot move the
 * request somewhere the check did not see.
 */
export type Resolver = (host: string) => Promise<string[]>;

export const systemResolver: Resolver = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

export interface AddressPolicy {
  /** SF_ALLOW_PRIVATE_PLATFORM_URLS: private destinations are allowed (names are still resolved once and pinned). */
  allowPrivate: boolean;
  /** DNS resolver (tests inject one); the system resolver by default. */
  resolve?: Resolver | undefined;
}

const blocked = new BlockList();
/** The part of `blocked` that stays out of reach of any host but the platform's own, private URLs allowed or not. */
const hostLocal = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
] as const) {
  hostLocal.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fe80::', 10],
] as const) {
  hostLocal.addSubnet(net, prefix, 'ipv6');
}
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
  return inList(address, blocked);
}

/**
 * True for a loopback, unspecified or link-local (cloud metadata) IP literal: addresses of this machine
 * or its hosting platform, which a redirect may not reach even where private URLs are allowed.
 */
export function isHostLocalAddress(address: string): boolean {
  return inList(address, hostLocal);
}

function inList(address: string, list: BlockList): boolean {
  const a = address
    .replace(/^\[|\]$/g, '')
    .replace(/%.*$/, '')
    .toLowerCase();
  const kind = isIP(a);
  if (kind === 4) return list.check(a, 'ipv4');
  if (kind !== 6) return false;
  // BlockList maps ::ffff:a.b.c.d onto the IPv4 rules itself; other IPv6 forms that carry an IPv4 address are unpacked here.
  if (list.check(a, 'ipv6')) return true;
  const embedded = embeddedIPv4(a);
  return embedded !== null && list.check(embedded, 'ipv4');
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

/** Ports this process listens on (web app, worker metrics): never a destination, whatever the policy. */
const ownPorts = new Map<number, number>();

/**
 * Marks a server of this process as "the product itself": while it listens, no connector request may go
 * to its port on an address of this machine, so a platform (or its redirect) cannot make the product
 * call its own /metrics or /api with the product's network position.
 */
export function registerOwnServer(server: Server): void {
  const add = () => {
    const a = server.address();
    if (!a || typeof a !== 'object') return;
    ownPorts.set(a.port, (ownPorts.get(a.port) ?? 0) + 1);
    server.once('close', () => {
      const n = (ownPorts.get(a.port) ?? 1) - 1;
      if (n <= 0) ownPorts.delete(a.port);
      else ownPorts.set(a.port, n);
    });
  };
  if (server.listening) add();
  else server.once('listening', add);
}

/**
 * A port of this installation that this process does not listen on itself: a worker process marks the
 * web process's port (SF_PORT, from the same environment), which usually runs on the same machine.
 */
export function registerOwnPort(port: number): void {
  if (Number.isInteger(port) && port > 0) ownPorts.set(port, (ownPorts.get(port) ?? 0) + 1);
}

/** Loopback, unspecified, or an address of one of this machine's interfaces. */
function isThisMachine(address: string): boolean {
  if (isHostLocalAddress(address)) return true;
  const a = address
    .replace(/^\[|\]$/g, '')
    .replace(/%.*$/, '')
    .toLowerCase();
  return Object.values(networkInterfaces()).some((list) => (list ?? []).some((i) => i.address.toLowerCase() === a));
}

function portOf(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

function refuseOwnInstance(url: URL, addresses: string[]): void {
  const port = portOf(url);
  if (!ownPorts.has(port)) return;
  const local = addresses.find(isThisMachine);
  if (local)
    throw new BlockedDestinationError(
      `${url.host} (${local}) is this Support Fusion instance itself; the request was not sent. A platform URL or redirect may never point at the product.`,
    );
}

/**
 * The addresses a request to `url` may connect to, after checking every one of them; refuses
 * (BlockedDestinationError) a host that is, or resolves to, an address that must not be reached.
 * Resolver failures are passed on as they are (the caller maps them to a DNS error).
 */
export async function checkDestination(url: URL, policy: AddressPolicy): Promise<string[]> {
  const addresses = await resolveChecked(url, policy);
  refuseOwnInstance(url, addresses);
  return addresses;
}

async function resolveChecked(url: URL, policy: AddressPolicy): Promise<string[]> {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const hint = 'Private, loopback, link-local and metadata addresses are reached only when the instance sets SF_ALLOW_PRIVATE_PLATFORM_URLS=1.';
  if (isIP(host)) {
    if (!policy.allowPrivate && isPrivateAddress(host))
      throw new BlockedDestinationError(`${host} is a private or loopback address; the request was not sent. ${hint}`);
    return [host];
  }
  if (!policy.allowPrivate && (host === 'localhost' || host.endsWith('.localhost')))
    throw new BlockedDestinationError(`${host} is a loopback name; the request was not sent. ${hint}`);
  const addresses = await (policy.resolve ?? systemResolver)(host);
  if (addresses.length === 0) throw new BlockedDestinationError(`${host} resolves to no address; the request was not sent.`);
  const bad = policy.allowPrivate ? undefined : addresses.find(isPrivateAddress);
  if (bad) throw new BlockedDestinationError(`${host} resolves to ${bad}, a private, loopback or link-local address; the request was not sent. ${hint}`);
  return addresses;
}

/** checkDestination without the addresses (callers that only want the verdict). */
export async function assertAllowedDestination(url: URL, policy: AddressPolicy): Promise<void> {
  await checkDestination(url, policy);
}

/**
 * checkDestination with a short per-host memory, so a sync run does not resolve before every request.
 * The remembered addresses are the ones connected to: a change of the name's answer within this time is
 * not followed (and after it, the new answer is checked before it is used).
 */
export function destinationGuard(policy: AddressPolicy, ttlMs = 30_000, now: () => number = Date.now): (url: URL) => Promise<string[]> {
  const verdicts = new Map<string, { until: number; error: Error | null; addresses: string[] }>();
  return async (url) => {
    const key = url.hostname.toLowerCase();
    const cached = verdicts.get(key);
    if (cached && cached.until > now()) {
      if (cached.error) throw cached.error;
      refuseOwnInstance(url, cached.addresses);
      return cached.addresses;
    }
    let addresses: string[];
    try {
      addresses = await resolveChecked(url, policy);
      verdicts.set(key, { until: now() + ttlMs, error: null, addresses });
    } catch (err) {
      if (err instanceof BlockedDestinationError) verdicts.set(key, { until: now() + ttlMs, error: err, addresses: [] });
      throw err;
    }
    refuseOwnInstance(url, addresses);
    return addresses;
  };
}
