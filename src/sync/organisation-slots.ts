/**
 * Fair sharing of one worker process's run slots between organisations: a run counts against both
 * organisations of its connection, and no organisation may hold more than `perOrganisation` of them, so
 * one organisation's slow or hostile platform (or its many connections) can never take every slot.
 * A job that would exceed its organisation's share is deferred (jobs.ts queues it again shortly).
 */
export class OrganisationSlots {
  private readonly active = new Map<string, number>();

  constructor(readonly perOrganisation: number) {}

  /** max(1, concurrency − 1): with two slots or more, one is always left for other organisations. */
  static forConcurrency(concurrency: number): OrganisationSlots {
    return new OrganisationSlots(Math.max(1, concurrency - 1));
  }

  /** Takes a slot for every organisation given, or none (null) when one of them has used its share. */
  take(organisationIds: readonly string[]): (() => void) | null {
    const orgs = [...new Set(organisationIds)];
    if (orgs.some((o) => (this.active.get(o) ?? 0) >= this.perOrganisation)) return null;
    for (const o of orgs) this.active.set(o, (this.active.get(o) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const o of orgs) {
        const n = (this.active.get(o) ?? 1) - 1;
        if (n <= 0) this.active.delete(o);
        else this.active.set(o, n);
      }
    };
  }

  /** Runs this process works for the organisation now (tests, diagnostics). */
  activeFor(organisationId: string): number {
    return this.active.get(organisationId) ?? 0;
  }
}
