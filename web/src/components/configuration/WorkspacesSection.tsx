import type { SideConfiguration, Workspace } from '../../api.ts';
import type { ErrorAt } from '../../field-errors.ts';
import { CheckboxGroup } from '../CheckboxGroup.tsx';
import { SelectField } from '../SelectField.tsx';

type Choice = NonNullable<SideConfiguration['workspaces']>;
const P = 'configuration.workspaces';

interface Props {
  /** Absent: the primary workspace, as before the choice existed. */
  value: Choice | undefined;
  onChange: (value: Choice | undefined) => void;
  /** The account's workspaces; the section is shown only when there are several. */
  workspaces: Workspace[];
  errorAt: ErrorAt;
}

/** Which of the account's workspaces this side syncs, and where the partner's tickets are created. */
export function WorkspacesSection({ value, onChange, workspaces, errorAt }: Props) {
  const primary = workspaces.find((w) => w.primary);
  const ids = value?.ids ?? [];
  const createIn = value?.createIn ?? null;
  const label = (w: Workspace) => `${w.name}${w.primary ? ' (primary)' : ''}`;
  const synced = ids.length > 0 ? workspaces.filter((w) => ids.includes(w.id)) : primary ? [primary] : [];
  // Nothing chosen is the default (the primary workspace): the key is left out, as older documents have it.
  const set = (next: Choice) => onChange(next.ids.length === 0 && next.createIn === null ? undefined : next);
  const first = synced[0];
  // An error about the choice as a whole (its workspaces could not be read) rather than one input.
  const whole = errorAt(`${P}.ids`) || errorAt(`${P}.createIn`) ? undefined : errorAt(P);
  return (
    <section className="card" aria-labelledby="workspaces-title">
      <div className="card__header">
        <h2 id="workspaces-title">Workspaces</h2>
        <p className="muted">Your helpdesk account has several workspaces. Tickets, groups and fields come from the workspaces chosen here.</p>
      </div>
      <div className="stack">
        <CheckboxGroup
          legend="Workspaces to sync"
          options={workspaces.map((w) => ({ value: w.id, label: label(w) }))}
          value={ids}
          onChange={(next) => set({ ids: inAccountOrder(next, workspaces), createIn: createIn !== null && next.includes(createIn) ? createIn : null })}
          help={`None chosen: the primary workspace${primary ? ` (${primary.name})` : ''} only.`}
          error={errorAt(`${P}.ids`)}
        />
        <SelectField
          label="Workspace for new tickets"
          value={createIn ?? ''}
          options={synced.map((w) => ({ value: w.id, label: label(w) }))}
          emptyLabel={first ? `The first chosen (${first.name})` : 'The first chosen'}
          onChange={(v) => set({ ids, createIn: v === '' ? null : v })}
          help="Where tickets from your partner are created."
          error={errorAt(`${P}.createIn`)}
        />
        {whole ? (
          <p className="notice notice--error" role="alert">
            {whole}
          </p>
        ) : null}
      </div>
    </section>
  );
}

/** Chosen ids in the account's order (the first is where new tickets go by default); ids the account no longer has stay last. */
function inAccountOrder(ids: string[], workspaces: Workspace[]): string[] {
  return [...workspaces.filter((w) => ids.includes(w.id)).map((w) => w.id), ...ids.filter((id) => !workspaces.some((w) => w.id === id))];
}

/** The configuration with this workspace choice; no choice leaves the key out (the primary workspace). */
export function withWorkspaces(c: SideConfiguration, w: Choice | undefined): SideConfiguration {
  const { workspaces: _previous, ...rest } = c;
  return w ? { ...rest, workspaces: w } : rest;
}
