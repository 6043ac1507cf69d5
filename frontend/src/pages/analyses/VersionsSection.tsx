import { canReadImport } from '@maestro/shared/domain';
import {
  type Analysis,
  type AuthUser,
  ResultSourceLabels,
  type ResultVersion,
} from '@maestro/shared/schema';
import { useQuery } from '@tanstack/react-query';
import { apiUrl } from '../../api/client';
import { useCurrentUser } from '../../app/session';
import { formatDateTime } from '../samples/sampleForm';
import { analysisVersionsQuery } from './queries';
import { ResiduesTable } from './ResiduesTable';

const verdictWord = (compliant: boolean | null) =>
  compliant === null ? 'sans verdict' : compliant ? 'conforme' : 'non conforme';

/** « Version 2 — Saisie, le 12 mars 2026 à 10:00, par Camille Martin — non conforme » */
const versionTitle = (version: ResultVersion, current: boolean) =>
  [
    `Version ${version.resultVersion}${current ? ' (en vigueur)' : ''}`,
    `${ResultSourceLabels[version.source]}, le ${formatDateTime(version.createdAt)}${
      version.authorName ? `, par ${version.authorName}` : ''
    }`,
    verdictWord(version.computedCompliant),
  ].join(' — ');

/**
 * Who may download the original file of an import, as the server allows it: the laboratory
 * that imported it (the analysis's), the national roles and the administrators.
 */
export const canDownloadImportFile = (
  user: Pick<AuthUser, 'role' | 'laboratoryId'>,
  analysis: Pick<Analysis, 'laboratoryId'>,
): boolean => canReadImport(user, analysis.laboratoryId);

/** The file a version was imported from: a link for whom may download it, else a mention. */
function ImportFile({ version, download }: { version: ResultVersion; download: boolean }) {
  if (version.importId === null) return null;
  return (
    <p className="fr-text--sm fr-mt-1w" data-testid={`version-${version.resultVersion}-import`}>
      {download ? (
        <a
          className="fr-link fr-link--sm fr-icon-download-line fr-link--icon-left"
          href={apiUrl('getAnalysisImportFile', { params: { importId: version.importId } })}
          download
        >
          Fichier importé
        </a>
      ) : (
        'Importé d’un fichier.'
      )}
    </p>
  );
}

/**
 * Every version of the results, the latest first: a correction never erases, both stay
 * visible (the older ones folded).
 */
export function VersionsSection({ analysis }: { analysis: Analysis }) {
  const user = useCurrentUser();
  const download = canDownloadImportFile(user, analysis);
  const versions = useQuery({
    ...analysisVersionsQuery(analysis.id),
    enabled: analysis.resultVersion > 0,
  });
  if (analysis.resultVersion === 0) return null;
  return (
    <section
      aria-labelledby="analysis-versions-title"
      className="fr-mb-6w maestro-versions"
      data-testid="analysis-versions"
    >
      <h2 className="fr-h4" id="analysis-versions-title">
        Versions des résultats
      </h2>
      {versions.isPending ? (
        <p className="fr-text--sm" role="status">
          Chargement des versions…
        </p>
      ) : versions.isError ? (
        <p className="fr-text--sm">Les versions n’ont pas pu être chargées.</p>
      ) : versions.data.length <= 1 ? (
        <>
          <p className="fr-text--sm">
            {versions.data[0]
              ? `Une seule version : ${versionTitle(versions.data[0], true)}.`
              : 'Aucune version enregistrée.'}
          </p>
          {versions.data[0] && <ImportFile version={versions.data[0]} download={download} />}
        </>
      ) : (
        versions.data.map((version, index) => (
          <details key={version.resultVersion} open={index === 0}>
            <summary>{versionTitle(version, index === 0)}</summary>
            <ImportFile version={version} download={download} />
            {version.reason && (
              <p className="fr-mt-2w">
                Motif : <span className="maestro-pre-line">{version.reason}</span>
              </p>
            )}
            <ResiduesTable
              residues={version.residues}
              caption={`Résidus de la version ${version.resultVersion}`}
            />
          </details>
        ))
      )}
    </section>
  );
}
