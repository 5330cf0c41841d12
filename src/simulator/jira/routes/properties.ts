import { badRequest, notFound } from '../errors.ts';
import { noContent, ok, type JRoute } from '../route.ts';
import { visibleIssue, writer } from './common.ts';

// Issue properties: where a sync service keeps idempotency markers (searchable with
// `issue.property[key].path = value`). Setting one does not bump `updated` [Inferred].

const MAX_VALUE = 32_768;

export const propertyRoutes: JRoute[] = [
  {
    method: 'GET',
    path: '/rest/api/3/issue/:issue/properties',
    auth: 'issue',
    handler: (ctx) => {
      const issue = visibleIssue(ctx);
      return ok({ keys: Object.keys(issue.properties).map((key) => ({ key, self: `${ctx.view.base}/rest/api/3/issue/${issue.id}/properties/${key}` })) });
    },
  },
  {
    method: 'GET',
    path: '/rest/api/3/issue/:issue/properties/:key',
    auth: 'issue',
    handler: (ctx) => {
      const issue = visibleIssue(ctx);
      const key = ctx.params.key!;
      if (!(key in issue.properties)) throw notFound(`The property with key '${key}' does not exist.`);
      return ok({ key, value: issue.properties[key] });
    },
  },
  {
    method: 'PUT',
    path: '/rest/api/3/issue/:issue/properties/:key',
    auth: 'issue',
    body: 'json',
    issueWrite: true,
    handler: (ctx) => {
      const issue = visibleIssue(ctx);
      writer(ctx);
      const key = ctx.params.key!;
      if (key.length > 255) throw badRequest('The property key is longer than 255 characters.');
      if (ctx.body === undefined) throw badRequest('The property value must be valid JSON.');
      if (JSON.stringify(ctx.body).length > MAX_VALUE) throw badRequest('The property value is larger than 32768 bytes.');
      const existed = key in issue.properties;
      issue.properties[key] = ctx.body;
      ctx.state.events.emit('property', { issue, key });
      return { status: existed ? 200 : 201 };
    },
  },
  {
    method: 'DELETE',
    path: '/rest/api/3/issue/:issue/properties/:key',
    auth: 'issue',
    issueWrite: true,
    handler: (ctx) => {
      const issue = visibleIssue(ctx);
      writer(ctx);
      const key = ctx.params.key!;
      if (!(key in issue.properties)) throw notFound(`The property with key '${key}' does not exist.`);
      delete issue.properties[key];
      return noContent();
    },
  },
];
