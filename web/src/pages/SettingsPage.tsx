import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
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

type FieldName = 'platform' | 'apiUrl' | 'apiKey';
type FieldErrors = Partial<Record<FieldName, string>>;

function maskedHint(hint: string): string {
  return /^[•*]/.test(hint) ? hint : `••••${hint}`;
}

const URL_HELP = 'Your complete Freshservice URL. Do not add /api — it is added automatically.';
const platformLabel = (id: string) => (id === 'freshservice' ? 'Freshservice' : id);

export function SettingsPage({ onUnauthorized }: { onUnauthorized: () => void }) {
  const [loading, setLoading] = useState(true);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [platform, setPlatform] = useState('freshservice');
  const [apiUrl, setApiUrl] = useState('');
  const [apiKey, setApiKey] = useState('');
  const [keyHint, setKeyHint] = useState<string | null>(null);
  const [savedUrl, setSavedUrl] = useState<string | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  // A replacement of a working configuration that failed its test: why, and what to check (nothing was saved).
  const [kept, setKept] = useState<ApiError | null>(null);
  const [savedMsg, setSavedMsg] = useState(false);
  const [saving, setSaving] = useState(false);
  const [testing, setTesting] = useState(false);
  const [result, setResult] = useState<TestResult | null>(null);
  const [fromLastVisit, setFromLastVisit] = useState(false);
  const [rejected, setRejected] = useState<PlatformConfig['keyRejected']>(null);

  function handleError(err: unknown): ApiError | null {
    if (err instanceof ApiError && err.status === 401) {
      onUnauthorized();
      return null;
    }
    return err instanceof ApiError ? err : new ApiError(0, 'unknown', 'Something went wrong. Please try again.');
  }

  useEffect(() => {
    let live = true;
    api
      .get<PlatformConfig>('/platform')
      .then((cfg) => {
        if (!live) return;
        setApiUrl(cfg.apiUrl ?? '');
        setSavedUrl(cfg.platform ? cfg.apiUrl : null);
        setKeyHint(cfg.apiKeyHint);
        setRejected(cfg.keyRejected ?? null);
        if (cfg.lastTest) {
          setResult(cfg.lastTest);
          setFromLastVisit(true);
        }
      })
      .catch((err: unknown) => {
        const e = live ? handleError(err) : null;
        if (e) setLoadError(e.message);
      })
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const configured = savedUrl !== null;
  const dirty = configured && (apiUrl.trim() !== savedUrl || apiKey !== '');

  async function save(ev: FormEvent) {
    ev.preventDefault();
    setErrors({});
    setFormError(null);
    setKept(null);
    setSavedMsg(false);
    const local: FieldErrors = {};
    if (!apiUrl.trim()) local.apiUrl = 'Enter your Freshservice URL, for example https://yourcompany.freshservice.com.';
    if (!apiKey.trim() && !keyHint) local.apiKey = 'Enter the API key of the integration agent (Profile Settings > Your API Key).';
    if (Object.keys(local).length) return setErrors(local);
    setSaving(true);
    try {
      const body: Record<string, string> = { platform, apiUrl };
      if (apiKey.trim()) body.apiKey = apiKey.trim();
      const saved = await api.put<SavedPlatform>('/platform', body);
      setApiUrl(saved.apiUrl);
      setSavedUrl(saved.apiUrl);
      setKeyHint(saved.apiKeyHint);
      // A new key is not the one a sync found rejected.
      if (apiKey.trim()) setRejected(null);
      setApiKey('');
      setSavedMsg(true);
      if (saved.test) {
        setResult(saved.test);
        setFromLastVisit(false);
      }
    } catch (err) {
      const e = handleError(err);
      if (!e) return;
      if (e.code === 'replacement_failed_test') setKept(e);
      else if (e.field === 'apiUrl' || e.field === 'apiKey' || e.field === 'platform') setErrors({ [e.field]: e.message });
      else setFormError(e.message);
    } finally {
      setSaving(false);
    }
  }

  async function test() {
    setTesting(true);
    setSavedMsg(false);
    setResult(null);
    try {
      const r = await api.post<TestResult>('/platform/test');
      setResult({ ...r, testedAt: r.testedAt ?? new Date().toISOString() });
    } catch (err) {
      const e = handleError(err);
      if (e) setResult({ ok: false, error: { code: e.code, message: e.message, hints: e.hints }, checks: [], testedAt: new Date().toISOString() });
    } finally {
      setFromLastVisit(false);
      setRejected(null);
      setTesting(false);
    }
  }

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
        {loading ? (
          <p className="muted" role="status">
            Loading configuration…
          </p>
        ) : loadError ? (
          <p className="notice notice--error" role="alert">
            {loadError}
          </p>
        ) : (
          <EditableBy least="admin">
            <form onSubmit={save} noValidate className="stack">
              <PlatformSelect value={platform} onChange={setPlatform} error={errors.platform} />
              <Field
                label="API URL"
                name="apiUrl"
                type="text"
                inputMode="url"
                autoComplete="off"
                spellCheck={false}
                placeholder="https://yourcompany.freshservice.com"
                value={apiUrl}
                onChange={(e) => setApiUrl(e.target.value)}
                help={URL_HELP}
                error={errors.apiUrl}
              />
              <Field
                label="API Key"
                name="apiKey"
                type="password"
                autoComplete="off"
                spellCheck={false}
                value={apiKey}
                onChange={(e) => setApiKey(e.target.value)}
                error={errors.apiKey}
                placeholder={keyHint ? 'Leave blank to keep the saved key' : 'Paste the agent’s API key'}
                help={keyHint ? `Saved key ${maskedHint(keyHint)}. Leave blank to keep it.` : 'Found in Freshservice under Profile Settings > Your API Key.'}
              />
              {formError ? (
                <p className="notice notice--error" role="alert">
                  {formError}
                </p>
              ) : null}
              {kept ? <ReplacementRefused error={kept} /> : null}
              <div className="actions">
                <button type="submit" className="btn btn--primary" disabled={saving}>
                  {saving ? 'Saving…' : 'Save Configuration'}
                </button>
                <button
                  type="button"
                  className="btn"
                  onClick={test}
                  disabled={!configured || testing || saving}
                  title={configured ? undefined : 'Save a configuration first'}
                >
                  {testing ? 'Testing…' : 'Test Connection'}
                </button>
                <span className="actions__status" role="status">
                  {savedMsg ? <span className="saved">✓ Configuration saved</span> : null}
                  {!savedMsg && dirty ? <span className="muted">Unsaved changes — the test uses the saved configuration.</span> : null}
                  {!configured ? <span className="muted">Save a configuration to test it.</span> : null}
                </span>
              </div>
            </form>
          </EditableBy>
        )}
        {rejected && !testing ? (
          <p className="notice notice--error" role="alert">
            Your key was rejected by {platformLabel(platform)} during a sync at {formatDateTime(rejected.at)}
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
        {testing ? (
          <p className="result result--pending" role="status">
            Testing the connection…
          </p>
        ) : result ? (
          <TestResultPanel result={result} fromLastVisit={fromLastVisit} />
        ) : null}
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
