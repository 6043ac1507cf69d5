import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { isSampleComplete } from '@maestro/shared/domain';
import { Matrices, MatrixKinds } from '@maestro/shared/referential';
import { type AuthUser, SampleStatusLabels } from '@maestro/shared/schema';
import { useId, useState } from 'react';
import { Link } from 'react-router';
import { DsfrTable } from '../../app/DsfrTable';
import {
  isUnsynced,
  type LocalSample,
  OfflineStoragePanel,
  RemoveLocalSampleButton,
  SyncStateBadge,
  useLocalSamples,
} from '../../samples/offline';
import { formatSampleDateTime } from './status';

/** How many synchronised samples are still listed, the most recently synchronised first. */
export const RECENT_SYNCED_LIMIT = 20;

/** Whether the sample still has something the server lacks, or is on its way to it. */
const waiting = (sample: LocalSample) => isUnsynced(sample) || sample.syncState !== 'synced';

const byLatest =
  (date: (sample: LocalSample) => string | null) => (a: LocalSample, b: LocalSample) =>
    (date(b) ?? '').localeCompare(date(a) ?? '');

/**
 * The samples to list: every one not yet (fully) on the server, the latest change first, then
 * the most recently synchronised ones (`limit` at most).
 */
export function localSamplesToShow(
  samples: readonly LocalSample[],
  limit = RECENT_SYNCED_LIMIT,
): LocalSample[] {
  const pending = samples.filter(waiting).sort(byLatest((sample) => sample.updatedAt));
  const synced = samples
    .filter((sample) => !waiting(sample))
    .sort(byLatest((sample) => sample.lastSyncedAt ?? sample.updatedAt))
    .slice(0, limit);
  return [...pending, ...synced];
}

/** A local sample may be deleted from the device while it waits (never while it is sent). */
const removable = (sample: LocalSample) => isUnsynced(sample) && sample.syncState !== 'syncing';

const placeOf = (sample: LocalSample) =>
  sample.content.company?.name || sample.content.parcel || null;

const matrixOf = (sample: LocalSample) => {
  const { matrixCode, matrixFreeText, matrixKindCode } = sample.content;
  return (
    (matrixCode && Matrices[matrixCode]?.label) ||
    matrixFreeText ||
    (matrixKindCode && MatrixKinds[matrixKindCode]?.label) ||
    null
  );
};

/**
 * « Mes prélèvements sur cet appareil »: the agent's samples kept in this browser, read from
 * IndexedDB only (so that the list shows offline, on a cold start too), with their sync state,
 * whether their record is complete, the deletion of a stuck one, and the storage's state.
 */
export function LocalSamplesSection({ user }: { user: Pick<AuthUser, 'id'> }) {
  const titleId = useId();
  const local = useLocalSamples(user.id);
  const [removed, setRemoved] = useState<string | null>(null);
  // Another user's samples never show (the store reads by owner; this is a second guard).
  const mine = (local.data ?? []).filter((sample) => sample.ownerId === user.id);
  const rows = localSamplesToShow(mine);
  const now = new Date();

  return (
    <section
      aria-labelledby={titleId}
      className="fr-mb-4w"
      data-testid="local-samples"
      aria-busy={local.isLoading}
    >
      <h2 id={titleId} className="fr-h4 fr-mb-1w">
        Mes prélèvements sur cet appareil
      </h2>
      <p className="fr-text--sm">
        Enregistrés dans ce navigateur, ils restent consultables hors ligne et sont envoyés au
        serveur dès que le réseau le permet.
      </p>

      {local.isLoading ? (
        <p className="fr-text--sm" role="status">
          Lecture des prélèvements de cet appareil…
        </p>
      ) : local.error ? (
        <Alert
          small
          severity="error"
          className="fr-mb-2w"
          description={`Les prélèvements de cet appareil n’ont pas pu être lus : ${local.error.message}`}
        />
      ) : rows.length === 0 ? (
        <p data-testid="local-samples-empty">Aucun prélèvement enregistré sur cet appareil.</p>
      ) : (
        <DsfrTable className="fr-mb-2w">
          <caption>Mes prélèvements sur cet appareil</caption>
          <thead>
            <tr>
              <th scope="col">Prélèvement</th>
              <th scope="col">Entreprise ou lieu, matrice</th>
              <th scope="col">Modifié le</th>
              <th scope="col">Synchronisation</th>
              <th scope="col">Saisie</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((sample) => {
              const complete = isSampleComplete(sample.content, now);
              const place = placeOf(sample);
              const matrix = matrixOf(sample);
              return (
                <tr key={sample.id} data-testid={`local-sample-${sample.id}`}>
                  <th scope="row">
                    <Link to={`/prelevements/${sample.id}`}>
                      {sample.server?.reference ?? (
                        <>
                          Brouillon local
                          <span className="fr-sr-only">
                            {' '}
                            créé le {formatSampleDateTime(sample.createdAt)}
                          </span>
                        </>
                      )}
                    </Link>
                    {sample.server && (
                      <span className="fr-hint-text">
                        {SampleStatusLabels[sample.server.status]}
                      </span>
                    )}
                  </th>
                  <td>
                    {place ?? 'Entreprise non renseignée'}
                    <span className="fr-hint-text">{matrix ?? 'Matrice non renseignée'}</span>
                  </td>
                  <td>{formatSampleDateTime(sample.updatedAt)}</td>
                  <td>
                    <SyncStateBadge sample={sample} />
                  </td>
                  <td>
                    <Badge as="span" small noIcon severity={complete ? 'success' : 'warning'}>
                      {complete ? 'Prêt' : 'À compléter'}
                    </Badge>
                  </td>
                  <td>
                    {removable(sample) ? (
                      <RemoveLocalSampleButton
                        sample={sample}
                        onRemoved={() =>
                          setRemoved(
                            `${sample.server?.reference ?? 'Le brouillon local'} a été supprimé de cet appareil.`,
                          )
                        }
                      />
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </DsfrTable>
      )}
      <p role="status" className="fr-text--sm">
        {removed}
      </p>

      <OfflineStoragePanel ownerId={user.id} />
    </section>
  );
}

export default LocalSamplesSection;
