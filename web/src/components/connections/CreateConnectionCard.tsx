import { useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../../api.ts';
import type { CreatedConnection, PlatformConfig, Role } from '../../api.ts';
import { useApiCall, useResource } from '../../hooks/use-api.ts';
import { Field } from '../Field.tsx';
import { Link } from '../Link.tsx';
import { RoleChoice } from './RoleChoice.tsx';

/** The code of a new connection is shown by the page, full width (see VerificationCodePanel). */
export function CreateConnectionCard({ onCreated }: { onCreated: (created: CreatedConnection) => void }) {
  const call = useApiCall();
  const [role, setRole] = useState<Role>('source');
  const [contractName, setContractName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // The server refuses a connection before the platform is saved (409 platform_not_configured): say so first.
  const platform = useResource<PlatformConfig>('/platform');
  const unsaved = platform.data?.platform === null;

  async function submit(ev: FormEvent) {
    ev.preventDefault();
    setError(null);
    setFormError(null);
    if (!contractName.trim()) return setError('Give the connection a contract name, for example “Acme IT support 2026”.');
    setBusy(true);
    const r = await call(() => api.post<CreatedConnection>('/connections', { role, contractName: contractName.trim() }));
    setBusy(false);
    if (r.ok) {
      setContractName('');
      onCreated(r.data);
    } else if (r.error) {
      if (r.error.field === 'contractName') setError(r.error.message);
      else setFormError(r.error.message);
    }
  }

  return (
    <section className="card" aria-labelledby="create-title">
      <div className="card__header">
        <h2 id="create-title">Create a connection</h2>
        <p className="muted">Pair with a partner organisation. You get a verification code to hand to them.</p>
      </div>
      {unsaved ? (
        <p className="notice notice--info" data-testid="platform-first">
          Save your platform settings first: a connection syncs through your own helpdesk. <Link href="/settings">Go to Settings</Link> to enter the API URL and
          API key and click Save Configuration.
        </p>
      ) : (
        <form onSubmit={submit} noValidate className="stack">
          <RoleChoice value={role} onChange={setRole} />
          <Field
            label="Contract name"
            name="contractName"
            autoComplete="off"
            value={contractName}
            maxLength={200}
            onChange={(e) => setContractName(e.target.value)}
            error={error ?? undefined}
            help="Both organisations see this name, e.g. the support contract it belongs to."
          />
          {formError ? (
            <p className="notice notice--error" role="alert">
              {formError}
            </p>
          ) : null}
          <div className="actions">
            <button type="submit" className="btn btn--primary" disabled={busy}>
              {busy ? 'Creating…' : 'Create connection'}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
