/**
 * How a simulator applies the pageLoop fault (faults.ts) to its paged listings, whatever their paging
 * style: the listing gets as far as its second page and then keeps serving it, announcing it again as
 * the next page. A client that follows "next" blindly never gets out; one that notices stops.
 */

/** Page-number paging (`?page=N`): the page served for the one asked for. */
export function loopedPageNumber(requested: number): number {
  return Math.min(requested, 2);
}

/** Page-number paging: the next page every page announces (the second, again and again). */
export const LOOPED_NEXT_PAGE = 2;

/**
 * Opaque-token paging (`nextPageToken`): the first page announces its usual token; every page asked for
 * with a token announces that same token again, and says it is not the last.
 */
export function loopedToken(requested: string | undefined, answered: string | undefined): string | undefined {
  return requested ?? answered;
}

/** Offset paging (`startAt`, or JSM's `start`): the offset served for the one asked for (the second page's, for any later one). */
export function loopedOffset(requested: number, pageSize: number): number {
  return Math.min(requested, pageSize);
}
