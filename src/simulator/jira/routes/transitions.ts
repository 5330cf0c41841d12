import { badRequest, fieldErrors, jiraError } from '../errors.ts';
import { RESOLUTIONS, type Issue, type Project, type Transition } from '../model.ts';
import { noContent, ok, type JCtx, type JRoute } from '../route.ts';
import { statusJson } from '../serialize.ts';
import { applyFields } from '../fields.ts';
import { commentOps } from './issues.ts';
import { objectBody, visibleIssue, writer } from './common.ts';

// Status changes only through the workflow's transitions [spec 8]: available ones depend on the current
// status; done transitions with a screen ask for a resolution; leaving done clears it.

export function availableTransitions(p: Project, issue: Issue): Transition[] {
  return p.transitions.filter((t) => t.to !== issue.statusId || t.from.length === 0).filter((t) => t.from.length === 0 || t.from.includes(issue.statusId));
}

function transitionJson(ctx: JCtx, p: Project, t: Transition, withFields: boolean) {
  const to = p.statuses.find((s) => s.id === t.to)!;
  return {
    id: t.id,
    name: t.name,
    to: statusJson(ctx.view, to),
    hasScreen: t.resolutionScreen,
    isGlobal: t.from.length === 0,
    isInitial: false,
    isAvailable: true,
    isConditional: false,
    isLooped: false,
    ...(withFields
      ? {
          fields: t.resolutionScreen
            ? {
                resolution: {
                  required: true,
                  schema: { type: 'resolution', system: 'resolution' },
                  name: 'Resolution',
                  key: 'resolution',
                  operations: ['set'],
                  allowedValues: RESOLUTIONS.map((r) => ({
                    self: `${ctx.view.base}/rest/api/3/resolution/${r.id}`,
                    id: r.id,
                    name: r.name,
                    description: r.description,
                  })),
                },
              }
            : {},
        }
      : {}),
  };
}

export const transitionRoutes: JRoute[] = [
  {
    method: 'GET',
    path: '/rest/api/3/issue/:issue/transitions',
    auth: 'issue',
    handler: (ctx) => {
      const issue = visibleIssue(ctx);
      const p = ctx.state.projectOf(issue);
      // Users without "Transition issues" get an empty list [spec 8].
      const list = ctx.user!.canWrite ? availableTransitions(p, issue) : [];
      const only = ctx.query.transitionId;
      const withFields = (ctx.query.expand ?? '').split(',').includes('transitions.fields');
      return ok({ expand: 'transitions', transitions: list.filter((t) => !only || t.id === only).map((t) => transitionJson(ctx, p, t, withFields)) });
    },
  },
  {
    method: 'POST',
    path: '/rest/api/3/issue/:issue/transitions',
    auth: 'issue',
    body: 'json',
    issueWrite: true,
    handler: (ctx) => {
      const issue = visibleIssue(ctx);
      const user = writer(ctx, 'transition this issue');
      const body = objectBody(ctx);
      const id = (body.transition as { id?: unknown } | undefined)?.id;
      if (id === undefined) throw badRequest('Missing transition id.');
      const p = ctx.state.projectOf(issue);
      const t = availableTransitions(p, issue).find((x) => x.id === String(id as string));
      if (!t) throw jiraError(400, [`Transition id '${String(id as string)}' is not valid for this issue.`]);
      const fields = (body.fields ?? {}) as Record<string, unknown>;
      const update = (body.update ?? {}) as Record<string, unknown>;
      const copy = structuredClone(issue);
      const screen = new Set(t.resolutionScreen ? ['resolution'] : []);
      applyFields(ctx.state, p, copy, fields, update, 'transition', screen);
      const to = p.statuses.find((s) => s.id === t.to)!;
      if (t.resolutionScreen && !('resolution' in fields)) throw fieldErrors({ resolution: 'Resolution is required.' });
      const from = p.statuses.find((s) => s.id === issue.statusId)!;
      ctx.state.updateIssue(
        issue,
        user.accountId,
        (i) => {
          const now = ctx.state.now();
          i.statusId = to.id;
          if (to.id !== from.id) i.statusChangedMs = now;
          if (to.category === 'done') {
            // A team-managed Done sets the resolution by post-function when no screen asks for it [Inferred].
            i.resolutionId = copy.resolutionId ?? i.resolutionId ?? '10000';
            i.resolutionMs ??= now;
          } else {
            i.resolutionId = null;
            i.resolutionMs = null;
          }
          return [{ field: 'status', fieldtype: 'jira', fieldId: 'status', from: from.id, fromString: from.name, to: to.id, toString: to.name }];
        },
        'issue_generic',
      );
      commentOps(ctx, issue, update);
      return noContent();
    },
  },
];
