import { MAX_FILES_PER_WRITE_BYTES } from '../connector-kit/limits.ts';
import type { FileContent, RemoteAttachment, TicketConnector } from '../core/connector.ts';

/**
 * Files one write carries, and so the most one ticket's copy holds at a time (a platform's limit per
 * ticket, e.g. 40 MB). Each file is also bounded by its connector (SF_MAX_ATTACHMENT_MB), by the bytes that arrive.
 */
export const MAX_ATTACHMENT_BYTES = MAX_FILES_PER_WRITE_BYTES;

/**
 * Downloads the files of one write. What is held is bounded by the bytes that actually arrive: each
 * download may bring at most what is left of MAX_ATTACHMENT_BYTES for this write (the connector stops it
 * past that, whatever size the platform declared), so a ticket of many files that each claim to be small
 * cannot make the process hold more than that.
 */
export async function fetchFiles(
  connector: TicketConnector,
  atts: RemoteAttachment[],
): Promise<{ files: FileContent[]; sent: RemoteAttachment[]; failed: number; errors: string[] }> {
  const files: FileContent[] = [];
  const sent: RemoteAttachment[] = [];
  const errors: string[] = [];
  let held = 0;
  const mb = (n: number) => `${Math.round((n / 1048576) * 10) / 10} MB`;
  for (const a of atts) {
    const left = MAX_ATTACHMENT_BYTES - held;
    if (a.size > left) {
      errors.push(
        `Attachment ${a.name} is ${mb(a.size)}; with the files before it that is more than the ${mb(MAX_ATTACHMENT_BYTES)} one copy carries, so it is not copied`,
      );
      continue;
    }
    try {
      const file = await connector.downloadAttachment(a, { maxBytes: left });
      // A connector that ignores the bound is caught here, before the file joins the others.
      if (file.data.byteLength > left) throw new Error(`it sent ${mb(file.data.byteLength)}, more than the ${mb(left)} left for this copy`);
      held += file.data.byteLength;
      files.push(file);
      sent.push(a);
    } catch (err) {
      errors.push(`Attachment ${a.name} could not be downloaded: ${(err as Error).message}`);
    }
  }
  return { files, sent, failed: atts.length - sent.length, errors };
}
