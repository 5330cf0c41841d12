import { z } from 'zod';
import { PlatformError } from '../../core/connector.ts';
import { adfToText } from './adf.ts';
import type { JiraApi } from './api.ts';
import type { JiraContext } from './context.ts';

// JSM request types and customer requests [jira-api.md §12]: what a service project's issues are created as,
// so they carry a request type (and show in the customer portal) and are raised on behalf of the requester.

const idString = z.union([z.string().min(1).max(64), z.number().int()]).transform(String);

const RequestTypePage = z.object({
  values: z.array(z.object({ id: idString, name: z.string(), issueTypeId: idString.nullish() })),
  isLastPage: z.boolean().optional(),
});

const RequestTypeFields = z.object({
  requestTypeFields: z.array(z.object({ fieldId: z.string(), name: z.string().nullish(), required: z.boolean().nullish(), visible: z.boolean().nullish() })),
  canRaiseOnBehalfOf: z.boolean().nullish(),
});

const CustomerRequest = z.object({ issueId: idString, issueKey: z.string() });

export interface RequestType {
  id: string;
  name: string;
  issueTypeId: string | null;
}

export interface RequestForm {
  fields: Array<{ fieldId: string; name: string; required: boolean; visible: boolean }>;
  canRaiseOnBehalfOf: boolean;
}

export const REQUEST_TYPE_SETTING = 'requestType';

/** The request types of a service desk, every page. */
export async function listRequestTypes(api: JiraApi, deskId: string): Promise<RequestType[]> {
  const out: RequestType[] = [];
  const what = `list the request types of service desk ${deskId}`;
  for (let start = 0, n = 0; n < api.limits.maxListPages; n++) {
    const page = await api.json('GET', `/rest/servicedeskapi/servicedesk/${encodeURIComponent(deskId)}/requesttype`, RequestTypePage, {
      what,
      query: { start, limit: 50 },
    });
    out.push(...page.values.map((t) => ({ id: t.id, name: t.name, issueTypeId: t.issueTypeId ?? null })));
    if (page.isLastPage !== false || page.values.length === 0) return out;
    start += page.values.length;
  }
  throw api.tooManyPages(what);
}

/** The fields a request type's form shows (and whether the account may raise on behalf of others). */
export async function requestForm(api: JiraApi, deskId: string, type: RequestType): Promise<RequestForm> {
  const form = await api.json(
    'GET',
    `/rest/servicedeskapi/servicedesk/${encodeURIComponent(deskId)}/requesttype/${encodeURIComponent(type.id)}/field`,
    RequestTypeFields,
    { what: `read the form of request type "${type.name}"` },
  );
  return {
    fields: form.requestTypeFields.map((f) => ({ fieldId: f.fieldId, name: f.name ?? f.fieldId, required: f.required === true, visible: f.visible !== false })),
    // Absent means the API did not say; raising on behalf is then tried (a refusal is handled by the caller).
    canRaiseOnBehalfOf: form.canRaiseOnBehalfOf !== false,
  };
}

/**
 * The request type created issues get: the configured one (by name or id; one the project lacks is an error
 * naming the setting), else the only one using the issue type chosen for the create, else none (plain issue).
 */
export function pickRequestType(types: readonly RequestType[], configured: string | undefined, issueTypeId: string, project: string): RequestType | null {
  const want = configured?.trim();
  if (want) {
    const found = types.find((t) => t.id === want) ?? types.find((t) => t.name.trim().toLowerCase() === want.toLowerCase());
    if (found) return found;
    const names = types.map((t) => `"${t.name}"`).join(', ');
    throw new PlatformError(
      'validation',
      `The Jira project ${project} has no request type "${want}" (setting "Request type"): ${
        names ? `it has ${names}` : 'it has none the integration account can use'
      }. Fix or clear the setting in the connection's Configuration.`,
    );
  }
  const fitting = types.filter((t) => t.issueTypeId === issueTypeId);
  return fitting.length === 1 ? fitting[0]! : null;
}

/** Fields the request form takes as Jira's create does; the description goes as text (the JSM API's format [§6]). */
const AS_TEXT = new Set(['description']);
const PLACEMENT = new Set(['project', 'issuetype']);

export interface RequestPlan {
  /** The body of POST /rest/servicedeskapi/request. */
  body: { serviceDeskId: string; requestTypeId: string; requestFieldValues: Record<string, unknown>; raiseOnBehalfOf?: string };
  /** Fields the form does not take (or takes only as text), written by an edit right after. */
  rest: Record<string, unknown>;
  /** Whether the labels (and so the marker) travel in the create itself. */
  labelsInCreate: boolean;
}

/**
 * Splits a create's `fields` (as for POST /rest/api/3/issue) into what the request type's form takes and
 * what is edited afterwards. A required field of the form with no value is refused before anything is
 * written, naming the field and the request type.
 */
export function planRequest(
  deskId: string,
  type: RequestType,
  form: RequestForm,
  fields: Record<string, unknown>,
  requesterId: string | null | undefined,
): RequestPlan {
  const shown = new Map(form.fields.filter((f) => f.visible).map((f) => [f.fieldId, f]));
  const values: Record<string, unknown> = {};
  const rest: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    // The service desk and the request type say where the request goes and what it is.
    if (PLACEMENT.has(name)) continue;
    if (value === null || value === undefined || !shown.has(name)) {
      if (value !== undefined) rest[name] = value;
      continue;
    }
    if (AS_TEXT.has(name)) {
      const text = typeof value === 'string' ? value : adfToText(value);
      if (text.trim() !== '') values[name] = text;
      // The text loses the formatting: the document itself follows by the edit.
      rest[name] = value;
      continue;
    }
    values[name] = value;
  }
  const missing = [...shown.values()].filter((f) => f.required && values[f.fieldId] === undefined);
  if (missing.length > 0)
    throw new PlatformError(
      'validation',
      `The request type "${type.name}" requires ${missing.map((f) => `"${f.name}"`).join(', ')} on its form, which Support Fusion does not fill: make ${
        missing.length === 1 ? 'it' : 'them'
      } optional or hidden with a preset value in Jira (Project settings > Request types), or choose another request type (setting "Request type").`,
    );
  return {
    body: {
      serviceDeskId: deskId,
      requestTypeId: type.id,
      requestFieldValues: values,
      ...(requesterId && form.canRaiseOnBehalfOf ? { raiseOnBehalfOf: requesterId } : {}),
    },
    rest,
    labelsInCreate: values.labels !== undefined,
  };
}

/**
 * POST /rest/servicedeskapi/request. When JSM refuses the request raised on behalf of the requester (the
 * customer is not one of the service desk's, or the account may not raise on behalf), a 400 created nothing,
 * so it is raised once more by the integration account itself.
 */
export async function createCustomerRequest(api: JiraApi, plan: RequestPlan, what: string): Promise<{ id: string; key: string }> {
  const post = (body: RequestPlan['body']) => api.json('POST', '/rest/servicedeskapi/request', CustomerRequest, { what, body, idempotent: false });
  let created;
  try {
    created = await post(plan.body);
  } catch (err) {
    const refusedRequester =
      plan.body.raiseOnBehalfOf !== undefined && err instanceof PlatformError && (err.kind === 'validation' || err.kind === 'permission');
    if (!refusedRequester) throw err;
    const { raiseOnBehalfOf: _dropped, ...body } = plan.body;
    created = await post(body);
  }
  return { id: created.issueId, key: created.issueKey };
}

const typesOf = new WeakMap<object, Promise<RequestType[]>>();

/** The project's request types, read once per connector (a failed read is asked again next time). */
export function projectRequestTypes(ctx: JiraContext): Promise<RequestType[]> {
  let p = typesOf.get(ctx);
  if (!p) {
    p = ctx.serviceDeskId().then((desk) => (desk ? listRequestTypes(ctx.api, desk) : []));
    p.catch(() => typesOf.delete(ctx));
    typesOf.set(ctx, p);
  }
  return p;
}

const formsOf = new WeakMap<object, Map<string, Promise<RequestForm>>>();

/** A request type's form, read once per connector like the request types themselves. */
function formFor(ctx: JiraContext, desk: string, type: RequestType): Promise<RequestForm> {
  let forms = formsOf.get(ctx);
  if (!forms) formsOf.set(ctx, (forms = new Map()));
  let p = forms.get(type.id);
  if (!p) {
    p = requestForm(ctx.api, desk, type);
    p.catch(() => forms.delete(type.id));
    forms.set(type.id, p);
  }
  return p;
}

/** The request type an issue of `issueTypeId` is created with in this side's project, or null (a plain issue). */
export async function requestTypeFor(ctx: JiraContext, issueTypeId: string, configured: string | undefined): Promise<RequestType | null> {
  const desk = await ctx.serviceDeskId();
  if (!desk) {
    if (!configured?.trim()) return null;
    throw new PlatformError(
      'validation',
      `The Jira project ${await ctx.project()} is not a service project, so it has no request types; clear the setting "Request type" (it is "${configured.trim()}").`,
    );
  }
  return pickRequestType(await projectRequestTypes(ctx), configured, issueTypeId, await ctx.project());
}

/**
 * An issue created as a customer request of `type`, raised on behalf of the requester, then marked: the
 * marker label first (when the form has no Labels field) so an interrupted create is found again, then the
 * fields the form did not take, through the usual edit.
 */
export async function createAsRequest(
  ctx: JiraContext,
  type: RequestType,
  fields: Record<string, unknown>,
  input: { marker: string; requesterId?: string | null | undefined },
  what: string,
): Promise<{ id: string; key: string }> {
  const desk = (await ctx.serviceDeskId())!;
  const form = await formFor(ctx, desk, type);
  const plan = planRequest(desk, type, form, fields, input.requesterId);
  const created = await createCustomerRequest(ctx.api, plan, what);
  const path = `/rest/api/3/issue/${encodeURIComponent(created.id)}`;
  if (!plan.labelsInCreate) {
    await ctx.api.raw('PUT', path, { what: `label issue ${created.key} with its marker`, body: { update: { labels: [{ add: input.marker }] } } });
  }
  if (Object.keys(plan.rest).length > 0) {
    await ctx.api.raw('PUT', path, { what: `set the fields of ${created.key} its request form does not show`, body: { fields: plan.rest } });
  }
  return created;
}

/** The request types offered for the setting, by name (what people type), with the issue type each creates. */
export async function requestTypeChoices(ctx: JiraContext): Promise<Array<{ value: string; label: string }>> {
  const types = await projectRequestTypes(ctx);
  if (types.length === 0) return [];
  const issueTypes = new Map(((await ctx.projectDetail()).issueTypes ?? []).map((t) => [t.id, t.name]));
  return types.map((t) => {
    const issueType = t.issueTypeId ? issueTypes.get(t.issueTypeId) : undefined;
    return { value: t.name, label: issueType ? `${t.name} (${issueType})` : t.name };
  });
}
