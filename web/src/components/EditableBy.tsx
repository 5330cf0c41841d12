import type { ReactNode } from 'react';
import type { MemberRole } from '../api.ts';
import { readOnlyMessage, useCan } from '../permissions.ts';

/**
 * Controls only `least` (or a higher role) may use: for others every input and button inside is
 * disabled (a disabled fieldset, laid out as if it were not there) and a line says why. The API
 * refuses such changes anyway; this only keeps people from trying.
 */
export function EditableBy({ least, quiet = false, children }: { least: MemberRole; quiet?: boolean; children: ReactNode }) {
  const can = useCan(least);
  if (can) return <>{children}</>;
  return (
    <>
      {quiet ? null : <p className="notice notice--info read-only">{readOnlyMessage(least)}</p>}
      <fieldset className="fieldset-contents" disabled>
        {children}
      </fieldset>
    </>
  );
}
