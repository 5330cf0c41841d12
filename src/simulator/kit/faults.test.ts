import { describe, expect, it } from 'vitest';
import { uploadOf } from './fault-gate.ts';
import { FaultController, type FaultWording } from './faults.ts';
import { LOOPED_NEXT_PAGE, loopedOffset, loopedPageNumber, loopedToken } from './page-loop.ts';

const wording: FaultWording = {
  bodyFor: (status) => ({ status }),
  tooMany: (seconds) => ({ body: { tooMany: true }, headers: { 'retry-after': String(seconds) } }),
};

describe('pageLoop fault', () => {
  it.each([
    { label: 'off: no listing loops', patches: [], path: '/api/v2/tickets', loops: false },
    { label: 'on without a pattern: every listing', patches: [{ pageLoop: {} }], path: '/api/v2/tickets', loops: true },
    { label: 'a pattern narrows it', patches: [{ pageLoop: { pathPattern: '^/api/v2/tickets$' } }], path: '/api/v2/agents', loops: false },
    { label: 'a pattern that matches', patches: [{ pageLoop: { pathPattern: 'search/jql$' } }], path: '/rest/api/3/search/jql', loops: true },
    { label: 'null switches it off', patches: [{ pageLoop: {} }, { pageLoop: null }], path: '/api/v2/tickets', loops: false },
  ])('$label', ({ patches, path, loops }) => {
    const f = new FaultController(wording);
    for (const patch of patches) f.set(patch);
    expect(f.loopsPages(path)).toBe(loops);
  });

  it.each([
    [1, 1],
    [2, 2],
    [3, 2],
    [50, 2],
  ])('page %i asked for serves page %i, and announces the second', (asked, served) => {
    expect(loopedPageNumber(asked)).toBe(served);
    expect(LOOPED_NEXT_PAGE).toBe(2);
  });

  it.each([
    [0, 0],
    [100, 100],
    [200, 100],
    [50, 50],
  ])('offset %i asked for (pages of 100) serves offset %i', (asked, served) => {
    expect(loopedOffset(asked, 100)).toBe(served);
  });

  it.each([
    { label: 'the first page keeps its own token', sent: undefined, answered: 'T1', next: 'T1' },
    { label: 'a later page repeats the token it was asked with', sent: 'T1', answered: 'T2', next: 'T1' },
    { label: 'even where the listing would have ended', sent: 'T1', answered: undefined, next: 'T1' },
    { label: 'a one-page listing stays one page', sent: undefined, answered: undefined, next: undefined },
  ])('token paging: $label', ({ sent, answered, next }) => {
    expect(loopedToken(sent, answered)).toBe(next);
  });
});

describe('uploadBytes fault', () => {
  const upload = (bytes: number) => ({ bytes });
  it('uploads pass until the window is spent, then get the platform’s 429 until it is refilled', () => {
    const f = new FaultController(wording);
    f.set({ uploadBytes: { limit: 30_000, retryAfterSeconds: 9 } });
    expect(f.decide('POST', '/x', upload(20_000))).toEqual({ kind: 'none' });
    expect(f.decide('POST', '/x', upload(20_000))).toEqual({ kind: 'respond', status: 429, body: { tooMany: true }, headers: { 'retry-after': '9' } });
    // Requests without an upload never spend or meet the budget.
    expect(f.decide('GET', '/x')).toEqual({ kind: 'none' });
    f.refillUploadBytes();
    expect(f.decide('POST', '/x', upload(20_000))).toEqual({ kind: 'none' });
    expect(f.get().uploadBytes).toMatchObject({ used: 20_000, refused: 1 });
  });

  it('an upload larger than the whole budget passes into an empty window (else it could never pass)', () => {
    const f = new FaultController(wording);
    f.set({ uploadBytes: { limit: 1_000 } });
    expect(f.decide('PUT', '/x', upload(5_000))).toEqual({ kind: 'none' });
    expect(f.decide('PUT', '/x', upload(1))).toMatchObject({ kind: 'respond', status: 429 });
  });

  it('clear() removes the budget', () => {
    const f = new FaultController(wording);
    f.set({ uploadBytes: { limit: 10 } });
    f.clear();
    expect(f.decide('POST', '/x', upload(100))).toEqual({ kind: 'none' });
    expect(f.decide('POST', '/x', upload(100))).toEqual({ kind: 'none' });
  });

  it.each([
    {
      label: 'a multipart body counts its declared length',
      headers: { 'content-type': 'multipart/form-data; boundary=x', 'content-length': '1234' },
      info: { bytes: 1234 },
    },
    { label: 'a JSON body is not an upload', headers: { 'content-type': 'application/json', 'content-length': '1234' }, info: undefined },
    { label: 'a multipart body of unknown length is not counted', headers: { 'content-type': 'multipart/form-data' }, info: undefined },
  ])('uploadOf: $label', ({ headers, info }) => {
    expect(uploadOf(headers)).toEqual(info);
  });
});
