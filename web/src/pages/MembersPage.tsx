import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../api.ts';
import type { CreatedInvitation, Invitation, Member, MemberRole } from '../api.ts';
import { ConfirmButton } from '../components/ConfirmButton.tsx';
import { Field } from '../components/Field.tsx';
import { LoadState } from '../components/LoadState.tsx';
import { SelectField } from '../components/SelectField.tsx';
import { ShownOncePanel } from '../components/ShownOncePanel.tsx';
import { CopyField } from '../components/sync/WebhookCard.tsx';
import { formatDate, formatDateTime } from '../format.ts';
import { useApiCall, useResource } from '../hooks/use-api.ts';
import { readOnlyMessage, ROLE_HELP, ROLE_NAMES, useCan } from '../permissions.ts';

const ROLES: MemberRole[] = ['admin', 'member', 'viewer'];
const ROLE_OPTIONS = ROLES.map((r) => ({ value: r, label: ROLE_NAMES[r] }));

export function MembersPage() {
  const isAdmin = useCan('admin');
  const members = useResource<{ members: Member[] }>('/members');
  const invitations = useResource<{ invitations: Invitation[] }>(isAdmin ? '/invitations' : null);
  const [created, setCreated] = useState<CreatedInvitation | null>(null);

  return (
    <div className="page">
      <header className="page__header">
        <h1>Members</h1>
        <p className="muted">Who in your organisation uses Support Fusion, and what each may do.</p>
      </header>
      <RolesExplained />
      <section className="card" aria-labelledby="members-title">
        <div className="card__header">
          <h2 id="members-title">People</h2>
          {!isAdmin ? <p className="muted">{readOnlyMessage('admin')}</p> : null}
        </div>
        {members.data ? (
          <MembersTable members={members.data.members} editable={isAdmin} onChanged={() => void members.reload({ quiet: true })} />
        ) : (
          <LoadState loading={members.loading} error={members.error} what="members" onRetry={() => void members.reload()} />
        )}
      </section>
      {isAdmin ? (
        <>
          <InviteCard
            onCreated={(inv) => {
              setCreated(inv);
              void invitations.reload({ quiet: true });
            }}
          />
          <SignupLinkCard />
          {created ? <InvitationLinkPanel key={created.id} created={created} onDone={() => setCreated(null)} /> : null}
          <section className="card" aria-labelledby="invitations-title">
            <div className="card__header">
              <h2 id="invitations-title">Pending invitations</h2>
              <p className="muted">Links not used yet. Each works once and expires after 7 days.</p>
            </div>
            {invitations.data ? (
              <PendingInvitations items={invitations.data.invitations} onRevoked={() => void invitations.reload({ quiet: true })} />
            ) : (
              <LoadState loading={invitations.loading} error={invitations.error} what="invitations" onRetry={() => void invitations.reload()} />
            )}
          </section>
        </>
      ) : null}
    </div>
  );
}

function RolesExplained() {
  return (
    <section className="card" aria-labelledby="roles-title">
      <div className="card__header">
        <h2 id="roles-title">Roles</h2>
      </div>
      <dl className="roles-list">
        {ROLES.map((r) => (
          <div key={r}>
            <dt>{ROLE_NAMES[r]}</dt>
            <dd>{ROLE_HELP[r]}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function MembersTable({ members, editable, onChanged }: { members: Member[]; editable: boolean; onChanged: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [temporary, setTemporary] = useState<{ email: string; password: string; sessionsEnded: number } | null>(null);
  const call = useApiCall();
  // The only admin can be neither demoted nor removed (the API refuses it too): say so instead of offering it.
  const soleAdmin = members.filter((m) => m.role === 'admin').length === 1;

  async function changeRole(m: Member, role: MemberRole) {
    setError(null);
    setStatus(null);
    const r = await call(() => api.patch<Member>(`/members/${encodeURIComponent(m.id)}`, { role }));
    if (r.ok) setStatus(`${m.email} is now ${ROLE_NAMES[role].toLowerCase()}.`);
    else if (r.error) setError(r.error.message);
    onChanged();
  }

  async function resetPassword(m: Member) {
    setError(null);
    setStatus(null);
    setTemporary(null);
    const r = await call(() =>
      api.post<{ email: string; temporaryPassword: string; sessionsEnded: number }>(`/members/${encodeURIComponent(m.id)}/password-reset`),
    );
    if (r.ok) setTemporary({ email: r.data.email, password: r.data.temporaryPassword, sessionsEnded: r.data.sessionsEnded });
    else if (r.error) setError(r.error.message);
  }

  async function remove(m: Member) {
    setError(null);
    setStatus(null);
    const r = await call(() => api.del(`/members/${encodeURIComponent(m.id)}`));
    if (r.ok) setStatus(`${m.email} was removed.`);
    else if (r.error) setError(r.error.message);
    onChanged();
  }

  return (
    <>
      {error ? (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      ) : null}
      <p role="status" className="actions__status">
        {status ? <span className="saved">✓ {status}</span> : null}
      </p>
      {temporary ? <TemporaryPasswordPanel {...temporary} onDone={() => setTemporary(null)} /> : null}
      <table className="table table--stack">
        <thead>
          <tr>
            <th scope="col">Member</th>
            <th scope="col">Role</th>
            <th scope="col">Joined</th>
            {editable ? (
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {members.map((m) => (
            <tr key={m.id}>
              <th scope="row" data-label="Member">
                <span className="member-cell">
                  {m.name ? (
                    <>
                      {m.name}
                      <br />
                      <span className="muted">{m.email}</span>
                    </>
                  ) : (
                    m.email
                  )}
                  {m.you ? <span className="muted"> (you)</span> : null}
                </span>
              </th>
              <td data-label="Role">
                {editable && !(soleAdmin && m.role === 'admin') ? (
                  <RoleChanger member={m} onChange={(role) => changeRole(m, role)} />
                ) : (
                  <span>
                    {ROLE_NAMES[m.role]}
                    {editable ? <span className="muted"> · the only admin: make someone else admin to change this</span> : null}
                  </span>
                )}
              </td>
              <td data-label="Joined">{formatDate(m.createdAt)}</td>
              {editable ? (
                <td className="table__actions">
                  {/* Your own password: the Account page, which asks for the current one. */}
                  {!m.you ? (
                    <ConfirmButton
                      label="Reset password"
                      question={`Reset the password of ${m.email}? They are logged out everywhere.`}
                      confirmLabel="Yes, reset"
                      busyLabel="Resetting…"
                      onConfirm={() => resetPassword(m)}
                    />
                  ) : null}
                  {!(soleAdmin && m.role === 'admin') ? (
                    <ConfirmButton
                      label="Remove"
                      question={`Remove ${m.email}${m.you ? ' (you)' : ''}?`}
                      confirmLabel="Yes, remove"
                      busyLabel="Removing…"
                      onConfirm={() => remove(m)}
                    />
                  ) : null}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** A role picker and an explicit button: browsing the options with the keyboard does not change anything. */
function RoleChanger({ member, onChange }: { member: Member; onChange: (role: MemberRole) => Promise<void> }) {
  const [role, setRole] = useState<MemberRole>(member.role);
  const [busy, setBusy] = useState(false);
  useEffect(() => setRole(member.role), [member.role]);
  const id = `role-${member.id}`;
  return (
    <span className="role-changer">
      <label htmlFor={id} className="visually-hidden">
        Role of {member.email}
      </label>
      <select id={id} className="select--small" value={role} onChange={(e) => setRole(e.target.value as MemberRole)} disabled={busy}>
        {ROLE_OPTIONS.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {role !== member.role ? (
        <button
          type="button"
          className="btn btn--small btn--primary"
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            try {
              await onChange(role);
            } finally {
              setBusy(false);
            }
          }}
        >
          {busy ? 'Saving…' : `Make ${ROLE_NAMES[role].toLowerCase()}`}
        </button>
      ) : null}
    </span>
  );
}

function InviteCard({ onCreated }: { onCreated: (inv: CreatedInvitation) => void }) {
  const [role, setRole] = useState<MemberRole>('member');
  const [email, setEmail] = useState('');
  const [error, setError] = useState<{ field?: string; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const call = useApiCall();

  async function submit(ev: FormEvent) {
    ev.preventDefault();
    setError(null);
    setBusy(true);
    const r = await call(() => api.post<CreatedInvitation>('/invitations', { role, ...(email.trim() ? { email: email.trim() } : {}) }));
    setBusy(false);
    if (r.ok) {
      setEmail('');
      onCreated(r.data);
    } else if (r.error) setError({ ...(r.error.field ? { field: r.error.field } : {}), message: r.error.message });
  }

  return (
    <section className="card" aria-labelledby="invite-title">
      <div className="card__header">
        <h2 id="invite-title">Invite someone</h2>
        <p className="muted">Create a one-time link and send it to your colleague; they choose their password when they open it.</p>
      </div>
      <form onSubmit={submit} noValidate className="stack">
        <div className="form-grid">
          <SelectField
            label="Role"
            value={role}
            options={ROLE_OPTIONS}
            onChange={(v) => setRole(v as MemberRole)}
            help={ROLE_HELP[role]}
            error={error?.field === 'role' ? error.message : undefined}
          />
          <Field
            label="E-mail (optional)"
            name="inviteEmail"
            type="email"
            autoComplete="off"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            help="With an e-mail, only that address can use the link."
            error={error?.field === 'email' ? error.message : undefined}
          />
        </div>
        {error && error.field !== 'role' && error.field !== 'email' ? (
          <p className="notice notice--error" role="alert">
            {error.message}
          </p>
        ) : null}
        <div className="actions">
          <button type="submit" className="btn btn--primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create invitation link'}
          </button>
        </div>
      </form>
    </section>
  );
}

/** A reset member's temporary password, shown once (only its hash is kept). */
function TemporaryPasswordPanel({ email, password, sessionsEnded, onDone }: { email: string; password: string; sessionsEnded: number; onDone: () => void }) {
  return (
    <section className="card code-panel" aria-labelledby="temporary-title">
      <h2 id="temporary-title">Temporary password for {email}</h2>
      <CopyField label="Temporary password" value={password} />
      <ul className="code-panel__facts">
        <li>Give it to {email} over a channel you trust; they log in with it and choose their own on their Account page.</li>
        <li>{sessionsEnded === 1 ? 'One session was' : `${sessionsEnded} sessions were`} logged out.</li>
        <li>This is the only time it is shown. If it is lost, reset the password again.</li>
      </ul>
      <div className="actions">
        <button type="button" className="btn btn--small btn--ghost" onClick={onDone}>
          Hide password
        </button>
      </div>
    </section>
  );
}

/**
 * When the installation lets organisations sign up only by invitation (SF_SIGNUP=invite), an admin
 * creates a one-time link with which a partner creates their own organisation.
 */
function SignupLinkCard() {
  const mode = useResource<{ mode: 'open' | 'invite' | 'closed' }>('/signup');
  const [link, setLink] = useState<{ url: string; expiresAt: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const call = useApiCall();
  if (mode.data?.mode !== 'invite') return null;

  async function create() {
    setError(null);
    setBusy(true);
    const r = await call(() => api.post<{ url: string; expiresAt: string }>('/signup-links'));
    setBusy(false);
    if (r.ok) setLink(r.data);
    else if (r.error) setError(r.error.message);
  }

  return (
    <section className="card" aria-labelledby="signup-link-title">
      <div className="card__header">
        <h2 id="signup-link-title">Sign-up link for a partner</h2>
        <p className="muted">
          On this installation new organisations sign up only with a link from an administrator. Create one for a partner who will set up their own organisation
          and connect with yours.
        </p>
      </div>
      {error ? (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      ) : null}
      {link ? (
        <div className="code-panel">
          <CopyField label="Sign-up link" value={link.url} />
          <ul className="code-panel__facts">
            <li>
              Expires on <strong>{formatDateTime(link.expiresAt)}</strong>; it creates one organisation, once.
            </li>
            <li>It stops working if you stop being an administrator.</li>
            <li>This is the only time the link is shown.</li>
          </ul>
        </div>
      ) : null}
      <div className="actions">
        <button type="button" className="btn btn--primary" disabled={busy} onClick={() => void create()}>
          {busy ? 'Creating…' : 'Create sign-up link'}
        </button>
      </div>
    </section>
  );
}

/** The link, shown once (only a hash is kept), with a Copy button. */
function InvitationLinkPanel({ created, onDone }: { created: CreatedInvitation; onDone: () => void }) {
  return (
    <ShownOncePanel
      titleId="link-title"
      title={`Invitation link for a new ${ROLE_NAMES[created.role].toLowerCase()}`}
      label="Invitation link"
      value={created.url}
      hideLabel="Hide link"
      onDone={onDone}
      facts={[
        <>
          Expires on <strong>{formatDateTime(created.expiresAt)}</strong>; it works once.
        </>,
        created.email ? (
          <>
            Only <strong>{created.email}</strong> can use it.
          </>
        ) : (
          'Anyone with the link can join your organisation: send it privately.'
        ),
        'This is the only time the link is shown. If it is lost, revoke it below and create another.',
      ]}
    />
  );
}

function PendingInvitations({ items, onRevoked }: { items: Invitation[]; onRevoked: () => void }) {
  const call = useApiCall();
  const [error, setError] = useState<string | null>(null);
  if (items.length === 0)
    return (
      <p className="empty">
        No pending invitations. Use <strong>Invite someone</strong> above to create a link for a colleague.
      </p>
    );
  return (
    <>
      {error ? (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      ) : null}
      <table className="table table--stack">
        <thead>
          <tr>
            <th scope="col">For</th>
            <th scope="col">Role</th>
            <th scope="col">Created</th>
            <th scope="col">Expires</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((i) => (
            <tr key={i.id}>
              <th scope="row" data-label="For">
                {i.email ?? 'Anyone with the link'}
              </th>
              <td data-label="Role">{ROLE_NAMES[i.role]}</td>
              <td data-label="Created">{formatDateTime(i.createdAt)}</td>
              <td data-label="Expires">{formatDateTime(i.expiresAt)}</td>
              <td className="table__actions">
                <ConfirmButton
                  label="Revoke"
                  question={`Revoke the invitation ${i.email ? `for ${i.email}` : `(${ROLE_NAMES[i.role].toLowerCase()})`}?`}
                  confirmLabel="Yes, revoke"
                  busyLabel="Revoking…"
                  onConfirm={async () => {
                    setError(null);
                    const r = await call(() => api.del(`/invitations/${encodeURIComponent(i.id)}`));
                    if (!r.ok && r.error && r.error.status !== 404) setError(r.error.message);
                    onRevoked();
                  }}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
