import type { ApiError, FieldsResponse, Role } from '../../api.ts';
import { ROLE_LABEL } from '../../labels.ts';

/** Says when picklists could not be loaded from a platform, so typed values are expected instead. */
export function FieldsNotice({ fields, fieldsError, sides }: { fields: FieldsResponse | undefined; fieldsError: ApiError | null; sides: Role[] }) {
  if (fieldsError)
    return (
      <p className="notice notice--warn" role="status">
        Could not load the platforms’ fields ({fieldsError.message}). You can type values instead of picking them.
      </p>
    );
  if (!fields) return null;
  const failed = sides.filter((s) => fields[s].error);
  if (!failed.length) return null;
  return (
    <div className="notice notice--warn" role="status">
      {failed.map((s) => (
        <p key={s}>
          Could not load the fields of the {ROLE_LABEL[s].toLowerCase()} platform: {fields[s].error?.message} Values can be typed instead.
        </p>
      ))}
    </div>
  );
}
