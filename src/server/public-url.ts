import { isIP } from 'node:net';
import { isPrivateAddress } from '../connector-kit/ssrf.ts';

/** Names that only a local network (or this machine) resolves: a platform in the cloud cannot. */
const LOCAL_SUFFIXES = ['.localhost', '.local', '.internal', '.lan', '.home.arpa', '.intranet', '.corp'];

/**
 * Why the platform (in the cloud; `platformName`, "The platform" when unset) cannot call a webhook URL
 * with this base, or null when it may.
 * Judged from the address as written, without resolving it: a public name pointing at a private address
 * is not caught, and a loopback base is flagged even behind a tunnel (SF_PUBLIC_URL names the tunnel).
 */
export function webhookBaseProblem(base: string, opts: { fromPublicUrl: boolean; platformName?: string }): string | null {
  const platform = opts.platformName ?? 'The platform';
  let host: string;
  try {
    host = new URL(base).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return `${base} is not a URL. Set SF_PUBLIC_URL to the address ${platform} reaches this server at.`;
  }
  const fix = opts.fromPublicUrl
    ? 'Set SF_PUBLIC_URL to a public address of this server (e.g. https://sync.example.com) and restart it.'
    : 'This URL comes from the address you opened Support Fusion at; set SF_PUBLIC_URL to a public address of this server (e.g. https://sync.example.com) and restart it.';
  const why = reason(host);
  return why ? `${platform} cannot reach this URL: ${why}. ${fix}` : null;
}

function reason(host: string): string | null {
  if (isIP(host)) {
    if (isPrivateAddress(host)) return `${host} is a loopback or private address`;
    return null;
  }
  if (host === 'localhost' || LOCAL_SUFFIXES.some((s) => host.endsWith(s))) return `${host} is a name only this machine or its local network knows`;
  if (!host.includes('.')) return `${host} is a name without a domain, known only on a local network`;
  return null;
}
