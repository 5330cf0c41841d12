import { PlatformError } from '../../core/connector.ts';

/**
 * Watches an offset-paged listing (`startAt`/`isLast`, or JSM's `start`/`isLastPage`) for a page it has
 * already answered: the same offset again, or a page of nothing but ids already read. A listing that does
 * that never ends (or ends only at the page bound, a thousand requests later), so it is stopped at once
 * with an error that says why, the way the issue feed stops on a repeated page token.
 */
export class ListingRepeats {
  private readonly offsets = new Set<number>();
  private readonly ids = new Set<string>();
  private pages = 0;

  constructor(private readonly listing: string) {}

  /**
   * Records one page (`offset`: the offset the answer says it starts at, when it says) and returns the ids
   * not read before; throws when the page repeats one already read.
   */
  page(offset: number | undefined, ids: readonly string[]): string[] {
    this.pages += 1;
    const fresh = ids.filter((id) => !this.ids.has(id));
    const sameOffset = offset !== undefined && this.offsets.has(offset);
    if (sameOffset || (ids.length > 0 && fresh.length === 0)) {
      const how = sameOffset ? `answered offset ${offset} a second time` : `answered a page of only ${ids.length} entries it had already given`;
      throw new PlatformError(
        'unexpected_response',
        `Jira's listing repeated itself while trying to ${this.listing}: after ${this.pages - 1} pages it ${how}. The listing was stopped there instead of reading the same pages again.`,
      );
    }
    if (offset !== undefined) this.offsets.add(offset);
    for (const id of fresh) this.ids.add(id);
    return fresh;
  }
}
