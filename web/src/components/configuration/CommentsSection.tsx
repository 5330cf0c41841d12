import type { SideConfiguration } from '../../api.ts';
import type { ErrorAt } from '../../field-errors.ts';
import type { PlatformInfo } from '../../platforms.ts';
import { SelectField } from '../SelectField.tsx';
import { Toggle } from '../Toggle.tsx';

type Comments = SideConfiguration['comments'];
const P = 'configuration.comments';

export function CommentsSection({
  value,
  onChange,
  errorAt,
  platform,
}: {
  value: Comments;
  onChange: (v: Comments) => void;
  errorAt: ErrorAt;
  /** Your own platform: its comment channels of the chosen visibility, when it has more than one. */
  platform?: PlatformInfo | undefined;
}) {
  const set = <K extends keyof Comments>(k: K, v: Comments[K]) => onChange({ ...value, [k]: v });
  const visibility = value.incomingAs === 'private' ? 'internal' : 'public';
  const channels = (platform?.commentChannels ?? []).flatMap((c) =>
    c.visibility === visibility && c.id && c.label ? [{ id: c.id, label: c.label, notifiesRequester: c.notifiesRequester === true }] : [],
  );
  // A channel chosen for the other visibility no longer applies once the visibility changes.
  const setVisibility = (v: Comments['incomingAs']) => {
    const { incomingChannel: _dropped, ...rest } = value;
    onChange({ ...rest, incomingAs: v });
  };
  return (
    <section className="card" aria-labelledby="comments-title">
      <div className="card__header">
        <h2 id="comments-title">Comments</h2>
        <p className="muted">What your agents write on a synced ticket, and how your partner’s comments arrive here.</p>
      </div>
      <div className="stack">
        <Toggle
          label="Send public comments"
          checked={value.sendPublic}
          onChange={(v) => set('sendPublic', v)}
          help="Replies visible to the requester are copied to your partner’s ticket."
          error={errorAt(`${P}.sendPublic`)}
        />
        <Toggle
          label="Send private notes"
          checked={value.sendPrivate}
          onChange={(v) => set('sendPrivate', v)}
          help="Off by default: internal notes stay inside your organisation."
          error={errorAt(`${P}.sendPrivate`)}
        />
        {value.sendPrivate ? (
          <p className="notice notice--warn" role="note">
            <strong>Private notes will leave your organisation.</strong> Every internal note on a synced ticket is copied to your partner, who can read it.
            Switch this on only if your partner may see your internal discussion.
          </p>
        ) : null}
        <SelectField
          label="Write incoming comments as"
          value={value.incomingAs}
          options={[
            { value: 'private', label: 'Private notes' },
            { value: 'public', label: 'Public comments' },
          ]}
          onChange={(v) => setVisibility(v as Comments['incomingAs'])}
          error={errorAt(`${P}.incomingAs`)}
          help="Public comments are visible to the requester on your platform."
        />
        {channels.length > 1 ? (
          <SelectField
            label={`${platform?.name ?? 'Platform'} channel for incoming comments`}
            value={value.incomingChannel ?? ''}
            options={[
              { value: '', label: 'Automatic (one that does not e-mail the requester)' },
              ...channels.map((c) => ({ value: c.id, label: c.notifiesRequester ? `${c.label} (e-mails the requester)` : c.label })),
            ]}
            onChange={(v) => {
              const { incomingChannel: _old, ...rest } = value;
              onChange(v ? { ...rest, incomingChannel: v } : rest);
            }}
            error={errorAt(`${P}.incomingChannel`)}
            help="Where your partner's comments are written on your platform."
          />
        ) : null}
      </div>
    </section>
  );
}
