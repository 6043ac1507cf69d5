import { Button } from '@codegouvfr/react-dsfr/Button';
import { type ReactNode, useCallback, useEffect, useId, useRef, useState } from 'react';
import './offline.css';

/**
 * Logging out with samples the server does not have yet: the agent is warned and offered an
 * export. The samples stay in this browser under their owner (another agent signing in on the
 * same device never sees them) and are sent at their owner's next login.
 */
export function useLogoutGuard(
  userId: string | null,
  onLogout: () => void,
): { requestLogout: () => void; dialog: ReactNode } {
  const [unsynced, setUnsynced] = useState<number | null>(null);
  const [exporting, setExporting] = useState(false);
  const [exported, setExported] = useState<string | null>(null);
  const dialogRef = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  const requestLogout = useCallback(() => {
    if (!userId) {
      onLogout();
      return;
    }
    import('./logoutActions')
      .then(({ unsyncedSamples }) => unsyncedSamples(userId))
      .then(
        (samples) => {
          if (samples.length === 0) onLogout();
          else {
            setExported(null);
            setUnsynced(samples.length);
          }
        },
        // The browser's storage cannot be read: nothing to warn about from here.
        () => onLogout(),
      );
  }, [userId, onLogout]);

  useEffect(() => {
    const dialog = dialogRef.current;
    if (unsynced === null || !dialog || dialog.open) return;
    if (typeof dialog.showModal === 'function') dialog.showModal();
    else dialog.setAttribute('open', '');
  }, [unsynced]);

  const close = () => {
    dialogRef.current?.close?.();
    setUnsynced(null);
  };

  const exportNow = () => {
    if (!userId) return;
    setExporting(true);
    import('./logoutActions')
      .then(({ downloadUnsynced }) => downloadUnsynced(userId))
      .then(
        (count) =>
          setExported(
            `${count} prélèvement${count > 1 ? 's' : ''} exporté${count > 1 ? 's' : ''} : gardez le fichier téléchargé.`,
          ),
        () => setExported('L’export a échoué : réessayez.'),
      )
      .finally(() => setExporting(false));
  };

  const plural = (unsynced ?? 0) > 1;
  const dialog =
    unsynced === null ? null : (
      <dialog
        ref={dialogRef}
        className="maestro-logout-dialog"
        aria-labelledby={titleId}
        onClose={() => setUnsynced(null)}
        data-testid="logout-unsynced-dialog"
      >
        <h2 id={titleId} className="fr-h5">
          {plural
            ? `${unsynced} prélèvements ne sont pas synchronisés`
            : '1 prélèvement n’est pas synchronisé'}
        </h2>
        <p>
          {plural ? 'Ils restent' : 'Il reste'} enregistré{plural ? 's' : ''} dans ce navigateur et{' '}
          {plural ? 'seront envoyés' : 'sera envoyé'} à votre prochaine connexion ; les autres
          utilisateurs de cet appareil ne {plural ? 'les' : 'le'} voient pas.
        </p>
        <p>
          Sur un appareil partagé, ou si le navigateur risque d’être nettoyé, exportez-
          {plural ? 'les' : 'le'} avant de vous déconnecter.
        </p>
        <p role="status" className="fr-text--sm">
          {exported}
        </p>
        <ul className="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left">
          <li>
            <Button
              priority="secondary"
              iconId="fr-icon-download-line"
              onClick={exportNow}
              disabled={exporting}
            >
              Exporter mes prélèvements
            </Button>
          </li>
          <li>
            <Button
              onClick={() => {
                close();
                onLogout();
              }}
            >
              Se déconnecter quand même
            </Button>
          </li>
          <li>
            <Button priority="tertiary" onClick={close}>
              Annuler
            </Button>
          </li>
        </ul>
      </dialog>
    );
  return { requestLogout, dialog };
}
