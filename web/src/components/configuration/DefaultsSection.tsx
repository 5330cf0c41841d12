import type { FieldDefinition, SideConfiguration } from '../../api.ts';
import type { ErrorAt } from '../../field-errors.ts';
import { FIELD_NAMES, findField } from '../../picklists.ts';
import { Field } from '../Field.tsx';
import { PicklistField } from '../PicklistField.tsx';
import { SelectField } from '../SelectField.tsx';

type Defaults = SideConfiguration['defaults'];
type Mode = Defaults['requester']['mode'];

const REQUESTER_MODES: { value: Mode; label: string }[] = [
  { value: 'match_or_create', label: 'Match by e-mail, or create the requester' },
  { value: 'match_or_default', label: 'Match by e-mail, or use the default requester' },
  { value: 'default', label: 'Always use the default requester' },
];

const P = 'configuration.defaults';

interface Props {
  value: Defaults;
  onChange: (value: Defaults) => void;
  fields: FieldDefinition[] | undefined;
  errorAt: ErrorAt;
}

/** Values given to tickets the partner's side creates on this platform. */
export function DefaultsSection({ value, onChange, fields, errorAt }: Props) {
  const set = <K extends keyof Defaults>(k: K, v: Defaults[K]) => onChange({ ...value, [k]: v });
  const str = (v: string | number | null) => (v === null ? null : String(v));
  const f = (names: readonly string[]) => findField(fields, names);
  const needsEmail = value.requester.mode !== 'match_or_create';
  return (
    <section className="card" aria-labelledby="defaults-title">
      <div className="card__header">
        <h2 id="defaults-title">Defaults for created tickets</h2>
        <p className="muted">Used for tickets Support Fusion creates on your platform when the partner’s ticket has no mapped value.</p>
      </div>
      <div className="form-grid">
        <PicklistField
          label="Group"
          field={f(FIELD_NAMES.group)}
          mode="id"
          value={value.groupId}
          onChange={(v) => set('groupId', str(v))}
          error={errorAt(`${P}.groupId`)}
        />
        <PicklistField
          label="Type"
          field={f(FIELD_NAMES.ticketType)}
          mode="name"
          value={value.ticketType}
          onChange={(v) => set('ticketType', str(v))}
          error={errorAt(`${P}.ticketType`)}
        />
        <PicklistField
          label="Status"
          field={f(FIELD_NAMES.status)}
          mode="value"
          value={value.status}
          onChange={(v) => set('status', v)}
          error={errorAt(`${P}.status`)}
        />
        <PicklistField
          label="Priority"
          field={f(FIELD_NAMES.priority)}
          mode="value"
          value={value.priority}
          onChange={(v) => set('priority', v)}
          error={errorAt(`${P}.priority`)}
        />
        <PicklistField
          label="Source"
          field={f(FIELD_NAMES.source)}
          mode="value"
          value={value.source}
          onChange={(v) => set('source', v)}
          error={errorAt(`${P}.source`)}
        />
        <PicklistField
          label="Category"
          field={f(FIELD_NAMES.category)}
          mode="name"
          value={value.category}
          onChange={(v) => set('category', str(v))}
          error={errorAt(`${P}.category`)}
        />
        <PicklistField
          label="Department"
          field={f(FIELD_NAMES.department)}
          mode="id"
          value={value.departmentId}
          onChange={(v) => set('departmentId', str(v))}
          error={errorAt(`${P}.departmentId`)}
        />
      </div>
      <div className="form-grid form-grid--wide">
        <SelectField
          label="Requester handling"
          value={value.requester.mode}
          options={REQUESTER_MODES}
          onChange={(m) => set('requester', { ...value.requester, mode: m as Mode })}
          error={errorAt(`${P}.requester.mode`)}
          help="How the requester of a created ticket is found on your platform."
        />
        <Field
          label="Default requester e-mail"
          type="email"
          autoComplete="off"
          value={value.requester.defaultRequesterEmail ?? ''}
          placeholder="helpdesk@yourcompany.com"
          onChange={(e) => set('requester', { ...value.requester, defaultRequesterEmail: e.target.value.trim() === '' ? null : e.target.value })}
          help={needsEmail ? 'Required with this requester handling.' : 'Only used when a default requester is chosen.'}
          error={errorAt(`${P}.requester.defaultRequesterEmail`)}
        />
      </div>
    </section>
  );
}
