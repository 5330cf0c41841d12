import { PlatformError, type RemoteTicket, type TicketConnector, type TicketCreate, type TicketWrite } from '../../core/connector.ts';
import { JiraApi, type JiraApiOptions, type JiraCredentials } from './api.ts';
import { htmlToAdf } from './adf.ts';
import { downloadAttachment, uploadAttachments } from './attachments.ts';
import { addComment, findCommentByMarker, listComments } from './comments.ts';
import { jiraContext, type JiraContext } from './context.ts';
import { jiraChanges, listChanged } from './feed.ts';
import { fieldDefinitions, statusTarget } from './field-definitions.ts';
import { ISSUE_MARKER_PROPERTY, jiraManifest } from './manifest.ts';
import { ListingRepeats } from './listing-repeats.ts';
import { editFields, toRemoteTicket } from './mapping.ts';
import { checkMarker, findTicketByMarker } from './markers.ts';
import { CreatedIssue, JiraIssue, Myself, ProjectPage } from './payloads.ts';
import { createRequester, findPersonById, findRequesterByEmail } from './requesters.ts';
import { createAsRequest, createdButRefused, REQUEST_TYPE_SETTING, requestTypeChoices, requestTypeFor } from './servicedesk.ts';
import { transitionTo } from './transitions.ts';

export interface JiraConnectorOptions extends JiraApiOptions {
  /** The side's settings (`manifest.sideSettings`): project key, issue type. */
  sideSettings?: Record<string, string> | undefined;
}

const ISSUE_ID = /^\d{1,18}$/;
const ISSUE_KEY = /^[A-Z][A-Z0-9_]{0,99}-\d{1,18}$/i;
const SUMMARY_MAX = 255;

/** Labels may not hold white space [§5.2]. */
const asLabel = (tag: string) => tag.trim().replace(/\s+/g, '_').slice(0, 255);

async function readIssue(ctx: JiraContext, idOrKey: string): Promise<RemoteTicket | null> {
  if (!ISSUE_ID.test(idOrKey) && !ISSUE_KEY.test(idOrKey)) return null;
  const issue = await ctx.api.json('GET', `/rest/api/3/issue/${encodeURIComponent(idOrKey)}`, JiraIssue, {
    what: `read issue ${idOrKey}`,
    query: ctx.issueQuery,
    allow404: true,
  });
  if (!issue) return null;
  // Issues of other projects never travel (a webhook hint or a moved issue may name one).
  if (ctx.configuredProject && issue.fields.project && issue.fields.project.key.toLowerCase() !== ctx.configuredProject.toLowerCase()) return null;
  return toRemoteTicket(issue);
}

/** The `fields` of a create or edit body for a TicketWrite (status excluded: transitions only). */
async function writeFields(ctx: JiraContext, patch: TicketWrite): Promise<Record<string, unknown>> {
  const values = patch.fields ?? {};
  const custom = Object.keys(values).some((k) => k.startsWith('customfield_'));
  const fields: Record<string, unknown> = editFields(values, custom ? await ctx.customKinds() : new Map());
  if (patch.subject !== undefined) fields.summary = patch.subject.replace(/[\r\n]+/g, ' ').slice(0, SUMMARY_MAX) || '(no summary)';
  if (patch.description !== undefined) fields.description = patch.description.trim() === '' ? null : htmlToAdf(patch.description);
  if (patch.tags !== undefined) fields.labels = [...new Set(patch.tags.map(asLabel).filter(Boolean))];
  return fields;
}

const wantedStatus = (patch: TicketWrite): string | null => {
  const s = patch.fields?.status;
  return s === undefined || s === null || s === '' ? null : String(s);
};

export function createJiraConnector(creds: JiraCredentials, opts: JiraConnectorOptions): TicketConnector {
  const api = new JiraApi(creds, opts);
  const ctx = jiraContext(api, opts.sideSettings);
  const site = api.baseUrl.origin;

  async function getTicket(id: string): Promise<RemoteTicket | null> {
    return ISSUE_ID.test(id) ? readIssue(ctx, id) : null;
  }

  async function mustGet(id: string): Promise<RemoteTicket> {
    const t = await getTicket(id);
    if (!t) throw new PlatformError('not_found', `Jira issue ${id} does not exist (anymore), or the integration account may not see it.`, { status: 404 });
    return t;
  }

  async function issueTypeFor(requested: string): Promise<{ id: string; name: string }> {
    const types = ((await ctx.projectDetail()).issueTypes ?? []).filter((t) => !t.subtask);
    const byName = (name: string | undefined) => (name ? types.find((t) => t.name.toLowerCase() === name.trim().toLowerCase()) : undefined);
    const chosen = byName(requested) ?? byName(ctx.issueType) ?? types[0];
    if (!chosen) throw new PlatformError('validation', `The Jira project ${await ctx.project()} has no issue type the integration account can create.`);
    return chosen;
  }

  return {
    platform: jiraManifest.id,
    manifest: jiraManifest,

    async whoAmI() {
      const me = await api.json('GET', '/rest/api/3/myself', Myself, { what: 'read the integration account' });
      return { id: me.accountId, name: me.displayName ?? me.emailAddress ?? me.accountId, email: me.emailAddress ?? '' };
    },

    listChangedTickets: (since) => listChanged(ctx, since),
    changes: (cursor, o) => jiraChanges(ctx, cursor, o),

    async sideSettingChoices(name) {
      if (name === REQUEST_TYPE_SETTING) return requestTypeChoices(ctx, opts.sideSettings?.[REQUEST_TYPE_SETTING]);
      if (name === 'issueType') return ((await ctx.projectDetail()).issueTypes ?? []).filter((t) => !t.subtask).map((t) => ({ value: t.name, label: t.name }));
      if (name !== 'project') return [];
      const out: Array<{ value: string; label: string }> = [];
      const what = 'list the projects the account can see';
      const repeats = new ListingRepeats(what);
      for (let startAt = 0, n = 0; n < api.limits.maxListPages; n++) {
        const page = await api.json('GET', '/rest/api/3/project/search', ProjectPage, { what, query: { startAt, maxResults: 50, orderBy: 'key' } });
        repeats.page(
          undefined,
          page.values.map((p) => p.key),
        );
        out.push(...page.values.map((p) => ({ value: p.key, label: `${p.name} (${p.key})` })));
        if (page.isLast !== false || page.values.length === 0) return out;
        startAt += page.values.length;
      }
      throw api.tooManyPages(what);
    },

    getTicket,
    listComments: (id) => listComments(api, id),

    async createTicket(input: TicketCreate) {
      checkMarker(input.marker);
      const project = await ctx.project();
      const type = await issueTypeFor(input.type);
      const fields: Record<string, unknown> = {
        ...(await writeFields(ctx, { ...input, tags: [...(input.tags ?? []), input.marker] })),
        project: { key: project },
        issuetype: { id: type.id },
      };
      if (fields.description === null) delete fields.description;
      const what = `create an issue in ${project} ("${input.subject.slice(0, 80)}")`;
      const post = (body: Record<string, unknown>) => api.json('POST', '/rest/api/3/issue', CreatedIssue, { what, body: { fields: body }, idempotent: false });
      // A service project's issues are customer requests of a request type when one is set or the only one fits.
      const requestType = await requestTypeFor(ctx, type.id, opts.sideSettings?.[REQUEST_TYPE_SETTING]);
      let created;
      if (requestType) created = await createAsRequest(ctx, requestType, fields, input, what);
      else
        try {
          created = await post(input.requesterId ? { ...fields, reporter: { id: input.requesterId } } : fields);
        } catch (err) {
          // Setting the reporter needs Modify Reporter; a 400 created nothing, so sending again is safe.
          if (!(err instanceof PlatformError && err.kind === 'validation' && err.details.fieldErrors?.some((e) => e.field === 'reporter'))) throw err;
          created = await post(fields);
        }
      // The label already carries the marker; the property is a second, invisible copy (best effort).
      await api
        .raw('PUT', `/rest/api/3/issue/${created.id}/properties/${ISSUE_MARKER_PROPERTY}`, {
          what: `mark issue ${created.key}`,
          body: { marker: input.marker },
        })
        .catch(() => {});
      const status = wantedStatus(input);
      try {
        const ticket = await mustGet(created.id);
        if (status === null || ticket.fields.status === status) return ticket;
        await transitionTo(api, created.id, (ticket.fields.status as string | null) ?? null, status, await statusTarget(ctx, status));
        return await mustGet(created.id);
      } catch (err) {
        const step = status === null ? 'reading it back' : `reading it back or moving it to status "${status}"`;
        throw createdButRefused(err, `Issue ${created.key} was created, but ${step} failed`);
      }
    },

    async updateTicket(id, patch) {
      const before = await mustGet(id);
      const fields = await writeFields(ctx, patch);
      if (Object.keys(fields).length > 0) {
        await api.raw('PUT', `/rest/api/3/issue/${id}`, { what: `update issue ${before.displayId}`, body: { fields } });
      }
      const status = wantedStatus(patch);
      if (status !== null && status !== before.fields.status) {
        await transitionTo(api, id, (before.fields.status as string | null) ?? null, status, await statusTarget(ctx, status));
      }
      return Object.keys(fields).length === 0 && status === null ? before : mustGet(id);
    },

    findTicketByMarker: (marker, hint) => findTicketByMarker(ctx, marker, hint, (idOrKey) => readIssue(ctx, idOrKey)),

    addComment: async (ticketId, input) => {
      checkMarker(input.marker);
      if (!ISSUE_ID.test(ticketId)) throw new PlatformError('not_found', `"${ticketId}" is not a Jira issue id.`);
      const comment = await addComment(api, ticketId, input);
      if (input.attachments?.length) comment.attachments = await uploadAttachments(api, ticketId, input.attachments);
      return comment;
    },
    findCommentByMarker: (ticketId, marker) => {
      checkMarker(marker);
      return findCommentByMarker(api, ticketId, marker);
    },

    downloadAttachment: (att, o) => downloadAttachment(api, att, Math.min(api.limits.maxAttachmentBytes, o?.maxBytes ?? Infinity)),
    async addAttachments(ticketId, files) {
      if (!ISSUE_ID.test(ticketId)) throw new PlatformError('not_found', `"${ticketId}" is not a Jira issue id.`);
      return uploadAttachments(api, ticketId, files);
    },

    findRequesterByEmail: (email) => findRequesterByEmail(ctx, email),
    createRequester: (input) => createRequester(ctx, input),
    findPersonById: (id) => findPersonById(ctx, id),

    fieldDefinitions: (ticketType) => fieldDefinitions(ctx, ticketType),

    ticketUrl: (ticket) => `${site}/browse/${encodeURIComponent(ticket.displayId)}`,
  };
}
