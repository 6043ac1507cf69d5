import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Link } from 'react-router';
import { DsfrTable } from '../../app/DsfrTable';
import { Loading } from '../../app/Loading';
import { useLaboratories } from '../../app/laboratories';
import { usePageTitle } from '../../app/pageTitle';
import { regionName } from '../../app/scope';

/** The approved laboratories; each one's page manages its API tokens. */
export default function LaboratoriesPage() {
  const heading = usePageTitle('Laboratoires');
  const laboratories = useLaboratories();
  const sorted = [...(laboratories.data ?? [])].sort((a, b) =>
    a.shortName.localeCompare(b.shortName, 'fr'),
  );

  return (
    <div className="fr-container fr-my-6w">
      <div className="fr-grid-row fr-grid-row--middle fr-grid-row--gutters fr-mb-2w">
        <div className="fr-col">
          <h1 ref={heading} tabIndex={-1} className="fr-mb-0">
            Laboratoires
          </h1>
        </div>
        <div className="fr-col-auto">
          <Button
            priority="secondary"
            iconId="fr-icon-book-2-line"
            linkProps={{ to: '/referentiel/lmr' }}
          >
            Limites maximales de résidus (LMR)
          </Button>
        </div>
      </div>
      <p>
        Les laboratoires agréés qui reçoivent les échantillons. Ouvrez un laboratoire pour gérer les
        jetons d’API avec lesquels son système transmet les résultats à Maestro.
      </p>
      {laboratories.isPending ? (
        <Loading label="Chargement des laboratoires…" />
      ) : laboratories.isError ? (
        <Alert
          severity="error"
          title="La liste des laboratoires n’a pas pu être chargée"
          description={
            <>
              <p>{laboratories.error.message}</p>
              <Button
                className="fr-mt-2w"
                priority="secondary"
                onClick={() => void laboratories.refetch()}
              >
                Réessayer
              </Button>
            </>
          }
        />
      ) : sorted.length === 0 ? (
        <p role="status">Aucun laboratoire n’est enregistré.</p>
      ) : (
        <DsfrTable busy={laboratories.isFetching}>
          <caption>Laboratoires agréés ({sorted.length})</caption>
          <thead>
            <tr>
              <th scope="col">Nom court</th>
              <th scope="col">Nom</th>
              <th scope="col">Ville</th>
              <th scope="col">Région</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((laboratory) => (
              <tr key={laboratory.id} data-testid={`laboratory-${laboratory.id}`}>
                <th scope="row">
                  <Link
                    to={`/laboratoires/${laboratory.id}`}
                    title={`${laboratory.shortName} — jetons d’API`}
                  >
                    {laboratory.shortName}
                  </Link>
                </th>
                <td>{laboratory.name}</td>
                <td>{laboratory.city}</td>
                <td>{regionName(laboratory.regionCode)}</td>
              </tr>
            ))}
          </tbody>
        </DsfrTable>
      )}
    </div>
  );
}
