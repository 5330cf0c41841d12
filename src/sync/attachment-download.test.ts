import { describe, expect, it } from 'vitest';
import type { FileContent, RemoteAttachment, TicketConnector } from '../core/connector.ts';
import { fetchFiles, MAX_ATTACHMENT_BYTES } from './attachment-download.ts';

const MB = 1024 * 1024;

/** Attachments that each declare 1 byte and would each send `sends` bytes. */
const attachments = (n: number): RemoteAttachment[] =>
  Array.from({ length: n }, (_, i) => ({ id: String(i + 1), name: `f${i + 1}.bin`, contentType: 'application/octet-stream', size: 1 }));

/**
 * A platform whose files are far larger than declared. `honours`: the connector stops a download past
 * the bound it is given (as the Freshservice connector does); otherwise it hands over everything.
 * Files are stand-ins with a byte length only, so nothing large is allocated.
 */
function lyingPlatform(sends: number, honours = true) {
  const bounds: Array<number | undefined> = [];
  const connector = {
    async downloadAttachment(a: RemoteAttachment, options?: { maxBytes?: number }): Promise<FileContent> {
      bounds.push(options?.maxBytes);
      if (honours && options?.maxBytes !== undefined && sends > options.maxBytes)
        throw new Error(`sent more than the ${options.maxBytes} bytes allowed; stopped`);
      return { name: a.name, contentType: a.contentType, data: { byteLength: sends } as Uint8Array };
    },
  } as unknown as TicketConnector;
  return { connector, bounds };
}

describe('fetchFiles: what one copy holds is bounded by the bytes that arrive', () => {
  it.each<[string, number, boolean, number]>([
    ['files that each declare 1 byte and send 15 MB', 15 * MB, true, 2],
    ['files that each send 39 MB', 39 * MB, true, 1],
    ['a connector that ignores the bound', 15 * MB, false, 2],
  ])('%s: at most MAX_ATTACHMENT_BYTES are held; the rest fail with the reason', async (_name, sends, honours, kept) => {
    const { connector, bounds } = lyingPlatform(sends, honours);
    const got = await fetchFiles(connector, attachments(5));
    const held = got.files.reduce((n, f) => n + f.data.byteLength, 0);
    expect(held).toBeLessThanOrEqual(MAX_ATTACHMENT_BYTES);
    expect(got.files).toHaveLength(kept);
    expect(got.failed).toBe(5 - kept);
    expect(got.errors).toHaveLength(5 - kept);
    // Each download was told what was left of the write's bound, never more.
    expect(bounds[0]).toBe(MAX_ATTACHMENT_BYTES);
    bounds.forEach((b, i) => expect(b).toBe(MAX_ATTACHMENT_BYTES - Math.min(i, kept) * sends));
  });

  it('a file whose declared size is more than what is left is not downloaded at all', async () => {
    const { connector, bounds } = lyingPlatform(1);
    const atts = [{ id: '1', name: 'big.iso', contentType: 'application/octet-stream', size: MAX_ATTACHMENT_BYTES + 1 }, ...attachments(1)];
    const got = await fetchFiles(connector, atts);
    expect(bounds).toHaveLength(1);
    expect(got.sent.map((a) => a.name)).toEqual(['f1.bin']);
    expect(got.errors[0]).toMatch(/big\.iso is 40 MB; with the files before it that is more than the 40 MB one copy carries/);
  });
});
