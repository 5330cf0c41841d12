import { isIP } from 'node:net';
import { PlatformError, type FileContent, type RemoteAttachment } from '../../core/connector.ts';
import { MAX_FILES_PER_WRITE_BYTES } from '../../connector-kit/limits.ts';
import type { JiraApi } from './api.ts';
import { isPrivateHost } from './api-url.ts';
import { jiraManifest } from './manifest.ts';
import { toRemoteAttachment } from './mapping.ts';
import { AttachmentList } from './payloads.ts';

/** Atlassian's media service, where attachment content redirects to [§10]. */
const MEDIA_HOST = /(^|\.)media\.atlassian\.com$/;

/**
 * May a download follow this redirect? Only over http(s) without credentials, and only to the site's own
 * host or Atlassian's media hosts; from a public site never to a private address literal (the HTTP
 * client's address policy checks resolved names too).
 */
export function redirectProblem(target: URL, site: URL): string | null {
  if (target.protocol !== 'https:' && target.protocol !== 'http:') return `it uses ${target.protocol}`;
  if (target.username || target.password) return 'it carries credentials';
  const host = target.hostname.toLowerCase();
  // Another port is another server, whatever the host name: the site counts only on its own port.
  if (target.host.toLowerCase() === site.host.toLowerCase()) return null;
  if (host === site.hostname.toLowerCase()) return `${target.host} is another port of the Jira site, not the site itself`;
  if (!MEDIA_HOST.test(host)) return `${host} is neither the Jira site nor Atlassian's media service`;
  if (target.protocol !== 'https:') return 'the media service is reached over HTTPS only';
  if (isIP(host.replace(/^\[|\]$/g, '')) !== 0 || isPrivateHost(host)) return `${host} is a private address`;
  return null;
}

/** `GET /attachment/content/{id}`: a 303 to the media service (followed once, without credentials) or the bytes. */
export async function downloadAttachment(api: JiraApi, att: RemoteAttachment, maxBytes: number): Promise<FileContent> {
  if (!/^\d+$/.test(att.id)) throw new PlatformError('not_found', `"${att.id}" is not a Jira attachment id.`);
  const what = `download attachment ${att.id} (${att.name})`;
  const limit = `${Math.round((maxBytes / 1048576) * 10) / 10} MB`;
  if (att.size > maxBytes)
    throw new PlatformError(
      'validation',
      `Attachment ${att.name} is ${att.size} bytes, more than the ${limit} copied per file (SF_MAX_ATTACHMENT_MB); it is not copied.`,
    );
  const bound = { responseType: 'bytes' as const, maxBodyBytes: maxBytes };
  const path = `/rest/api/3/attachment/content/${att.id}`;
  try {
    let res = (await api.raw('GET', path, { what, ...bound }))!;
    if (res.status >= 300 && res.status < 400) {
      const location = res.headers.get('location');
      if (!location)
        throw new PlatformError('unexpected_response', `Jira redirected ${path} without a Location while trying to ${what}.`, { status: res.status });
      const target = new URL(location, new URL(path, api.baseUrl));
      const problem = redirectProblem(target, api.baseUrl);
      if (problem)
        throw new PlatformError(
          'unexpected_response',
          `Jira redirected the download of attachment ${att.id} to ${target.origin}, which is not followed: ${problem}.`,
          {
            status: res.status,
          },
        );
      res = (await api.raw('GET', target.toString(), { what, ...bound }))!;
      if (res.status >= 300 && res.status < 400)
        throw new PlatformError('unexpected_response', `The download of attachment ${att.id} was redirected twice; only one redirect is followed.`, {
          status: res.status,
        });
    }
    const contentType = att.contentType || res.headers.get('content-type')?.split(';')[0]?.trim() || 'application/octet-stream';
    return { name: att.name, contentType, data: res.bytes ?? new Uint8Array() };
  } catch (err) {
    if (err instanceof PlatformError && err.kind === 'unexpected_response' && /too large/.test(err.message))
      throw new PlatformError(
        'validation',
        `Attachment ${att.name} sent more than the ${limit} copied per file although it declared ${att.size} bytes; it is not copied.`,
      );
    throw err;
  }
}

/** Multipart `file` parts with `X-Atlassian-Token: no-check` (api.ts adds it to every write) [§10]. */
export async function uploadAttachments(api: JiraApi, issueId: string, files: FileContent[]): Promise<RemoteAttachment[]> {
  if (files.length === 0) return [];
  const total = files.reduce((n, f) => n + f.data.byteLength, 0);
  if (total > MAX_FILES_PER_WRITE_BYTES)
    throw new PlatformError('validation', `The files add up to ${total} bytes, more than the 40 MB sent to Jira in one write.`);
  const max = jiraManifest.capabilities.attachments.maxBytes;
  const huge = files.find((f) => f.data.byteLength > max);
  if (huge)
    throw new PlatformError(
      'validation',
      `${huge.name} is ${huge.data.byteLength} bytes, more than the ${Math.round(max / 1048576)} MB per file sent to Jira; it is not attached.`,
    );
  if (files.length > 60) throw new PlatformError('validation', `${files.length} files at once: Jira takes at most 60 per upload.`);
  const form = new FormData();
  for (const f of files) form.append('file', new Blob([new Uint8Array(f.data)], { type: f.contentType || 'application/octet-stream' }), f.name);
  const list = await api.json('POST', `/rest/api/3/issue/${encodeURIComponent(issueId)}/attachments`, AttachmentList, {
    what: `attach ${files.length} file${files.length > 1 ? 's' : ''} to issue ${issueId}`,
    form,
    idempotent: false,
  });
  return list.map(toRemoteAttachment);
}
