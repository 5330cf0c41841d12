import type { Connection } from '../../api.ts';
import { ROLE_LABEL } from '../../labels.ts';
import { connectionPath } from '../../routes.ts';
import { ConfirmButton } from '../ConfirmButton.tsx';
import { Link } from '../Link.tsx';
import { stateOfConnection, SyncStateBadge } from './SyncStateBadge.tsx';

export function ActiveConnections({ items, onRevoke }: { items: Connection[]; onRevoke: (c: Connection) => Promise<void> }) {
  return (
    <section className="card" aria-labelledby="active-title">
      <div className="card__header">
        <h2 id="active-title">Active connections</h2>
        <p className="muted">Tickets flow between you and these partners.</p>
      </div>
      {items.length === 0 ? (
        <p className="empty">No active connections yet. Create one above, or accept your partner’s code.</p>
      ) : (
        <table className="table table--stack">
          <thead>
            <tr>
              <th scope="col">Contract name</th>
              <th scope="col">Partner</th>
              <th scope="col">My role</th>
              <th scope="col">State</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr key={c.id}>
                <th scope="row" data-label="Contract name">
                  <Link href={connectionPath(c.id)}>{c.contractName}</Link>
                </th>
                <td data-label="Partner">{c.partner?.name ?? '—'}</td>
                <td data-label="My role">{ROLE_LABEL[c.role]}</td>
                <td data-label="State">
                  <SyncStateBadge state={stateOfConnection(c)} />
                </td>
                <td className="table__actions">
                  <Link href={connectionPath(c.id)} className="btn btn--small" aria-label={`Open ${c.contractName}`}>
                    Open
                  </Link>
                  <ConfirmButton
                    label="Revoke"
                    question={`Revoke “${c.contractName}”? Syncing stops for both sides.`}
                    confirmLabel="Yes, revoke"
                    busyLabel="Revoking…"
                    onConfirm={() => onRevoke(c)}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
