import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import type { ReactNode } from 'react';
import { ApiClientError } from '../../api/client';

interface SaveFeedbackProps {
  /** The success message of the last save, if any. */
  saved: string | null;
  /** The error of the last save, if any; a 409 is shown as a conflict with a reload action. */
  error: unknown;
  conflictTitle: string;
  /** What the conflict means for the user, above the reload button. */
  conflictText: ReactNode;
  onReload: () => void;
}

/** What a grid's save did: saved, refused for a conflict (reload), or refused with the reasons. */
export function SaveFeedback({
  saved,
  error,
  conflictTitle,
  conflictText,
  onReload,
}: SaveFeedbackProps) {
  const conflict = error instanceof ApiClientError && error.status === 409;
  return (
    <>
      {saved && (
        <Alert className="fr-mb-2w" severity="success" small role="status" description={saved} />
      )}
      {conflict ? (
        <Alert
          className="fr-mb-2w"
          severity="warning"
          role="alert"
          title={conflictTitle}
          description={
            <>
              {conflictText}
              <Button className="fr-mt-2w" iconId="fr-icon-refresh-line" onClick={onReload}>
                Recharger la répartition
              </Button>
            </>
          }
        />
      ) : (
        error instanceof Error && (
          <Alert
            className="fr-mb-2w"
            severity="error"
            role="alert"
            title="La répartition n’a pas été enregistrée"
            description={
              error instanceof ApiClientError && error.body.issues.length > 0 ? (
                <>
                  <p>{error.message}</p>
                  <ul>
                    {error.body.issues.map((issue) => (
                      <li key={`${issue.path}-${issue.message}`}>{issue.message}</li>
                    ))}
                  </ul>
                </>
              ) : (
                error.message
              )
            }
          />
        )
      )}
    </>
  );
}
