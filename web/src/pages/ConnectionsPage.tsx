import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
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
import { useResource } from '../hooks/use-api.ts';
import { useApiMutation } from '../hooks/use-api-mutation.ts';
import { apiKey } from '../query-client.ts';

export function ConnectionsPage() {
  const isAdmin = useCan('admin');
  const list = useResource<{ connections: Connection[] }>('/connections');
  const queryClient = useQueryClient();
  const [created, setCreated] = useState<CreatedConnection | null>(null);
  const connections = list.data?.connections ?? [];

  const revoke = useApiMutation({ mutationFn: (c: Connection) => api.del(`/connections/${encodeURIComponent(c.id)}`) });
  // Already gone (404) is what was asked for.
  const revokeError =
    revoke.error && revoke.error.status !== 404 && revoke.variables ? `Could not revoke “${revoke.variables.contractName}”: ${revoke.error.message}` : null;
  async function onRevoke(c: Connection) {
    // Failed or not, the list is loaded again: the connection may have been revoked by the partner meanwhile.
    await revoke.mutateAsync(c).catch(() => undefined);
    await queryClient.invalidateQueries({ queryKey: apiKey('/connections') });
  }

  return (
    <div className="page">
      <header className="page__header">
        <h1>Connections</h1>
        <p className="muted">Pair with a partner organisation so tickets flow between your helpdesks.</p>
      </header>
      {isAdmin ? (
        <div className="grid-2">
          <CreateConnectionCard onCreated={setCreated} />
          <AcceptConnectionCard />
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
            <ActiveConnections items={connections.filter((c) => c.status === 'active')} onRevoke={onRevoke} />
            <PendingConnections items={connections.filter((c) => c.status === 'pending')} onRevoke={onRevoke} />
          </EditableBy>
        </>
      )}
    </div>
  );
}
