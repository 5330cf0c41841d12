import { z } from 'zod';

/**
 * The configuration one organisation keeps for its side of a connection (product.md §4), and the
 * connection's field mappings (§5). Both are contracts of GET|PUT /api/v1/connections/:id/configuration
 * and /mappings; the defaults make a first sync work without any configuration.
 */
const id = z.string().trim().min(1).max(64);
const picklistValue = z.union([z.string().trim().min(1).max(255), z.number().int()]);

export const SyncFilter = z
  .object({
    /** Empty = every group. */
    groups: z.array(id).max(500).default([]),
    ticketTypes: z.array(z.string().trim().min(1).max(100)).max(20).default([]),
    /** A ticket takes part when it carries at least one of these tags (empty = no tag condition). */
    tags: z.array(z.string().trim().min(1).max(100)).max(50).default([]),
    statuses: z.array(picklistValue).max(50).default([]),
    field: z
      .object({ name: z.string().trim().min(1).max(100), equals: z.union([z.string(), z.number(), z.boolean()]) })
      .strict()
      .nullable()
      .default(null),
  })
  .strict();
export type SyncFilter = z.infer<typeof SyncFilter>;

export const RequesterHandling = z
  .object({
    /** match_or_create: match by e-mail, else create; match_or_default: match, else the default; default: always the default. */
    mode: z.enum(['match_or_create', 'match_or_default', 'default']).default('match_or_create'),
    defaultRequesterEmail: z.string().trim().email().max(254).nullable().default(null),
  })
  .strict();

export const WorkspaceChoice = z
  .object({
    /** Workspace ids this side syncs; empty = the primary workspace. */
    ids: z.array(id).max(50).default([]),
    /** Where tickets from the partner are created; null = the first of `ids` (the primary when empty). */
    createIn: id.nullable().default(null),
  })
  .strict();
export type WorkspaceChoice = z.infer<typeof WorkspaceChoice>;

const FieldDefaults = z
  .record(z.string().trim().min(1).max(100), z.union([z.string().max(2000), z.number(), z.boolean()]))
  .refine((r) => Object.keys(r).length <= 100, 'At most 100 field defaults');

export const SideConfiguration = z
  .object({
    defaults: z
      .object({
        groupId: id.nullable().default(null),
        ticketType: z.string().trim().min(1).max(100).nullable().default(null),
        status: picklistValue.nullable().default(null),
        priority: picklistValue.nullable().default(null),
        source: picklistValue.nullable().default(null),
        category: z.string().trim().min(1).max(255).nullable().default(null),
        departmentId: id.nullable().default(null),
        requester: RequesterHandling.default({ mode: 'match_or_create', defaultRequesterEmail: null }),
        /** Values for other form fields by name (e.g. a field the platform makes mandatory): used when no mapping gives one. */
        fields: FieldDefaults.default({}),
      })
      .strict()
      .default({
        groupId: null,
        ticketType: null,
        status: null,
        priority: null,
        source: null,
        category: null,
        departmentId: null,
        requester: { mode: 'match_or_create', defaultRequesterEmail: null },
        fields: {},
      }),
    /** Which of this side's tickets are sent to the partner (the source side's outbound filter). */
    filters: SyncFilter.default({ groups: [], ticketTypes: [], tags: [], statuses: [], field: null }),
    /** Target side only: tickets created on the target flow back to the source. */
    reverseSync: z
      .object({ enabled: z.boolean().default(false), filters: SyncFilter.default({ groups: [], ticketTypes: [], tags: [], statuses: [], field: null }) })
      .strict()
      .default({ enabled: false, filters: { groups: [], ticketTypes: [], tags: [], statuses: [], field: null } }),
    comments: z
      .object({
        sendPublic: z.boolean().default(true),
        /** Private notes never leave the organisation unless its own admin switches this on. */
        sendPrivate: z.boolean().default(false),
        /** How comments from the partner are written here. */
        incomingAs: z.enum(['public', 'private']).default('private'),
        /**
         * The receiving platform's comment channel for copies (`capabilities.comments.channels[].id`), when the
         * organisation chose one; absent: the first channel of the `incomingAs` visibility that does not
         * notify the requester. Optional so older documents round-trip unchanged.
         */
        incomingChannel: z.string().trim().min(1).max(100).optional(),
      })
      .strict()
      .default({ sendPublic: true, sendPrivate: false, incomingAs: 'private' }),
    attachments: z
      .object({ enabled: z.boolean().default(true) })
      .strict()
      .default({ enabled: true }),
    closures: z
      .object({ enabled: z.boolean().default(true) })
      .strict()
      .default({ enabled: true }),
    /**
     * Accounts with several workspaces (`capabilities.workspaces`): where this side's tickets, groups and fields come
     * from. Optional and without a default, so documents saved before it round-trip unchanged; absent =
     * the account's primary workspace, exactly as before.
     */
    workspaces: WorkspaceChoice.optional(),
    /**
     * Whether copies at the partner carry a link to this side's tickets (the link contains this side's
     * platform address, e.g. its helpdesk domain). Optional so older documents round-trip unchanged;
     * absent = shared, as the partner's ticket number always is.
     */
    ticketLinks: z
      .object({ share: z.boolean().default(true) })
      .strict()
      .optional(),
    /**
     * Values of the platform's per-side settings (`manifest.sideSettings`: a project, a board...) by
     * setting name. Optional so older documents round-trip unchanged; a required setting left out is taken
     * from the account when it offers exactly one value, else the run fails naming it.
     */
    sideSettings: z
      .record(z.string().trim().min(1).max(100), z.string().trim().min(1).max(255))
      .refine((r) => Object.keys(r).length <= 50, 'At most 50 side settings')
      .optional(),
  })
  .strict();
export type SideConfiguration = z.infer<typeof SideConfiguration>;

export const defaultSideConfiguration = (): SideConfiguration => SideConfiguration.parse({});

export const Direction = z.enum(['source_to_target', 'target_to_source', 'bidirectional']);
export type Direction = z.infer<typeof Direction>;

export const FieldMapping = z
  .object({
    sourceField: z.string().trim().min(1).max(100),
    targetField: z.string().trim().min(1).max(100),
    direction: Direction,
    kind: z.enum(['direct', 'value']),
    /** Value mappings only: pairs of picklist values (source value ↔ target value). */
    values: z
      .array(z.object({ source: picklistValue, target: picklistValue }).strict())
      .max(500)
      .default([]),
  })
  .strict();
export type FieldMapping = z.infer<typeof FieldMapping>;

export const DescriptionBuilder = z
  .object({
    /** Source fields written as "Label: value" lines above the original description, in this order. */
    fields: z.array(z.string().trim().min(1).max(100)).max(30).default([]),
    separator: z.string().max(200).default('---'),
    /**
     * A first line "Partner ticket: INC-34 (link)" naming the ticket the copy was made from. Optional, so
     * documents saved before it stay as they were (absent = no line); new connections get it on.
     */
    partnerReference: z.boolean().optional(),
  })
  .strict();
export type DescriptionBuilder = z.infer<typeof DescriptionBuilder>;

export const TypeMapping = z
  .object({
    /** Ticket type written on the target for source tickets of this type (null = same name). */
    targetType: z.string().trim().min(1).max(100).nullable().default(null),
    fields: z.array(FieldMapping).max(200),
    descriptionBuilder: DescriptionBuilder.default({ fields: [], separator: '---' }),
  })
  .strict();
export type TypeMapping = z.infer<typeof TypeMapping>;

/** Mappings per source ticket type. */
export const Mappings = z.object({ types: z.record(z.string().trim().min(1).max(100), TypeMapping) }).strict();
export type Mappings = z.infer<typeof Mappings>;

const identity = (values: number[]) => values.map((v) => ({ source: v, target: v }));

/**
 * Works with no configuration. The document names fields by their roles' names (status, priority, urgency,
 * impact) with the values of two accounts of one platform; it is kept as it always was, so stored documents
 * and the mapping screens read the same. Between two different platforms a run resolves it (field-roles.ts
 * `resolveRoles`): a name a side does not have stands for that side's field of the role, and its values are
 * then mapped by meaning (status by category, priority, urgency and impact by rank). A mapping may also name
 * a role outright (`@status`).
 */
export function defaultTypeMapping(): TypeMapping {
  return {
    targetType: null,
    fields: [
      { sourceField: 'subject', targetField: 'subject', direction: 'source_to_target', kind: 'direct', values: [] },
      { sourceField: 'description', targetField: 'description', direction: 'source_to_target', kind: 'direct', values: [] },
      { sourceField: 'status', targetField: 'status', direction: 'bidirectional', kind: 'value', values: identity([2, 3, 4, 5]) },
      { sourceField: 'priority', targetField: 'priority', direction: 'source_to_target', kind: 'value', values: identity([1, 2, 3, 4]) },
      { sourceField: 'urgency', targetField: 'urgency', direction: 'source_to_target', kind: 'value', values: identity([1, 2, 3]) },
      { sourceField: 'impact', targetField: 'impact', direction: 'source_to_target', kind: 'value', values: identity([1, 2, 3]) },
    ],
    descriptionBuilder: { fields: [], separator: '---' },
  };
}

export function defaultMappings(): Mappings {
  // New connections write the partner's ticket reference on created copies; the fallback mapping of a
  // type an existing document does not list (defaultTypeMapping) stays without it.
  const withReference = (): TypeMapping => ({ ...defaultTypeMapping(), descriptionBuilder: { fields: [], separator: '---', partnerReference: true } });
  return { types: { Incident: withReference(), 'Service Request': withReference() } };
}
