import { describe, expect, it } from 'vitest';
import { timeCursor, timeFeed, timeOfCursor } from './time-feed.ts';

const collect = async <T>(it: AsyncIterable<T>) => {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
};

describe('timeFeed', () => {
  const changes = [
    { id: '3', updatedAt: '2026-01-01T00:00:02.000Z' },
    { id: '1', updatedAt: '2026-01-01T00:00:01.000Z' },
    { id: '2', updatedAt: '2026-01-01T00:00:02.000Z' },
  ];

  it('pages changes in change order, each page with the time of its last change', async () => {
    const pages = await collect(timeFeed(async () => changes, null, { pageSize: 2 }));
    expect(pages.map((p) => p.changes.map((c) => c.id))).toEqual([['1', '2'], ['3']]);
    expect(pages.map((p) => p.cursor)).toEqual([timeCursor('2026-01-01T00:00:02Z'), timeCursor('2026-01-01T00:00:02Z')]);
  });

  it('resumes at the cursor time, inclusive', async () => {
    let asked: Date | null = null;
    await collect(timeFeed(async (since) => ((asked = since), []), timeCursor('2026-01-01T00:00:02Z'), {}));
    expect(asked!.toISOString()).toBe('2026-01-01T00:00:02.000Z');
  });

  it('starts at `since` without a cursor, and yields one empty page with a cursor when nothing changed', async () => {
    const pages = await collect(timeFeed(async () => [], null, { since: new Date('2026-02-01T00:00:00Z') }));
    expect(pages).toEqual([{ changes: [], deleted: [], cursor: timeCursor('2026-02-01T00:00:00Z') }]);
  });

  it.each(['', 'time:', 'time:yesterday', 'opaque-123'])('refuses a cursor it did not issue: %j', (bad) => {
    expect(() => timeOfCursor(bad)).toThrow(/Not a change-feed cursor/);
  });
});
