import { Button } from '@codegouvfr/react-dsfr/Button';
import { useId, useState } from 'react';
import { removeLocalSample } from './escape';
import type { LocalSample } from './types';

/**
 * Deletes one stuck local sample after a confirmation that says what is lost (never
 * "delete everything"). A sample the server holds stays there: only this browser's copy goes.
 */
export function RemoveLocalSampleButton({
  sample,
  onRemoved,
}: {
  sample: LocalSample;
  onRemoved?: () => void;
}) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const remove = () => {
    removeLocalSample(sample.id).then(
      () => onRemoved?.(),
      () => setError('La suppression a échoué : réessayez.'),
    );
  };
  if (!confirming) {
    return (
      <Button
        size="small"
        priority="tertiary"
        iconId="fr-icon-delete-line"
        onClick={() => setConfirming(true)}
      >
        Supprimer de cet appareil
      </Button>
    );
  }
  return (
    <div role="alertdialog" aria-labelledby={`${id}-question`} className="fr-my-1w">
      <p id={`${id}-question`} className="fr-text--sm fr-mb-1w">
        {sample.server
          ? 'Les modifications non envoyées de ce prélèvement seront perdues ; la version du serveur reste disponible. Supprimer la copie de cet appareil ?'
          : 'Ce prélèvement n’a jamais été envoyé : il sera définitivement perdu, avec ses pièces jointes. Le supprimer ?'}
      </p>
      <ul className="fr-btns-group fr-btns-group--inline-sm fr-btns-group--sm">
        <li>
          <Button size="small" onClick={remove}>
            Confirmer la suppression
          </Button>
        </li>
        <li>
          <Button size="small" priority="secondary" onClick={() => setConfirming(false)}>
            Annuler
          </Button>
        </li>
      </ul>
      {error && (
        <p role="alert" className="fr-error-text">
          {error}
        </p>
      )}
    </div>
  );
}

export default RemoveLocalSampleButton;
