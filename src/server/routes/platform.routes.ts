import type { FastifyInstance } from 'fastify';
import { TROUBLESHOOTING_HINTS, type ConnectionTestResult } from '../../core/connection-test.ts';
import { listPlatforms } from '../../connectors/registry.ts';
import { normaliseApiUrl, validateApiKey } from '../../connectors/freshservice/api-url.ts';
import { testFreshserviceConnection } from '../../connectors/freshservice/test-connection.ts';
import { getPlatformConfig, recordPlatformTest, savePlatformConfig, splitLastTest } from '../../db/repositories/platform-configs.ts';
import { contractNameOf } from '../../db/repositories/ticket-events.ts';
import { decryptSecret, encryptSecret, keyHint } from '../../security/crypto.ts';
import { audit, SECRET_CHANGED, SECRET_UNCHANGED } from '../audit.ts';
import { requireAdmin, requireUser } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { addressPolicyOf, budgetAccountFor, rateBudgetOf } from '../../sync/side-connector.ts';
import { credentialFingerprint } from '../../connector-kit/budget-account.ts';
import { recordCredentialTest } from '../../db/repositories/tested-credentials.ts';
import { ApiError, errorBodySchema } from '../errors.ts';
import { platformSchemas } from './platform.schemas.ts';
import { testBeforeReplacing } from '../platform-replace.ts';

export async function platformRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/platform', { preHandler: requireUser, schema: platformSchemas.get }, async (req) => {
    const cfg = await getPlatformConfig(ctx.db, req.auth!.organisationId);
    if (!cfg) return { platform: null, apiUrl: null, apiKeyHint: null, lastTest: null, keyRejected: null };
    // A sync that found the key rejected after the last test makes that test stale (engine → onCredentialsRejected).
    const { result, rejection } = splitLastTest(cfg.lastTest);
    const lastTest = result && cfg.lastTestedAt ? { ...result, testedAt: cfg.lastTestedAt.toISOString(), stale: rejection !== null } : null;
    const keyRejected = rejection ? { ...rejection, contractName: (await contractNameOf(ctx.db, rejection.connectionId)) ?? null } : null;
    return { platform: cfg.platform, apiUrl: cfg.apiUrl, apiKeyHint: cfg.apiKeyHint, lastTest, keyRejected };
  });

  app.put('/platform', { preHandler: requireAdmin, schema: platformSchemas.put }, async (req) => {
    const body = req.body as { platform: string; apiUrl: string; apiKey?: string };
    const orgId = req.auth!.organisationId;
    const platforms = listPlatforms();
    const known = platforms.find((p) => p.id === body.platform);
    if (!known) {
      throw new ApiError(
        400,
        'unsupported_platform',
        `Unknown platform "${body.platform}". Choose one of: ${platforms
          .filter((p) => p.available)
          .map((p) => p.id)
          .join(', ')}.`,
        { field: 'platform' },
      );
    }
    if (!known.available) throw new ApiError(400, 'unsupported_platform', `${known.name} is not available yet; choose Freshservice.`, { field: 'platform' });

    const url = normaliseApiUrl(body.apiUrl, { allowPrivate: ctx.config.allowPrivatePlatformUrls });
    if (!url.ok) throw new ApiError(400, 'invalid_api_url', url.message, { field: 'apiUrl', hints: TROUBLESHOOTING_HINTS.invalid_api_url });

    const existing = await getPlatformConfig(ctx.db, orgId);
    let ciphertext: string;
    let hint: string;
    let newKey: string | undefined;
    if (body.apiKey === undefined && existing && existing.platform === body.platform) {
      // The saved key is kept: the UI never has it, so it cannot send it back.
      ciphertext = existing.apiKeyCiphertext;
      hint = existing.apiKeyHint;
    } else {
      const key = validateApiKey(body.apiKey);
      if (!key.ok) throw new ApiError(400, 'invalid_api_key', key.message, { field: 'apiKey' });
      ciphertext = encryptSecret(ctx.masterKey, key.key, orgId);
      hint = keyHint(key.key);
      newKey = key.key;
    }
    // New credentials replace a working configuration only once they pass Test Connection (409 otherwise, nothing saved).
    const outcome = await testBeforeReplacing(ctx, orgId, existing, { platform: body.platform, apiUrl: url.url, apiKey: newKey });
    const test = outcome === 'unchanged' ? null : outcome;
    await savePlatformConfig(ctx.db, orgId, { platform: body.platform, apiUrl: url.url, apiKeyCiphertext: ciphertext, apiKeyHint: hint });
    if (test) await recordPlatformTest(ctx.db, orgId, test, new Date());
    // The same working credentials saved again: their last test still says what is true of them.
    else if (outcome === 'unchanged' && existing?.lastTestedAt) await recordPlatformTest(ctx.db, orgId, existing.lastTest, existing.lastTestedAt);
    // The key itself (and its hint) never reaches the audit log: only whether it changed.
    await audit(ctx.db, req, {
      action: 'platform.saved',
      target: { type: 'platform', id: body.platform, label: known.name },
      before: existing ? { platform: existing.platform, apiUrl: existing.apiUrl, apiKey: SECRET_UNCHANGED } : null,
      after: { platform: body.platform, apiUrl: url.url, apiKey: existing?.apiKeyCiphertext === ciphertext ? SECRET_UNCHANGED : SECRET_CHANGED },
    });
    return { platform: body.platform, apiUrl: url.url, apiKeyHint: hint, ...(test ? { test } : {}) };
  });

  app.post('/platform/test', { preHandler: requireAdmin, schema: platformSchemas.test }, async (req) => {
    const orgId = req.auth!.organisationId;
    const cfg = await getPlatformConfig(ctx.db, orgId);
    if (!cfg) throw new ApiError(400, 'not_configured', 'Save a configuration (platform, API URL and API key) before testing the connection.');
    const apiKey = decryptSecret(ctx.masterKey, cfg.apiKeyCiphertext, orgId);
    // The test spends API budget like any call: the host's shared budget when this key already passed a
    // test, else the key's own budget. Passing makes the key a user of the host's budget.
    const fingerprint = credentialFingerprint(cfg.apiUrl, apiKey);
    const result: ConnectionTestResult = await testFreshserviceConnection(
      { apiUrl: cfg.apiUrl, apiKey },
      {
        timeoutMs: ctx.config.platformTimeoutMs,
        addressPolicy: addressPolicyOf(ctx),
        rateGate: rateBudgetOf(ctx),
        budgetAccount: await budgetAccountFor(ctx.db, { apiUrl: cfg.apiUrl, apiKey }),
      },
    );
    await recordPlatformTest(ctx.db, orgId, result, new Date());
    // A rate-limited test proved nothing either way: the key keeps what it had.
    if (result.ok || result.error.code !== 'rate_limited') await recordCredentialTest(ctx.db, orgId, fingerprint, result.ok);
    req.log.info({ ok: result.ok, code: result.ok ? undefined : result.error.code }, 'platform connection tested');
    await audit(ctx.db, req, {
      action: 'platform.tested',
      target: { type: 'platform', id: cfg.platform, label: cfg.apiUrl },
      after: { ok: result.ok, ...(result.ok ? {} : { error: result.error.code }) },
    });
    return result;
  });

  app.get(
    '/platforms',
    {
      schema: {
        tags: ['platform'],
        summary: 'Platforms the Settings dropdown offers',
        response: {
          200: {
            type: 'object',
            properties: {
              platforms: {
                type: 'array',
                items: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, available: { type: 'boolean' } } },
              },
            },
          },
          400: errorBodySchema,
        },
      },
    },
    async () => ({ platforms: listPlatforms().map(({ id, name, available }) => ({ id, name, available })) }),
  );
}
