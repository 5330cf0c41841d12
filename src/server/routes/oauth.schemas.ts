import { errorBodySchema } from '../errors.ts';

export const oauthSchemas = {
  start: {
    tags: ['platform'],
    summary: 'Start connecting the saved OAuth platform: the URL to send the browser to (admin)',
    description:
      'The saved platform must sign in with OAuth and have its client id (and secret, where it has one) saved. The URL carries a random, single-use state valid for 10 minutes, bound to you and your organisation.',
    response: {
      200: { type: 'object', required: ['authorizeUrl'], properties: { authorizeUrl: { type: 'string', format: 'uri' } } },
      400: errorBodySchema,
      409: errorBodySchema,
    },
  },
  callback: {
    tags: ['platform'],
    summary: 'Where the platform sends the browser back: finishes connecting and redirects to Settings',
    description:
      'Redirects to /settings?oauth=connected, or /settings?oauth=error&reason=<code> (denied, invalid_state, expired_state, not_logged_in, wrong_user, platform_changed, token_exchange_failed, missing_code).',
    querystring: {
      type: 'object',
      properties: {
        code: { type: 'string', maxLength: 4096 },
        state: { type: 'string', maxLength: 512 },
        error: { type: 'string', maxLength: 256 },
        error_description: { type: 'string', maxLength: 2048 },
        iss: { type: 'string', maxLength: 2048 },
      },
    },
    response: { 302: { type: 'null', description: 'To Settings with the result' } },
  },
} as const;
