import type { FieldDefinition, SyncFilter } from '../../api.ts';
import type { ErrorAt } from '../../field-errors.ts';
import { fieldByRole, lacksRole } from '../../field-by-role.ts';
import { fromOption, optionsOf, toOption } from '../../picklists.ts';
import type { ValueMode } from '../../picklists.ts';
import { CheckboxGroup } from '../CheckboxGroup.tsx';
import { ListField } from '../ListField.tsx';

interface Props {
  value: SyncFilter;
  onChange: (value: SyncFilter) => void;
  fields: FieldDefinition[] | undefined;
  /** Dotted path of this filter in the configuration, for errors. */
  path: string;
  errorAt: ErrorAt;
}

/** Several picklist values: checkboxes of the live choices, or a typed list without them. */
function MultiPicklist(props: {
  label: string;
  field: FieldDefinition | undefined;
  mode: ValueMode;
  value: Array<string | number>;
  onChange: (v: Array<string | number>) => void;
  error: string | undefined;
  help: string;
}) {
  const options = optionsOf(props.field, props.mode);
  if (!options)
    return (
      <ListField label={props.label} value={props.value} onChange={props.onChange} error={props.error} help={`${props.help} Separate values with commas.`} />
    );
  return (
    <CheckboxGroup
      legend={props.label}
      options={options}
      value={props.value.map(toOption)}
      help={props.help}
      error={props.error}
      onChange={(vs) => props.onChange(vs.map((v) => fromOption(props.field, props.mode, v) ?? v))}
    />
  );
}

/**
 * Which tickets take part: every condition left empty means "all". Fields are found by role, as a run reads
 * them. Groups is hidden where the side has no group field (a group condition would let nothing through),
 * unless one is stored: then it is shown with what to do, so it can be cleared.
 */
export function FilterEditor({ value, onChange, fields, path, errorAt }: Props) {
  const set = <K extends keyof SyncFilter>(k: K, v: SyncFilter[K]) => onChange({ ...value, [k]: v });
  const noGroupField = lacksRole(fields, 'group');
  return (
    <div className="form-grid form-grid--wide">
      {noGroupField && value.groups.length === 0 ? null : (
        <MultiPicklist
          label="Groups"
          field={fieldByRole(fields, 'group')}
          mode="id"
          value={value.groups}
          onChange={(v) => set('groups', v.map(String))}
          error={
            errorAt(`${path}.groups`) ??
            (noGroupField ? 'Your platform has no group field, so this condition lets no ticket through: remove every group.' : undefined)
          }
          help="None ticked: every group."
        />
      )}
      <MultiPicklist
        label="Ticket types"
        field={fieldByRole(fields, 'type')}
        mode="name"
        value={value.ticketTypes}
        onChange={(v) => set('ticketTypes', v.map(String))}
        error={errorAt(`${path}.ticketTypes`)}
        help="None ticked: every type."
      />
      <MultiPicklist
        label="Statuses"
        field={fieldByRole(fields, 'status')}
        mode="value"
        value={value.statuses}
        onChange={(v) => set('statuses', v)}
        error={errorAt(`${path}.statuses`)}
        help="None ticked: every status."
      />
      <ListField
        label="Tags"
        value={value.tags}
        onChange={(v) => set('tags', v)}
        error={errorAt(`${path}.tags`)}
        placeholder="e.g. partner, escalated"
        help="A ticket takes part when it has at least one of these tags. Empty: no tag condition."
      />
    </div>
  );
}
