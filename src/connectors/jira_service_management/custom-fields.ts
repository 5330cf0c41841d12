import type { FieldDefinition } from '../../core/connector.ts';
import type { JiraContext } from './context.ts';
import { CreateMetaPage } from './payloads.ts';
import { ListingRepeats } from './listing-repeats.ts';

type Meta = import('zod').infer<typeof CreateMetaPage>['fields'][number];

function kindOf(schema: Meta['schema']): FieldDefinition['kind'] {
  switch (schema?.type) {
    case 'option':
      return 'picklist';
    case 'number':
      return 'number';
    case 'date':
    case 'datetime':
      return 'date';
    case 'string':
      return 'text';
    case 'user':
      return 'reference';
    default:
      return 'other';
  }
}

/** One field of the create screen as a FieldDefinition: select lists with their options, required where Jira requires it. */
export function toCustomDefinition(f: Meta): FieldDefinition {
  const kind = kindOf(f.schema);
  return {
    name: f.fieldId,
    label: f.name,
    kind,
    choices:
      kind === 'picklist'
        ? (f.allowedValues ?? []).flatMap((v) => {
            const label = v.value ?? v.name;
            return label ? [{ value: label, label }] : [];
          })
        : [],
    requiredForClosure: false,
    requiredForAgents: f.required === true && f.hasDefaultValue !== true,
  };
}

/** The custom fields of the create screen of the chosen issue type (createmeta, the current API [§12]). */
export async function customFieldDefinitions(ctx: JiraContext, issueTypeId: string): Promise<FieldDefinition[]> {
  const key = await ctx.project();
  const path = `/rest/api/3/issue/createmeta/${encodeURIComponent(key)}/issuetypes/${encodeURIComponent(issueTypeId)}`;
  const what = `read the create screen of project ${key}`;
  const out: FieldDefinition[] = [];
  const repeats = new ListingRepeats(what);
  for (let startAt = 0, n = 0; n < ctx.api.limits.maxListPages; n++) {
    const page = await ctx.api.json('GET', path, CreateMetaPage, { what, query: { startAt, maxResults: 200 }, allow404: true });
    if (!page) return out;
    const fresh = new Set(
      repeats.page(
        undefined,
        page.fields.map((f) => f.fieldId),
      ),
    );
    out.push(...page.fields.filter((f) => fresh.delete(f.fieldId) && f.fieldId.startsWith('customfield_')).map(toCustomDefinition));
    startAt += page.fields.length;
    if (page.fields.length === 0 || page.total === undefined || startAt >= page.total) return out;
  }
  throw ctx.api.tooManyPages(what);
}
