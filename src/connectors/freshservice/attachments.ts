import { isIP } from 'node:net';
import { isPrivateAddress as isBlockedAddress, systemResolver, type Resolver } from '../../connector-kit/ssrf.ts';
import { PlatformError, type FileContent, type RemoteAttachment } from '../../core/connector.ts';
import type { FreshserviceApi } from './api.ts';
import { isPrivateHost } from './api-url.ts';

/** Freshservice allows 40 MB of attachments per ticket (ticket + conversations) [spec 6.3]. */
export const MAX_TICKET_ATTACHMENT_BYTES = 40 * 1024 * 1024;

export type { Resolver };

/** An IP literal in a range that must not be reached (ssrf.ts), localhost, or a single-label name. */
function isPrivateAddress(host: string): boolean {
  return isBlockedAddress(host) || isPrivateHost(host.toLowerCase());
}

/**
 * May a download follow this redirect? Only to http(s), only to the API's own host or a host that
 * Freshservice itself named in an attachment_url, and never to a private address unless the API base
 * URL is private too (the simulator, a test set-up). Host names are resolved and every address is
 * checked; this narrows DNS tricks without claiming to close them (fetch resolves again).
 */
export async function redirectProblem(target: URL, base: URL, trustedHosts: ReadonlySet<string>, resolve: Resolver = systemResolver): Promise<string | null> {
  if (target.protocol !== 'https:' && target.protocol !== 'http:') return `it uses ${target.protocol}`;
  if (target.username || target.password) return 'it carries credentials';
  const host = target.hostname.toLowerCase();
  if (host !== base.hostname.toLowerCase() && !trustedHosts.has(host)) return `${host} is neither the Freshservice host nor an attachment host Freshservice named`;
  if (isPrivateAddress(base.hostname)) return null;
  if (isPrivateAddress(host)) return `${host} is a private address`;
  if (isIP(host.replace(/^\[|\]$/g, '')) === 0) {
    let addresses: string[];
    try {
      addresses = await resolve(host);
    } catch {
      return `${host} could not be resolved`;
    }
    if (addresses.some(isPrivateAddress)) return `${host} resolves to a private address`;
  }
  return null;
}

/**
 * GET /attachments/{id}: the bytes directly (as the simulator answers), or one redirect to the signed
 * storage URL (as the real API does), followed without the API key (another origin never gets it).
 */
export async function downloadAttachment(api: FreshserviceApi, att: RemoteAttachment, trustedHosts: ReadonlySet<string>, resolve?: Resolver): Promise<FileContent> {
  if (!/^\d+$/.test(att.id)) throw new PlatformError('not_found', `"${att.id}" is not a Freshservice attachment id.`);
  const what = `download attachment ${att.id} (${att.name})`;
  if (att.size > MAX_TICKET_ATTACHMENT_BYTES) {
    throw new PlatformError('validation', `Attachment ${att.name} is ${att.size} bytes, more than Freshservice's 40 MB per ticket; it is not copied.`);
  }
  const bound = { responseType: 'bytes' as const, maxBodyBytes: MAX_TICKET_ATTACHMENT_BYTES + 1024 * 1024 };
  const path = `/attachments/${att.id}`;
  let res = (await api.raw('GET', path, { what, ...bound }))!;
  if (res.status >= 300 && res.status < 400) {
    const location = res.headers.get('location');
    if (!location) throw new PlatformError('unexpected_response', `Freshservice redirected GET /api/v2${path} without a Location while trying to ${what}.`, { status: res.status });
    const requestUrl = new URL(`${api.baseUrl.toString().replace(/\/$/, '')}${path}`);
    const target = new URL(location, requestUrl);
    const problem = await redirectProblem(target, api.baseUrl, trustedHosts, resolve);
    if (problem) throw new PlatformError('unexpected_response', `Freshservice redirected the download of attachment ${att.id} to ${target.origin}, which is not followed: ${problem}.`, { status: res.status });
    res = (await api.raw('GET', target.toString(), { what, ...bound }))!;
    if (res.status >= 300 && res.status < 400) throw new PlatformError('unexpected_response', `The download of attachment ${att.id} was redirected twice; only one redirect is followed.`, { status: res.status });
  }
  const data = res.bytes ?? new Uint8Array();
  const contentType = res.headers.get('content-type')?.split(';')[0]?.trim() || att.contentType;
  return { name: att.name, contentType: att.contentType || contentType, data };
}
