import { describe, expect, it } from 'vitest';
import { rateLimitClassOf, subLimitFor } from './rate-classes.ts';

describe('Freshservice sub-limits', () => {
  it.each([
    [100, 'list', 40],
    [100, 'single', 50],
    [200, 'list', 70],
    [200, 'single', 80],
    [400, 'list', 120],
    [400, 'single', 140],
    [500, 'list', 140],
    [500, 'single', 160],
    // Not a plan's figure: the share of the closest plan below.
    [300, 'single', 120],
    [1000, 'list', 280],
    [50, 'single', 25],
    [1, 'list', 1],
  ] as const)('overall %i, %s requests: %i', (overall, kind, expected) => {
    expect(subLimitFor(overall, kind)).toBe(expected);
  });

  it.each([
    ['GET', '/tickets', 'list_tickets'],
    ['GET', '/api/v2/tickets', 'list_tickets'],
    ['POST', '/tickets', 'create_ticket'],
    ['GET', '/tickets/42', 'view_ticket'],
    ['PUT', '/tickets/42', 'update_ticket'],
    ['GET', '/agents', 'list_agents'],
    ['GET', '/requesters', 'list_requesters'],
    ['GET', '/tickets/42/conversations', undefined],
    ['POST', '/tickets/42/notes', undefined],
    ['DELETE', '/tickets/42', undefined],
    ['GET', '/agents/me', undefined],
    ['POST', '/requesters', undefined],
  ])('%s %s → %s', (method, path, name) => {
    expect(rateLimitClassOf(method, path)?.name).toBe(name);
  });
});
