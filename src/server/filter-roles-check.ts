import type { SyncFilter } from '../core/sync-config.ts';
import { fieldWithRole } from '../core/field-roles.ts';
import { ApiError } from './errors.ts';
import type { FieldsResult } from './side-fields.ts';

/**
 * A group condition is read through the side's group-role field (matchesFilter): on a side whose fields have
 * none, it would let no ticket through, so the sync would silently stop. Such a save is a 400 naming the
 * filter. When the fields cannot be read now (or the platform lists none) the save goes on as before.
 */
export async function checkFilterGroupsOnSave(opts: {
  filters: Array<{ path: string; label: string; filter: SyncFilter | undefined }>;
  load: () => Promise<FieldsResult>;
}): Promise<void> {
  const withGroups = opts.filters.filter((f) => (f.filter?.groups.length ?? 0) > 0);
  if (withGroups.length === 0) return;
  const { fields, error } = await opts.load();
  if (error || fields.length === 0 || fieldWithRole(fields, 'group')) return;
  const first = withGroups[0]!;
  throw new ApiError(
    400,
    'validation_failed',
    `${first.label}: the Groups condition would let no ticket through, because your platform has no group field. Leave Groups empty (untick every group) and save again; nothing was saved.`,
    { field: `${first.path}.groups` },
  );
}
