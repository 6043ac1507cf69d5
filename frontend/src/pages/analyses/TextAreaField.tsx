import { Input } from '@codegouvfr/react-dsfr/Input';

interface TextAreaFieldProps {
  id: string;
  label: string;
  hint?: string;
  value: string;
  /** The message shown under the field (and announced with it), if any. */
  error?: string;
  required?: boolean;
  rows?: number;
  onChange: (value: string) => void;
}

/** A DSFR text area with its error message: the free-text fields of the analysis forms. */
export function TextAreaField({
  id,
  label,
  hint,
  value,
  error,
  required = false,
  rows = 3,
  onChange,
}: TextAreaFieldProps) {
  return (
    <Input
      label={label}
      hintText={hint}
      textArea
      state={error ? 'error' : 'default'}
      stateRelatedMessage={error}
      nativeTextAreaProps={{
        id,
        rows,
        required,
        value,
        onChange: (event) => onChange(event.target.value),
      }}
    />
  );
}
