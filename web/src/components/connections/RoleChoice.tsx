import type { Role } from '../../api.ts';

const CHOICES: { value: Role; title: string; text: string }[] = [
  { value: 'source', title: 'Source', text: 'Where tickets originate, usually the customer.' },
  { value: 'target', title: 'Target', text: 'Receives the tickets, usually the provider.' },
];

/** "My organisation is the Source / Target" as two radio cards. */
export function RoleChoice({ value, onChange }: { value: Role; onChange: (role: Role) => void }) {
  return (
    <fieldset className="field radio-cards">
      <legend>My organisation is the</legend>
      <div className="radio-cards__list">
        {CHOICES.map((c) => (
          <label key={c.value} className={`radio-card${value === c.value ? ' radio-card--checked' : ''}`}>
            <input
              type="radio"
              name="role"
              value={c.value}
              checked={value === c.value}
              onChange={() => onChange(c.value)}
              aria-describedby={`role-${c.value}-text`}
            />
            <span className="radio-card__body">
              <span className="radio-card__title">{c.title}</span>
              <span className="radio-card__text" id={`role-${c.value}-text`}>
                {c.text}
              </span>
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
