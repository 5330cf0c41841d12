import type { ApiError } from '../api.ts';
import { guidePath } from '../guide-path.ts';
import { Link } from './Link.tsx';

/** Save Configuration refused new credentials that failed their test: the working ones stay in use. */
export function ReplacementRefused({ error, guide }: { error: ApiError; guide: string | null | undefined }) {
  const troubleshooting = guidePath(guide, 'Troubleshooting');
  return (
    <div className="notice notice--error" role="alert" data-testid="replacement-refused">
      <p>{error.message}</p>
      {error.hints.length ? (
        <ul className="hints">
          {error.hints.map((h) => (
            <li key={h}>{h}</li>
          ))}
        </ul>
      ) : null}
      {troubleshooting ? (
        <p>
          <Link href={troubleshooting}>Troubleshooting in the setup guide</Link>
        </p>
      ) : null}
    </div>
  );
}
