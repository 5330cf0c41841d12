import { PlatformError } from '../../core/connector.ts';
import type { JiraApi } from './api.ts';
import { ISSUE_MARKER_PROPERTY } from './manifest.ts';
import { FieldList, Myself, ProjectDetail, ProjectPage, ServiceDeskPage } from './payloads.ts';
import type { z } from 'zod';
import type { CustomKind } from './mapping.ts';
import { ListingRepeats } from './listing-repeats.ts';

/** What the connector's parts share: the API, the side's settings, and a few answers read once per connector. */
export interface JiraContext {
  api: JiraApi;
  /** The side's project key, or the only project the account sees; throws naming the setting otherwise. */
  project(): Promise<string>;
  /** The side's project key when set (no look-up). */
  configuredProject: string | undefined;
  issueType: string | undefined;
  /** The account's time zone (JQL literals are read in it [§7]); null when Jira does not say. */
  timeZone(): Promise<string | null>;
  projectDetail(): Promise<z.infer<typeof ProjectDetail>>;
  /** The JSM service desk id of the project, or null when it is not a service project. */
  serviceDeskId(): Promise<string | null>;
  /** How custom fields are written: select lists as `{value}`, multi-line text as ADF [§5.3, §6]. */
  customKinds(): Promise<ReadonlyMap<string, CustomKind>>;
  /** Fields read with every issue. */
  issueQuery: Record<string, string>;
}

const once = <T>(f: () => Promise<T>): (() => Promise<T>) => {
  let p: Promise<T> | null = null;
  return () => {
    // A failed answer is not kept: the next call asks again.
    p ??= f().catch((err) => {
      p = null;
      throw err;
    });
    return p;
  };
};

export function jiraContext(api: JiraApi, settings: Record<string, string> | undefined): JiraContext {
  const configuredProject = settings?.project?.trim() || undefined;
  const issueType = settings?.issueType?.trim() || undefined;
  const project = once(async () => {
    if (configuredProject) return configuredProject;
    const page = await api.json('GET', '/rest/api/3/project/search', ProjectPage, { what: 'list the projects the account can see', query: { maxResults: 2 } });
    if (page.values.length === 1) return page.values[0]!.key;
    throw new PlatformError(
      'validation',
      page.values.length === 0
        ? 'The Jira account cannot see any project: give it the Browse Projects permission in the project to sync.'
        : 'Choose the Jira project for this side (setting "Project"): the account sees several.',
    );
  });
  const projectDetail = once(async () => {
    const key = await project();
    const detail = await api.json('GET', `/rest/api/3/project/${encodeURIComponent(key)}`, ProjectDetail, {
      what: `read project ${key}`,
      allow404: true,
    });
    if (!detail)
      throw new PlatformError(
        'validation',
        `The Jira project "${key}" does not exist or the integration account cannot see it: check the side's Project setting.`,
        {
          status: 404,
        },
      );
    return detail;
  });
  return {
    api,
    project,
    configuredProject,
    issueType,
    projectDetail,
    timeZone: once(async () => (await api.json('GET', '/rest/api/3/myself', Myself, { what: 'read the integration account' })).timeZone ?? null),
    serviceDeskId: once(async () => {
      const key = await project();
      const what = 'list the JSM service desks';
      const repeats = new ListingRepeats(what);
      for (let start = 0, n = 0; n < api.limits.maxListPages; n++) {
        const page = await api.json('GET', '/rest/servicedeskapi/servicedesk', ServiceDeskPage, { what, query: { start, limit: 50 }, allow404: true });
        if (!page) return null;
        repeats.page(
          undefined,
          page.values.map((d) => d.id),
        );
        const desk = page.values.find((d) => d.projectKey.toLowerCase() === key.toLowerCase());
        if (desk) return desk.id;
        if (page.isLastPage !== false || page.values.length === 0) return null;
        start += page.values.length;
      }
      throw api.tooManyPages(what);
    }),
    customKinds: once(async () => {
      const fields = await api.json('GET', '/rest/api/3/field', FieldList, { what: 'list the fields' });
      const kinds = new Map<string, CustomKind>();
      for (const f of fields) {
        if (!f.id.startsWith('customfield_')) continue;
        if (f.schema?.type === 'option') kinds.set(f.id, 'option');
        else if (f.schema?.custom?.endsWith(':textarea')) kinds.set(f.id, 'adf');
      }
      return kinds;
    }),
    issueQuery: { fields: '*navigable,description,comment,attachment', properties: ISSUE_MARKER_PROPERTY },
  };
}
