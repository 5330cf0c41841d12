import { useState } from 'react';
import { api } from '../api.ts';
import type { Connection, CreatedConnection } from '../api.ts';
import { AcceptConnectionCard } from '../components/connections/AcceptConnectionCard.tsx';
import { ActiveConnections } from '../components/connections/ActiveConnections.tsx';
import { FindTicketCard } from '../components/connections/FindTicketCard.tsx';
import { CreateConnectionCard } from '../components/connections/CreateConnectionCard.tsx';
import { PendingConnections } from '../components/connections/PendingConnections.tsx';
import { VerificationCodePanel } from '../components/connections/VerificationCodePanel.tsx';
import { LoadState } from '../components/LoadState.tsx';
import { EditableBy } from '../components/EditableBy.tsx';
import { readOnlyMessage, useCan } from '../permissions.ts';
import { useApiCall, useResource } from '../hooks/use-api.ts';

export function ConnectionsPage() {
  const isAdmin = useCan('admin');
  const list = useResource<{ connections: Connection[] }>('/connections');
  const call = useApiCall();
  const [revokeError, setRevokeError] = useState<string | null>(null);
  const [created, setCreated] = useState<CreatedConnection | null>(null);
  const connections = list.data?.connections ?? [];
  const refresh = () => void list.reload({ quiet: true });

  async function revoke(c: Connection) {
    setRevokeError(null);
    const r = await call(() => api.del(`/connections/${encodeURIComponent(c.id)}`));
    if (!r.ok && r.error && r.error.status !== 404) setRevokeError(`Could not revoke “${c.contractName}”: ${r.error.message}`);
    await list.reload({ quiet: true });
  }

  return (
    <div className="page">
      <header className="page__header">
        <h1>Connections</h1>
        <p className="muted">Pair with a partner organisation so tickets flow between your helpdesks.</p>
      </header>
      {isAdmin ? (
        <div className="grid-2">
          <CreateConnectionCard
            onCreated={(c) => {
              setCreated(c);
              refresh();
            }}
          />
          <AcceptConnectionCard onAccepted={refresh} />
        </div>
      ) : (
        <p className="notice notice--info read-only">{readOnlyMessage('admin')}</p>
      )}
      <FindTicketCard />
      {created ? <VerificationCodePanel key={created.id} created={created} onDone={() => setCreated(null)} /> : null}
      {revokeError ? (
        <p className="notice notice--error" role="alert">
          {revokeError}
        </p>
      ) : null}
      {list.data === undefined ? (
        <section className="card">
          <LoadState loading={list.loading} error={list.error} what="connections" onRetry={() => void list.reload()} />
        </section>
      ) : (
        <>
          <EditableBy least="admin" quiet>
            <ActiveConnections items={connections.filter((c) => c.status === 'active')} onRevoke={revoke} />
            <PendingConnections items={connections.filter((c) => c.status === 'pending')} onRevoke={revoke} />
          </EditableBy>
        </>
      )}
    </div>
  );
}
