import { useEffect, useRef } from 'react';
import type { Direction, FieldDefinition, FieldMapping } from '../../api.ts';
import type { MappingEffect } from '../../../../src/core/mapping-effects.ts';
import type { ErrorAt } from '../../field-errors.ts';
import { DIRECTION_LABEL } from '../../labels.ts';
import { fieldLabel, fieldOptions, suggestPairs } from './field-options.ts';
import { ByMeaningPairs } from './ByMeaningPairs.tsx';
import { ROLE_LABEL, rolesText } from './role-words.ts';
import { ValueMappingTable } from './ValueMappingTable.tsx';

interface Props {
  index: number;
  value: FieldMapping;
  onChange: (value: FieldMapping) => void;
  onRemove: () => void;
  sourceFields: FieldDefinition[];
  targetFields: FieldDefinition[];
  /** Dotted path of this mapping, e.g. mappings.types.Incident.fields.2. */
  path: string;
  errorAt: ErrorAt;
  /** What a run does with this mapping between the two platforms (absent: as stored). */
  effect?: MappingEffect | undefined;
  /** Stores these mappings in place of this one (a mapping shown by meaning whose pairs the user edits). */
  onReplace?: (mappings: FieldMapping[]) => void;
  /** Set where the stored pairs of a role could be mapped by meaning instead (two different platforms). */
  onRemap?: (() => void) | undefined;
}

function FieldPicker({
  label,
  fields,
  value,
  onChange,
  invalid,
}: {
  label: string;
  fields: FieldDefinition[];
  value: string;
  onChange: (v: string) => void;
  invalid: boolean;
}) {
  if (!fields.length)
    return <input aria-label={label} value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={invalid || undefined} placeholder="field name" />;
  return (
    <select aria-label={label} value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={invalid || undefined}>
      {value === '' ? <option value="">Choose a field…</option> : null}
      {fieldOptions(fields, value).map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
}

/** One source field → target field mapping, with its value pairs when it is a value mapping. */
export function FieldMappingRow({ index, value, onChange, onRemove, sourceFields, targetFields, path, errorAt, effect, onReplace, onRemap }: Props) {
  const set = (patch: Partial<FieldMapping>) => onChange({ ...value, ...patch });
  const src = sourceFields.find((f) => f.name === value.sourceField);
  const tgt = targetFields.find((f) => f.name === value.targetField);
  const name = `${fieldLabel(sourceFields, value.sourceField)} to ${fieldLabel(targetFields, value.targetField)}`;
  const rowError = errorAt(path);
  const valuesError = (i: number) => errorAt(`${path}.values.${i}`);
  // A value pair shows its own error beside it; anything else about the mapping goes under the row.
  const shownByPair = value.kind === 'value' && value.values.some((_, i) => valuesError(i));
  const roles = effect ? rolesText(effect.roles) : null;
  const byMeaning = value.kind === 'value' && effect?.kind === 'by_meaning' ? effect : null;
  const item = useRef<HTMLLIElement>(null);
  /** The label of the value the user was changing when the pairs shown by meaning were stored, to keep it focused. */
  const refocus = useRef<string | null>(null);
  useEffect(() => {
    const label = refocus.current;
    refocus.current = null;
    if (!label) return;
    // Stored, the mapping's directions are this row and (for the other direction) the next one: the same value is in one of them.
    for (const el of [item.current, item.current?.nextElementSibling]) {
      const again = [...(el?.querySelectorAll<HTMLElement>('[aria-label]') ?? [])].find((x) => x.getAttribute('aria-label') === label);
      if (again) return again.focus();
    }
  });
  const override = (ms: FieldMapping[]) => {
    const active = document.activeElement;
    refocus.current = active && item.current?.contains(active) ? active.getAttribute('aria-label') : null;
    onReplace?.(ms);
  };
  return (
    // The group is inside the list item: a list may only hold list items (axe "list"), and each row is one.
    <li ref={item}>
      <div className={`mapping${rowError ? ' mapping--invalid' : ''}`} role="group" aria-label={`Mapping ${index + 1}: ${name}`}>
        <div className="mapping__cells">
          <FieldPicker
            label="Source field"
            fields={sourceFields}
            value={value.sourceField}
            invalid={!!errorAt(`${path}.sourceField`)}
            onChange={(sourceField) => set({ sourceField })}
          />
          <span className="mapping__arrow" aria-hidden="true">
            →
          </span>
          <FieldPicker
            label="Target field"
            fields={targetFields}
            value={value.targetField}
            invalid={!!errorAt(`${path}.targetField`)}
            onChange={(targetField) => set({ targetField })}
          />
          <select aria-label="Direction" value={value.direction} onChange={(e) => set({ direction: e.target.value as Direction })}>
            {(Object.keys(DIRECTION_LABEL) as Direction[]).map((d) => (
              <option key={d} value={d}>
                {DIRECTION_LABEL[d]}
              </option>
            ))}
          </select>
          <select
            aria-label="Kind"
            value={value.kind}
            onChange={(e) => {
              const kind = e.target.value as FieldMapping['kind'];
              set({ kind, values: kind === 'value' && value.values.length === 0 ? suggestPairs(src, tgt) : value.values });
            }}
          >
            <option value="direct">Direct</option>
            <option value="value">Value mapping</option>
          </select>
          <button type="button" className="btn btn--small btn--ghost mapping__remove" aria-label={`Remove mapping ${index + 1}: ${name}`} onClick={onRemove}>
            ✕
          </button>
        </div>
        {roles ? <p className="muted mapping__role">{roles}</p> : null}
        {onRemap ? (
          <div className="actions">
            <button type="button" className="btn btn--small btn--ghost" onClick={onRemap} aria-label={`Map by meaning again: mapping ${index + 1}, ${name}`}>
              Map by meaning again
            </button>
          </div>
        ) : null}
        {effect?.kind === 'skipped' ? (
          <p className="muted" role="note">
            Not synced between these platforms: the {effect.missingOn.join(' and ')} platform has no {ROLE_LABEL[effect.role]} field.
          </p>
        ) : null}
        {rowError && !shownByPair ? (
          <p className="field__error mapping__error" role="alert">
            {rowError}
          </p>
        ) : null}
        {byMeaning ? (
          <ByMeaningPairs effect={byMeaning} sourceFields={sourceFields} targetFields={targetFields} onOverride={override} />
        ) : value.kind === 'value' && effect?.kind !== 'skipped' ? (
          <ValueMappingTable sourceField={src} targetField={tgt} values={value.values} onChange={(values) => set({ values })} errorOf={valuesError} />
        ) : null}
      </div>
    </li>
  );
}
