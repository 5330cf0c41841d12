import type { FieldDefinition, FieldMapping } from '../../api.ts';
import { overrideByMeaning, type MappingEffect } from '../../../../src/core/mapping-effects.ts';
import { DIRECTION_LABEL } from '../../labels.ts';
import { MEANING } from './role-words.ts';
import { ValueMappingTable } from './ValueMappingTable.tsx';

interface Props {
  effect: Extract<MappingEffect, { kind: 'by_meaning' }>;
  sourceFields: FieldDefinition[];
  targetFields: FieldDefinition[];
  /** The mappings to store instead, once the user edits a pair. */
  onOverride: (mappings: FieldMapping[]) => void;
}

const noError = () => undefined;

/**
 * The pairs a run uses for a mapping whose stored pairs do not fit both platforms: values mapped by meaning,
 * one table per direction (each direction has its own best match). Editing any pair stores every direction's
 * pairs as shown, with the edit, which a run then applies instead of the meaning.
 */
export function ByMeaningPairs({ effect, sourceFields, targetFields, onOverride }: Props) {
  const split = effect.mappings.length > 1;
  return (
    <>
      <p className="notice notice--info" role="note">
        Mapped by meaning: {MEANING[effect.role]}. Edit a row to override.
      </p>
      {effect.mappings.map((m, i) => (
        <ValueMappingTable
          key={m.direction}
          sourceField={sourceFields.find((f) => f.name === m.sourceField)}
          targetField={targetFields.find((f) => f.name === m.targetField)}
          values={m.values}
          onChange={(values) => onOverride(overrideByMeaning(effect.mappings, i, values))}
          errorOf={noError}
          caption={split ? DIRECTION_LABEL[m.direction] : undefined}
          keyedBy={m.direction === 'target_to_source' ? 'target' : 'source'}
        />
      ))}
    </>
  );
}
