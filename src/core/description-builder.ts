import type { FieldValue } from './connector.ts';
import type { DescriptionBuilder } from './sync-config.ts';

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export interface DescriptionSource {
  description: string;
  /** Values by field name. */
  values: Record<string, FieldValue | undefined>;
  /** Labels by field name, e.g. { priority: "Priority" }; the name is used when missing. */
  labels: Record<string, string>;
  /** Display text of picklist values by field name and value, e.g. { priority: { "3": "High" } }. */
  choiceLabels?: Record<string, Record<string, string>>;
}

function display(name: string, value: FieldValue | undefined, choiceLabels: DescriptionSource['choiceLabels']): string {
  if (value === null || value === undefined || value === '') return '—';
  const label = choiceLabels?.[name]?.[String(value)];
  if (label) return label;
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  return String(value);
}

/**
 * The target description (product.md §5): one "Field name: value" line per chosen field, in order,
 * then the separator, then the original description. HTML, because Freshservice descriptions are HTML;
 * field values are escaped, the original description is kept as it is.
 */
export function buildDescription(builder: DescriptionBuilder, src: DescriptionSource): string {
  if (builder.fields.length === 0) return src.description;
  const lines = builder.fields.map((f) => `<div><strong>${escapeHtml(src.labels[f] ?? f)}:</strong> ${escapeHtml(display(f, src.values[f], src.choiceLabels))}</div>`);
  const sep = builder.separator ? `<div>${escapeHtml(builder.separator)}</div>` : '';
  return `${lines.join('')}${sep}${src.description}`;
}

/** Plain-text rendering of the same composition, for the live preview. */
export function previewDescription(builder: DescriptionBuilder, src: DescriptionSource): string {
  const original = src.description.replace(/<br\s*\/?>/gi, '\n').replace(/<\/(p|div)>/gi, '\n').replace(/<[^>]+>/g, '').trim();
  if (builder.fields.length === 0) return original;
  const lines = builder.fields.map((f) => `${src.labels[f] ?? f}: ${display(f, src.values[f], src.choiceLabels)}`);
  return [...lines, ...(builder.separator ? [builder.separator] : []), original].join('\n');
}
