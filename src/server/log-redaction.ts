import pino from 'pino';

/**
 * Secret tokens travel in URLs (invitation and sign-up links, webhook URLs), so any logged URL may hold
 * one. Everything the request logger prints goes through `redactUrl`; other log text through
 * `redactText`. Matching works on the decoded, lower-cased path, so `/INVITE/x`, `/inv%69te/x`,
 * `/invite/x/`, `//invite//x` and an encoded slash (`/invite%2Fx`) are all caught, whatever the method.
 */

export const MASK = '[redacted]';

/**
 * A path segment that names a secret-bearing route: the next segment(s) are the secret. `hooks` is
 * followed by the platform (kept) and then the token; for the others the very next segment is masked.
 */
const SECRET_AFTER = new Set([
  'invite',
  'invites',
  'invitation',
  'invitations',
  'signup',
  'sign-up',
  'signup-link',
  'signup-links',
  'join',
  'reset-password',
  'password-reset',
  'verify',
]);

/** Query parameters whose value is a secret (the name, decoded and case-insensitive, ends like this). */
const SECRET_PARAM = /(token|code|key|secret|password|signature)$/i;

/**
 * A segment that looks like a random secret even where no route says so (a token in a URL the rules
 * above do not know yet, e.g. a mistyped webhook path): long, URL-safe, letters and digits mixed.
 * UUIDs (connection and run ids) are not secrets and stay readable.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
function looksLikeSecret(segment: string): boolean {
  return segment.length >= 22 && /^[A-Za-z0-9_-]+$/.test(segment) && /\d/.test(segment) && /[A-Za-z]/.test(segment) && !UUID.test(segment);
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    // A malformed escape: decode what can be decoded, so a valid escape next to a bad one still counts.
    return text.replace(/(?:%[0-9a-f]{2})+/gi, (m) => {
      try {
        return decodeURIComponent(m);
      } catch {
        return m;
      }
    });
  }
}

function redactPath(rawPath: string): string {
  // Decoded first (an encoded slash or letter must not hide a token), then split on both slash kinds.
  const segments = decode(rawPath).split(/([/\\]+)/);
  let maskNext = 0;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    if (seg === '' || /^[/\\]+$/.test(seg)) continue;
    const lower = seg.toLowerCase();
    if (maskNext > 0) {
      segments[i] = MASK;
      maskNext -= 1;
      continue;
    }
    if (lower === 'hooks') {
      // /hooks/<platform>/<token>/…: everything after the platform is masked.
      let platformSeen = false;
      for (let j = i + 1; j < segments.length; j++) {
        const s = segments[j]!;
        if (s === '' || /^[/\\]+$/.test(s)) continue;
        if (!platformSeen) {
          platformSeen = true;
          if (looksLikeSecret(s)) segments[j] = MASK;
          continue;
        }
        segments[j] = MASK;
      }
      break;
    }
    if (SECRET_AFTER.has(lower)) {
      maskNext = 1;
      continue;
    }
    if (looksLikeSecret(seg)) segments[i] = MASK;
  }
  return segments.join('');
}

function redactQuery(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      const value = eq < 0 ? '' : pair.slice(eq + 1);
      const decodedName = decode(name.replace(/\+/g, ' '));
      if (SECRET_PARAM.test(decodedName.trim())) return `${decodedName}=${MASK}`;
      const decodedValue = decode(value.replace(/\+/g, ' '));
      return eq < 0 ? decodedName : `${decodedName}=${looksLikeSecret(decodedValue) ? MASK : decodedValue}`;
    })
    .join('&');
}

/** A request URL (path and query) with every secret it may carry replaced by `[redacted]`. */
export function redactUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const hash = url.indexOf('#');
  const bare = hash < 0 ? url : url.slice(0, hash);
  const q = bare.indexOf('?');
  if (q < 0) return redactPath(bare);
  return `${redactPath(bare.slice(0, q))}?${redactQuery(bare.slice(q + 1))}`;
}

/** Free text (a log message, an error message or stack) with every URL path in it redacted. */
export function redactText(text: string): string {
  return text.replace(/(?:https?:\/\/[^/\s"'<>]+)?(?:\/|%2f)[^\s"'<>]*/gi, (m) => {
    const origin = /^https?:\/\/[^/\s"'<>]+/i.exec(m)?.[0] ?? '';
    return origin + (redactUrl(m.slice(origin.length)) ?? '');
  });
}

type RequestLike = { method?: string; url?: string; headers?: Record<string, unknown>; host?: string; ip?: string; socket?: { remotePort?: number } };

/** Fastify's own request serializer, with the URL redacted. */
export function serializeRequest(req: RequestLike) {
  return {
    method: req.method,
    url: redactUrl(req.url),
    version: req.headers?.['accept-version'],
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

/** pino's error serializer, with URLs in the message and stack redacted (Fastify puts URLs in some errors). */
export function serializeError(err: Error) {
  const out = pino.stdSerializers.err(err) as ReturnType<typeof pino.stdSerializers.err> & Record<string, unknown>;
  if (typeof out.message === 'string') out.message = redactText(out.message);
  if (typeof out.stack === 'string') out.stack = redactText(out.stack);
  return out;
}

/** Logger options for Fastify: the serializers above, and message text redacted too. */
export const redactingLoggerOptions = {
  serializers: { req: serializeRequest, err: serializeError },
  hooks: {
    logMethod(this: unknown, args: unknown[], method: (...a: unknown[]) => void) {
      method.apply(
        this,
        args.map((a) => (typeof a === 'string' ? redactText(a) : a)),
      );
    },
  },
};
