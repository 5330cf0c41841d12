/**
 * Audit log entries in words: "Alice started a sync of Contract 7". One sentence per action key the
 * server records (test/web/audit-words.test.ts checks every `action: '…'` in src/ has one).
 */

export interface AuditWordsInput {
  /** The person, by name when known, else e-mail. */
  who: string;
  /** The target's label (contract name, member e-mail, token name …); null when none. */
  target: string | null;
  before: unknown;
  after: unknown;
}

const ROLE_WORDS: Record<string, string> = { admin: 'Admin', member: 'Member', viewer: 'Viewer' };
const field = (v: unknown, k: string): unknown => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined);
const quoted = (t: string | null, fallback: string) => (t ? `“${t}”` : fallback);
const role = (v: unknown) => ROLE_WORDS[String(v)] ?? String(v);

type Sentence = (i: AuditWordsInput) => string;

export const AUDIT_SENTENCES: Record<string, Sentence> = {
  'platform.saved': ({ who, target }) => `${who} saved the platform credentials${target ? ` (${target})` : ''}`,
  'platform.tested': ({ who, after }) => `${who} tested the platform connection: ${field(after, 'ok') === false ? 'it failed' : 'it passed'}`,
  'connection.sync_started': ({ who, target }) => `${who} started a sync of ${quoted(target, 'a connection')}`,
  'connection.dry_run': ({ who, target }) => `${who} made a dry run of ${quoted(target, 'a connection')}`,
  'connection.created': ({ who, target }) => `${who} created the connection ${quoted(target, '')}`.trimEnd(),
  'connection.accepted': ({ who, target }) => `${who} accepted the connection ${quoted(target, '')}`.trimEnd(),
  'connection.revoked': ({ who, target }) => `${who} revoked the connection ${quoted(target, '')}`.trimEnd(),
  'connection.configuration_saved': ({ who, target }) => `${who} saved the configuration of ${quoted(target, 'a connection')}`,
  'connection.mappings_saved': ({ who, target }) => `${who} saved the field mappings of ${quoted(target, 'a connection')}`,
  'connection.change_proposed': ({ who, target }) => `${who} proposed a change to ${quoted(target, 'a connection')}; it waits for the partner's approval`,
  'connection.change_approved': ({ who, target }) => `${who} approved a proposed change to ${quoted(target, 'a connection')}`,
  'connection.change_rejected': ({ who, target }) => `${who} rejected a proposed change to ${quoted(target, 'a connection')}`,
  'connection.change_withdrawn': ({ who, target }) => `${who} withdrew a proposed change to ${quoted(target, 'a connection')}`,
  'connection.change_superseded': ({ who, target }) => `${who} replaced a proposed change to ${quoted(target, 'a connection')} with a newer one`,
  'connection.change_applied': ({ who, target }) => `A change to ${quoted(target, 'a connection')} proposed by ${who} was approved and applied`,
  'connection.automatic_sync_changed': ({ who, target, after }) =>
    `${who} switched automatic sync ${field(after, 'enabled') === false ? 'off' : 'on'} for ${quoted(target, 'a connection')}`,
  'connection.webhook_rotated': ({ who, target }) => `${who} replaced the webhook URL of ${quoted(target, 'a connection')}`,
  'member.role_changed': ({ who, target, before, after }) =>
    `${who} changed the role of ${target ?? 'a member'}${field(before, 'role') ? ` from ${role(field(before, 'role'))}` : ''}${field(after, 'role') ? ` to ${role(field(after, 'role'))}` : ''}`,
  'member.removed': ({ who, target }) => `${who} removed ${target ?? 'a member'} from the organisation`,
  'member.name_changed': ({ who, after }) =>
    field(after, 'name') ? `${who} changed their name to ${String(field(after, 'name'))}` : `${who} removed their name`,
  'invitation.created': ({ who, target, after }) =>
    `${who} invited ${target ?? 'a new colleague'}${field(after, 'role') ? ` as ${role(field(after, 'role'))}` : ''}`,
  'invitation.revoked': ({ who, target }) => `${who} revoked the invitation${target ? ` for ${target}` : ''}`,
  'invitation.accepted': ({ who }) => `${who} joined the organisation through an invitation`,
  'signup_link.created': ({ who, target }) => `${who} created a sign-up link${target ? ` (${target})` : ''}`,
  'signup_link.used': ({ who, target }) => `${who} signed up ${quoted(target, 'an organisation')} with a sign-up link`,
  'user.created': ({ target }) => `${target ?? 'A user'} was created on the command line`,
  'user.password_changed': ({ who }) => `${who} changed their own password`,
  'user.password_reset': ({ who, target }) => `${who} reset the password of ${target ?? 'a member'}`,
  // Labels read "Contract 7: source ticket #42" or "Contract 7: 3 failed tickets of the run of …".
  'ticket.retry_requested': ({ who, target }) => `${who} asked to retry ${target ?? 'a ticket'}`,
  'ticket.resync_requested': ({ who, target }) => `${who} asked to resync ${target ?? 'a ticket'}`,
  'api_token.created': ({ who, target }) => `${who} created the API token ${quoted(target, '')}`.trimEnd(),
  'api_token.revoked': ({ who, target }) => `${who} revoked the API token ${quoted(target, '')}`.trimEnd(),
  'notification_channel.created': ({ who, target }) => `${who} added the notification channel ${quoted(target, '')}`.trimEnd(),
  'notification_channel.updated': ({ who, target }) => `${who} changed the notification channel ${quoted(target, '')}`.trimEnd(),
  'notification_channel.removed': ({ who, target }) => `${who} removed the notification channel ${quoted(target, '')}`.trimEnd(),
};

/** "Alice started a sync of “Contract 7”"; an action this table does not know yet still reads as words. */
export function auditSentence(action: string, input: AuditWordsInput): string {
  const s = AUDIT_SENTENCES[action];
  if (s) return s(input);
  const words = action.replace(/[._]+/g, ' ').trim();
  return `${input.who}: ${words}${input.target ? ` (${input.target})` : ''}`;
}
