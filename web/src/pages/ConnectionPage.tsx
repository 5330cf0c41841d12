import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { ChangeProposal, Connection } from '../api.ts';
import { ConfigurationTab } from '../components/configuration/ConfigurationTab.tsx';
import { PendingChangesCard } from '../components/connections/PendingChangesCard.tsx';
import { stateOfConnection, SyncStateBadge } from '../components/connections/SyncStateBadge.tsx';
import { Link } from '../components/Link.tsx';
import { LoadState } from '../components/LoadState.tsx';
import { MappingsTab } from '../components/mappings/MappingsTab.tsx';
import { SyncTab } from '../components/sync/SyncTab.tsx';
import { Tabs } from '../components/Tabs.tsx';
import { useResource } from '../hooks/use-api.ts';
import { apiKey } from '../query-client.ts';
import { ROLE_LABEL } from '../labels.ts';
import { connectionPath } from '../routes.ts';
import type { ConnectionTab } from '../routes.ts';

const TAB_LABELS: Record<ConnectionTab, string> = { configuration: 'Configuration', mappings: 'Field mappings', sync: 'Sync' };

export function ConnectionPage({ id, tab }: { id: string; tab: ConnectionTab }) {
  const res = useResource<Connection>(`/connections/${encodeURIComponent(id)}`);
  // A decided proposal may change the applied mappings or configuration: the tabs load them again.
  const [reloadKey, setReloadKey] = useState(0);
  const c = res.data;
  const proposalsPath = `/connections/${encodeURIComponent(id)}/change-proposals`;
  const proposals = useResource<{ proposals: ChangeProposal[] }>(c ? proposalsPath : null);
  const queryClient = useQueryClient();
  // A save that became a proposal makes the pending changes stale; the mappings save invalidates them itself.
  const reloadProposals = () => void queryClient.invalidateQueries({ queryKey: apiKey(proposalsPath) });
  const pendingReverseSync = proposals.data?.proposals.find((p) => p.status === 'pending' && p.kind === 'reverse_sync') ?? null;
  return (
    <div className="page">
      <p className="breadcrumb">
        <Link href="/connections">← Connections</Link>
      </p>
      {!c ? (
        <section className="card">
          <LoadState loading={res.loading} error={res.error} what="connection" onRetry={() => void res.reload()} />
        </section>
      ) : (
        <>
          <header className="page__header page__header--row">
            <div className="page__title">
              <h1>{c.contractName}</h1>
              <p className="muted">
                {c.partner ? (
                  <>
                    With <strong className="text">{c.partner.name}</strong> ·{' '}
                  </>
                ) : (
                  'Waiting for your partner · '
                )}
                My organisation is the <strong className="text">{ROLE_LABEL[c.role]}</strong>
              </p>
            </div>
            {c.status === 'active' ? <SyncStateBadge state={stateOfConnection(c)} /> : null}
          </header>
          {c.status !== 'active' ? (
            <p className="notice notice--warn">This connection is pending: your partner has not entered the verification code yet.</p>
          ) : null}
          {proposals.data ? (
            <PendingChangesCard
              connection={c}
              proposals={proposals.data.proposals}
              // The card invalidated the proposals; the tabs' forms start again from what is now applied.
              onChanged={() => setReloadKey((k) => k + 1)}
            />
          ) : null}
          <Tabs
            label="Connection sections"
            items={(Object.keys(TAB_LABELS) as ConnectionTab[]).map((t) => ({ href: connectionPath(id, t), label: TAB_LABELS[t], current: t === tab }))}
          />
          {tab === 'configuration' ? (
            <ConfigurationTab key={reloadKey} connectionId={id} pendingReverseSync={pendingReverseSync} onProposed={reloadProposals} />
          ) : null}
          {tab === 'mappings' ? <MappingsTab key={reloadKey} connectionId={id} /> : null}
          {tab === 'sync' ? <SyncTab connection={c} onSyncStarted={() => void res.reload({ quiet: true })} /> : null}
        </>
      )}
    </div>
  );
}
