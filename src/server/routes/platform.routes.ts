import type { FastifyInstance } from 'fastify';
import { storedTokenFields } from '../../connector-kit/oauth.ts';
import type { ConnectionTestResult } from '../../core/connection-test.ts';
import { listPlatforms, platformDefinition } from '../../connectors/registry.ts';
import {
  credentialStoreFor,
  credentialsView,
  getPlatformConfig,
  openCredentials,
  recordPlatformTest,
  savePlatformConfig,
  sealCredentials,
  secretHint,
  splitLastTest,
  type SealedCredentials,
} from '../../db/repositories/platform-configs.ts';
import { contractNameOf } from '../../db/repositories/ticket-events.ts';
import { audit, SECRET_CHANGED, SECRET_UNCHANGED } from '../audit.ts';
import { requireAdmin, requireUser } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { addressPolicyOf, budgetAccountFor, budgetSecret, credentialFingerprintOf, rateBudgetOf, secretFieldsOf } from '../../sync/side-connector.ts';
import { recordCredentialTest } from '../../db/repositories/tested-credentials.ts';
import { ApiError, errorBodySchema } from '../errors.ts';
import { platformListingView, platformListSchema, platformSchemas } from './platform.schemas.ts';
import { checkCredentialFields, keepsSavedSet, secretNamesOf } from './platform.credentials.ts';
import { testBeforeReplacing } from '../platform-replace.ts';

/** How the answers show a saved configuration's credentials: the set's view, plus apiKeyHint where the platform has an apiKey. */
function credentialAnswer(cfg: { credentials: SealedCredentials; apiKeyHint: string }): { credentials: Record<string, string>; apiKeyHint: string | null } {
  const credentials = credentialsView(cfg.credentials, cfg.apiKeyHint);
  return { credentials, apiKeyHint: secretHint(cfg.credentials, cfg.apiKeyHint, 'apiKey') };
}

export async function platformRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  async function lastTestView(orgId: string) {
    const cfg = await getPlatformConfig(ctx.db, orgId);
    if (!cfg) return { cfg, lastTest: null, keyRejected: null };
    // A sync that found the key rejected after the last test makes that test stale (engine → onCredentialsRejected).
    const { result, rejection } = splitLastTest(cfg.lastTest);
    const lastTest = result && cfg.lastTestedAt ? { ...result, testedAt: cfg.lastTestedAt.toISOString(), stale: rejection !== null } : null;
    const keyRejected = rejection ? { ...rejection, contractName: (await contractNameOf(ctx.db, rejection.connectionId)) ?? null } : null;
    return { cfg, lastTest, keyRejected };
  }

  app.get('/platform', { preHandler: requireUser, schema: platformSchemas.get }, async (req) => {
    const { cfg, lastTest, keyRejected } = await lastTestView(req.auth!.organisationId);
    if (!cfg) return { platform: null, apiUrl: null, apiKeyHint: null, credentials: null, lastTest: null, keyRejected: null };
    return { platform: cfg.platform, apiUrl: cfg.apiUrl, ...credentialAnswer(cfg), lastTest, keyRejected };
  });

  app.put('/platform', { preHandler: requireAdmin, schema: platformSchemas.put }, async (req) => {
    const body = req.body as { platform: string; apiUrl: string; apiKey?: string; credentials?: Record<string, string> };
    const orgId = req.auth!.organisationId;
    const platforms = listPlatforms();
    const offered = platforms.filter((p) => p.available);
    const known = platforms.find((p) => p.id === body.platform);
    if (!known) {
      throw new ApiError(400, 'unsupported_platform', `Unknown platform "${body.platform}". Choose one of: ${offered.map((p) => p.id).join(', ')}.`, {
        field: 'platform',
      });
    }
    const definition = platformDefinition(known.id);
    if (!definition) {
      throw new ApiError(400, 'unsupported_platform', `${known.name} is not available yet; choose ${offered.map((p) => p.name).join(' or ')}.`, {
        field: 'platform',
      });
    }
    const manifest = definition.manifest;

    const url = definition.normaliseApiUrl(body.apiUrl, { allowPrivate: ctx.config.allowPrivatePlatformUrls });
    if (!url.ok) throw new ApiError(400, 'invalid_api_url', url.message, { field: 'apiUrl', hints: manifest.troubleshooting.invalid_api_url });

    const existing = await getPlatformConfig(ctx.db, orgId);
    const samePlatform = existing !== undefined && existing.platform === body.platform;
    // A saved secret is kept when left out: the UI never has it, so it cannot send it back.
    const saved = samePlatform ? openCredentials(ctx.masterKey, existing.credentials, orgId) : null;
    // OAuth tokens are not typed in Settings: saving the same platform again keeps the connection (sealed like secrets).
    const tokens = saved ? storedTokenFields(saved) : {};
    const fields = { ...tokens, ...checkCredentialFields(definition, body, (name) => saved?.[name], '', ctx.config.platformSettings ?? {}) };
    // The same credentials saved again keep their sealed value (and the audit log says "unchanged").
    const unchanged = keepsSavedSet(manifest, body, saved, fields);
    const credentials = unchanged ? existing!.credentials : sealCredentials(ctx.masterKey, orgId, fields, [...secretNamesOf(manifest), ...Object.keys(tokens)]);

    // New credentials replace a working configuration only once they pass Test Connection (409 otherwise, nothing saved).
    const outcome = await testBeforeReplacing(ctx, orgId, existing, { platform: body.platform, apiUrl: url.url, fields });
    const test = outcome === 'unchanged' ? null : outcome;
    // A set from before credential sets, saved again unchanged, stays as it is (with its key's hint).
    const legacyHint = unchanged ? existing!.apiKeyHint : '';
    await savePlatformConfig(ctx.db, orgId, { platform: body.platform, apiUrl: url.url, credentials, legacyHint });
    if (test) await recordPlatformTest(ctx.db, orgId, test, new Date());
    // The same working credentials saved again: their last test still says what is true of them.
    else if (outcome === 'unchanged' && existing?.lastTestedAt) await recordPlatformTest(ctx.db, orgId, existing.lastTest, existing.lastTestedAt);
    // Secrets (and their hints) never reach the audit log: only whether they changed.
    const auditView = (creds: Record<string, string>, changed: boolean) =>
      Object.fromEntries(
        manifest.credentials.filter((f) => f.name in creds).map((f) => [f.name, f.secret ? (changed ? SECRET_CHANGED : SECRET_UNCHANGED) : creds[f.name]]),
      );
    await audit(ctx.db, req, {
      action: 'platform.saved',
      target: { type: 'platform', id: body.platform, label: known.name },
      before: existing ? { platform: existing.platform, apiUrl: existing.apiUrl, ...(saved ? auditView(saved, false) : { apiKey: SECRET_UNCHANGED }) } : null,
      after: { platform: body.platform, apiUrl: url.url, ...auditView(fields, !unchanged) },
    });
    const view = await lastTestView(orgId);
    const answer = credentialAnswer({ credentials, apiKeyHint: legacyHint });
    return {
      platform: body.platform,
      apiUrl: url.url,
      ...(answer.apiKeyHint !== null ? { apiKeyHint: answer.apiKeyHint } : {}),
      credentials: answer.credentials,
      lastTest: view.lastTest,
      ...(test ? { test } : {}),
    };
  });

  app.post('/platform/test', { preHandler: requireAdmin, schema: platformSchemas.test }, async (req) => {
    const orgId = req.auth!.organisationId;
    const cfg = await getPlatformConfig(ctx.db, orgId);
    if (!cfg) throw new ApiError(400, 'not_configured', 'Save a configuration (platform, API URL and credentials) before testing the connection.');
    const definition = platformDefinition(cfg.platform);
    if (!definition)
      throw new ApiError(400, 'unsupported_platform', `This build has no connector for "${cfg.platform}"; choose another platform in Settings.`, {
        field: 'platform',
      });
    const fields = openCredentials(ctx.masterKey, cfg.credentials, orgId);
    const secret = budgetSecret(secretFieldsOf(cfg.platform, fields));
    // The test spends API budget like any call: the host's shared budget when this key already passed a
    // test, else the key's own budget. Passing makes the key a user of the host's budget.
    const fingerprint = credentialFingerprintOf(cfg.apiUrl, secret);
    const result: ConnectionTestResult = await definition.testConnection(
      { apiUrl: cfg.apiUrl, fields },
      {
        timeoutMs: ctx.config.platformTimeoutMs,
        addressPolicy: addressPolicyOf(ctx),
        rateGate: rateBudgetOf(ctx),
        budgetAccount: await budgetAccountFor(ctx.db, { apiUrl: cfg.apiUrl, apiKey: secret }),
        credentialStore: credentialStoreFor(ctx.db, ctx.masterKey, { kind: 'platform', organisationId: orgId }, secretNamesOf(definition.manifest)),
        platformSettings: ctx.config.platformSettings ?? {},
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
        description:
          'Every platform id this build answers to; available ones carry what Settings, Test Connection, the configuration and the ' +
          'webhook card need from the platform manifest (credential fields, API URL label, setup guide, comment channels, roles, ' +
          'troubleshooting hints, per-side settings, webhook verification).',
        response: { 200: platformListSchema, 400: errorBodySchema },
      },
    },
    async () => ({ platforms: listPlatforms().map((p) => platformListingView(p, ctx.config.platformSettings ?? {})) }),
  );
}
