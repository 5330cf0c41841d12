/**
 * Bounds on what one platform can make this process read or hold. A platform is not trusted to be
 * finite: a broken or hostile one may announce pages without end or stream an attachment far past its
 * declared size, and one process serves every tenant, so its memory must not depend on any platform.
 */
export interface PlatformLimits {
  /** Pages one listing may have before the call fails (SF_MAX_LIST_PAGES). */
  maxListPages: number;
  /** Bytes one attachment may have, counted as they arrive (SF_MAX_ATTACHMENT_MB). */
  maxAttachmentBytes: number;
}

/**
 * 1,000 pages of 100 are 100,000 changed tickets in one run, beyond what one run can work within the
 * run timeout at a helpdesk's usual rate limits; only ids and dates are kept of them (a few MB).
 * 25 MB per file: helpdesks allow tens of MB per ticket, and a file is held whole before it is uploaded.
 */
export const DEFAULT_PLATFORM_LIMITS: PlatformLimits = { maxListPages: 1000, maxAttachmentBytes: 25 * 1024 * 1024 };

/**
 * One ticket's conversation is held whole while it is copied (bodies and all): its listing may bring at
 * most this many bytes. A real conversation is far smaller; one that is not could not be copied anyway.
 */
export const MAX_CONVERSATION_LISTING_BYTES = 64 * 1024 * 1024;

/**
 * Bytes of files one write carries (a note with its files, or a ticket's new attachments), and so the
 * most one ticket's copy holds in memory at a time: the largest per-ticket attachment allowance of the platforms (40 MB).
 */
export const MAX_FILES_PER_WRITE_BYTES = 40 * 1024 * 1024;
