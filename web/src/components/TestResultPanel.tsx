import type { TestFailure, TestResult, TestSuccess } from '../api.ts';
import { guidePath } from '../guide-path.ts';
import { categoryTitle, GUIDE_HINTS, guideSectionFor, REQUIRED_ROLES } from '../troubleshooting.ts';
import { Checklist } from './Checklist.tsx';
import { Link } from './Link.tsx';

function formatTime(iso: string | undefined): string | null {
  if (!iso) return null;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return null;
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

function Success({ result }: { result: TestSuccess }) {
  const held = new Set(result.roles.map((r) => r.trim().toLowerCase()));
  const { scope, groups } = result.groupAccess;
  return (
    <>
      <div className="result__section">
        <h4>Integration agent</h4>
        <p className="agent">
          <span className="agent__name">{result.agent.name}</span>
          <span className="agent__email">{result.agent.email}</span>
        </p>
      </div>
      <div className="result__section">
        <h4>Required roles</h4>
        <ul className="roles">
          {REQUIRED_ROLES.map((role) => {
            const ok = held.has(role.name.toLowerCase());
            return (
              <li key={role.name} className={ok ? 'role role--held' : 'role role--missing'}>
                <span className="role__icon" aria-hidden="true">
                  {ok ? '✓' : '✗'}
                </span>
                <span className="role__name">{role.name}</span>
                <span className="role__state">{ok ? 'Held' : 'Missing'}</span>
              </li>
            );
          })}
        </ul>
      </div>
      <div className="result__section">
        <h4>Group access</h4>
        {scope === 'all' ? (
          <div className="scope scope--all">
            <strong>Member of All Groups</strong>
            <span>Full sync scope: tickets from every group can be synced.</span>
          </div>
        ) : (
          <div className="scope scope--selected">
            <strong>Member of Selected Groups</strong>
            <span>Sync is limited to these groups:</span>
            <ul className="groups">
              {groups.map((g) => (
                <li key={String(g.id)}>{g.name}</li>
              ))}
            </ul>
          </div>
        )}
      </div>
      {result.warnings.length ? (
        <div className="result__section">
          <h4>Warnings</h4>
          <ul className="warnings">
            {result.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </div>
      ) : null}
    </>
  );
}

function Failure({ result }: { result: TestFailure }) {
  const hints = result.error.hints?.length ? result.error.hints : (GUIDE_HINTS[result.error.code] ?? []);
  return (
    <div className="result__section">
      <h4 className="result__category">{categoryTitle(result.error.code)}</h4>
      <p className="result__message">{result.error.message}</p>
      {hints.length ? (
        <>
          <p className="result__hints-title">What to check</p>
          <ul className="hints">
            {hints.map((h) => (
              <li key={h}>{h}</li>
            ))}
          </ul>
        </>
      ) : null}
      <p className="result__guide">
        <Link href={guidePath(guideSectionFor(result.error.code))}>{categoryTitle(result.error.code)} in the setup guide</Link>
      </p>
    </div>
  );
}

export function TestResultPanel({ result, fromLastVisit }: { result: TestResult; fromLastVisit: boolean }) {
  const when = formatTime(result.testedAt);
  return (
    <section className={`result ${result.ok ? 'result--ok' : 'result--failed'}`} role={result.ok ? 'status' : 'alert'} aria-labelledby="test-result-title">
      <header className="result__header">
        <span className="result__badge" aria-hidden="true">
          {result.ok ? '✓' : '✗'}
        </span>
        <h3 id="test-result-title">{result.ok ? 'Connection tested' : 'Test failed'}</h3>
        {when ? (
          <span className="result__time">
            {fromLastVisit ? 'Last tested' : 'Tested'} {when}
          </span>
        ) : null}
      </header>
      {result.ok ? <Success result={result} /> : <Failure result={result} />}
      <Checklist checks={result.checks ?? []} />
    </section>
  );
}
