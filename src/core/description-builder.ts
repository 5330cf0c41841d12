import type { FieldValue } from './connector.ts';
import type { PartnerReference } from './partner-reference.ts';
import { PARTNER_FIELDS } from './partner-reference.ts';
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
  /** The ticket the copy is made from, for the builder's "Partner ticket" line (partnerReference). */
  partnerRef?: PartnerReference | null;
}

const REFERENCE_LABEL = 'Partner ticket';

/** "INC-34 (https://…/a/tickets/34)", or the number alone when no link is shared. */
export function referenceText(ref: PartnerReference): string {
  return ref.url ? `${ref.displayId} (${ref.url})` : ref.displayId;
}

function referenceHtml(ref: PartnerReference): string {
  const link = ref.url ? ` (<a href="${escapeHtml(ref.url)}">${escapeHtml(ref.url)}</a>)` : '';
  return `<div><strong>${REFERENCE_LABEL}:</strong> ${escapeHtml(ref.displayId)}${link}</div>`;
}

const labelOf = (src: DescriptionSource, f: string) => src.labels[f] ?? PARTNER_FIELDS[f] ?? f;

function display(name: string, value: FieldValue | undefined, choiceLabels: DescriptionSource['choiceLabels']): string {
  if (value === null || value === undefined || value === '') return '—';
  const label = choiceLabels?.[name]?.[String(value)];
  if (label) return label;
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  return String(value);
}

/**
 * The target description (product.md §5): one "Field name: value" line per chosen field, in order,
 * then the separator, then the original description. HTML, because descriptions are HTML in the canonical form;
 * field values are escaped, the original description is kept as it is. With `partnerReference`, a
 * "Partner ticket: INC-34 (link)" line comes first.
 */
export function buildDescription(builder: DescriptionBuilder, src: DescriptionSource): string {
  const ref = builder.partnerReference && src.partnerRef ? [referenceHtml(src.partnerRef)] : [];
  if (builder.fields.length === 0 && ref.length === 0) return src.description;
  const lines = [
    ...ref,
    ...builder.fields.map((f) => `<div><strong>${escapeHtml(labelOf(src, f))}:</strong> ${escapeHtml(display(f, src.values[f], src.choiceLabels))}</div>`),
  ];
  const sep = builder.separator ? `<div>${escapeHtml(builder.separator)}</div>` : '';
  return `${lines.join('')}${sep}${src.description}`;
}

/** Plain-text rendering of the same composition, for the live preview. */
export function previewDescription(builder: DescriptionBuilder, src: DescriptionSource): string {
  const original = src.description
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div)>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .trim();
  const ref = builder.partnerReference && src.partnerRef ? [`${REFERENCE_LABEL}: ${referenceText(src.partnerRef)}`] : [];
  if (builder.fields.length === 0 && ref.length === 0) return original;
  const lines = [...ref, ...builder.fields.map((f) => `${labelOf(src, f)}: ${display(f, src.values[f], src.choiceLabels)}`)];
  return [...lines, ...(builder.separator ? [builder.separator] : []), original].join('\n');
}
