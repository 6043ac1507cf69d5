import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { RadioButtons } from '@codegouvfr/react-dsfr/RadioButtons';
import { useId, useMemo, useState } from 'react';
import {
  applyChoices,
  type ContentField,
  contentOf,
  type FieldChoice,
  mergeContent,
} from './conflict';
import { ContentFieldLabels, formatFieldValue } from './fieldLabels';
import { getSyncStatus } from './status';
import { sampleStore } from './store';
import type { ConflictChoice, LocalSample } from './types';
import './offline.css';

const dateTime = new Intl.DateTimeFormat('fr-FR', {
  dateStyle: 'long',
  timeStyle: 'short',
  timeZone: 'Europe/Paris',
});

interface ConflictResolverProps {
  sample: LocalSample;
  /** Laboratory names by id, to show them instead of identifiers. */
  laboratories?: Record<string, string>;
  onResolved?: () => void;
}

/**
 * The agent's choice when a sample changed both here and on the server: every field changed on
 * both sides is shown with the two values; fields changed on one side only are merged.
 */
export function ConflictResolver({ sample, laboratories, onResolved }: ConflictResolverProps) {
  const id = useId();
  const server = sample.conflict?.server ?? null;
  const result = useMemo(
    () => (server ? mergeContent(sample.base, sample.content, contentOf(server)) : null),
    [sample.base, sample.content, server],
  );
  const [choices, setChoices] = useState<Partial<Record<ContentField, FieldChoice>>>({});
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (!server || !result) return null;

  const resolve = async (choice: ConflictChoice) => {
    setSaving(true);
    setError(null);
    try {
      await sampleStore.resolveConflict(sample.id, choice);
      onResolved?.();
      void getSyncStatus().syncNow();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : 'Le choix n’a pas été enregistré.');
    } finally {
      setSaving(false);
    }
  };

  const names = { laboratories };
  const who = `${server.sampler.firstName} ${server.sampler.lastName}`;
  return (
    <section className="maestro-conflict" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="fr-h4">
        Deux versions de ce prélèvement
      </h2>
      <Alert
        className="fr-mb-3w"
        severity="warning"
        small
        description={`Le prélèvement a été modifié sur le serveur (version ${server.version} du ${dateTime.format(new Date(server.updatedAt))}, prélèvement de ${who}) pendant que vous le modifiiez ici. Choisissez, pour chaque champ modifié des deux côtés, la valeur à garder.`}
      />
      {result.fromTheirs.length > 0 && (
        <p className="fr-text--sm">
          Repris du serveur (modifiés seulement là-bas) :{' '}
          {result.fromTheirs.map((field) => ContentFieldLabels[field]).join(', ')}.
        </p>
      )}
      {result.conflicts.length === 0 ? (
        <p>
          Aucun champ n’a été modifié des deux côtés : vos modifications peuvent être fusionnées.
        </p>
      ) : (
        result.conflicts.map((conflict) => {
          const name = `${id}-${conflict.field}`;
          const chosen = choices[conflict.field] ?? 'mine';
          return (
            <RadioButtons
              key={conflict.field}
              className="maestro-conflict__field"
              legend={ContentFieldLabels[conflict.field]}
              name={name}
              options={[
                {
                  label: (
                    <span>
                      <strong>Ma version</strong> :{' '}
                      <span className="maestro-conflict__value">
                        {formatFieldValue(conflict.field, conflict.mine, names)}
                      </span>
                    </span>
                  ),
                  nativeInputProps: {
                    value: 'mine',
                    checked: chosen === 'mine',
                    onChange: () => setChoices((all) => ({ ...all, [conflict.field]: 'mine' })),
                  },
                },
                {
                  label: (
                    <span>
                      <strong>Version du serveur</strong> :{' '}
                      <span className="maestro-conflict__value">
                        {formatFieldValue(conflict.field, conflict.theirs, names)}
                      </span>
                    </span>
                  ),
                  nativeInputProps: {
                    value: 'theirs',
                    checked: chosen === 'theirs',
                    onChange: () => setChoices((all) => ({ ...all, [conflict.field]: 'theirs' })),
                  },
                },
              ]}
            />
          );
        })
      )}
      {error && (
        <Alert className="fr-mb-2w" severity="error" small role="alert" description={error} />
      )}
      <ul className="fr-btns-group fr-btns-group--inline-md">
        <li>
          <Button priority="secondary" disabled={saving} onClick={() => void resolve('mine')}>
            Garder ma version
          </Button>
        </li>
        <li>
          <Button priority="secondary" disabled={saving} onClick={() => void resolve('theirs')}>
            Garder la version du serveur
          </Button>
        </li>
        <li>
          <Button
            disabled={saving}
            onClick={() => void resolve({ merged: applyChoices(result, choices) })}
          >
            Appliquer mes choix
          </Button>
        </li>
      </ul>
    </section>
  );
}

export default ConflictResolver;
