import type { JRoute } from '../route.ts';
import { attachmentRoutes } from './attachments.ts';
import { commentRoutes } from './comments.ts';
import { issueRoutes } from './issues.ts';
import { jsmAttachmentRoutes } from './jsm-attachments.ts';
import { jsmRoutes } from './jsm.ts';
import { jsmRequestRoutes } from './jsm-requests.ts';
import { metaRoutes } from './meta.ts';
import { propertyRoutes } from './properties.ts';
import { searchRoutes } from './search.ts';
import { transitionRoutes } from './transitions.ts';
import { webhookRoutes } from './webhooks.ts';

// Literal paths before templated ones that could swallow them (`/issue/createmeta/...` before `/issue/:issue/...`).
export const jiraRoutes: JRoute[] = [
  ...metaRoutes,
  ...searchRoutes,
  ...issueRoutes,
  ...transitionRoutes,
  ...commentRoutes,
  ...propertyRoutes,
  ...attachmentRoutes,
  ...jsmRoutes,
  ...jsmRequestRoutes,
  ...jsmAttachmentRoutes,
  ...webhookRoutes,
];
