// Recursive shape check of a simulator answer against a public example payload: every key of the
// example must exist with the same JSON type, large ids stay large, timestamps keep the API format.

export interface ShapeOptions {
  /** Keys whose value may be null in the simulator although the example has a value (spec: "may be null"). */
  nullable?: ReadonlySet<string>;
  /** Objects whose keys depend on the account (custom_fields, scopes...): only the type is compared. */
  open?: ReadonlySet<string>;
  /** Example keys to skip (e.g. the docs' `Attachment_url` typo). */
  ignore?: ReadonlySet<string>;
}

const TWO_31 = 2 ** 31;
const isoLike = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const apiTimestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

export function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** Fields the spec lists as nullable ("string | null", blank → null). */
export const specNullable: ReadonlySet<string> = new Set([
  'responder_id',
  'group_id',
  'department_id',
  'category',
  'sub_category',
  'item_category',
  'email_config_id',
  'to_emails',
  'bcc_emails',
  'resolution_notes',
  'resolution_notes_html',
  'from_email',
  'support_email',
  'last_login_at',
  'last_active_at',
  'job_title',
  'work_phone_number',
  'mobile_phone_number',
  'reporting_manager_id',
  'address',
  'location_id',
  'background_information',
  'scoreboard_level_id',
  'description',
  'head_user_id',
  'prime_user_id',
  'escalate_to',
  'unassigned_for',
  'business_hours_id',
  'last_name',
  'external_id',
  'signature',
  'location_name',
  'scoreboard_points',
  'workspace_id',
  'house',
  'custom_field',
  'requested_for_id',
  'quidditch_role',
  'hogsmeade_permission',
]);

export const defaultOpen: ReadonlySet<string> = new Set(['custom_fields', 'scopes']);

export function compareShape(expected: unknown, actual: unknown, opts: ShapeOptions = {}, path = '$'): string[] {
  const problems: string[] = [];
  const key = path
    .split('.')
    .pop()!
    .replace(/\[\d+\]$/, '');
  const et = jsonType(expected);
  const at = jsonType(actual);
  if (et === 'null') return problems; // the example's null says nothing about the type
  if (at === 'null') {
    if (!(opts.nullable ?? specNullable).has(key)) problems.push(`${path}: null where the example has ${et}`);
    return problems;
  }
  if (et !== at) return [`${path}: ${at} where the example has ${et}`];
  if (et === 'number') {
    if ((key === 'id' || key.endsWith('_id')) && (expected as number) > TWO_31 && (actual as number) <= TWO_31)
      problems.push(`${path}: id ${String(actual)} is not above 2^31 like the example`);
  } else if (et === 'string') {
    if (isoLike.test(expected as string) && /_at$|_by$|^due_by$/.test(key) && !apiTimestamp.test(actual as string))
      problems.push(`${path}: "${String(actual)}" is not YYYY-MM-DDTHH:MM:SSZ`);
  } else if (et === 'array') {
    const ea = expected as unknown[];
    const aa = actual as unknown[];
    if (ea.length > 0 && aa.length > 0) {
      ea.forEach((el, i) => {
        const named =
          el && typeof el === 'object' && 'name' in el
            ? aa.find((x) => x && typeof x === 'object' && (x as { name?: unknown }).name === (el as { name: unknown }).name)
            : undefined;
        const j = named !== undefined ? aa.indexOf(named) : Math.min(i, aa.length - 1);
        problems.push(...compareShape(el, aa[j], opts, `${path}[${j}]`));
      });
    }
  } else if (et === 'object') {
    if ((opts.open ?? defaultOpen).has(key)) return problems;
    for (const [k, v] of Object.entries(expected as Record<string, unknown>)) {
      if (opts.ignore?.has(k)) continue;
      if (!(k in (actual as Record<string, unknown>))) {
        problems.push(`${path}.${k}: missing`);
        continue;
      }
      problems.push(...compareShape(v, (actual as Record<string, unknown>)[k], opts, `${path}.${k}`));
    }
  }
  return problems;
}
