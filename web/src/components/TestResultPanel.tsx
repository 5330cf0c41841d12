import type { TestFailure, TestResult, TestSuccess } from '../api.ts';
import { guidePath } from '../guide-path.ts';
import type { PlatformInfo } from '../platforms.ts';
import { categoryTitle, guideSectionFor, hintsFor } from '../troubleshooting.ts';
import { Checklist } from './Checklist.tsx';
import { Link } from './Link.tsx';

function formatTime(iso: string | undefined): string | null {
  if (!iso) return null;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return null;
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** The account's access scope, where the platform has one (groups): all of them, or the ones listed. */
function GroupAccess({ access }: { access: NonNullable<TestSuccess['groupAccess']> }) {
  const { groups } = access;
  return (
    <div className="result__section">
      <h4>Group access</h4>
      {access.scope === 'all' ? (
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
  );
}

/** The account's access scope where it is not groups (the projects it may browse), in the platform's words. */
function AccessScope({ scope }: { scope: NonNullable<TestSuccess['accessScope']> }) {
  return (
    <div className="result__section">
      <h4>{scope.title}</h4>
      {/* What the account reaches, not a limit to fix: drawn neutral, unlike a partial group scope. */}
      <div className="scope scope--info">
        <strong>{scope.summary}</strong>
        <ul className="groups">
          {scope.items.map((item) => (
            <li key={String(item.id)}>{item.name}</li>
          ))}
        </ul>
      </div>
    </div>
  );
}

function Success({ result, platform }: { result: TestSuccess; platform: PlatformInfo | undefined }) {
  const held = new Set(result.roles.map((r) => r.trim().toLowerCase()));
  // The roles the manifest asks for, each held or missing; without a list, the roles the account has.
  const required = platform?.roles?.length ? platform.roles : result.roles;
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
          {required.map((role) => {
            const ok = held.has(role.trim().toLowerCase());
            return (
              <li key={role} className={ok ? 'role role--held' : 'role role--missing'}>
                <span className="role__icon" aria-hidden="true">
                  {ok ? '✓' : '✗'}
                </span>
                <span className="role__name">{role}</span>
                <span className="role__state">{ok ? 'Held' : 'Missing'}</span>
              </li>
            );
          })}
        </ul>
      </div>
      {result.accessScope ? <AccessScope scope={result.accessScope} /> : result.groupAccess ? <GroupAccess access={result.groupAccess} /> : null}
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

function Failure({ result, platform }: { result: TestFailure; platform: PlatformInfo | undefined }) {
  const hints = hintsFor(result.error.code, result.error.hints, platform?.troubleshooting);
  const guide = guidePath(platform?.setupGuide?.path, guideSectionFor(result.error.code));
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
      {guide ? (
        <p className="result__guide">
          <Link href={guide}>{categoryTitle(result.error.code)} in the setup guide</Link>
        </p>
      ) : null}
    </div>
  );
}

export function TestResultPanel({ result, fromLastVisit, platform }: { result: TestResult; fromLastVisit: boolean; platform: PlatformInfo | undefined }) {
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
      {result.ok ? <Success result={result} platform={platform} /> : <Failure result={result} platform={platform} />}
      <Checklist checks={result.checks ?? []} />
    </section>
  );
}
