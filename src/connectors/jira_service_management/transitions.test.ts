import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TransitionList, type Transition } from './payloads.ts';
import { chooseTransition, resolutionFor } from './transitions.ts';

const real = TransitionList.parse(
  JSON.parse(readFileSync(new URL('../../../test/fixtures/jira/transitions.list.real-nango.json', import.meta.url), 'utf8')).body,
).transitions;

const tr = (id: string, toId: string, name: string, key: string, extra: Partial<Transition> = {}): Transition => ({
  id,
  name,
  to: { id: toId, name, statusCategory: { key } },
  ...extra,
});
const jsm = [
  tr('11', '1', 'Waiting for support', 'new'),
  tr('21', '2', 'Waiting for customer', 'indeterminate'),
  tr('31', '3', 'In progress', 'indeterminate'),
  tr('41', '4', 'Resolved', 'done', {
    fields: {
      resolution: {
        required: true,
        allowedValues: [
          { id: '7', name: "Won't Do" },
          { id: '1', name: 'Done' },
        ],
      },
    },
  }),
  tr('51', '5', 'Closed', 'done', { isAvailable: false }),
];

describe('chooseTransition', () => {
  it.each([
    ['status id', '3', '31'],
    ['status name', 'waiting for customer', '21'],
    ['category pending', 'pending', '21'],
    ['category open', 'open', '31'],
    ['category new', 'new', '11'],
    ['category resolved', 'resolved', '41'],
    ['closed, unavailable: another done status', 'closed', '41'],
    ['unknown', 'nowhere', null],
  ])('%s', (_n, wanted, id) => {
    expect(chooseTransition(jsm, wanted)?.id ?? null).toBe(id);
  });
  it('reads the real recorded list', () => {
    const done = real.find((t) => t.to.statusCategory?.key === 'done');
    expect(chooseTransition(real, 'resolved')?.id).toBe(done?.id);
  });
});

describe('resolutionFor', () => {
  it.each([
    ['Done when offered', jsm[3]!, { id: '1' }],
    ['no screen field', jsm[0]!, null],
    ['required without values', tr('9', '9', 'Done', 'done', { fields: { resolution: { required: true } } }), { name: 'Done' }],
  ])('%s', (_n, t, r) => expect(resolutionFor(t)).toEqual(r));
});
