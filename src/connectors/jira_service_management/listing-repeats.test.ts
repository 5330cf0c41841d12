import { describe, expect, it } from 'vitest';
import { PlatformError } from '../../core/connector.ts';
import { ListingRepeats } from './listing-repeats.ts';

type Page = [offset: number | undefined, ids: string[]];

describe('a listing that repeats its pages', () => {
  it.each<[string, Page[], string[] | RegExp]>([
    [
      'pages that go on',
      [
        [0, ['1', '2']],
        [2, ['3', '4']],
        [4, ['5']],
      ],
      ['1', '2', '3', '4', '5'],
    ],
    [
      'an empty last page',
      [
        [0, ['1']],
        [1, []],
      ],
      ['1'],
    ],
    [
      'pages without offsets (JSM values only)',
      [
        [undefined, ['a']],
        [undefined, ['b']],
      ],
      ['a', 'b'],
    ],
    [
      'overlapping pages (an entry moved up)',
      [
        [0, ['1', '2']],
        [2, ['2', '3']],
      ],
      ['1', '2', '3'],
    ],
    [
      'the same offset answered again',
      [
        [0, ['1', '2']],
        [2, ['3', '4']],
        [2, ['5', '6']],
      ],
      /offset 2 a second time/,
    ],
    [
      'a page of only entries already read',
      [
        [0, ['1', '2']],
        [2, ['3']],
        [3, ['1', '3']],
      ],
      /only 2 entries it had already given/,
    ],
    [
      'the first page again, without offsets',
      [
        [undefined, ['a', 'b']],
        [undefined, ['a', 'b']],
      ],
      /already given/,
    ],
  ])('%s', (_name, pages, want) => {
    const guard = new ListingRepeats('list the priorities');
    const read = () => pages.flatMap(([offset, ids]) => guard.page(offset, ids));
    if (want instanceof RegExp) {
      let error: unknown;
      try {
        read();
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(PlatformError);
      expect((error as PlatformError).kind).toBe('unexpected_response');
      expect((error as Error).message).toMatch(/repeated itself while trying to list the priorities/);
      expect((error as Error).message).toMatch(want);
    } else {
      expect(read()).toEqual(want);
    }
  });
});
