import { useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../../api.ts';
import type { ApiError, ChangeProposal, ConfigurationResponse, FieldsResponse, Proposed, SideConfiguration, Workspace, WorkspacesResponse } from '../../api.ts';
import { errorAt } from '../../field-errors.ts';
import { useApiCall, useResource } from '../../hooks/use-api.ts';
import { LoadState } from '../LoadState.tsx';
import { ApiOverrideSection, overrideBody, overrideDraft } from './ApiOverrideSection.tsx';
import { useOwnPlatform } from '../../platforms.ts';
import type { OverrideDraft } from './ApiOverrideSection.tsx';
import { CommentsSection } from './CommentsSection.tsx';
import { DefaultsSection } from './DefaultsSection.tsx';
import { FieldsNotice } from './FieldsNotice.tsx';
import { MandatoryFieldsSection } from './MandatoryFieldsSection.tsx';
import { FiltersSection } from './FiltersSection.tsx';
import { normaliseConfiguration } from './normalise.ts';
import { ReverseSyncSection } from './ReverseSyncSection.tsx';
import { TransferSection } from './TransferSection.tsx';
import { SideSettingsSection } from './SideSettingsSection.tsx';
import { withWorkspaces, WorkspacesSection } from './WorkspacesSection.tsx';
import { EditableBy } from '../EditableBy.tsx';
import { sameValue, useUnsavedChanges } from '../../unsaved-changes.ts';

/** My organisation's side of the connection (product.md §4). */
export function ConfigurationTab({
  connectionId,
  pendingReverseSync = null,
  onProposed,
}: {
  connectionId: string;
  pendingReverseSync?: ChangeProposal | null;
  onProposed?: () => void;
}) {
  const base = `/connections/${encodeURIComponent(connectionId)}`;
  const cfg = useResource<ConfigurationResponse>(`${base}/configuration`);
  const fields = useResource<FieldsResponse>(`${base}/fields`);
  const workspaces = useResource<WorkspacesResponse>(`${base}/workspaces`);
  if (!cfg.data)
    return (
      <section className="card">
        <LoadState loading={cfg.loading} error={cfg.error} what="configuration" onRetry={() => void cfg.reload()} />
      </section>
    );
  return (
    <ConfigurationForm
      key={cfg.data.connectionId}
      path={`${base}/configuration`}
      initial={cfg.data}
      fields={fields.data}
      fieldsError={fields.error}
      workspaces={workspaces.data?.workspaces ?? []}
      onSaved={(r) => {
        cfg.setData(r);
        void fields.reload({ quiet: true });
      }}
      pendingReverseSync={pendingReverseSync}
      onProposed={onProposed}
    />
  );
}

interface FormProps {
  path: string;
  initial: ConfigurationResponse;
  fields: FieldsResponse | undefined;
  fieldsError: ApiError | null;
  /** The account's workspaces: a choice is offered only when there are several. */
  workspaces: Workspace[];
  onSaved: (r: ConfigurationResponse) => void;
  pendingReverseSync: ChangeProposal | null;
  onProposed?: () => void;
}

function ConfigurationForm({ path, initial, fields, fieldsError, workspaces, onSaved, pendingReverseSync, onProposed }: FormProps) {
  const call = useApiCall();
  const platform = useOwnPlatform();
  const side = initial.side;
  const [draft, setDraft] = useState<SideConfiguration>(() => normaliseConfiguration(initial.configuration));
  const [override, setOverride] = useState<OverrideDraft>(() => overrideDraft(initial.apiOverride));
  /** What was last loaded or saved: the form is dirty while it shows something else. */
  const [baseline, setBaseline] = useState(() => ({ draft, override }));
  const dirty = !sameValue(draft, baseline.draft) || !sameValue(override, baseline.override);
  useUnsavedChanges(dirty, 'the configuration');
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);
  /** Set when reverse sync was saved as a proposal waiting for the source's admin. */
  const [waiting, setWaiting] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const at = (p: string) => errorAt(error, p);
  const myFields = fields?.[side];
  const update = (patch: Partial<SideConfiguration>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setSaved(false);
  };

  async function save(ev: FormEvent) {
    ev.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    setWaiting(null);
    const apiOverride = overrideBody(override, platform);
    const r = await call(() => api.put<ConfigurationResponse & Proposed>(path, { configuration: draft, apiOverride }));
    setBusy(false);
    if (r.ok) {
      // A reverse sync change that waits for the source's admin stays in the form as proposed.
      const applied = normaliseConfiguration(r.data.configuration);
      const shown = r.data.proposal ? { ...applied, reverseSync: draft.reverseSync } : applied;
      setDraft(shown);
      setBaseline({ draft: shown, override: overrideDraft(r.data.apiOverride) });
      if (r.data.proposal) {
        setWaiting(r.data.message ?? 'Reverse sync waits for the source’s admin to approve it.');
        onProposed?.();
      }
      setOverride(overrideDraft(r.data.apiOverride));
      setSaved(true);
      onSaved(r.data);
    } else if (r.error) setError(r.error);
  }

  return (
    <EditableBy least="admin">
      <form onSubmit={save} noValidate className="page" aria-label="Configuration">
        <FieldsNotice fields={fields} fieldsError={fieldsError} sides={[side]} />
        {workspaces.length > 1 || draft.workspaces ? (
          <WorkspacesSection
            value={draft.workspaces}
            workspaces={workspaces}
            errorAt={at}
            onChange={(w) => {
              setDraft((d) => withWorkspaces(d, w));
              setSaved(false);
            }}
          />
        ) : null}
        <DefaultsSection value={draft.defaults} onChange={(defaults) => update({ defaults })} fields={myFields?.fields} errorAt={at} />
        <MandatoryFieldsSection
          side={side}
          value={draft.defaults}
          onChange={(defaults) => update({ defaults })}
          fields={myFields?.fields}
          mappingsPath={path.replace(/\/configuration$/, '/mappings')}
          errorAt={at}
        />
        <FiltersSection side={side} value={draft.filters} onChange={(filters) => update({ filters })} fields={myFields?.fields} errorAt={at} />
        {side === 'target' ? (
          <ReverseSyncSection
            value={draft.reverseSync}
            onChange={(reverseSync) => update({ reverseSync })}
            fields={myFields?.fields}
            errorAt={at}
            applied={initial.configuration.reverseSync.enabled}
            pending={pendingReverseSync}
          />
        ) : null}
        <CommentsSection value={draft.comments} onChange={(comments) => update({ comments })} errorAt={at} platform={platform} />
        <TransferSection
          attachments={draft.attachments.enabled}
          closures={draft.closures.enabled}
          shareLinks={draft.ticketLinks?.share ?? true}
          onChange={update}
          errorAt={at}
        />
        <SideSettingsSection platform={platform} value={draft.sideSettings} onChange={(sideSettings) => update({ sideSettings })} errorAt={at} />
        <ApiOverrideSection
          value={override}
          onChange={(o) => {
            setOverride(o);
            setSaved(false);
          }}
          errorAt={at}
          platform={platform}
        />
        <div className="savebar">
          {error ? (
            <p className="notice notice--error" role="alert">
              {error.field ? `Check the highlighted field: ${error.message}` : `Could not save: ${error.message}`}
            </p>
          ) : null}
          <div className="actions">
            <button type="submit" className="btn btn--primary" disabled={busy}>
              {busy ? 'Saving…' : 'Save'}
            </button>
            <span className="actions__status" role="status">
              {dirty ? <span className="unsaved">Unsaved changes</span> : saved ? <span className="saved">✓ Configuration saved</span> : null}
            </span>
          </div>
          {waiting ? (
            <p className="notice notice--info" role="status">
              Reverse sync is not changed yet: {waiting}
            </p>
          ) : null}
        </div>
      </form>
    </EditableBy>
  );
}
