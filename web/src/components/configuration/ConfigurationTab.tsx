import { useEffect, useState } from 'react';
import { FormProvider, useForm } from 'react-hook-form';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../../api.ts';
import type { ApiError, ChangeProposal, ConfigurationResponse, FieldsResponse, Proposed, SideConfiguration, Workspace, WorkspacesResponse } from '../../api.ts';
import { errorAt } from '../../field-errors.ts';
import { useResource } from '../../hooks/use-api.ts';
import { useApiMutation } from '../../hooks/use-api-mutation.ts';
import { FORM_BEHAVIOUR } from '../../hooks/form-options.ts';
import { apiKey } from '../../query-client.ts';
import { LoadState } from '../LoadState.tsx';
import { ApiOverrideSection, overrideAsSaved, overrideBody, overrideDraft } from './ApiOverrideSection.tsx';
import { useOwnPlatform } from '../../platforms.ts';
import type { OverrideDraft } from './ApiOverrideSection.tsx';
import { CommentsSection } from './CommentsSection.tsx';
import { DefaultsSection } from './DefaultsSection.tsx';
import { FieldsNotice } from './FieldsNotice.tsx';
import { MandatoryFieldsSection } from './MandatoryFieldsSection.tsx';
import { FiltersSection } from './FiltersSection.tsx';
import { normaliseConfiguration } from './normalise.ts';
import { checkedError, configurationResolver } from './configuration-resolver.ts';
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
  pendingReverseSync: ChangeProposal | null;
  onProposed?: () => void;
}

/** The form's values: my side's configuration, and the API override as typed. */
interface ConfigurationValues {
  configuration: SideConfiguration;
  apiOverride: OverrideDraft;
}

const valuesOf = (r: Pick<ConfigurationResponse, 'configuration' | 'apiOverride'>): ConfigurationValues => ({
  configuration: normaliseConfiguration(r.configuration),
  apiOverride: overrideDraft(r.apiOverride),
});

const checkConfiguration = configurationResolver<ConfigurationValues>();

/** Dirty compares what would be saved, whatever the order of keys or credentials typed and erased again. */
const asSaved = (v: ConfigurationValues) => ({ configuration: v.configuration, apiOverride: overrideAsSaved(v.apiOverride) });

function ConfigurationForm({ path, initial, fields, fieldsError, workspaces, pendingReverseSync, onProposed }: FormProps) {
  const queryClient = useQueryClient();
  const platform = useOwnPlatform();
  const side = initial.side;
  const form = useForm<ConfigurationValues>({ ...FORM_BEHAVIOUR, defaultValues: valuesOf(initial), resolver: checkConfiguration });
  const { watch, setValue, reset, handleSubmit, formState } = form;
  const draft = watch('configuration');
  /** What was last loaded or saved: the form is dirty while it shows something else. */
  const [baseline, setBaseline] = useState(() => valuesOf(initial));
  const dirty = !sameValue(asSaved(watch()), asSaved(baseline));
  useUnsavedChanges(dirty, 'the configuration');
  const [saved, setSaved] = useState(false);
  /** Set when reverse sync was saved as a proposal waiting for the source's admin. */
  const [waiting, setWaiting] = useState<string | null>(null);
  // Typing into the override (registered inputs) takes back "saved", as the sections' edits do.
  useEffect(() => {
    const sub = watch((_values, { type }) => {
      if (type === 'change') setSaved(false);
    });
    return () => sub.unsubscribe();
  }, [watch]);
  const myFields = fields?.[side];
  const set = (next: SideConfiguration) => {
    setValue('configuration', next, { shouldDirty: true });
    setSaved(false);
  };
  const update = (patch: Partial<SideConfiguration>) => set({ ...form.getValues('configuration'), ...patch });

  const save = useApiMutation({
    mutationFn: (values: ConfigurationValues) =>
      api.put<ConfigurationResponse & Proposed>(path, { configuration: values.configuration, apiOverride: overrideBody(values.apiOverride, platform) }),
    onMutate: () => {
      setSaved(false);
      setWaiting(null);
    },
    onSuccess: (answer, values) => {
      // A reverse sync change that waits for the source's admin stays in the form as proposed.
      const applied = normaliseConfiguration(answer.configuration);
      const shown = {
        configuration: answer.proposal ? { ...applied, reverseSync: values.configuration.reverseSync } : applied,
        apiOverride: overrideDraft(answer.apiOverride),
      };
      reset(shown);
      setBaseline(shown);
      if (answer.proposal) {
        setWaiting(answer.message ?? 'Reverse sync waits for the source’s admin to approve it.');
        onProposed?.();
      }
      setSaved(true);
      queryClient.setQueryData(apiKey(path), answer);
    },
    // The fields' answer depends on the saved workspaces and override account.
    invalidates: [path.replace(/\/configuration$/, '/fields')],
  });
  // A value the shared contract refuses is shown as the server would answer it, and never sent.
  const error: ApiError | null = checkedError(formState.errors) ?? save.error;
  const at = (p: string) => errorAt(error, p);

  return (
    <EditableBy least="admin">
      <FormProvider {...form}>
        <form onSubmit={handleSubmit((values) => save.mutate(values))} noValidate className="page" aria-label="Configuration">
          <FieldsNotice fields={fields} fieldsError={fieldsError} sides={[side]} />
          {workspaces.length > 1 || draft.workspaces ? (
            <WorkspacesSection
              value={draft.workspaces}
              workspaces={workspaces}
              errorAt={at}
              onChange={(w) => set(withWorkspaces(form.getValues('configuration'), w))}
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
          <ApiOverrideSection errorAt={at} platform={platform} />
          <div className="savebar">
            {error ? (
              <p className="notice notice--error" role="alert">
                {error.field ? `Check the highlighted field: ${error.message}` : `Could not save: ${error.message}`}
              </p>
            ) : null}
            <div className="actions">
              <button type="submit" className="btn btn--primary" disabled={save.isPending}>
                {save.isPending ? 'Saving…' : 'Save'}
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
      </FormProvider>
    </EditableBy>
  );
}
