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
    [
      { fields: ['category', 'cf_site'], separator: '' },
      '<div><strong>Category:</strong> Hardware</div><div><strong>cf_site:</strong> —</div><p>Printer on floor 3 jams</p>',
    ],
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
    expect(previewDescription({ fields: ['category', 'priority'], separator: '---' }, src)).toBe(
      'Category: Hardware\nPriority: High\n---\nPrinter on floor 3 jams',
    );
  });
});

describe('partner reference line', () => {
  const ref = { displayId: 'INC-34', url: 'https://acme.freshservice.com/a/tickets/34' };
  it.each([
    [
      'on, with a link',
      { fields: [], separator: '---', partnerReference: true },
      ref,
      '<div><strong>Partner ticket:</strong> INC-34 (<a href="https://acme.freshservice.com/a/tickets/34">https://acme.freshservice.com/a/tickets/34</a>)</div><div>---</div><p>Printer on floor 3 jams</p>',
    ],
    [
      'on, links not shared',
      { fields: [], separator: '', partnerReference: true },
      { displayId: 'INC-34', url: null },
      '<div><strong>Partner ticket:</strong> INC-34</div><p>Printer on floor 3 jams</p>',
    ],
    [
      'on, before the field lines',
      { fields: ['priority'], separator: '---', partnerReference: true },
      { displayId: 'INC-34', url: null },
      '<div><strong>Partner ticket:</strong> INC-34</div><div><strong>Priority:</strong> High</div><div>---</div><p>Printer on floor 3 jams</p>',
    ],
    ['absent (a document saved before it)', { fields: [], separator: '---' }, ref, '<p>Printer on floor 3 jams</p>'],
    ['off', { fields: [], separator: '---', partnerReference: false }, ref, '<p>Printer on floor 3 jams</p>'],
    ['on, but no reference known', { fields: [], separator: '---', partnerReference: true }, null, '<p>Printer on floor 3 jams</p>'],
  ])('%s', (_name, builder, partnerRef, expected) => {
    expect(buildDescription(builder, { ...src, partnerRef })).toBe(expected);
  });

  it('escapes a hostile number or link', () => {
    const out = buildDescription(
      { fields: [], separator: '', partnerReference: true },
      { ...src, partnerRef: { displayId: '<b>1</b>', url: 'https://x.example/"><script>' } },
    );
    expect(out).not.toContain('<script>');
    expect(out).toContain('&lt;b&gt;1&lt;/b&gt;');
    expect(out).toContain('&quot;&gt;&lt;script&gt;');
  });

  it('previews the line and the pseudo-fields with their labels', () => {
    const values = { ...src.values, 'partner.ticketId': 'INC-34' };
    expect(previewDescription({ fields: ['partner.ticketId'], separator: '---', partnerReference: true }, { ...src, values, partnerRef: ref })).toBe(
      'Partner ticket: INC-34 (https://acme.freshservice.com/a/tickets/34)\nPartner ticket number: INC-34\n---\nPrinter on floor 3 jams',
    );
  });
});
