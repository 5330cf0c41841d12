import { Fragment, useId } from 'react';
import type { FieldDefinition, FieldMapping } from '../../api.ts';
import { choiceLabel } from '../../picklists.ts';
import { suggestPairs } from './field-options.ts';
import { ValueSelect } from './ValueSelect.tsx';

type Pair = FieldMapping['values'][number];

interface Props {
  sourceField: FieldDefinition | undefined;
  targetField: FieldDefinition | undefined;
  values: Pair[];
  onChange: (values: Pair[]) => void;
  /** Error of a pair, by index. */
  errorOf: (index: number) => string | undefined;
  /** Names the table (a mapping shown as one table per direction). */
  caption?: string;
  /** Which end names a pair in labels: the target for a mapping run from the target, whose target values are each paired once. */
  keyedBy?: 'source' | 'target';
}

/** Where a status stands (new, open, pending, resolved, closed), from the field's choices. */
const categoryOf = (field: FieldDefinition | undefined, v: string | number) => field?.choices.find((c) => String(c.value) === String(v))?.category;

function Category({ id, field, value }: { id: string; field: FieldDefinition | undefined; value: string | number }) {
  const category = categoryOf(field, value);
  return category ? (
    <span id={id} className="muted values__category">
      · {category}
    </span>
  ) : null;
}

/** Source picklist values paired with target values; a value without a pair makes that ticket fail. */
export function ValueMappingTable({ sourceField, targetField, values, onChange, errorOf, caption, keyedBy = 'source' }: Props) {
  const ids = useId();
  const set = (i: number, patch: Partial<Pair>) => onChange(values.map((p, j) => (j === i ? { ...p, ...patch } : p)));
  // The end a run reads from: each of its values needs a pair.
  const [readField, readEnd] = keyedBy === 'target' ? ([targetField, 'target'] as const) : ([sourceField, 'source'] as const);
  const unpaired = readField?.choices.filter((c) => !values.some((p) => String(p[readEnd]) === String(c.value))) ?? [];
  const add = () => {
    const next = unpaired[0]?.value ?? '';
    const other = (keyedBy === 'target' ? sourceField : targetField)?.choices[0]?.value ?? '';
    onChange([...values, keyedBy === 'target' ? { source: other, target: next } : { source: next, target: other }]);
  };
  const suggestions = suggestPairs(sourceField, targetField);
  return (
    <div className="values">
      <table className="values__table">
        {caption ? <caption className="muted">{caption}</caption> : null}
        <thead>
          <tr>
            <th scope="col">Source value</th>
            <th scope="col" aria-hidden="true"></th>
            <th scope="col">Target value</th>
            <th scope="col">
              <span className="visually-hidden">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {values.map((p, i) => {
            const label = (keyedBy === 'target' ? choiceLabel(targetField, p.target) : choiceLabel(sourceField, p.source)) || `value ${i + 1}`;
            const err = errorOf(i);
            const sourceCategory = categoryOf(sourceField, p.source) ? `${ids}-s${i}` : undefined;
            const targetCategory = categoryOf(targetField, p.target) ? `${ids}-t${i}` : undefined;
            return (
              <Fragment key={i}>
                <tr className={err ? 'values__row--invalid' : undefined}>
                  <td>
                    <ValueSelect
                      label={keyedBy === 'target' ? `Source value for ${label}` : `Source value ${i + 1}`}
                      field={sourceField}
                      value={p.source}
                      onChange={(source) => set(i, { source })}
                      invalid={!!err}
                      describedBy={sourceCategory}
                    />
                    <Category id={`${ids}-s${i}`} field={sourceField} value={p.source} />
                  </td>
                  <td className="values__arrow" aria-hidden="true">
                    {keyedBy === 'target' ? '←' : '→'}
                  </td>
                  <td>
                    <ValueSelect
                      label={keyedBy === 'target' ? `Target value ${i + 1}` : `Target value for ${label}`}
                      field={targetField}
                      value={p.target}
                      onChange={(target) => set(i, { target })}
                      invalid={!!err}
                      describedBy={targetCategory}
                    />
                    <Category id={`${ids}-t${i}`} field={targetField} value={p.target} />
                  </td>
                  <td className="values__remove">
                    <button
                      type="button"
                      className="btn btn--small btn--ghost"
                      aria-label={`Remove value pair ${label}`}
                      onClick={() => onChange(values.filter((_, j) => j !== i))}
                    >
                      ✕
                    </button>
                  </td>
                </tr>
                {err ? (
                  <tr>
                    <td colSpan={4}>
                      <p className="field__error" role="alert">
                        {err}
                      </p>
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            );
          })}
        </tbody>
      </table>
      {values.length === 0 ? <p className="muted values__empty">No value pairs yet: tickets with a value in this field will fail to sync.</p> : null}
      <div className="actions">
        <button type="button" className="btn btn--small" onClick={add}>
          Add value pair
        </button>
        {suggestions.length && values.length === 0 ? (
          <button type="button" className="btn btn--small btn--ghost" onClick={() => onChange(suggestions)}>
            Pair values with the same name
          </button>
        ) : null}
        {unpaired.length && values.length ? <span className="muted values__hint">Not paired: {unpaired.map((c) => c.label).join(', ')}</span> : null}
      </div>
    </div>
  );
}
