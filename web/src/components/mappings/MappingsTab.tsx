import { withPartnerReference } from './field-options.ts';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { api, ApiError } from '../../api.ts';
import type { FieldsResponse, Mappings, MappingsResponse, Proposed, TypeMapping } from '../../api.ts';
import { errorAt } from '../../field-errors.ts';
import { useQueryClient } from '@tanstack/react-query';
import { useResource } from '../../hooks/use-api.ts';
import { useApiMutation } from '../../hooks/use-api-mutation.ts';
import { apiKey } from '../../query-client.ts';
import { FieldsNotice } from '../configuration/FieldsNotice.tsx';
import { LoadState } from '../LoadState.tsx';
import { TypeMappingEditor } from './TypeMappingEditor.tsx';
import { TypeTabs } from './TypeTabs.tsx';
import { EditableBy } from '../EditableBy.tsx';
import { sameValue, useUnsavedChanges } from '../../unsaved-changes.ts';

const STANDARD_TYPES = ['Incident', 'Service Request'];

/** Field mappings per ticket type and the description builder (product.md §5). */
export function MappingsTab({ connectionId, onProposed }: { connectionId: string; onProposed?: () => void }) {
  const base = `/connections/${encodeURIComponent(connectionId)}`;
  const res = useResource<MappingsResponse>(`${base}/mappings`);
  const fields = useResource<FieldsResponse>(`${base}/fields`);
  if (!res.data)
    return (
      <section className="card">
        <LoadState loading={res.loading} error={res.error} what="field mappings" onRetry={() => void res.reload()} />
      </section>
    );
  return (
    <MappingsForm
      path={`${base}/mappings`}
      initial={res.data.mappings}
      fields={fields.data}
      fieldsError={fields.error}
      fieldsLoading={fields.loading}
      onProposed={onProposed}
    />
  );
}

/** The API may name a path with or without the "mappings." prefix. */
function withPrefix(e: ApiError | null): ApiError | null {
  if (!e?.field || e.field.startsWith('mappings.') || e.field === 'mappings') return e;
  return new ApiError(e.status, e.code, e.message, `mappings.${e.field}`, e.hints);
}

function typeOfError(e: ApiError | null, types: string[]): string | undefined {
  const f = e?.field;
  if (!f?.startsWith('mappings.types.')) return undefined;
  const rest = f.slice('mappings.types.'.length);
  // Longest first: "Service Request" must not be read as a type named "Service".
  return [...types].sort((a, b) => b.length - a.length).find((t) => rest === t || rest.startsWith(`${t}.`));
}

interface FormProps {
  path: string;
  initial: Mappings;
  fields: FieldsResponse | undefined;
  fieldsError: ApiError | null;
  fieldsLoading: boolean;
  onProposed?: () => void;
}

function MappingsForm({ path, initial, fields, fieldsError, fieldsLoading, onProposed }: FormProps) {
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<Mappings>(initial);
  /** What was last loaded, saved or proposed: the form is dirty while it shows something else. */
  const [baseline, setBaseline] = useState<Mappings>(initial);
  const dirty = !sameValue(draft, baseline);
  useUnsavedChanges(dirty, 'the field mappings');
  const types = [...STANDARD_TYPES.filter((t) => draft.types[t]), ...Object.keys(draft.types).filter((t) => !STANDARD_TYPES.includes(t))];
  const [selected, setSelected] = useState(types[0] ?? 'Incident');
  const [saved, setSaved] = useState(false);
  /** Set when the save became a proposal waiting for the partner's admin (the draft is kept as proposed). */
  const [waiting, setWaiting] = useState<string | null>(null);
  const write = useApiMutation<MappingsResponse & Proposed, Mappings>({
    mutationFn: (mappings) => api.put<MappingsResponse & Proposed>(path, { mappings }),
    onMutate: () => {
      setSaved(false);
      setWaiting(null);
    },
    onSuccess: (answer, sent) => {
      if (answer.proposal) {
        setBaseline(sent);
        setWaiting(answer.message ?? `Waiting for an admin of ${answer.proposal.awaiting.organisation.name} to approve it.`);
        onProposed?.();
        return;
      }
      setDraft(answer.mappings);
      setBaseline(answer.mappings);
      setSaved(true);
      queryClient.setQueryData(apiKey(path), answer);
    },
    onError: (e) => {
      const t = typeOfError(withPrefix(e), types);
      if (t) setSelected(t);
    },
    // A proposal is listed on the connection page, above the tabs.
    invalidates: (answer) => (answer.proposal ? [path.replace(/\/mappings$/, '/change-proposals')] : []),
  });
  const error = withPrefix(write.error);
  const busy = write.isPending;
  const at = (p: string) => errorAt(error, p);
  const current = draft.types[selected];
  const setType = (t: string, v: TypeMapping) => {
    setDraft((d) => ({ types: { ...d.types, [t]: v } }));
    setSaved(false);
    setWaiting(null);
  };

  function save(ev: FormEvent) {
    ev.preventDefault();
    write.mutate(draft);
  }

  return (
    <form onSubmit={save} noValidate className="page" aria-label="Field mappings">
      <FieldsNotice fields={fields} fieldsError={fieldsError} sides={['source', 'target']} />
      <section className="card" aria-labelledby="mappings-title">
        <div className="card__header">
          <h2 id="mappings-title">Field mappings</h2>
          <p className="muted">
            Per ticket type, which source field is written to which target field. A direct mapping copies the value; a value mapping pairs picklist values
            loaded live from both platforms.
            {fieldsLoading ? ' Loading the platforms’ fields…' : ''}
          </p>
        </div>
        <TypeTabs types={types} selected={selected} onSelect={setSelected} />
        {current ? (
          <div role="tabpanel" aria-label={selected}>
            <EditableBy least="member">
              <TypeMappingEditor
                key={selected}
                typeName={selected}
                value={current}
                onChange={(v) => setType(selected, v)}
                sourceFields={withPartnerReference(fields?.source.fields ?? [])}
                targetFields={withPartnerReference(fields?.target.fields ?? [])}
                errorAt={at}
                creatable={{ source: fields?.source.creatableTypes, target: fields?.target.creatableTypes }}
                samePlatform={!!fields?.source.platform && fields.source.platform === fields.target.platform}
              />
            </EditableBy>
          </div>
        ) : (
          <p className="empty">No mappings for this ticket type.</p>
        )}
      </section>
      <EditableBy least="member" quiet>
        <div className="savebar">
          {error ? (
            <div className="notice notice--error" role="alert">
              <p>
                {error.code === 'fields_unavailable'
                  ? `Could not check the mappings against the platforms: ${error.message}`
                  : error.field
                    ? `Check the highlighted mapping: ${error.message}`
                    : `Could not save: ${error.message}`}
              </p>
              {error.hints.length > 1 ? (
                <>
                  <p>All problems found:</p>
                  <ul className="hints">
                    {error.hints.map((h) => (
                      <li key={h}>{h}</li>
                    ))}
                  </ul>
                </>
              ) : null}
            </div>
          ) : null}
          <div className="actions">
            <button type="submit" className="btn btn--primary" disabled={busy}>
              {busy ? 'Saving…' : 'Save mappings'}
            </button>
            <span className="actions__status" role="status">
              {dirty ? <span className="unsaved">Unsaved changes</span> : saved ? <span className="saved">✓ Mappings saved</span> : null}
            </span>
          </div>
          {waiting ? (
            <p className="notice notice--info" role="status">
              Not applied yet: {waiting}
            </p>
          ) : null}
        </div>
      </EditableBy>
    </form>
  );
}
