import { isIP } from 'node:net';

export type ApiUrlResult = { ok: true; url: string } | { ok: false; message: string };

export interface ApiUrlOptions {
  /** SF_ALLOW_PRIVATE_PLATFORM_URLS: plain http and loopback/private hosts (tests, the simulator). */
  allowPrivate: boolean;
}

const FRESHSERVICE_HOST = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.freshservice\.com$/;
const BARE_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
// A pasted API path is removed ("this is added automatically once you save"); any other path is an error.
const API_PATH = /^\/api(?:\/v2)?\/?$/i;
const PRIVATE_HINT = 'Plain http and private or loopback addresses are accepted only when the instance sets SF_ALLOW_PRIVATE_PLATFORM_URLS=1.';

/**
 * Turns what a user pasted into the API base URL (scheme + host, no path), or says what is wrong.
 * Freshservice API v2 answers only on https://<name>.freshservice.com (not on vanity domains), which
 * is also what keeps this field from becoming a way to reach internal addresses (SSRF).
 */
export function normaliseApiUrl(input: string, opts: ApiUrlOptions): ApiUrlResult {
  const raw = input.trim();
  if (raw === '') return fail('Enter your Freshservice URL, e.g. https://yourcompany.freshservice.com.');
  if (raw.length > 2048) return fail('The URL is too long; enter only https://yourcompany.freshservice.com.');
  if (/[\s\u0000-\u001f\u007f\u200b-\u200f\u2060\ufeff]/.test(raw)) return fail('The URL contains spaces or invisible characters; remove them.');

  let candidate = raw;
  if (BARE_NAME.test(raw)) candidate = `https://${raw.toLowerCase()}.freshservice.com`;
  else if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) candidate = `https://${raw}`;

  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return fail(`"${raw}" is not a valid URL. Use the complete URL, e.g. https://yourcompany.freshservice.com.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return fail(`The URL must start with https:// (got ${url.protocol}//).`);
  }
  if (url.username || url.password) return fail('Remove the user name or password from the URL; the API key is entered separately.');
  if (url.search || url.hash) return fail('Remove the part after "?" or "#"; enter only https://yourcompany.freshservice.com.');
  const path = url.pathname;
  if (path !== '/' && path !== '' && !API_PATH.test(path)) {
    return fail(`Remove the path "${path}"; enter only https://yourcompany.freshservice.com (the /api/v2 path is added automatically).`);
  }

  const host = url.hostname.toLowerCase();
  const isFreshservice = FRESHSERVICE_HOST.test(host);
  if (!isFreshservice) {
    if (opts.allowPrivate && isPrivateHost(host)) return { ok: true, url: `${url.protocol}//${url.host.toLowerCase()}` };
    return fail(explainForeignHost(host, opts.allowPrivate));
  }
  if (url.protocol !== 'https:' && !opts.allowPrivate) {
    return fail(`Freshservice's API only answers over HTTPS: use https://${host}. ${PRIVATE_HINT}`);
  }
  if (url.port && !opts.allowPrivate) return fail(`Remove the port ":${url.port}"; Freshservice is reached on the standard HTTPS port.`);
  return { ok: true, url: `${url.protocol}//${url.host.toLowerCase()}` };
}

function fail(message: string): ApiUrlResult {
  return { ok: false, message };
}

function explainForeignHost(host: string, allowPrivate: boolean): string {
  if (host.endsWith('.freshdesk.com')) return `${host} is a Freshdesk address; enter your Freshservice URL (https://yourcompany.freshservice.com).`;
  if (host.endsWith('.myfreshworks.com') || host.endsWith('.freshworks.com')) {
    return `${host} is the Freshworks sign-in address, not the API; enter https://yourcompany.freshservice.com.`;
  }
  if (host.endsWith('.freshservice.com'))
    return `${host} is not a Freshservice account address; it must be https://yourcompany.freshservice.com with one name before .freshservice.com.`;
  if (isPrivateHost(host) && !allowPrivate) return `${host} is a private or loopback address. ${PRIVATE_HINT}`;
  return `${host} is not a Freshservice address. Freshservice's API v2 works only on https://yourcompany.freshservice.com, not on custom domains; use the address of your Freshservice login page.`;
}

/** Loopback, private-range and link-local IP literals, localhost, and single-label names (e.g. a compose service). */
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

/** API keys are short printable tokens; anything else is a paste error worth naming. */
export function validateApiKey(key: unknown): { ok: true; key: string } | { ok: false; message: string } {
  if (typeof key !== 'string' || key.trim() === '') return { ok: false, message: 'Enter the API key from Profile Settings > Your API Key.' };
  const k = key.trim();
  if (k.length > 256) return { ok: false, message: `The API key is ${k.length} characters long; a Freshservice key is about 20. Copy only the key.` };
  if (/\s/.test(k)) return { ok: false, message: 'The API key contains spaces or line breaks; copy the key again without extra characters.' };
  if (!/^[\x21-\x7e]+$/.test(k)) return { ok: false, message: 'The API key contains characters a Freshservice key never has; copy it again.' };
  if (k.length < 8) return { ok: false, message: 'The API key is too short; copy it completely.' };
  return { ok: true, key: k };
}
