import { useId, useMemo, useState } from 'react';
import type { DescriptionBuilder, FieldDefinition } from '../../api.ts';
import { previewDescription } from '../../../../src/core/description-builder.ts';
import type { ErrorAt } from '../../field-errors.ts';
import { Field } from '../Field.tsx';
import { fieldLabel, fieldOptions } from './field-options.ts';
import { sampleSource } from './sample-values.ts';

interface Props {
  value: DescriptionBuilder;
  onChange: (value: DescriptionBuilder) => void;
  sourceFields: FieldDefinition[];
  path: string;
  errorAt: ErrorAt;
}

/** Source fields written as "Field: value" lines above the original description, with a live preview. */
export function DescriptionBuilderEditor({ value, onChange, sourceFields, path, errorAt }: Props) {
  const addId = useId();
  const [adding, setAdding] = useState('');
  const chosen = value.fields;
  const available = fieldOptions(sourceFields).filter((o) => !chosen.includes(o.value) && o.value !== 'description');
  const preview = useMemo(
    () =>
      previewDescription(value, { ...sampleSource(sourceFields), partnerRef: { displayId: 'INC-34', url: 'https://helpdesk.partner.example/a/tickets/34' } }),
    [value, sourceFields],
  );
  const move = (i: number, by: number) => {
    const next = [...chosen];
    const [f] = next.splice(i, 1);
    next.splice(i + by, 0, f!);
    onChange({ ...value, fields: next });
  };
  const add = () => {
    const name = adding || available[0]?.value;
    if (!name) return;
    onChange({ ...value, fields: [...chosen, name] });
    setAdding('');
  };
  const fieldsError = errorAt(`${path}.fields`);
  return (
    <section className="builder" aria-labelledby={`${addId}-title`}>
      <h3 id={`${addId}-title`}>Description builder</h3>
      <p className="muted">
        The target description starts with these source fields, one “Field: value” line each, then the separator and the original description. Changes apply to
        descriptions written from now on.
      </p>
      <div className="builder__grid">
        <div className="stack builder__edit">
          <ol className="builder__list" aria-label="Fields in the description">
            {chosen.length === 0 ? <li className="muted builder__empty">No fields: the original description is copied as it is.</li> : null}
            {chosen.map((name, i) => (
              <li key={name} className="builder__item">
                <span className="builder__name">{fieldLabel(sourceFields, name)}</span>
                <span className="builder__buttons">
                  <button
                    type="button"
                    className="btn btn--small btn--ghost"
                    aria-label={`Move ${fieldLabel(sourceFields, name)} up`}
                    disabled={i === 0}
                    onClick={() => move(i, -1)}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    className="btn btn--small btn--ghost"
                    aria-label={`Move ${fieldLabel(sourceFields, name)} down`}
                    disabled={i === chosen.length - 1}
                    onClick={() => move(i, 1)}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    className="btn btn--small btn--ghost"
                    aria-label={`Remove ${fieldLabel(sourceFields, name)} from the description`}
                    onClick={() => onChange({ ...value, fields: chosen.filter((f) => f !== name) })}
                  >
                    ✕
                  </button>
                </span>
              </li>
            ))}
          </ol>
          {fieldsError ? (
            <p className="field__error" role="alert">
              {fieldsError}
            </p>
          ) : null}
          <div className="builder__add">
            <div className="field">
              <label htmlFor={addId}>Add a source field</label>
              {sourceFields.length ? (
                <select id={addId} value={adding} onChange={(e) => setAdding(e.target.value)}>
                  <option value="">{available.length ? 'Choose a field…' : 'All fields are in the description'}</option>
                  {available.map((o) => (
                    <option key={o.value} value={o.value}>
                      {o.label}
                    </option>
                  ))}
                </select>
              ) : (
                <input id={addId} value={adding} onChange={(e) => setAdding(e.target.value)} placeholder="field name" />
              )}
            </div>
            <button type="button" className="btn" onClick={add} disabled={!adding && !(sourceFields.length && available.length)}>
              Add field
            </button>
          </div>
          <div className="field field--check">
            <label>
              <input type="checkbox" checked={value.partnerReference === true} onChange={(e) => onChange({ ...value, partnerReference: e.target.checked })} />{' '}
              Start with the partner's ticket number and link
            </label>
            <p className="field__help">
              A first line “Partner ticket: INC-34 (link)” naming the ticket the copy was made from. The link is included only when that side shares links to
              its tickets (its Configuration).
            </p>
          </div>
          <Field
            label="Separator"
            value={value.separator}
            maxLength={200}
            onChange={(e) => onChange({ ...value, separator: e.target.value })}
            help="A line between the fields and the original description, e.g. ---. Leave empty for none."
            error={errorAt(`${path}.separator`)}
          />
        </div>
        <figure className="preview">
          <figcaption>
            Live preview <span className="muted">(example ticket)</span>
          </figcaption>
          <pre className="preview__text" aria-label="Description preview" aria-live="polite">
            {preview}
          </pre>
        </figure>
      </div>
    </section>
  );
}
