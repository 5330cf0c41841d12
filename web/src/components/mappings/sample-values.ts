import type { FieldDefinition } from '../../api.ts';
import type { DescriptionSource } from '../../../../src/core/description-builder.ts';

const SAMPLES: Record<string, string> = {
  subject: 'Printer on floor 3 jams',
  requester: 'Alice Martin',
  email: 'alice.martin@customer.example',
  agent: 'Support Fusion',
  responder: 'Support Fusion',
  due_by: '2026-03-02 17:00',
  fr_due_by: '2026-03-01 12:00',
  description: 'Paper jams on every second page.',
};

/** An example ticket for the live preview: the first choice of each picklist, plain samples otherwise. */
export function sampleSource(fields: FieldDefinition[]): DescriptionSource {
  const values: DescriptionSource['values'] = {};
  const labels: DescriptionSource['labels'] = {};
  const choiceLabels: NonNullable<DescriptionSource['choiceLabels']> = {};
  for (const f of fields) {
    labels[f.name] = f.label || f.name;
    if (f.choices.length) {
      // The second choice reads more like a real ticket (Medium, Pending) than the first (Low, Open).
      const c = f.choices[Math.min(1, f.choices.length - 1)]!;
      values[f.name] = c.value;
      choiceLabels[f.name] = Object.fromEntries(f.choices.map((x) => [String(x.value), x.label]));
    } else if (f.kind === 'boolean') values[f.name] = true;
    else if (f.kind === 'number') values[f.name] = 42;
    else if (f.kind === 'date') values[f.name] = '2026-03-01';
    else values[f.name] = SAMPLES[f.name] ?? `Example ${(f.label || f.name).toLowerCase()}`;
  }
  return { description: `<p>${SAMPLES.description}</p>`, values, labels, choiceLabels };
}
