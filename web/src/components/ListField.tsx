import { useState } from 'react';
import type { ReactNode } from 'react';
import { Field } from './Field.tsx';

interface Props {
  label: string;
  value: Array<string | number>;
  onChange: (value: string[]) => void;
  help?: ReactNode;
  error?: string | undefined;
  placeholder?: string;
}

const parse = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** A comma-separated list in one text input (tags, or ids when no picklist is available). */
export function ListField({ label, value, onChange, help, error, placeholder }: Props) {
  // Keep the typed text so a trailing comma or space does not vanish while typing.
  const [text, setText] = useState(() => value.join(', '));
  return (
    <Field
      label={label}
      value={text}
      help={help}
      error={error}
      placeholder={placeholder}
      autoComplete="off"
      onChange={(e) => {
        setText(e.target.value);
        onChange(parse(e.target.value));
      }}
      onBlur={() => setText(parse(text).join(', '))}
    />
  );
}
