import type { Connection } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { ROLE_LABEL } from '../../labels.ts';
import { ConfirmButton } from '../ConfirmButton.tsx';

/** Connections created here whose code the partner has not used yet. */
export function PendingConnections({ items, onRevoke }: { items: Connection[]; onRevoke: (c: Connection) => Promise<void> }) {
  return (
    <section className="card" aria-labelledby="pending-title">
      <div className="card__header">
        <h2 id="pending-title">Pending connections</h2>
        <p className="muted">Waiting for your partner to enter the verification code.</p>
      </div>
      {items.length === 0 ? (
        <p className="empty">No pending connections.</p>
      ) : (
        <table className="table table--stack">
          <thead>
            <tr>
              <th scope="col">Contract name</th>
              <th scope="col">My role</th>
              <th scope="col">Code expires</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => {
              const expired = c.expiresAt !== null && new Date(c.expiresAt).getTime() < Date.now();
              return (
                <tr key={c.id}>
                  <th scope="row" data-label="Contract name">
                    {c.contractName}
                  </th>
                  <td data-label="My role">{ROLE_LABEL[c.role]}</td>
                  <td data-label="Code expires">
                    {formatDateTime(c.expiresAt)}
                    {expired ? <span className="muted"> (expired)</span> : null}
                  </td>
                  <td className="table__actions">
                    <ConfirmButton
                      label="Revoke"
                      question={`Revoke “${c.contractName}”?`}
                      confirmLabel="Yes, revoke"
                      busyLabel="Revoking…"
                      onConfirm={() => onRevoke(c)}
                    />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
