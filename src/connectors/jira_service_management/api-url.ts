import { isIP } from 'node:net';
import type { ApiUrlResult, CredentialsResult } from '../platform-definition.ts';

const SITE_HOST = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.atlassian\.net$/;
const BARE_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
/**
 * Paths people paste from the browser or from API docs: the site is what is left. Jira adds its own
 * paths (/rest/api/3, /rest/servicedeskapi), so any of these is dropped rather than refused.
 */
const PASTED_PATH = /^\/(?:jira|browse|rest|servicedesk|secure|projects|issues|plugins|login\.jsp|dashboard)(?:[/?#.]|$)/i;
const PRIVATE_HINT = 'Plain http and private or loopback addresses are accepted only when the instance sets SF_ALLOW_PRIVATE_PLATFORM_URLS=1.';
const EXAMPLE = 'https://yourcompany.atlassian.net';

/**
 * What a user pasted → the Jira site URL (scheme + host), or what is wrong. Only `<site>.atlassian.net`
 * is accepted (the SSRF rule: the field cannot reach internal addresses), unless the instance allows
 * private addresses (tests, the simulator).
 */
export function normaliseApiUrl(input: string, opts: { allowPrivate: boolean }): ApiUrlResult {
  const raw = input.trim();
  if (raw === '') return fail(`Enter your Jira site URL, e.g. ${EXAMPLE}.`);
  if (raw.length > 2048) return fail(`The URL is too long; enter only ${EXAMPLE}.`);
  if (/[\s\u0000-\u001f\u007f\u200b-\u200f\u2060\ufeff]/.test(raw)) return fail('The URL contains spaces or invisible characters; remove them.');
  let candidate = raw;
  if (BARE_NAME.test(raw) && !/^localhost$/i.test(raw)) candidate = `https://${raw.toLowerCase()}.atlassian.net`;
  else if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) candidate = `https://${raw}`;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return fail(`"${raw}" is not a valid URL. Use the address of your Jira site, e.g. ${EXAMPLE}.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return fail(`The URL must start with https:// (got ${url.protocol}//).`);
  if (url.username || url.password) return fail('Remove the user name or password from the URL; the e-mail and API token are entered separately.');
  const host = url.hostname.toLowerCase();
  const privateAllowed = opts.allowPrivate && isPrivateHost(host);
  if (!SITE_HOST.test(host) && !privateAllowed) return fail(explainForeignHost(host, opts.allowPrivate));
  const path = url.pathname;
  const pasted = PASTED_PATH.test(path);
  if (path !== '/' && path !== '' && !pasted) return fail(`Remove the path "${path}"; enter only ${EXAMPLE}.`);
  if (!pasted && (url.search || url.hash)) return fail(`Remove the part after "?" or "#"; enter only ${EXAMPLE}.`);
  if (privateAllowed) return { ok: true, url: `${url.protocol}//${url.host.toLowerCase()}` };
  if (url.protocol !== 'https:' && !opts.allowPrivate) return fail(`Jira Cloud answers only over HTTPS: use https://${host}. ${PRIVATE_HINT}`);
  if (url.port && !opts.allowPrivate) return fail(`Remove the port ":${url.port}"; Jira Cloud is reached on the standard HTTPS port.`);
  return { ok: true, url: `${url.protocol}//${url.host.toLowerCase()}` };
}

function fail(message: string): ApiUrlResult {
  return { ok: false, message };
}

function explainForeignHost(host: string, allowPrivate: boolean): string {
  if (host === 'api.atlassian.com')
    return `api.atlassian.com is Atlassian's OAuth gateway; enter your site's own address (${EXAMPLE}) and an API token of the integration account.`;
  if (host === 'id.atlassian.com' || host === 'admin.atlassian.com' || host === 'start.atlassian.com')
    return `${host} is an Atlassian account page, not your Jira site; enter the address you see when Jira is open (${EXAMPLE}).`;
  if (host.endsWith('.atlassian.net')) return `${host} is not a Jira site address; it must be ${EXAMPLE} with one name before .atlassian.net.`;
  if (host.endsWith('.jira.com')) return `${host} is an old Jira address; enter its current address ending in .atlassian.net.`;
  if (isPrivateHost(host) && !allowPrivate) return `${host} is a private or loopback address. ${PRIVATE_HINT}`;
  return `${host} is not a Jira Cloud address. Jira Cloud sites are ${EXAMPLE} (Jira Data Center on your own server is not supported).`;
}

/** Loopback, private-range and link-local IP literals, localhost, and single-label names. */
export function isPrivateHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  const kind = isIP(h);
  if (kind === 4) {
    const [a = 0, b = 0] = h.split('.').map(Number);
    return a === 127 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254);
  }
  if (kind === 6) return h === '::1' || /^f[cd]/i.test(h) || /^fe80:/i.test(h);
  return !h.includes('.');
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The integration account's e-mail and API token, trimmed, or the first one that is wrong and how to fix it. */
export function validateJiraCredentials(fields: Record<string, unknown>): CredentialsResult {
  const email = typeof fields.email === 'string' ? fields.email.trim() : '';
  if (email === '') return { ok: false, field: 'email', message: "Enter the e-mail address of the integration account's Atlassian account." };
  if (email.length > 254 || !EMAIL.test(email))
    return { ok: false, field: 'email', message: `"${email.slice(0, 80)}" is not an e-mail address; enter the Atlassian account's e-mail.` };
  const token = typeof fields.apiToken === 'string' ? fields.apiToken.trim() : '';
  if (token === '') return { ok: false, field: 'apiToken', message: 'Enter the API token created at id.atlassian.com > Security > API tokens.' };
  if (token.length > 512) return { ok: false, field: 'apiToken', message: `The API token is ${token.length} characters long; copy only the token.` };
  if (/\s/.test(token))
    return { ok: false, field: 'apiToken', message: 'The API token contains spaces or line breaks; copy it again without extra characters.' };
  if (!/^[\x21-\x7e]+$/.test(token))
    return { ok: false, field: 'apiToken', message: 'The API token contains characters an Atlassian token never has; copy it again.' };
  if (token.length < 16) return { ok: false, field: 'apiToken', message: 'The API token is too short; copy it completely.' };
  return { ok: true, fields: { email, apiToken: token } };
}
