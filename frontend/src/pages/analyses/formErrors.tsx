import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { ApiClientError } from '../../api/client';

/** Messages by field path (`residues.0.value`), as the shared schemas and the API name them. */
export type FieldErrors = Record<string, string>;

/** The first message of each path of zod's issues. */
export function errorsOfZod(error: {
  issues: readonly { path: readonly PropertyKey[]; message: string }[];
}): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const path = issue.path.map(String).join('.');
    errors[path] ??= issue.message;
  }
  return errors;
}

/**
 * The field messages of an API answer: its 400 issues (`body.residues.0.value`) by path without
 * the `body.` prefix. Issues of the query or the address have no field: they are kept under
 * their full path.
 */
export function errorsOfApi(error: unknown): FieldErrors {
  const errors: FieldErrors = {};
  if (!(error instanceof ApiClientError)) return errors;
  for (const issue of error.body.issues) {
    const path = issue.path.startsWith('body.')
      ? issue.path.slice('body.'.length)
      : issue.path === 'body'
        ? ''
        : issue.path;
    errors[path] ??= issue.message;
  }
  return errors;
}

export const isVersionConflict = (error: unknown): boolean =>
  error instanceof ApiClientError && error.status === 409 && error.body.error === 'VersionConflict';

/** The message of a failed action, in French. */
export function errorMessage(error: unknown, fallback: string): string {
  if (error instanceof ApiClientError) return error.message;
  return error instanceof Error ? error.message : fallback;
}

interface ErrorSummaryProps {
  errors: FieldErrors;
  /** The id of the field of a path, when it exists on the page (else the message is plain text). */
  fieldIdOf: (path: string) => string | null;
  /** The field's name, to prefix its message (« Résidu 2 (Glyphosate), valeur »). */
  labelOf?: (path: string) => string | null;
  /** A message above the list (the API's own message). */
  message?: string;
}

/** Moves the focus to a field (and scrolls to it) from a link of the summary. */
export function focusField(id: string) {
  const element = document.getElementById(id);
  if (!element) return;
  const target =
    element instanceof HTMLFieldSetElement
      ? (element.querySelector<HTMLElement>('input, select, textarea, button') ?? element)
      : element;
  target.focus();
  target.scrollIntoView?.({ block: 'center' });
}

/**
 * The points to correct, at the top of a form: one link per field, that moves the focus to it.
 * Put it in a focusable element that gets the focus after a refused submission.
 */
export function ErrorSummary({ errors, fieldIdOf, labelOf, message }: ErrorSummaryProps) {
  const entries = Object.entries(errors);
  // A single issue is also the API's message: it is said once.
  const intro = message && !entries.some(([, text]) => text === message) ? message : null;
  if (entries.length === 0 && !intro) return null;
  return (
    <Alert
      severity="error"
      className="fr-mb-3w"
      title={
        entries.length === 0
          ? 'L’enregistrement a été refusé'
          : entries.length > 1
            ? `${entries.length} points à corriger`
            : '1 point à corriger'
      }
      description={
        <>
          {intro && <p>{intro}</p>}
          {entries.length > 0 && (
            <ul className="fr-mb-0">
              {entries.map(([path, text]) => {
                const id = fieldIdOf(path);
                const label = labelOf?.(path);
                const content = label ? `${label} : ${text}` : text;
                return (
                  <li key={path}>
                    {id ? (
                      <a
                        href={`#${id}`}
                        onClick={(event) => {
                          event.preventDefault();
                          focusField(id);
                        }}
                      >
                        {content}
                      </a>
                    ) : (
                      content
                    )}
                  </li>
                );
              })}
            </ul>
          )}
        </>
      }
    />
  );
}

/** The analysis changed since it was opened (409): what may have happened, and a reload. */
export function ConflictAlert({
  title = 'Cette analyse a été modifiée entre-temps',
  explanation,
  onReload,
}: {
  title?: string;
  explanation: string;
  onReload: () => void;
}) {
  return (
    <Alert
      severity="warning"
      className="fr-mb-3w"
      title={title}
      description={
        <>
          <p>{explanation}</p>
          <Button
            type="button"
            className="fr-mt-2w"
            iconId="fr-icon-refresh-line"
            onClick={onReload}
          >
            Recharger l’analyse
          </Button>
        </>
      }
    />
  );
}
