import { useEffect, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Controller, useForm } from 'react-hook-form';
import { api } from '../api.ts';
import type { CreatedInvitation, Invitation, Member, MemberRole } from '../api.ts';
import { ConfirmButton } from '../components/ConfirmButton.tsx';
import { Field } from '../components/Field.tsx';
import { LoadState } from '../components/LoadState.tsx';
import { SelectField } from '../components/SelectField.tsx';
import { ShownOncePanel } from '../components/ShownOncePanel.tsx';
import { CopyField } from '../components/sync/WebhookCard.tsx';
import { formatDate, formatDateTime } from '../format.ts';
import { useResource } from '../hooks/use-api.ts';
import { useApiMutation } from '../hooks/use-api-mutation.ts';
import { FORM_BEHAVIOUR } from '../hooks/form-options.ts';
import { apiKey } from '../query-client.ts';
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
          <MembersTable members={members.data.members} editable={isAdmin} />
        ) : (
          <LoadState loading={members.loading} error={members.error} what="members" onRetry={() => void members.reload()} />
        )}
      </section>
      {isAdmin ? (
        <>
          <InviteCard onCreated={setCreated} />
          <SignupLinkCard />
          {created ? <InvitationLinkPanel key={created.id} created={created} onDone={() => setCreated(null)} /> : null}
          <section className="card" aria-labelledby="invitations-title">
            <div className="card__header">
              <h2 id="invitations-title">Pending invitations</h2>
              <p className="muted">Links not used yet. Each works once and expires after 7 days.</p>
            </div>
            {invitations.data ? (
              <PendingInvitations items={invitations.data.invitations} />
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

function MembersTable({ members, editable }: { members: Member[]; editable: boolean }) {
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [temporary, setTemporary] = useState<{ email: string; password: string; sessionsEnded: number } | null>(null);
  const queryClient = useQueryClient();
  // The only admin can be neither demoted nor removed (the API refuses it too): say so instead of offering it.
  const soleAdmin = members.filter((m) => m.role === 'admin').length === 1;
  // One message line for the three actions: the last one's outcome. Failed or not, the list is loaded again.
  const started = () => {
    setError(null);
    setStatus(null);
  };
  const failed = (e: { message: string }) => setError(e.message);
  const reloadMembers = () => void queryClient.invalidateQueries({ queryKey: apiKey('/members') });
  const roleChange = useApiMutation({
    mutationFn: ({ m, role }: { m: Member; role: MemberRole }) => api.patch<Member>(`/members/${encodeURIComponent(m.id)}`, { role }),
    onMutate: started,
    onSuccess: (_r, { m, role }) => setStatus(`${m.email} is now ${ROLE_NAMES[role].toLowerCase()}.`),
    onError: failed,
    onSettled: reloadMembers,
  });
  const passwordReset = useApiMutation({
    mutationFn: (m: Member) =>
      api.post<{ email: string; temporaryPassword: string; sessionsEnded: number }>(`/members/${encodeURIComponent(m.id)}/password-reset`),
    onMutate: () => {
      started();
      setTemporary(null);
    },
    onSuccess: (r) => setTemporary({ email: r.email, password: r.temporaryPassword, sessionsEnded: r.sessionsEnded }),
    onError: failed,
  });
  const removal = useApiMutation({
    mutationFn: (m: Member) => api.del(`/members/${encodeURIComponent(m.id)}`),
    onMutate: started,
    onSuccess: (_r, m) => setStatus(`${m.email} was removed.`),
    onError: failed,
    onSettled: reloadMembers,
  });
  const settle = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      () => undefined,
    );
  const changeRole = (m: Member, role: MemberRole) => settle(roleChange.mutateAsync({ m, role }));
  const resetPassword = (m: Member) => settle(passwordReset.mutateAsync(m));
  const remove = (m: Member) => settle(removal.mutateAsync(m));
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

interface InviteForm {
  role: MemberRole;
  inviteEmail: string;
}
/** The API's field names of a refused invitation, as the form's. */
const INVITE_FIELD = { role: 'role', email: 'inviteEmail' } as const;
const inviteFieldOf = (field: string | undefined) => (field === 'role' || field === 'email' ? INVITE_FIELD[field] : null);

function InviteCard({ onCreated }: { onCreated: (inv: CreatedInvitation) => void }) {
  // The server checks the e-mail (optional): the form only sends it.
  const { register, control, handleSubmit, setError, setValue, watch, formState } = useForm<InviteForm>({
    ...FORM_BEHAVIOUR,
    defaultValues: { role: 'member', inviteEmail: '' },
  });
  const errors = formState.errors;
  const role = watch('role');
  const create = useApiMutation({
    mutationFn: ({ role, inviteEmail }: InviteForm) =>
      api.post<CreatedInvitation>('/invitations', { role, ...(inviteEmail.trim() ? { email: inviteEmail.trim() } : {}) }),
    onSuccess: (inv) => {
      setValue('inviteEmail', '');
      onCreated(inv);
    },
    onError: (e) => {
      const at = inviteFieldOf(e.field);
      if (at) setError(at, { type: 'server', message: e.message });
    },
    invalidates: ['/invitations'],
  });
  const formError = create.error && !inviteFieldOf(create.error.field) ? create.error.message : null;
  return (
    <section className="card" aria-labelledby="invite-title">
      <div className="card__header">
        <h2 id="invite-title">Invite someone</h2>
        <p className="muted">Create a one-time link and send it to your colleague; they choose their password when they open it.</p>
      </div>
      <form onSubmit={handleSubmit((values) => create.mutate(values))} noValidate className="stack">
        <div className="form-grid">
          <Controller
            control={control}
            name="role"
            render={({ field }) => (
              <SelectField
                label="Role"
                value={field.value}
                options={ROLE_OPTIONS}
                onChange={(v) => field.onChange(v as MemberRole)}
                help={ROLE_HELP[role]}
                error={errors.role?.message}
              />
            )}
          />
          <Field
            label="E-mail (optional)"
            type="email"
            autoComplete="off"
            {...register('inviteEmail')}
            help="With an e-mail, only that address can use the link."
            error={errors.inviteEmail?.message}
          />
        </div>
        {formError ? (
          <p className="notice notice--error" role="alert">
            {formError}
          </p>
        ) : null}
        <div className="actions">
          <button type="submit" className="btn btn--primary" disabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create invitation link'}
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
  // The last link created stays shown while another is created (and if that one is refused).
  const [link, setLink] = useState<{ url: string; expiresAt: string } | null>(null);
  const creation = useApiMutation({ mutationFn: () => api.post<{ url: string; expiresAt: string }>('/signup-links'), onSuccess: setLink });
  const error = creation.error?.message ?? null;
  const busy = creation.isPending;
  if (mode.data?.mode !== 'invite') return null;

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
        <button type="button" className="btn btn--primary" disabled={busy} onClick={() => creation.mutate()}>
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

function PendingInvitations({ items }: { items: Invitation[] }) {
  const queryClient = useQueryClient();
  const revoke = useApiMutation({ mutationFn: (i: Invitation) => api.del(`/invitations/${encodeURIComponent(i.id)}`) });
  // Already gone (404: used or expired meanwhile) is what was asked for.
  const error = revoke.error && revoke.error.status !== 404 ? revoke.error.message : null;
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
                    await revoke.mutateAsync(i).catch(() => undefined);
                    // Failed or not, the list is loaded again.
                    void queryClient.invalidateQueries({ queryKey: apiKey('/invitations') });
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
