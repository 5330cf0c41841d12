import { describe, expect, it } from 'vitest';
import { assessRoles, kindOf, rightsOf } from './role-rights.ts';
import type { FreshserviceRole } from './schemas.ts';

let nextId = 1;
const role = (name: string, extra: Partial<FreshserviceRole> = {}): FreshserviceRole => ({ id: nextId++, name, ...extra });

const accountAdmin = role('Account Admin', { role_type: 1 });
const itAgent = role('IT Agent', { role_type: 2 });
const itSupervisor = role('IT Supervisor', { role_type: 2 });
const sdAgent = role('SD Agent', { scopes: { ticket: 'Group Access' } });
const sdSupervisor = role('SD Supervisor', { scopes: { ticket: 'Global Access', problem: 'Global Access' } });
const olderAdmin = role('Account Admin', { scopes: { ticket: 'Global Access' } });
const lead = role('Helpdesk Lead', { role_type: 2 });
const auditor = role('Auditor', { role_type: 2, scopes: { problem: 'Global Access' } });
const ops = role('Ops Admin', { role_type: 1 });
const problemManager = role('Problem Manager', { role_type: 2 });
const workspaceAdmin = role('Workspace Admin', { role_type: 1 });
const all = [accountAdmin, itAgent, itSupervisor, sdAgent, sdSupervisor, olderAdmin, lead, auditor, ops, problemManager, workspaceAdmin];

describe('assessRoles: judged by rights, not names', () => {
  it.each([
    ['the guide’s three roles', [itAgent, itSupervisor, accountAdmin], [], 0],
    ['names in any case', [role('it agent', { role_type: 2 }), role('IT SUPERVISOR', { role_type: 2 }), role(' Account Admin ', { role_type: 1 })], [], 0],
    ['older names SD Agent and SD Supervisor', [sdAgent, sdSupervisor, olderAdmin], [], 0],
    ['IT Supervisor covers IT Agent', [itSupervisor, accountAdmin], [], 0],
    ['IT Agent alone', [itAgent], ['IT Supervisor', 'Account Admin'], 0],
    ['IT Agent and a manager role: no supervision', [itAgent, problemManager, accountAdmin], ['IT Supervisor'], 0],
    ['Account Admin alone works no tickets', [accountAdmin], ['IT Agent', 'IT Supervisor'], 0],
    ['a custom agent role stands in for IT Agent and IT Supervisor (warned)', [lead, accountAdmin], [], 1],
    ['a custom agent role beside the standard ones is not warned about', [itAgent, itSupervisor, lead, accountAdmin], [], 0],
    ['a custom agent role without ticket scope gives no ticket rights', [auditor, accountAdmin], ['IT Agent', 'IT Supervisor'], 0],
    ['a custom admin role stands in for Account Admin (warned)', [itAgent, itSupervisor, ops], [], 1],
    ['Workspace Admin is not Account Admin by name (warned)', [itSupervisor, workspaceAdmin], [], 1],
    ['nothing', [], ['IT Agent', 'IT Supervisor', 'Account Admin'], 0],
  ])('%s', (_name, held, missing, warnings) => {
    const r = assessRoles(
      held.map((x) => x.id),
      all.concat(held.filter((h) => !all.includes(h))),
    );
    expect(r.missing).toEqual(missing);
    expect(r.warnings).toHaveLength(warnings);
    expect(r.held).toEqual(held.map((h) => h.name));
  });

  it('a warning names the role and what it stands in for', () => {
    const r = assessRoles([lead.id, accountAdmin.id], all);
    expect(r.warnings[0]).toMatch(/"Helpdesk Lead"/);
    expect(r.warnings[0]).toMatch(/IT Agent and IT Supervisor/);
  });

  it('roles missing from the role list are named by id and give nothing', () => {
    expect(assessRoles([424242], all)).toEqual({ held: ['Role 424242'], missing: ['IT Agent', 'IT Supervisor', 'Account Admin'], warnings: [] });
  });
});

describe('kindOf and rightsOf', () => {
  it.each([
    [{ name: 'Anything', role_type: 1 }, 'admin'],
    [{ name: 'Account Admin', role_type: 2 }, 'agent'],
    [{ name: 'Account Admin' }, 'admin'],
    [{ name: 'Admin' }, 'admin'],
    [{ name: 'SD Agent' }, 'agent'],
    [{ name: 'Helpdesk Lead' }, 'agent'],
  ] as const)('%j is an %s role', (r, kind) => {
    expect(kindOf(r)).toBe(kind);
  });

  it('a standard name whose role_type disagrees is judged as a custom role', () => {
    expect(rightsOf({ id: 1, name: 'IT Agent', role_type: 1 })).toMatchObject({ kind: 'admin', grants: ['Account Admin'], standard: false });
  });
});
