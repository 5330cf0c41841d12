import { z } from 'zod';
import { PlatformError } from '../../core/connector.ts';
import { adfToText } from './adf.ts';
import type { JiraApi } from './api.ts';
import type { JiraContext } from './context.ts';
import { ListingRepeats } from './listing-repeats.ts';

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
  const repeats = new ListingRepeats(what);
  for (let start = 0, n = 0; n < api.limits.maxListPages; n++) {
    const page = await api.json('GET', `/rest/servicedeskapi/servicedesk/${encodeURIComponent(deskId)}/requesttype`, RequestTypePage, {
      what,
      query: { start, limit: 50 },
    });
    repeats.page(
      undefined,
      page.values.map((t) => t.id),
    );
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

/** The request type the setting names, by id or by name in any case; undefined when the project has none such. */
export const findRequestType = (types: readonly RequestType[], configured: string): RequestType | undefined => {
  const want = configured.trim();
  return types.find((t) => t.id === want) ?? types.find((t) => t.name.trim().toLowerCase() === want.toLowerCase());
};

/**
 * The request type created issues get: the configured one (by name or id; one the project lacks is an error
 * naming the setting), else the only one using the issue type chosen for the create, else none (plain issue).
 */
export function pickRequestType(types: readonly RequestType[], configured: string | undefined, issueTypeId: string, project: string): RequestType | null {
  const want = configured?.trim();
  if (want) {
    const found = findRequestType(types, want);
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

/**
 * Whether a copy created with this form carries its marker from its first write: the form shows Labels. Without
 * it the marker could only follow in a second write, and a crash in between would leave a copy no retry can
 * find, so it would be created twice.
 */
export const formCarriesMarker = (form: RequestForm): boolean => form.fields.some((f) => f.fieldId === 'labels' && f.visible);

/** Why a request type whose form has no Labels field is not used (a save, a create); says how to fix it in Jira. */
export function unmarkedFormMessage(type: RequestType): string {
  return `The request type "${type.name}" (setting "Request type") has no Labels field on its request form, so its copies could not carry the Support Fusion marker from the moment they are created (the marker keeps a retry after an interruption from creating a copy twice). In Jira, add the Labels field to the request form (Project settings > Request types > ${type.name}; it may stay optional), or choose another request type.`;
}

/**
 * The request type a create uses, given its form: one whose form carries the marker; else a chosen one is
 * refused (nothing is written), and one picked without asking is passed over for a plain issue, whose create
 * carries its labels.
 */
export function usableRequestType(type: RequestType, form: RequestForm, chosen: boolean): RequestType | null {
  if (formCarriesMarker(form)) return type;
  if (!chosen) return null;
  throw new PlatformError('validation', `${unmarkedFormMessage(type)} Nothing was created.`);
}

/** Fields the request form takes as Jira's create does; the description goes as text (the JSM API's format [§6]). */
const AS_TEXT = new Set(['description']);
const PLACEMENT = new Set(['project', 'issuetype']);

export interface RequestPlan {
  /** The body of POST /rest/servicedeskapi/request. */
  body: { serviceDeskId: string; requestTypeId: string; requestFieldValues: Record<string, unknown>; raiseOnBehalfOf?: string };
  /** Fields the form does not take (or takes only as text), written by an edit right after. */
  rest: Record<string, unknown>;
}

/**
 * Splits a create's `fields` (as for POST /rest/api/3/issue) into what the request type's form takes and
 * what is edited afterwards. The labels, which hold the marker, must be among what the form takes; a form
 * without them, or a required field of the form with no value, is refused before anything is written.
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
  if (values.labels === undefined) throw new PlatformError('validation', `${unmarkedFormMessage(type)} Nothing was created.`);
  return {
    body: {
      serviceDeskId: deskId,
      requestTypeId: type.id,
      requestFieldValues: values,
      ...(requesterId && form.canRaiseOnBehalfOf ? { raiseOnBehalfOf: requesterId } : {}),
    },
    rest,
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

/**
 * The request type an issue of `issueTypeId` is created with in this side's project, or null (a plain issue):
 * see pickRequestType and usableRequestType.
 */
export async function requestTypeFor(ctx: JiraContext, issueTypeId: string, configured: string | undefined): Promise<RequestType | null> {
  const desk = await ctx.serviceDeskId();
  if (!desk) {
    if (!configured?.trim()) return null;
    throw new PlatformError(
      'validation',
      `The Jira project ${await ctx.project()} is not a service project, so it has no request types; clear the setting "Request type" (it is "${configured.trim()}").`,
    );
  }
  const type = pickRequestType(await projectRequestTypes(ctx), configured, issueTypeId, await ctx.project());
  return type && usableRequestType(type, await formFor(ctx, desk, type), Boolean(configured?.trim()));
}

/**
 * An issue created as a customer request of `type`, raised on behalf of the requester, with the marker label
 * in the create itself; then the fields the form did not take, through the usual edit. The issue exists once
 * the create answered, so a later failure is not reported as a refused create (which would let the engine
 * forget the attempt and create again): the next run finds the copy by its marker and sets the fields then.
 */
export async function createAsRequest(
  ctx: JiraContext,
  type: RequestType,
  fields: Record<string, unknown>,
  input: { requesterId?: string | null | undefined },
  what: string,
): Promise<{ id: string; key: string }> {
  const desk = (await ctx.serviceDeskId())!;
  const form = await formFor(ctx, desk, type);
  const plan = planRequest(desk, type, form, fields, input.requesterId);
  const created = await createCustomerRequest(ctx.api, plan, what);
  if (Object.keys(plan.rest).length === 0) return created;
  try {
    await ctx.api.raw('PUT', `/rest/api/3/issue/${encodeURIComponent(created.id)}`, {
      what: `set the fields of ${created.key} its request form does not show`,
      body: { fields: plan.rest },
    });
  } catch (err) {
    throw createdButRefused(err, `Issue ${created.key} was created as a customer request, but Jira refused the fields its request form does not show`);
  }
  return created;
}

const REFUSALS = new Set(['validation', 'permission', 'not_found']);

/**
 * An error in a step after an issue was created, as the engine should see it: a refusal there is not a refused
 * create, which the engine takes to mean nothing was made (it would forget the attempt and create again). The
 * issue carries its marker, so the next run finds it and writes the rest. Other errors pass unchanged.
 */
export function createdButRefused(err: unknown, what: string): unknown {
  if (!(err instanceof PlatformError) || !REFUSALS.has(err.kind)) return err;
  return new PlatformError('unexpected_response', `${what}: ${err.message} The next run finds the issue by its marker and tries again.`, err.details);
}

/**
 * The request types offered for the setting, by name (what people type), with the issue type each creates.
 * The one the setting names (as it is about to be saved) has its form read: one without Labels is marked
 * unusable, saying why and how to fix it in Jira.
 */
export async function requestTypeChoices(
  ctx: JiraContext,
  configured: string | undefined,
): Promise<Array<{ value: string; label: string; unusable?: string }>> {
  const types = await projectRequestTypes(ctx);
  if (types.length === 0) return [];
  const issueTypes = new Map(((await ctx.projectDetail()).issueTypes ?? []).map((t) => [t.id, t.name]));
  const want = configured?.trim() ? findRequestType(types, configured) : undefined;
  const desk = want && (await ctx.serviceDeskId());
  const unusable = want && desk && !formCarriesMarker(await formFor(ctx, desk, want)) ? unmarkedFormMessage(want) : undefined;
  return types.map((t) => {
    const issueType = t.issueTypeId ? issueTypes.get(t.issueTypeId) : undefined;
    return { value: t.name, label: issueType ? `${t.name} (${issueType})` : t.name, ...(t === want && unusable ? { unusable } : {}) };
  });
}
