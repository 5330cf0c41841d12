import type { FieldRole } from '../../../../src/core/platform-manifest.ts';
import type { SideRoles } from '../../../../src/core/mapping-effects.ts';

/** What a field is for, in the words the Mappings page uses whatever the platform calls the field. */
export const ROLE_LABEL: Record<FieldRole, string> = {
  status: 'Status',
  priority: 'Priority',
  urgency: 'Urgency',
  impact: 'Impact',
  type: 'Type',
  group: 'Group',
};

/** How a run maps values of a role between two different platforms (field-roles.ts, MAPPER_BY_ROLE). */
export const MEANING: Record<FieldRole, string> = {
  status: 'statuses by category',
  priority: 'priorities by rank',
  urgency: 'urgencies by rank',
  impact: 'impacts by rank',
  type: 'types by name',
  group: 'groups by name',
};

/** "Role: Status", or each side's role when they differ; null when neither field has one. */
export function rolesText(roles: SideRoles): string | null {
  if (!roles.source && !roles.target) return null;
  if (roles.source === roles.target) return `Role: ${ROLE_LABEL[roles.source!]}`;
  const word = (r: FieldRole | null) => (r ? ROLE_LABEL[r] : 'none');
  return `Source role: ${word(roles.source)} · Target role: ${word(roles.target)}`;
}
