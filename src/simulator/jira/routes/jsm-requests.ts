import { adfProblem, paragraphDoc } from '../adf.ts';
import { JiraError } from '../errors.ts';
import { applyFields } from '../fields.ts';
import type { Issue, JiraUser, Project, RequestType, RequestTypeField } from '../model.ts';
import { ok, type JCtx, type JRoute } from '../route.ts';
import { agent, desk, requestJson } from './jsm.ts';

// Request type forms and creating customer requests [spec 12]: only the fields the form shows may be sent,
// the form's required ones must be, hidden ones take their preset, and a request raised on behalf of
// someone needs an agent caller and an existing, active account for the reporter. Errors are JSM's shape.

const SD = '/rest/servicedeskapi';

const DEFAULT_FORM: RequestTypeField[] = [
  { fieldId: 'summary', name: 'Summary', required: true, visible: true },
  { fieldId: 'description', name: 'Description', required: false, visible: true },
];

const SCHEMAS: Record<string, { type: string; system?: string; items?: string }> = {
  summary: { type: 'string', system: 'summary' },
  description: { type: 'string', system: 'description' },
  labels: { type: 'array', items: 'string', system: 'labels' },
  priority: { type: 'priority', system: 'priority' },
};

export const formOf = (rt: RequestType): RequestTypeField[] => rt.fields ?? DEFAULT_FORM;

/** A JSM 400/403/404 with the i18n key a client can tell cases apart by (the message is localised). */
function refuse(status: number, message: string, i18nKey: string, parameters: string[] = []): JiraError {
  return new JiraError(status, { errorMessage: message, i18nErrorMessage: { i18nKey, parameters } });
}

function requestType(ctx: JCtx, p: Project, id: unknown): RequestType {
  const rt = p.requestTypes.find((r) => r.id === String(id as string));
  if (!rt) throw refuse(400, `The request type '${String(id as string)}' does not exist in this service desk.`, 'sd.request.create.error.requesttype.invalid');
  return rt;
}

/** The account a request is raised on behalf of: by accountId (the current API) or e-mail (older clients). */
function onBehalfOf(ctx: JCtx, caller: JiraUser, raw: unknown): JiraUser {
  if (typeof raw !== 'string' || raw.trim() === '')
    throw refuse(400, "'raiseOnBehalfOf' must be an account id.", 'sd.request.create.error.raiseonbehalfof.invalid');
  if (!caller.canWrite)
    throw refuse(403, 'You do not have permission to raise requests on behalf of other customers.', 'sd.request.create.error.raiseonbehalfof.permission');
  const u = ctx.state.users.get(raw) ?? ctx.state.userByEmail(raw);
  if (!u || !u.active)
    throw refuse(400, `The customer '${raw}' does not exist or cannot raise requests in this service desk.`, 'sd.request.create.error.raiseonbehalfof.user', [
      raw,
    ]);
  return u;
}

export const jsmRequestRoutes: JRoute[] = [
  {
    method: 'GET',
    path: `${SD}/servicedesk/:desk/requesttype/:rt/field`,
    handler: (ctx) => {
      const p = desk(ctx);
      const rt = p.requestTypes.find((r) => r.id === ctx.params.rt);
      if (!rt) throw refuse(404, `Request type '${ctx.params.rt ?? ''}' does not exist.`, 'sd.requesttype.error.notfound');
      const user = agent(ctx);
      return ok({
        requestTypeFields: formOf(rt).map((f) => ({
          fieldId: f.fieldId,
          name: f.name,
          required: f.required,
          visible: f.visible,
          validValues: [],
          jiraSchema: SCHEMAS[f.fieldId] ?? { type: 'string', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:textfield' },
        })),
        canRaiseOnBehalfOf: user.canWrite,
        canAddRequestParticipants: user.canWrite,
      });
    },
  },
  {
    method: 'POST',
    path: `${SD}/request`,
    body: 'json',
    handler: (ctx) => {
      const user = agent(ctx);
      const b = (ctx.body ?? {}) as {
        serviceDeskId?: unknown;
        requestTypeId?: unknown;
        requestFieldValues?: unknown;
        raiseOnBehalfOf?: unknown;
        isAdfRequest?: unknown;
      };
      const p = [...ctx.state.projects.values()].find((x) => x.serviceDeskId && x.serviceDeskId === String(b.serviceDeskId as string));
      if (!p) throw refuse(400, `The service desk '${String(b.serviceDeskId as string)}' does not exist.`, 'sd.request.create.error.servicedesk.invalid');
      if (!user.canWrite) throw refuse(403, 'You do not have permission to create requests in this service desk.', 'sd.request.create.error.permission');
      const rt = requestType(ctx, p, b.requestTypeId);
      const values = b.requestFieldValues ?? {};
      if (!values || typeof values !== 'object' || Array.isArray(values))
        throw refuse(400, "'requestFieldValues' must be an object.", 'sd.request.create.error.fields.invalid');
      const form = formOf(rt);
      const shown = new Map(form.filter((f) => f.visible).map((f) => [f.fieldId, f]));
      const given = values as Record<string, unknown>;
      const unknown = Object.keys(given).filter((k) => !shown.has(k));
      if (unknown.length)
        throw refuse(
          400,
          `The field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')} cannot be set: not on the form of request type '${rt.name}'.`,
          'sd.request.create.error.field.not.on.form',
          unknown,
        );
      const missing = [...shown.values()].filter((f) => f.required && (given[f.fieldId] === undefined || given[f.fieldId] === null || given[f.fieldId] === ''));
      if (missing.length)
        throw refuse(
          400,
          `Your request could not be created. Please check the fields have been correctly filled in. ${missing.map((f) => `${f.name} is required.`).join(' ')}`,
          'sd.request.create.error.field.required',
          missing.map((f) => f.fieldId),
        );
      const reporter = b.raiseOnBehalfOf === undefined ? user : onBehalfOf(ctx, user, b.raiseOnBehalfOf);
      // Plain text (wiki markup) unless the request opts into ADF [spec 6].
      const description = given.description;
      let doc = null;
      if (description !== undefined && description !== null) {
        if (b.isAdfRequest === true) {
          if (adfProblem(description)) throw refuse(400, 'The description is not a valid Atlassian document.', 'sd.request.create.error.adf.invalid');
          doc = description as Issue['description'];
        } else if (typeof description === 'string') doc = description.trim() ? paragraphDoc(description) : null;
        else throw refuse(400, "'description' must be text (or set 'isAdfRequest').", 'sd.request.create.error.field.invalid', ['description']);
      }
      const draft: Issue = {
        id: '',
        key: '',
        projectId: p.id,
        issueTypeId: rt.issueTypeId,
        summary: '',
        description: doc,
        statusId: p.initialStatus,
        priorityId: '3',
        assigneeId: null,
        reporterId: reporter.accountId,
        creatorId: user.accountId,
        labels: [],
        resolutionId: null,
        resolutionMs: null,
        created: 0,
        updated: 0,
        statusChangedMs: 0,
        custom: {},
        properties: {},
        requestTypeId: rt.id,
        participants: [],
      };
      const { description: _d, ...rest } = given;
      const presets = Object.fromEntries(form.filter((f) => !f.visible && f.preset !== undefined).map((f) => [f.fieldId, f.preset]));
      try {
        applyFields(ctx.state, p, draft, { ...presets, ...rest }, {}, 'create');
      } catch (err) {
        // The platform's field errors, in the JSM API's shape.
        if (!(err instanceof JiraError)) throw err;
        const errors = (err.body as { errors?: Record<string, string> }).errors ?? {};
        const list = Object.entries(errors);
        throw refuse(
          400,
          `Your request could not be created. ${list.map(([k, v]) => `${k}: ${v}`).join(' ')}`,
          'sd.request.create.error.field.invalid',
          list.map(([k]) => k),
        );
      }
      const { id: _i, key: _k, created: _c, updated: _u, statusChangedMs: _s, ...fields } = draft;
      const issue = ctx.state.createIssue(fields, user.accountId);
      return ok(requestJson(ctx, issue), 201);
    },
  },
];
