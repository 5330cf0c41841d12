import { describe, expect, it } from 'vitest';
import { buildDescription, previewDescription } from './description-builder.ts';

const src = {
  description: '<p>Printer on floor 3 jams</p>',
  values: { priority: 3, category: 'Hardware', cf_site: null, urgent: true },
  labels: { priority: 'Priority', category: 'Category' },
  choiceLabels: { priority: { '3': 'High' } },
};

describe('description builder', () => {
  it.each([
    [{ fields: [], separator: '---' }, '<p>Printer on floor 3 jams</p>'],
    [{ fields: ['priority'], separator: '---' }, '<div><strong>Priority:</strong> High</div><div>---</div><p>Printer on floor 3 jams</p>'],
    [{ fields: ['category', 'cf_site'], separator: '' }, '<div><strong>Category:</strong> Hardware</div><div><strong>cf_site:</strong> —</div><p>Printer on floor 3 jams</p>'],
    [{ fields: ['urgent'], separator: '==' }, '<div><strong>urgent:</strong> Yes</div><div>==</div><p>Printer on floor 3 jams</p>'],
  ])('%j', (builder, expected) => {
    expect(buildDescription(builder, src)).toBe(expected);
  });

  it('escapes field values but keeps the original description as HTML', () => {
    const out = buildDescription({ fields: ['category'], separator: '' }, { ...src, values: { category: '<script>x</script>' } });
    expect(out).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(out).toContain('<p>Printer on floor 3 jams</p>');
  });

  it('previews as plain text lines in order, then the separator, then the text', () => {
    expect(previewDescription({ fields: ['category', 'priority'], separator: '---' }, src)).toBe('Category: Hardware\nPriority: High\n---\nPrinter on floor 3 jams');
  });
});
