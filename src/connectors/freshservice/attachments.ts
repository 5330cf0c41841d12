import { isIP } from 'node:net';
import { isHostLocalAddress, isPrivateAddress as isBlockedAddress, systemResolver, type Resolver } from '../../connector-kit/ssrf.ts';
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
 * Freshservice itself named in an attachment_url. From a public API host, never to a private address.
 * From a private one (SF_ALLOW_PRIVATE_PLATFORM_URLS: the simulator, a test set-up), a named attachment
 * host may be on the private network but never on loopback, link-local or metadata addresses (this
 * machine, its cloud's metadata service); only the platform's own host may be there. Whatever this
 * says, the HTTP client refuses this instance's own ports (ssrf.ts registerOwnServer) and connects only
 * to the addresses it checked.
 */
export async function redirectProblem(target: URL, base: URL, trustedHosts: ReadonlySet<string>, resolve: Resolver = systemResolver): Promise<string | null> {
  if (target.protocol !== 'https:' && target.protocol !== 'http:') return `it uses ${target.protocol}`;
  if (target.username || target.password) return 'it carries credentials';
  const host = target.hostname.toLowerCase();
  // Another port is another server, whatever the host name: a host counts only on the port it was named with
  // (the API's own, or the standard one of an attachment host; attachment_url hosts are kept without ports).
  const ownHost = target.host.toLowerCase() === base.host.toLowerCase();
  if (!ownHost && !trustedHosts.has(host))
    return host === base.hostname.toLowerCase()
      ? `${target.host} is another port of the Freshservice host, not the API itself`
      : `${host} is neither the Freshservice host nor an attachment host Freshservice named`;
  const privateBase = isPrivateAddress(base.hostname);
  if (privateBase && ownHost) return null;
  const refused = privateBase ? isHostLocalAddress : isPrivateAddress;
  const kind = privateBase ? 'a loopback, link-local or metadata address' : 'a private address';
  const bare = host.replace(/^\[|\]$/g, '');
  if (refused(bare) || (privateBase && (bare === 'localhost' || bare.endsWith('.localhost')))) return `${host} is ${kind}`;
  if (isIP(bare) === 0) {
    let addresses: string[];
    try {
      addresses = await resolve(host);
    } catch {
      return `${host} could not be resolved`;
    }
    if (addresses.some(refused)) return `${host} resolves to ${kind}`;
  }
  if (!ownHost && target.port !== '') return `${target.host} is not the standard port of the attachment host Freshservice named`;
  return null;
}

export interface DownloadOptions {
  /** DNS resolver for the redirect check (tests); the system resolver by default. */
  resolve?: Resolver | undefined;
  /** Bytes this file may have, counted as they arrive; the download stops past them. */
  maxBytes?: number;
}

/**
 * GET /attachments/{id}: the bytes directly (as the simulator answers), or one redirect to the signed
 * storage URL (as the real API does), followed without the API key (another origin never gets it).
 * The file is held in memory (it is uploaded whole), so it is read only up to `maxBytes`: a platform that
 * declares a small size and streams far more (or declares none) has its download stopped at the bound.
 */
export async function downloadAttachment(
  api: FreshserviceApi,
  att: RemoteAttachment,
  trustedHosts: ReadonlySet<string>,
  opts: DownloadOptions = {},
): Promise<FileContent> {
  if (!/^\d+$/.test(att.id)) throw new PlatformError('not_found', `"${att.id}" is not a Freshservice attachment id.`);
  const what = `download attachment ${att.id} (${att.name})`;
  const max = Math.min(opts.maxBytes ?? MAX_TICKET_ATTACHMENT_BYTES, MAX_TICKET_ATTACHMENT_BYTES);
  const limit = `${Math.round((max / 1048576) * 10) / 10} MB`;
  if (att.size > max) {
    throw new PlatformError(
      'validation',
      `Attachment ${att.name} is ${att.size} bytes, more than the ${limit} copied per file (SF_MAX_ATTACHMENT_MB, at most Freshservice's 40 MB per ticket); it is not copied.`,
    );
  }
  const bound = { responseType: 'bytes' as const, maxBodyBytes: max };
  const path = `/attachments/${att.id}`;
  const tooLarge = (err: unknown) => {
    if (err instanceof PlatformError && err.kind === 'unexpected_response' && /too large/.test(err.message)) {
      return new PlatformError(
        'validation',
        `Attachment ${att.name} sent more than the ${limit} copied per file (SF_MAX_ATTACHMENT_MB) although it declared ${att.size} bytes; the download was stopped there and the file is not copied.`,
      );
    }
    return err;
  };
  try {
    let res = (await api.raw('GET', path, { what, ...bound }))!;
    if (res.status >= 300 && res.status < 400) {
      const location = res.headers.get('location');
      if (!location)
        throw new PlatformError('unexpected_response', `Freshservice redirected GET /api/v2${path} without a Location while trying to ${what}.`, {
          status: res.status,
        });
      const requestUrl = new URL(`${api.baseUrl.toString().replace(/\/$/, '')}${path}`);
      const target = new URL(location, requestUrl);
      const problem = await redirectProblem(target, api.baseUrl, trustedHosts, opts.resolve);
      if (problem)
        throw new PlatformError(
          'unexpected_response',
          `Freshservice redirected the download of attachment ${att.id} to ${target.origin}, which is not followed: ${problem}.`,
          { status: res.status },
        );
      res = (await api.raw('GET', target.toString(), { what, ...bound }))!;
      if (res.status >= 300 && res.status < 400)
        throw new PlatformError('unexpected_response', `The download of attachment ${att.id} was redirected twice; only one redirect is followed.`, {
          status: res.status,
        });
    }
    const data = res.bytes ?? new Uint8Array();
    const contentType = res.headers.get('content-type')?.split(';')[0]?.trim() || att.contentType;
    return { name: att.name, contentType: att.contentType || contentType, data };
  } catch (err) {
    throw tooLarge(err);
  }
}
