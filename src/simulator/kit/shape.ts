// Fixture-shape check: a simulator answer against a public example payload. Every key of the example
// must exist with the same JSON type (recursively); a platform adds its own rules (nullable keys, open
// objects, timestamp formats) through the options.

export interface StringFormatRule {
  /** Keys the rule applies to. */
  key: RegExp;
  /** Applies only when the example's value matches this. */
  example: RegExp;
  /** What the simulator's value must match. */
  actual: RegExp;
  label: string;
}

export interface ShapeCheckOptions {
  /** Keys whose value may be null although the example has a value. */
  nullable?: ReadonlySet<string>;
  /** Objects whose keys depend on the account (custom fields...): only the type is compared. */
  open?: ReadonlySet<string>;
  /** Example keys to skip. */
  ignore?: ReadonlySet<string>;
  formats?: StringFormatRule[];
}

export function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** Problems found, one line each (`$.fields.status.id: number where the example has string`); empty = same shape. */
export function checkShape(expected: unknown, actual: unknown, opts: ShapeCheckOptions = {}, path = '$'): string[] {
  const key = path
    .split('.')
    .pop()!
    .replace(/\[\d+\]$/, '');
  const et = jsonType(expected);
  const at = jsonType(actual);
  if (et === 'null') return []; // the example's null says nothing about the type
  if (at === 'null') return opts.nullable?.has(key) ? [] : [`${path}: null where the example has ${et}`];
  if (et !== at) return [`${path}: ${at} where the example has ${et}`];
  const problems: string[] = [];
  if (et === 'string') {
    for (const f of opts.formats ?? [])
      if (f.key.test(key) && f.example.test(expected as string) && !f.actual.test(actual as string))
        problems.push(`${path}: "${String(actual)}" is not ${f.label}`);
  } else if (et === 'array') {
    const ea = expected as unknown[];
    const aa = actual as unknown[];
    if (ea.length > 0 && aa.length > 0) ea.forEach((el, i) => problems.push(...checkShape(el, aa[Math.min(i, aa.length - 1)], opts, `${path}[${i}]`)));
  } else if (et === 'object') {
    if (opts.open?.has(key)) return problems;
    const a = actual as Record<string, unknown>;
    for (const [k, v] of Object.entries(expected as Record<string, unknown>)) {
      if (opts.ignore?.has(k)) continue;
      if (!(k in a)) problems.push(`${path}.${k}: missing`);
      else problems.push(...checkShape(v, a[k], opts, `${path}.${k}`));
    }
  }
  return problems;
}
