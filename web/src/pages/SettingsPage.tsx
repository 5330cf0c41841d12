import { useEffect, useMemo, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useForm } from 'react-hook-form';
import type { Resolver } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { api, ApiError } from '../api.ts';
import type { PlatformConfig, SavedPlatform, TestResult } from '../api.ts';
import { Link } from '../components/Link.tsx';
import { formatDateTime } from '../format.ts';
import { syncRunPath } from '../routes.ts';
import { Field } from '../components/Field.tsx';
import { PlatformSelect } from '../components/PlatformSelect.tsx';
import { TestResultPanel } from '../components/TestResultPanel.tsx';
import { EditableBy } from '../components/EditableBy.tsx';
import { ReplacementRefused } from '../components/ReplacementRefused.tsx';
import { apiKey } from '../query-client.ts';
import {
  apiUrlFieldOf,
  credentialFieldsOf,
  credentialsFormSchema,
  formFieldOf,
  platformName,
  saveBody,
  savedValue,
  savedSecretHelp,
  secretHint,
  usePlatforms,
} from '../platforms.ts';
import type { CredentialsForm, PlatformInfo } from '../platforms.ts';
import { oauthOutcomeOf, withoutOauthOutcome } from '../oauth-outcome.ts';
import type { OauthOutcome } from '../oauth-outcome.ts';

function asError(err: unknown): ApiError {
  return err instanceof ApiError ? err : new ApiError(0, 'unknown', 'Something went wrong. Please try again.');
}

export function SettingsPage({ onUnauthorized }: { onUnauthorized: () => void }) {
  const platforms = usePlatforms();
  const config = useQuery({ queryKey: apiKey('/platform'), queryFn: () => api.get<PlatformConfig>('/platform') });
  const unauthorized = [config.error, platforms.error].some((e) => e instanceof ApiError && e.status === 401);
  useEffect(() => {
    if (unauthorized) onUnauthorized();
  }, [unauthorized, onUnauthorized]);
  // The answer of an OAuth round trip (?oauth=connected|error&reason=), read once: the address is cleaned.
  const [oauth] = useState<OauthOutcome | null>(() => oauthOutcomeOf(window.location.search));
  useEffect(() => {
    if (oauth) window.history.replaceState(window.history.state, '', withoutOauthOutcome(window.location.href));
  }, [oauth]);

  const loadError = config.error ?? platforms.error;
  return (
    <div className="page">
      <header className="page__header">
        <h1>Settings</h1>
        <p className="muted">Connect your helpdesk with a dedicated integration agent.</p>
      </header>
      <section className="card" aria-labelledby="platform-title">
        <div className="card__header">
          <h2 id="platform-title">Platform connection</h2>
          <p className="muted">Support Fusion uses this account to read and update tickets in your helpdesk.</p>
        </div>
        {loadError && !unauthorized ? (
          <p className="notice notice--error" role="alert">
            {asError(loadError).message}
          </p>
        ) : config.data && platforms.data ? (
          <PlatformForm config={config.data} platforms={platforms.data} oauth={oauth} onUnauthorized={onUnauthorized} />
        ) : (
          <p className="muted" role="status">
            Loading configuration…
          </p>
        )}
      </section>
      <section className="card" aria-labelledby="notifications-title">
        <div className="card__header">
          <h2 id="notifications-title">Notifications</h2>
          <p className="muted">Hear by e-mail, Slack, Microsoft Teams or a webhook when a connection starts failing and when it recovers.</p>
        </div>
        <p>
          <Link href="/notifications">Manage failure notifications</Link>
        </p>
      </section>
    </div>
  );
}

function formValues(platformId: string, cfg: Pick<PlatformConfig, 'apiUrl' | 'credentials'>, p: PlatformInfo | undefined): CredentialsForm {
  const credentials = Object.fromEntries(credentialFieldsOf(p).map((f) => [f.name, f.secret ? '' : savedValue(cfg, f.name)]));
  return { platform: platformId, apiUrl: cfg.apiUrl ?? '', credentials };
}

function PlatformForm({
  config,
  platforms,
  oauth,
  onUnauthorized,
}: {
  config: PlatformConfig;
  platforms: PlatformInfo[];
  oauth: OauthOutcome | null;
  onUnauthorized: () => void;
}) {
  const queryClient = useQueryClient();
  const initialPlatform = config.platform ?? platforms.find((p) => p.available)?.id ?? '';
  const find = (id: string) => platforms.find((p) => p.id === id);
  // What is saved: the platform, its URL and its secrets' hints (the secrets themselves never come back).
  const [saved, setSaved] = useState(() => ({
    platform: config.platform,
    apiUrl: config.platform ? config.apiUrl : null,
    hints: Object.fromEntries(credentialFieldsOf(find(initialPlatform)).map((f) => [f.name, f.secret ? secretHint(config, f.name) : null])),
    // Non-secret fields (an e-mail, a client id) come back as saved: typing them again is a change only if it differs.
    values: Object.fromEntries(credentialFieldsOf(find(initialPlatform)).map((f) => [f.name, f.secret ? '' : savedValue(config, f.name)])),
  }));
  const [formError, setFormError] = useState<string | null>(null);
  // A replacement of a working configuration that failed its test: why, and what to check (nothing was saved).
  const [kept, setKept] = useState<ApiError | null>(null);
  const [savedMsg, setSavedMsg] = useState(false);
  const [result, setResult] = useState<TestResult | null>(config.lastTest ?? null);
  const [fromLastVisit, setFromLastVisit] = useState(!!config.lastTest);
  const [rejected, setRejected] = useState<PlatformConfig['keyRejected']>(config.keyRejected ?? null);

  const form = useForm<CredentialsForm>({
    defaultValues: formValues(initialPlatform, config, find(initialPlatform)),
    // The rules follow the chosen platform's manifest, and a saved secret may be left blank.
    resolver: ((values, ctx, opts) => {
      const p = find(values.platform);
      const hints = values.platform === saved.platform ? saved.hints : {};
      // The schema is built per platform, so its inferred type is looser than the form's (the same shape).
      return zodResolver(credentialsFormSchema(p, hints))(values, ctx, opts as never);
    }) as Resolver<CredentialsForm>,
  });
  const { register, handleSubmit, watch, formState, setError, reset } = form;
  const platformId = watch('platform');
  const platform = find(platformId);
  const hints = platformId === saved.platform ? saved.hints : {};
  const url = apiUrlFieldOf(platform);
  const fields = useMemo(() => credentialFieldsOf(platform), [platform]);
  const name = platformName(platform, platformId);

  const configured = saved.apiUrl !== null;
  const typedUrl = watch('apiUrl');
  const typed = watch('credentials');
  const dirty =
    configured &&
    (typedUrl.trim() !== saved.apiUrl ||
      platformId !== saved.platform ||
      fields.some((f) => (typed?.[f.name] ?? '') !== (f.secret ? '' : (saved.values[f.name] ?? ''))));

  function failed(err: unknown): ApiError | null {
    const e = asError(err);
    if (e.status === 401) {
      onUnauthorized();
      return null;
    }
    return e;
  }

  const save = useMutation({
    mutationFn: (values: CredentialsForm) => api.put<SavedPlatform>('/platform', saveBody(find(values.platform), values)),
    onMutate: () => {
      setFormError(null);
      setKept(null);
      setSavedMsg(false);
    },
    onSuccess: (answer, values) => {
      const p = find(answer.platform);
      const newHints = Object.fromEntries(credentialFieldsOf(p).map((f) => [f.name, f.secret ? secretHint(answer, f.name) : null]));
      const newValues = Object.fromEntries(credentialFieldsOf(p).map((f) => [f.name, f.secret ? '' : savedValue(answer, f.name)]));
      setSaved({ platform: answer.platform, apiUrl: answer.apiUrl, hints: newHints, values: newValues });
      // New credentials are not the ones a sync found rejected.
      if (credentialFieldsOf(p).some((f) => f.secret && (values.credentials[f.name] ?? '').trim())) setRejected(null);
      reset(formValues(answer.platform, { apiUrl: answer.apiUrl, credentials: { ...values.credentials, ...answer.credentials } }, p));
      setSavedMsg(true);
      if (answer.test) {
        setResult(answer.test);
        setFromLastVisit(false);
      }
      void queryClient.invalidateQueries({ queryKey: apiKey('/platform') });
    },
    onError: (err, values) => {
      const e = failed(err);
      if (!e) return;
      const at = formFieldOf(e.field, find(values.platform));
      if (e.code === 'replacement_failed_test') setKept(e);
      else if (at) setError(at, { type: 'server', message: e.message }, { shouldFocus: true });
      else setFormError(e.message);
    },
  });

  const test = useMutation({
    mutationFn: () => api.post<TestResult>('/platform/test'),
    onMutate: () => {
      setSavedMsg(false);
      setResult(null);
    },
    onSuccess: (r) => setResult({ ...r, testedAt: r.testedAt ?? new Date().toISOString() }),
    onError: (err) => {
      const e = failed(err);
      if (e) setResult({ ok: false, error: { code: e.code, message: e.message, hints: e.hints }, checks: [], testedAt: new Date().toISOString() });
    },
    onSettled: () => {
      setFromLastVisit(false);
      setRejected(null);
      void queryClient.invalidateQueries({ queryKey: apiKey('/platform') });
    },
  });

  // OAuth platforms: the saved client is sent to the platform's consent page, which returns to Settings.
  const connect = useMutation({
    mutationFn: () => api.post<{ authorizeUrl: string }>('/platform/oauth/start'),
    onSuccess: ({ authorizeUrl }) => window.location.assign(authorizeUrl),
    onError: (err) => {
      const e = failed(err);
      if (e) setFormError(e.message);
    },
  });
  // OAuth is the platform's way in, or a second one through the instance's app (oauthConnect).
  const offersOAuth = platform?.auth === 'oauth' || platform?.oauthConnect === true;
  const oauthReady = offersOAuth && configured && saved.platform === platformId;

  const errors = formState.errors;
  return (
    <>
      {oauth ? (
        <p className={`notice ${oauth.ok ? 'notice--ok' : 'notice--error'}`} role={oauth.ok ? 'status' : 'alert'} data-testid="oauth-outcome">
          {oauth.ok
            ? `Connected to ${platformName(find(saved.platform ?? ''), saved.platform)}: Support Fusion may now use the account. Test Connection to check it.`
            : `Not connected to ${platformName(find(saved.platform ?? ''), saved.platform)}${oauth.reason ? `: ${oauth.reason}` : '.'} Connect again.`}
        </p>
      ) : null}
      <EditableBy least="admin">
        <form onSubmit={handleSubmit((values) => save.mutate(values))} noValidate className="stack">
          <PlatformSelect platforms={platforms} {...register('platform')} error={errors.platform?.message} />
          {platform?.setupGuide?.summary ? <p className="muted">{platform.setupGuide.summary}</p> : null}
          <Field
            label={url.label}
            type="text"
            inputMode="url"
            autoComplete="off"
            spellCheck={false}
            placeholder={url.example || undefined}
            {...register('apiUrl')}
            help={url.help || undefined}
            error={errors.apiUrl?.message}
          />
          {fields.map((f) => {
            const hint = f.secret ? hints[f.name] : null;
            return (
              <Field
                key={`${platformId}/${f.name}`}
                label={f.label}
                type={f.secret ? 'password' : 'text'}
                autoComplete="off"
                spellCheck={false}
                {...register(`credentials.${f.name}`)}
                error={errors.credentials?.[f.name]?.message}
                placeholder={hint ? `Leave blank to keep the saved ${f.label}` : f.example}
                help={hint ? savedSecretHelp(f, hint) : f.help || undefined}
              />
            );
          })}
          {formError ? (
            <p className="notice notice--error" role="alert">
              {formError}
            </p>
          ) : null}
          {kept ? <ReplacementRefused error={kept} guide={platform?.setupGuide?.path} /> : null}
          <div className="actions">
            <button type="submit" className="btn btn--primary" disabled={save.isPending}>
              {save.isPending ? 'Saving…' : 'Save Configuration'}
            </button>
            {offersOAuth ? (
              <button
                type="button"
                className="btn"
                onClick={() => connect.mutate()}
                disabled={!oauthReady || connect.isPending || dirty}
                title={oauthReady && !dirty ? undefined : 'Save the configuration first'}
              >
                {connect.isPending ? 'Connecting…' : `Connect to ${name}`}
              </button>
            ) : null}
            <button
              type="button"
              className="btn"
              onClick={() => test.mutate()}
              disabled={!configured || test.isPending || save.isPending}
              title={configured ? undefined : 'Save a configuration first'}
            >
              {test.isPending ? 'Testing…' : 'Test Connection'}
            </button>
            <span className="actions__status" role="status">
              {savedMsg ? <span className="saved">✓ Configuration saved</span> : null}
              {!savedMsg && dirty ? <span className="muted">Unsaved changes — the test uses the saved configuration.</span> : null}
              {!configured ? <span className="muted">Save a configuration to test it.</span> : null}
            </span>
          </div>
        </form>
      </EditableBy>
      {rejected && !test.isPending ? (
        <p className="notice notice--error" role="alert">
          Your key was rejected by {platformName(find(saved.platform ?? ''), saved.platform)} during a sync at {formatDateTime(rejected.at)}
          {rejected.contractName ? (
            <>
              {' '}
              (<Link href={syncRunPath(rejected.runId)}>{rejected.contractName}</Link>)
            </>
          ) : null}
          : test it again.
          {result && fromLastVisit ? ' The last test result below is stale.' : null}
        </p>
      ) : null}
      {test.isPending ? (
        <p className="result result--pending" role="status">
          Testing the connection…
        </p>
      ) : result ? (
        <TestResultPanel result={result} fromLastVisit={fromLastVisit} platform={find(saved.platform ?? '') ?? platform} />
      ) : null}
    </>
  );
}
