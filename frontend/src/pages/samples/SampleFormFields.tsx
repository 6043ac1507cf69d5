import { Input } from '@codegouvfr/react-dsfr/Input';
import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';
import { sampleFieldId, textValue } from './sampleForm';

/** What the fields of a step share: whether errors show, and where malformed values go. */
export interface StepFieldsContext {
  /** True once the agent has clicked « Suivant » on this step: messages show beside the fields. */
  showErrors: boolean;
  /**
   * A field whose text cannot be kept (a SIRET of 13 digits…) says so here; the record keeps
   * its previous value, and « Suivant » lists the message. Null clears it.
   */
  reportFormatError: (path: string, message: string | null) => void;
}

export const StepFields = createContext<StepFieldsContext>({
  showErrors: false,
  reportFormatError: () => {},
});

export const useStepFields = () => useContext(StepFields);

/** The DSFR state of a field with or without a message. */
export const fieldState = (message: string | undefined) =>
  message
    ? ({ state: 'error', stateRelatedMessage: message } as const)
    : ({ state: 'default' } as const);

interface TextFieldProps {
  path: string;
  label: ReactNode;
  hint?: ReactNode;
  value: string | null;
  onChange: (value: string | null) => void;
  error?: string;
  maxLength: number;
  textArea?: boolean;
  rows?: number;
  autoComplete?: string;
  inputMode?: 'text' | 'numeric' | 'decimal' | 'email';
  className?: string;
}

/** A free text field of the record (an empty field is stored as null). */
export function TextField({
  path,
  label,
  hint,
  value,
  onChange,
  error,
  maxLength,
  textArea = false,
  rows = 3,
  autoComplete = 'off',
  inputMode,
  className,
}: TextFieldProps) {
  const common = {
    id: sampleFieldId(path),
    name: path,
    maxLength,
    value: value ?? '',
  };
  return textArea ? (
    <Input
      className={className}
      label={label}
      hintText={hint}
      textArea
      {...fieldState(error)}
      nativeTextAreaProps={{
        ...common,
        rows,
        onChange: (event) => onChange(textValue(event.target.value)),
      }}
    />
  ) : (
    <Input
      className={className}
      label={label}
      hintText={hint}
      {...fieldState(error)}
      nativeInputProps={{
        ...common,
        autoComplete,
        inputMode,
        onChange: (event) => onChange(textValue(event.target.value)),
      }}
    />
  );
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

interface FormattedFieldProps<T> {
  path: string;
  label: ReactNode;
  hint?: ReactNode;
  value: T;
  /** The text shown for a value of the record. */
  format: (value: T) => string;
  /** The value of a typed text, or why it cannot be kept. */
  parse: (text: string) => Parsed<T>;
  onChange: (value: T) => void;
  /** The record's own problem for this field (shown after « Suivant »). */
  error?: string;
  maxLength: number;
  inputMode?: 'text' | 'numeric' | 'decimal' | 'email';
  type?: 'text' | 'email' | 'datetime-local';
  autoComplete?: string;
  className?: string;
}

/**
 * A field whose text must have a format (an e-mail, a number…): what is typed stays on the
 * screen; the record takes it once it is well formed, and a malformed text shows its message
 * when the agent leaves the field.
 */
export function FormattedField<T>({
  path,
  label,
  hint,
  value,
  format,
  parse,
  onChange,
  error,
  maxLength,
  inputMode,
  type = 'text',
  autoComplete = 'off',
  className,
}: FormattedFieldProps<T>) {
  const { showErrors, reportFormatError } = useStepFields();
  const [text, setText] = useState(() => format(value));
  const [touched, setTouched] = useState(false);
  const parsed = parse(text);
  const formatError = parsed.ok ? undefined : parsed.message;

  // The record changed elsewhere (another item removed, a conflict resolved): show its value.
  const shown = format(value);
  // parse and format are pure functions of the field's kind: only the record's value matters.
  // biome-ignore lint/correctness/useExhaustiveDependencies: see above
  useEffect(() => {
    setText((current) => {
      const now = parse(current);
      return now.ok && format(now.value) === shown ? current : shown;
    });
  }, [shown]);

  useEffect(() => {
    reportFormatError(path, formatError ?? null);
  }, [path, formatError, reportFormatError]);
  useEffect(() => () => reportFormatError(path, null), [path, reportFormatError]);

  const message = formatError && (touched || showErrors) ? formatError : error;
  return (
    <Input
      className={className}
      label={label}
      hintText={hint}
      {...fieldState(message)}
      nativeInputProps={{
        id: sampleFieldId(path),
        name: path,
        type,
        inputMode,
        autoComplete,
        maxLength,
        value: text,
        onChange: (event) => {
          const next = event.target.value;
          setText(next);
          const result = parse(next);
          if (result.ok) onChange(result.value);
        },
        onBlur: () => setTouched(true),
      }}
    />
  );
}

/** A message beside a group of fields that has no DSFR component of its own. */
export function FieldMessage({ id, message }: { id: string; message: string | undefined }) {
  return (
    <div className="fr-messages-group" aria-live="polite">
      {message && (
        <p id={id} className="fr-message fr-message--error">
          {message}
        </p>
      )}
    </div>
  );
}

/** One line of a recap: the label and the value, or « Non renseigné ». */
export function RecapRow({ label, children }: { label: ReactNode; children: ReactNode }) {
  const empty = children === null || children === undefined || children === '';
  return (
    <div className="maestro-recap__row">
      <dt className="maestro-recap__label">{label}</dt>
      <dd
        className={
          empty ? 'maestro-recap__value maestro-recap__value--empty' : 'maestro-recap__value'
        }
      >
        {empty ? 'Non renseigné' : children}
      </dd>
    </div>
  );
}
