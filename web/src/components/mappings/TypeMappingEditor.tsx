import type { FieldDefinition, FieldMapping, TypeMapping } from '../../api.ts';
import type { ErrorAt } from '../../field-errors.ts';
import { backToMeaning, mappingEffects } from '../../../../src/core/mapping-effects.ts';
import { FIELD_NAMES, findField } from '../../picklists.ts';
import { PicklistField } from '../PicklistField.tsx';
import { DescriptionBuilderEditor } from './DescriptionBuilderEditor.tsx';
import { FieldMappingRow } from './FieldMappingRow.tsx';

interface Props {
  typeName: string;
  value: TypeMapping;
  onChange: (value: TypeMapping) => void;
  sourceFields: FieldDefinition[];
  targetFields: FieldDefinition[];
  errorAt: ErrorAt;
  /** Ticket types each platform can create (null or absent: any). */
  creatable?: { source?: string[] | null | undefined; target?: string[] | null | undefined };
  /** Both sides on one platform: stored pairs are used as they are (between two platforms they may be mapped by meaning). */
  samePlatform: boolean;
}

const NEW_MAPPING: FieldMapping = { sourceField: '', targetField: '', direction: 'source_to_target', kind: 'direct', values: [] };

/** Everything mapped for one source ticket type. */
export function TypeMappingEditor({ typeName, value, onChange, sourceFields, targetFields, errorAt, creatable, samePlatform }: Props) {
  const path = `mappings.types.${typeName}`;
  const setField = (i: number, m: FieldMapping) => onChange({ ...value, fields: value.fields.map((x, j) => (j === i ? m : x)) });
  const replaceField = (i: number, ms: FieldMapping[]) => onChange({ ...value, fields: [...value.fields.slice(0, i), ...ms, ...value.fields.slice(i + 1)] });
  // What a run does with each mapping, by the engine's own rule (pairs stored for another platform's values map by meaning).
  const effects = mappingEffects(value, { source: sourceFields, target: targetFields }, samePlatform);
  const remaps = value.fields.map((m, i) => backToMeaning(m, effects[i], samePlatform));
  const fieldsError = errorAt(`${path}.fields`);
  const rowErrorShown = value.fields.some((_, i) => errorAt(`${path}.fields.${i}`));
  return (
    <div className="type-mapping">
      <div className="type-mapping__target">
        <PicklistField
          label={`Target ticket type for ${typeName}`}
          field={findField(targetFields, FIELD_NAMES.ticketType)}
          mode="name"
          value={value.targetType}
          onChange={(v) => onChange({ ...value, targetType: v === null ? null : String(v) })}
          emptyLabel={`Same as source (${typeName})`}
          error={errorAt(`${path}.targetType`)}
          placeholder={`Same as source (${typeName})`}
        />
        <SubstitutedTypeNote sourceType={typeName} targetType={value.targetType ?? typeName} creatable={creatable} />
      </div>
      <section aria-labelledby="fields-title" className="mappings">
        <h3 id="fields-title">Fields</h3>
        <div className="mapping__head" aria-hidden="true">
          <span>Source field</span>
          <span></span>
          <span>Target field</span>
          <span>Direction</span>
          <span>Kind</span>
          <span></span>
        </div>
        <ol className="mapping__list">
          {value.fields.map((m, i) => (
            <FieldMappingRow
              key={i}
              index={i}
              value={m}
              onChange={(x) => setField(i, x)}
              onReplace={(ms) => replaceField(i, ms)}
              effect={effects[i]}
              onRemap={remaps[i] ? () => setField(i, remaps[i]!) : undefined}
              onRemove={() => onChange({ ...value, fields: value.fields.filter((_, j) => j !== i) })}
              sourceFields={sourceFields}
              targetFields={targetFields}
              path={`${path}.fields.${i}`}
              errorAt={errorAt}
            />
          ))}
        </ol>
        {value.fields.length === 0 ? <p className="empty">No field mappings for {typeName}.</p> : null}
        {fieldsError && !rowErrorShown ? (
          <p className="field__error" role="alert">
            {fieldsError}
          </p>
        ) : null}
        <div className="actions">
          <button type="button" className="btn btn--small" onClick={() => onChange({ ...value, fields: [...value.fields, { ...NEW_MAPPING }] })}>
            Add mapping
          </button>
        </div>
      </section>
      <DescriptionBuilderEditor
        value={value.descriptionBuilder}
        onChange={(descriptionBuilder) => onChange({ ...value, descriptionBuilder })}
        sourceFields={sourceFields}
        path={`${path}.descriptionBuilder`}
        errorAt={errorAt}
      />
    </div>
  );
}

const fallbackFor = (type: string, creatable: string[] | null | undefined) =>
  creatable && creatable.length > 0 && !creatable.includes(type) ? creatable[0]! : null;

/** Says in plain words when a platform cannot create a type through its API, and what is created instead. */
function SubstitutedTypeNote({ sourceType, targetType, creatable }: { sourceType: string; targetType: string; creatable: Props['creatable'] }) {
  const onTarget = fallbackFor(targetType, creatable?.target);
  const onSource = fallbackFor(sourceType, creatable?.source);
  if (!onTarget && !onSource) return null;
  return (
    <div className="notice notice--info" role="note">
      {onTarget ? (
        <p>
          The target platform cannot create {targetType} tickets through its API. Copies of {sourceType} tickets are created there as {onTarget}, and their
          description starts with the line “Type: {targetType}”.
        </p>
      ) : null}
      {onSource ? (
        <p>
          The source platform cannot create {sourceType} tickets through its API. {targetType} tickets that flow back (reverse sync) are created there as{' '}
          {onSource}, with “Type: {sourceType}” as the first line of their description.
        </p>
      ) : null}
    </div>
  );
}
