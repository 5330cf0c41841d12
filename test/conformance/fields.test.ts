/** Checklist 2: field descriptors (roles, status categories, dependent picklists) and values round-tripping through an update. */
import { expect, it } from 'vitest';
import type { FieldDefinition } from '../../src/core/connector.ts';
import { statusCategories } from '../../src/core/platform-manifest.ts';
import { forEachPlatform } from './suite.ts';

/** Roles whose fields the engine maps between platforms by default: each a picklist that must take a value written to it. */
const MAPPED_ROLES = ['priority', 'urgency', 'impact'] as const;

forEachPlatform('fields', (p) => {
  let fields: FieldDefinition[] = [];
  const byName = (name: string) => fields.find((f) => f.name === name);

  it('exactly one status field, every choice of it with a status category, at least one of them closing', async () => {
    fields = await p.connector().fieldDefinitions();
    const status = fields.filter((f) => f.role === 'status');
    expect(status.map((f) => f.name)).toHaveLength(1);
    const choices = status[0]!.choices;
    expect(choices.length).toBeGreaterThan(1);
    const uncategorised = choices.filter((c) => !c.category || !(statusCategories as readonly string[]).includes(c.category));
    expect(uncategorised, 'status choices without a category').toEqual([]);
    expect(choices.some((c) => c.category === 'resolved' || c.category === 'closed')).toBe(true);
  });

  it('no role is claimed by two fields; field names are unique', async () => {
    fields = fields.length ? fields : await p.connector().fieldDefinitions();
    const roles = fields.flatMap((f) => (f.role ? [f.role] : []));
    expect(roles).toEqual([...new Set(roles)]);
    const names = fields.map((f) => f.name);
    expect(names).toEqual([...new Set(names)]);
  });

  it('dependent picklists name their parent field, and every choice names a value of it', async (ctx) => {
    fields = fields.length ? fields : await p.connector().fieldDefinitions();
    const dependent = fields.filter((f) => f.dependsOn !== undefined);
    const orphans = fields.flatMap((f) =>
      f.dependsOn === undefined ? f.choices.filter((c) => c.parent !== undefined).map((c) => `${f.name}=${c.value}`) : [],
    );
    expect(orphans, 'choices naming a parent in fields that depend on none').toEqual([]);
    ctx.skip(dependent.length === 0, `${p.manifest.name} answers no dependent picklist on the simulated account`);
    for (const f of dependent) {
      const parent = byName(f.dependsOn!);
      expect(parent, `${f.name} depends on ${f.dependsOn}, which is not among the fields`).toBeDefined();
      const parentValues = new Set(parent!.choices.map((c) => String(c.value)));
      const wrong = f.choices
        .filter((c) => c.parent === undefined || !parentValues.has(String(c.parent)))
        .map((c) => `${c.value} (parent ${String(c.parent)})`);
      expect(wrong, `choices of ${f.name} without a parent among ${parent!.name}'s values`).toEqual([]);
    }
  });

  for (const role of MAPPED_ROLES) {
    it(`the ${role} field's values round-trip through an update`, async (ctx) => {
      fields = fields.length ? fields : await p.connector().fieldDefinitions();
      const field = fields.find((f) => f.role === role);
      ctx.skip(!field, `${p.manifest.name} has no ${role} field`);
      expect(field!.kind).toBe('picklist');
      const { ticket } = await p.createTicket(`Conformance ${role} round trip`);
      const current = ticket.fields[field!.name];
      const other = field!.choices.find((c) => String(c.value) !== String(current ?? ''));
      expect(other, `${field!.name} offers no choice besides ${String(current)}`).toBeDefined();
      const updated = await p.connector().updateTicket(ticket.id, { fields: { [field!.name]: other!.value } });
      expect(updated.fields[field!.name]).toEqual(other!.value);
      const read = await p.connector().getTicket(ticket.id);
      expect(read!.fields[field!.name]).toEqual(other!.value);
    });
  }
});
