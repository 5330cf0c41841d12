import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSyncPair, type SyncPair } from '../helpers/sync-pair.ts';

// Per-field defaults (issue 12 item 3): PUT …/configuration checks new or changed ones against the side's
// live form fields, and names the field in its 400.

let pair: SyncPair;
let url = '';
const put = (configuration: unknown, side: 'source' | 'target' = 'target') =>
  pair.stack.app.inject({ method: 'PUT', url: `${url}/configuration`, headers: pair[side].auth, payload: { configuration } });

beforeAll(async () => {
  pair = await startSyncPair({ targetSeed: 'empty' });
  url = `/api/v1/connections/${pair.connectionId}`;
}, 120_000);
afterAll(async () => pair?.close());

describe('per-field defaults in the configuration', { timeout: 120_000 }, () => {
  it.each([
    [
      { it_field: 'Third Choice' },
      'configuration.defaults.fields.it_field',
      '"Third Choice" is not a choice of IT field; choose one of: First Choice, Second Choice.',
    ],
    [{ cost_centre: 'CC-1' }, 'configuration.defaults.fields.cost_centre', /^Your platform has no field "cost_centre"; defaults can be set for: .*IT field/],
    [{ group: '1' }, 'configuration.defaults.fields.group', 'The default for group is set under Defaults for created tickets (groupId), not per field.'],
    [{ it_field: 3 }, 'configuration.defaults.fields.it_field', /"3" is not a choice of IT field/],
  ])('%j is refused with a message naming the field', async (fields, field, message) => {
    const r = await put({ defaults: { fields } });
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatchObject({ code: 'validation_failed', field });
    expect(r.json().error.message).toMatch(typeof message === 'string' ? new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : message);
  });

  it('a fitting default is saved and read back; unchanged ones are not checked again', async () => {
    const r = await put({ defaults: { fields: { it_field: 'Second Choice', external_reference: 'From Acme' } } });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().configuration.defaults.fields).toEqual({ it_field: 'Second Choice', external_reference: 'From Acme' });
    // The account renames a choice: saving something else keeps the (now stale) default without a 400.
    pair.target.sim.state.customFields.find((f) => f.name === 'it_field')!.choices = ['First Choice', 'Other'];
    const again = await put({ defaults: { fields: { it_field: 'Second Choice', external_reference: 'From Acme' } }, comments: { sendPublic: false } });
    expect(again.statusCode, again.body).toBe(200);
  });
});
