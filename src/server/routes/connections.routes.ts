import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { validateMappings } from '../../core/mapping-validation.ts';
import { defaultMappings, defaultSideConfiguration, Mappings, SideConfiguration } from '../../core/sync-config.ts';
import { issueAnswer } from '../../core/zod-issues.ts';
import { generateVerificationCode, hashVerificationCode, normaliseVerificationCode } from '../../core/verification-code.ts';
import { platformDefinition } from '../../connectors/registry.ts';
import {
  acceptConnection,
  createConnection,
  findConnectionForOrganisation,
  getConnectionSide,
  getMappings,
  listConnectionsForOrganisation,
  revokeConnection,
  saveConnectionSide,
  saveMappings,
  sideOf,
  viewFor,
  type ConnectionRecord,
  type Side,
  type SideRecord,
} from '../../db/repositories/connections.ts';
import { audit, auditBothSides, maskedOverride } from '../audit.ts';
import { applyOrPropose, auditConsentOutcome, proposalView, waitingMessage } from '../change-proposals.ts';
import { requireAdmin, requireMember, requireUser } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { checkSideSettingsOnSave } from '../side-settings-check.ts';
import { ApiError } from '../errors.ts';
import type { ErrorCode } from '../error-codes.ts';
import { reserveAttempt, settleAttempt } from '../../db/repositories/throttles.ts';
import { tooManyAttempts, VERIFICATION_CODES_PER_ORGANISATION } from '../throttles.ts';
import { sideFieldsLoader } from '../side-fields.ts';
import { checkWorkspacesOnSave } from '../side-workspaces.ts';
import { checkFieldDefaultsOnSave } from '../field-defaults-check.ts';
import { checkFilterGroupsOnSave } from '../filter-roles-check.ts';
import { withSchedule } from '../connection-schedule.ts';
import { setAutomaticSync } from '../../db/repositories/sync-runs.ts';
import {
  credentialsView,
  getOverrideCredentials,
  getPlatformConfig,
  openCredentials,
  saveOverrideCredentialValues,
  sealCredentials,
  secretHint,
  type CredentialValues,
} from '../../db/repositories/platform-configs.ts';
import { defaultPlatformId } from '../../sync/side-connector.ts';
import { checkCredentialFields, keepsSavedSet, secretNamesOf } from './platform.credentials.ts';
import { connectionSchemas as s } from './connections.schemas.ts';

export const CODE_VALIDITY_MS = 7 * 24 * 60 * 60_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CONTRACT_NAME_MAX = 120;

/** These bodies are validated with their zod contracts (exact paths, defaults); the JSON schema only documents them. */
const documentedOnly = { validatorCompiler: () => (data: unknown) => ({ value: data }) };

const ConfigurationBody = z
  .object({
    configuration: SideConfiguration,
    apiOverride: z
      .object({
        apiUrl: z.string().max(4096),
        apiKey: z.string().max(16384).optional(),
        credentials: z.record(z.string().max(64), z.string().max(16384)).optional(),
      })
      .strict()
      .nullable()
      .optional(),
  })
  .strict();
const MappingsBody = z.object({ mappings: Mappings }).strict();

export async function connectionRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  // Session checks run onRequest, before body validation: without a session the answer is always 401.

  /** The connection when the caller's organisation is part of it; 404 otherwise (never reveals others'). */
  async function visible(req: FastifyRequest): Promise<ConnectionRecord> {
    const { id } = req.params as { id: string };
    const found = UUID.test(id) ? await findConnectionForOrganisation(ctx.db, id, req.auth!.organisationId) : undefined;
    if (!found) throw new ApiError(404, 'not_found', 'There is no such connection for your organisation; it may have been revoked.');
    return found;
  }

  app.post('/connections', { onRequest: requireAdmin, schema: s.create }, async (req, reply) => {
    const body = req.body as { role: Side; contractName: string };
    const contractName = body.contractName.trim();
    if (contractName === '') throw new ApiError(400, 'invalid_contract_name', 'Enter a contract name, e.g. "Acme support 2025".', { field: 'contractName' });
    if (contractName.length > CONTRACT_NAME_MAX) {
      throw new ApiError(400, 'invalid_contract_name', `The contract name is ${contractName.length} characters long; use at most ${CONTRACT_NAME_MAX}.`, {
        field: 'contractName',
      });
    }
    // A connection syncs through the organisation's own platform: without it, the partner would wait on nothing.
    if (!(await getPlatformConfig(ctx.db, req.auth!.organisationId))) {
      throw new ApiError(
        409,
        'platform_not_configured',
        'Save your platform settings first (Settings → Platform connection: API URL and API key, then Save Configuration); then create the connection.',
      );
    }
    const code = generateVerificationCode();
    const expiresAt = new Date(Date.now() + CODE_VALIDITY_MS);
    const c = await createConnection(ctx.db, {
      creatorOrganisationId: req.auth!.organisationId,
      role: body.role,
      contractName,
      codeHash: hashVerificationCode(normaliseVerificationCode(code)!),
      expiresAt,
      mappings: defaultMappings(),
      configuration: defaultSideConfiguration(),
    });
    req.log.info({ connectionId: c.id, role: body.role }, 'connection created');
    await audit(ctx.db, req, {
      action: 'connection.created',
      target: { type: 'connection', id: c.id, label: c.contractName },
      before: null,
      after: { contractName: c.contractName, role: body.role, status: 'pending', expiresAt: c.codeExpiresAt.toISOString() },
    });
    return reply
      .status(201)
      .send({ id: c.id, role: body.role, contractName: c.contractName, status: 'pending', verificationCode: code, expiresAt: c.codeExpiresAt.toISOString() });
  });

  app.post('/connections/accept', { onRequest: requireAdmin, schema: s.accept }, async (req) => {
    const orgId = req.auth!.organisationId;
    // Codes carry 100 bits, so guessing is hopeless anyway; this also keeps an organisation from trying.
    // Counted before the code is checked (in the database, shared by every web process), taken back on success.
    const throttle = { rule: VERIFICATION_CODES_PER_ORGANISATION, subject: orgId };
    const reserved = await reserveAttempt(ctx.db, [throttle]);
    if (reserved.outcome !== 'allowed') {
      throw tooManyAttempts(
        reserved.outcome === 'wait' ? reserved.retryAfterMs : 1000,
        (wait) => `Too many wrong verification codes. Try again in ${wait}, and check the code with your partner.`,
      );
    }
    const refuse = (code: ErrorCode, message: string) => {
      req.log.info({ code }, 'connection accept refused');
      return new ApiError(400, code, message, { field: 'verificationCode' });
    };
    const canonical = normaliseVerificationCode((req.body as { verificationCode: string }).verificationCode);
    const invalid =
      'This verification code is not valid: it may be mistyped, already used or revoked. Check it for typos. Ask your partner for a new code if it still fails.';
    if (!canonical) throw refuse('invalid_verification_code', `${invalid} A code has 20 letters and digits, e.g. ABCD-EFGH-JKMN-PQRS-TVWX.`);

    const result = await acceptConnection(ctx.db, {
      codeHash: hashVerificationCode(canonical),
      organisationId: orgId,
      now: new Date(),
      configuration: defaultSideConfiguration(),
    });
    switch (result.outcome) {
      case 'unknown':
        throw refuse('invalid_verification_code', invalid);
      case 'expired':
        throw refuse('verification_code_expired', 'This verification code has expired (codes are valid for 7 days). Ask your partner for a new code.');
      case 'own':
        throw refuse(
          'own_verification_code',
          'This code was created by your own organisation. Give it to your partner: they enter it in their Support Fusion.',
        );
    }
    await settleAttempt(ctx.db, { refund: [throttle] });
    const v = viewFor(result.connection, orgId);
    req.log.info({ connectionId: v.id, role: v.role }, 'connection accepted');
    await audit(ctx.db, req, {
      action: 'connection.accepted',
      target: { type: 'connection', id: v.id, label: v.contractName },
      before: { status: 'pending' },
      after: { status: 'active', role: v.role, partner: v.partner?.name ?? null },
    });
    return { id: v.id, status: 'active', role: v.role, contractName: v.contractName, partner: v.partner, syncState: v.syncState };
  });

  app.get('/connections', { onRequest: requireUser, schema: s.list }, async (req) => {
    const orgId = req.auth!.organisationId;
    const list = await listConnectionsForOrganisation(ctx.db, orgId);
    return {
      connections: await withSchedule(
        ctx.db,
        list.map((c) => item(c, orgId)),
        ctx.config.syncIntervalMinutes,
      ),
    };
  });

  app.get('/connections/:id', { onRequest: requireUser, schema: s.get }, async (req) => {
    const [one] = await withSchedule(ctx.db, [item(await visible(req), req.auth!.organisationId)], ctx.config.syncIntervalMinutes);
    return one;
  });

  app.put('/connections/:id/automatic-sync', { onRequest: requireMember, schema: s.automaticSync }, async (req) => {
    const c = await visible(req);
    const { enabled } = req.body as { enabled: boolean };
    if (c.status !== 'active')
      throw new ApiError(409, 'connection_not_active', 'The connection is not active yet: your partner has to accept it with the verification code first.');
    if (enabled && c.syncState !== 'ready_for_automatic_sync') {
      throw new ApiError(409, 'initial_sync_required', 'Run a manual sync with a start date first: automatic sync continues from that baseline.');
    }
    await setAutomaticSync(ctx.db, c.id, enabled);
    req.log.info({ connectionId: c.id, enabled }, 'automatic sync switched');
    if (c.automaticSync !== enabled) {
      await audit(ctx.db, req, {
        action: 'connection.automatic_sync_changed',
        target: { type: 'connection', id: c.id, label: c.contractName },
        before: { enabled: c.automaticSync },
        after: { enabled },
      });
    }
    const [one] = await withSchedule(ctx.db, [{ ...item(c, req.auth!.organisationId), automaticSync: enabled }], ctx.config.syncIntervalMinutes);
    return one;
  });

  app.delete('/connections/:id', { onRequest: requireAdmin, schema: s.revoke }, async (req) => {
    const c = await visible(req);
    if (!(await revokeConnection(ctx.db, c.id, req.auth!.organisationId, new Date()))) {
      throw new ApiError(404, 'not_found', 'There is no such connection for your organisation; it may have been revoked.');
    }
    req.log.info({ connectionId: c.id }, 'connection revoked');
    await audit(ctx.db, req, {
      action: 'connection.revoked',
      target: { type: 'connection', id: c.id, label: c.contractName },
      before: { status: c.status },
      after: { status: 'revoked' },
    });
    return { id: c.id, status: 'revoked' };
  });

  app.get('/connections/:id/configuration', { onRequest: requireUser, schema: s.getConfiguration }, async (req) => {
    const c = await visible(req);
    const side = sideOf(c, req.auth!.organisationId);
    const own = await ownSide(c, side);
    return configurationView(c, own, (await getOverrideCredentials(ctx.db, c.id, side))?.credentials.values ?? null);
  });

  app.put('/connections/:id/configuration', { onRequest: requireAdmin, schema: s.putConfiguration, ...documentedOnly }, async (req, reply) => {
    const c = await visible(req);
    const orgId = req.auth!.organisationId;
    const side = sideOf(c, orgId);
    const body = parseOrThrow(ConfigurationBody, req.body);
    if (side === 'source' && body.configuration.reverseSync.enabled) {
      throw new ApiError(
        400,
        'validation_failed',
        'Reverse sync is set on the target side: tickets created there flow back to you. Switch it off here and ask your partner to enable it.',
        {
          field: 'configuration.reverseSync.enabled',
        },
      );
    }
    const current = await ownSide(c, side);
    const override = await overrideFromBody(current, body.apiOverride, orgId);
    const apiOverride = override.apiOverride;
    await checkWorkspacesOnSave(ctx, {
      current,
      choice: body.configuration.workspaces,
      apiOverride,
      overrideFields: override.fields,
      orgName: c[side]?.name ?? 'Your organisation',
    });
    const overrideChanges = JSON.stringify(current.apiOverride) !== JSON.stringify(apiOverride);
    await checkSideSettingsOnSave(ctx, { current, settings: body.configuration.sideSettings, overrideChanges });
    await checkFieldDefaultsOnSave({
      before: current.configuration.defaults.fields,
      after: body.configuration.defaults.fields,
      load: () => loadFields(c, side),
    });
    await checkFilterGroupsOnSave({
      filters: [
        { path: 'configuration.filters', label: 'Sync filters', filter: body.configuration.filters },
        { path: 'configuration.reverseSync.filters', label: 'Reverse sync filters', filter: body.configuration.reverseSync.filters },
      ],
      load: () => loadFields(c, side),
    });
    // Reverse sync writes into the source's platform: switching it on or widening it waits for the source's
    // admin (a proposal); the rest of the target's own configuration is saved at once, as before.
    const { configuration, consent } = await ctx.db.transaction().execute(async (trx) => {
      if (side !== 'target') {
        await saveConnectionSide(trx, c.id, side, { configuration: body.configuration, apiOverride });
        await saveOverrideCredentialValues(trx, c.id, side, override.values);
        return { configuration: body.configuration, consent: null };
      }
      let saved = body.configuration;
      const consent = await applyOrPropose(trx, req, c, {
        kind: 'reverse_sync',
        proposed: body.configuration.reverseSync,
        state: async (reverseSync) => ({ mappings: (await getMappings(trx, c.id)) ?? defaultMappings(), reverseSync }),
        apply: async () => {},
      });
      if (!consent.applied) saved = { ...body.configuration, reverseSync: consent.base };
      await saveConnectionSide(trx, c.id, side, { configuration: saved, apiOverride });
      await saveOverrideCredentialValues(trx, c.id, side, override.values);
      return { configuration: saved, consent };
    });
    req.log.info(
      { connectionId: c.id, side, apiOverride: apiOverride !== null, proposed: consent ? !consent.applied : false },
      'connection configuration saved',
    );
    await audit(ctx.db, req, {
      action: 'connection.configuration_saved',
      target: { type: 'connection', id: c.id, label: c.contractName },
      before: { side, configuration: current.configuration, apiOverride: maskedOverride(current.apiOverride) },
      after: { side, configuration, apiOverride: maskedOverride(apiOverride, current.apiOverride) },
    });
    if (consent) await auditConsentOutcome(ctx.db, req, c, consent);
    const view = configurationView(c, { ...current, configuration, apiOverride }, override.values);
    if (!consent || consent.applied) return view;
    return reply
      .status(202)
      .send({ ...view, proposal: proposalView(consent.proposal, c, req.auth!), message: waitingMessage(c, consent.proposal, consent.replaced) });
  });

  app.get('/connections/:id/mappings', { onRequest: requireUser, schema: s.getMappings }, async (req) => {
    const c = await visible(req);
    return { mappings: (await getMappings(ctx.db, c.id)) ?? defaultMappings() };
  });

  app.put('/connections/:id/mappings', { onRequest: requireMember, schema: s.putMappings, ...documentedOnly }, async (req, reply) => {
    const c = await visible(req);
    if (c.status !== 'active') {
      throw new ApiError(409, 'connection_not_active', 'Mappings can be edited once your partner has accepted the connection; it is still pending.');
    }
    const { mappings } = parseOrThrow(MappingsBody, req.body);
    const [source, target] = await Promise.all([loadFields(c, 'source'), loadFields(c, 'target')]);
    const own = sideOf(c, req.auth!.organisationId);
    for (const [side, r] of [
      ['source', source],
      ['target', target],
    ] as const) {
      if (r.error) {
        const whose = side === own ? 'your' : "your partner's";
        throw new ApiError(
          409,
          'fields_unavailable',
          `The mappings cannot be checked because the ${side} side's fields (${whose} platform) could not be loaded: ${r.error.message} Nothing was saved.`,
        );
      }
    }
    const problems = validateMappings(mappings, { source: source.fields, target: target.fields });
    const first = problems[0];
    if (first) {
      throw new ApiError(400, 'invalid_mapping', first.message, {
        field: `mappings.${first.path}`,
        ...(problems.length > 1 ? { hints: problems.map((p) => `mappings.${p.path}: ${p.message}`) } : {}),
      });
    }
    // A change that writes something new into the partner's platform waits for the partner's admin.
    const consent = await ctx.db.transaction().execute(async (trx) => {
      const target = await getConnectionSide(trx, c.id, 'target');
      const reverseSync = (target?.configuration ?? defaultSideConfiguration()).reverseSync;
      return applyOrPropose(trx, req, c, {
        kind: 'mappings',
        proposed: mappings,
        state: async (m) => ({ mappings: Mappings.parse(m ?? defaultMappings()), reverseSync }),
        apply: () => saveMappings(trx, c.id, mappings),
      });
    });
    const before = consent.base ?? defaultMappings();
    if (!consent.applied) {
      req.log.info({ connectionId: c.id, proposalId: consent.proposal.id }, 'connection mappings proposed');
      await auditConsentOutcome(ctx.db, req, c, consent);
      return reply
        .status(202)
        .send({ mappings: before, proposal: proposalView(consent.proposal, c, req.auth!), message: waitingMessage(c, consent.proposal, consent.replaced) });
    }
    req.log.info({ connectionId: c.id }, 'connection mappings saved');
    // The mappings are shared: both organisations' logs show a change to them.
    await auditBothSides(ctx.db, req, c, {
      action: 'connection.mappings_saved',
      target: { type: 'connection', id: c.id, label: c.contractName },
      before: { mappings: before },
      after: { mappings },
    });
    await auditConsentOutcome(ctx.db, req, c, consent);
    return { mappings };
  });

  // GET /connections/:id/fields is in fields.routes.ts (through the field cache).

  async function ownSide(c: ConnectionRecord, side: Side): Promise<SideRecord> {
    const row = await getConnectionSide(ctx.db, c.id, side);
    if (!row) throw new Error(`connection ${c.id} has no ${side} side row`);
    return row;
  }

  /** One side's form fields (cached, through the API budget: see side-fields.ts); an error says why they are not available instead of failing the request. */

  /**
   * The API override a configuration save asks for, checked through the organisation's platform definition:
   * left out keeps the saved one, null removes it; a secret left out keeps its saved value (the UI never has it).
   * 400 naming the field (apiOverride.apiUrl, apiOverride.apiKey, apiOverride.credentials.<name>) otherwise.
   */
  async function overrideFromBody(
    current: SideRecord,
    asked: z.output<typeof ConfigurationBody>['apiOverride'],
    orgId: string,
  ): Promise<{ apiOverride: SideRecord['apiOverride']; values: CredentialValues | null; fields: Record<string, string> | undefined }> {
    const stored = current.apiOverride ? await getOverrideCredentials(ctx.db, current.connectionId, current.side) : null;
    if (asked === null) return { apiOverride: null, values: null, fields: undefined };
    if (asked === undefined) return { apiOverride: current.apiOverride, values: stored?.credentials.values ?? null, fields: undefined };
    const platformId = (await getPlatformConfig(ctx.db, orgId))?.platform ?? defaultPlatformId();
    const definition = platformDefinition(platformId);
    if (!definition)
      throw new ApiError(400, 'unsupported_platform', `This build has no connector for "${platformId}"; choose another platform in Settings.`, {
        field: 'apiOverride',
      });
    const url = definition.normaliseApiUrl(asked.apiUrl, { allowPrivate: ctx.config.allowPrivatePlatformUrls });
    if (!url.ok)
      throw new ApiError(400, 'invalid_api_url', url.message, { field: 'apiOverride.apiUrl', hints: definition.manifest.troubleshooting.invalid_api_url });
    const saved = stored ? openCredentials(ctx.masterKey, stored.credentials, orgId) : null;
    const fields = checkCredentialFields(definition, asked, (name) => saved?.[name], 'apiOverride.');
    // Unchanged credentials keep their sealed value (the audit log then says the key is unchanged).
    const sealed =
      stored && keepsSavedSet(definition.manifest, asked, saved, fields)
        ? stored.credentials
        : sealCredentials(ctx.masterKey, orgId, fields, secretNamesOf(definition.manifest));
    const hint = secretHint(sealed, stored?.legacyHint ?? null, 'apiKey') ?? Object.values(sealed.values?.hints ?? {})[0] ?? '';
    return { apiOverride: { apiUrl: url.url, apiKeyCiphertext: sealed.ciphertext, apiKeyHint: hint }, values: sealed.values, fields };
  }
  const loadFields = sideFieldsLoader(ctx);
}

function item(c: ConnectionRecord, organisationId: string) {
  const v = viewFor(c, organisationId);
  return { ...v, createdAt: v.createdAt.toISOString(), expiresAt: v.status === 'pending' ? v.expiresAt.toISOString() : null };
}

/** An override as answered: its URL and API key hint, and the set's view when it holds more than an API key. */
function overrideView(o: NonNullable<SideRecord['apiOverride']>, values: CredentialValues | null) {
  const credentials = credentialsView({ ciphertext: o.apiKeyCiphertext, values }, o.apiKeyHint);
  const onlyKey = Object.keys(credentials).every((k) => k === 'apiKeyHint');
  return { apiUrl: o.apiUrl, apiKeyHint: o.apiKeyHint, ...(onlyKey ? {} : { credentials }) };
}

function configurationView(c: ConnectionRecord, side: SideRecord, overrideValues: CredentialValues | null) {
  const o = side.apiOverride;
  return {
    connectionId: c.id,
    side: side.side,
    configuration: side.configuration,
    apiOverride: o ? overrideView(o, overrideValues) : null,
    partner: c[side.side === 'source' ? 'target' : 'source'],
  };
}

/** zod → 400 validation_failed naming the first problem's dotted path. */
function parseOrThrow<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const r = schema.safeParse(body, { reportInput: true });
  if (r.success) return r.data;
  const { message, field } = issueAnswer(r.error.issues[0]!);
  throw new ApiError(400, 'validation_failed', message, field === undefined ? undefined : { field });
}
