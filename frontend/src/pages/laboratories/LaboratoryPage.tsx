import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Breadcrumb } from '@codegouvfr/react-dsfr/Breadcrumb';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { AnalysisMethodLabels } from '@maestro/shared/referential';
import { useParams } from 'react-router';
import { Loading } from '../../app/Loading';
import { useLaboratories } from '../../app/laboratories';
import { usePageTitle } from '../../app/pageTitle';
import { regionName } from '../../app/scope';
import { LabTokens } from './LabTokens';

/** One laboratory: its details and its API tokens. */
export default function LaboratoryPage() {
  const { laboratoryId = '' } = useParams();
  const laboratories = useLaboratories();
  const laboratory = laboratories.data?.find((candidate) => candidate.id === laboratoryId);
  const title = laboratory ? laboratory.shortName : 'Laboratoire';
  const heading = usePageTitle(laboratory ? `${title} — Laboratoires` : title);

  return (
    <div className="fr-container fr-mb-6w">
      <Breadcrumb
        homeLinkProps={{ to: '/' }}
        segments={[{ label: 'Laboratoires', linkProps: { to: '/laboratoires' } }]}
        currentPageLabel={title}
      />
      <h1 ref={heading} tabIndex={-1}>
        {title}
      </h1>
      {laboratories.isPending ? (
        <Loading label="Chargement du laboratoire…" />
      ) : laboratories.isError || !laboratory ? (
        <Alert
          severity="error"
          title={
            laboratories.isError
              ? 'Le laboratoire n’a pas pu être chargé'
              : 'Laboratoire introuvable'
          }
          description={
            <>
              <p>
                {laboratories.isError
                  ? laboratories.error.message
                  : 'Ce laboratoire n’existe pas ou n’est plus agréé.'}
              </p>
              <Button className="fr-mt-2w" priority="secondary" linkProps={{ to: '/laboratoires' }}>
                Retour à la liste des laboratoires
              </Button>
            </>
          }
        />
      ) : (
        <>
          <p className="fr-text--lead fr-mb-2w">{laboratory.name}</p>
          <dl className="maestro-laboratory fr-mb-4w" data-testid="laboratory-details">
            <dt className="fr-text--bold">Adresse</dt>
            <dd className="fr-ml-0 fr-mb-1w">
              {laboratory.address}, {laboratory.postalCode} {laboratory.city} (
              {regionName(laboratory.regionCode)})
            </dd>
            <dt className="fr-text--bold">Adresses e-mail des demandes d’analyse</dt>
            <dd className="fr-ml-0 fr-mb-1w">
              {laboratory.emails.length > 0 ? laboratory.emails.join(', ') : 'Aucune'}
            </dd>
            <dt className="fr-text--bold">Méthodes</dt>
            <dd className="fr-ml-0 fr-mb-1w">
              {laboratory.methods.map((method) => AnalysisMethodLabels[method]).join(', ')}
            </dd>
          </dl>
          <LabTokens laboratory={laboratory} />
        </>
      )}
    </div>
  );
}
