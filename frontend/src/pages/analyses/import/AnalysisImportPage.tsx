import { Breadcrumb } from '@codegouvfr/react-dsfr/Breadcrumb';
import { Id, ImportColumns, type ImportSummary } from '@maestro/shared/schema';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useId, useRef } from 'react';
import { useSearchParams } from 'react-router';
import { DsfrTable } from '../../../app/DsfrTable';
import { usePageTitle } from '../../../app/pageTitle';
import { ImportPreview } from './ImportPreview';
import { ImportUploadForm } from './ImportUploadForm';
import { ImportColumnDescriptions, ImportTemplateFormats, importTemplateUrl } from './importFile';
import { analysisImportQuery } from './queries';

/** The import being previewed, from the address (so that a reload keeps it). */
export function importIdOf(params: URLSearchParams): string | null {
  const parsed = Id.safeParse(params.get('import'));
  return parsed.success ? parsed.data : null;
}

/**
 * « Importer des résultats »: a laboratory checks a file of results (one line per copy ×
 * substance), sees what would be written, then writes everything or nothing.
 */
export default function AnalysisImportPage() {
  const heading = usePageTitle('Importer des résultats');
  const [params, setParams] = useSearchParams();
  const importId = importIdOf(params);
  const queryClient = useQueryClient();
  const fileInput = useRef<HTMLInputElement>(null);
  // The preview of a file just checked takes the focus once its title is rendered: the change
  // of address re-renders the page later than a timer would run (a callback ref, not a timer).
  const focusPreview = useRef(false);
  const previewTitle = useCallback((title: HTMLHeadingElement | null) => {
    if (!title || !focusPreview.current) return;
    focusPreview.current = false;
    title.focus();
  }, []);

  const onUploaded = (summary: ImportSummary) => {
    queryClient.setQueryData(analysisImportQuery(summary.id).queryKey, summary);
    focusPreview.current = true;
    setParams(new URLSearchParams({ import: summary.id }));
  };

  return (
    <div className="fr-container fr-mb-6w">
      <Breadcrumb
        homeLinkProps={{ to: '/' }}
        segments={[{ label: 'Analyses', linkProps: { to: '/analyses' } }]}
        currentPageLabel="Importer des résultats"
      />
      <h1 ref={heading} tabIndex={-1}>
        Importer des résultats
      </h1>
      <p className="fr-text--lead">
        Déposez le fichier de résultats de votre système : chaque ligne est contrôlée et vous voyez
        ce qui sera écrit avant que rien ne le soit. Les résultats sont ensuite écrits tous
        ensemble, ou pas du tout.
      </p>

      <ExpectedFile />

      <ImportUploadForm inputRef={fileInput} again={importId !== null} onUploaded={onUploaded} />

      {importId && (
        <ImportPreview
          key={importId}
          importId={importId}
          titleRef={previewTitle}
          onCorrect={() => fileInput.current?.focus()}
        />
      )}
    </div>
  );
}

/** What the file must hold, and the templates to start from. */
function ExpectedFile() {
  const uid = useId();
  return (
    <section aria-labelledby={`${uid}-title`} className="fr-mb-4w">
      <h2 id={`${uid}-title`}>Le fichier attendu</h2>
      <ul>
        <li>
          Une ligne par exemplaire analysé et par substance recherchée, sous une ligne d’en-tête qui
          nomme les colonnes (dans n’importe quel ordre ; majuscules et accents indifférents).
        </li>
        <li>
          Un fichier CSV, séparé par des points-virgules « ; » ou des virgules « , », ou un fichier
          Excel (.xlsx, première feuille).
        </li>
        <li>Les nombres peuvent s’écrire avec une virgule décimale : 0,05 comme 0.05.</li>
      </ul>
      {/* Multiline: the descriptions wrap instead of scrolling the table sideways. */}
      <DsfrTable className="fr-table--multiline">
        <caption>Colonnes du fichier de résultats</caption>
        <thead>
          <tr>
            <th scope="col">Colonne</th>
            <th scope="col">Contenu</th>
          </tr>
        </thead>
        <tbody>
          {ImportColumns.map((column) => (
            <tr key={column}>
              <th scope="row">
                <code>{column}</code>
              </th>
              <td>{ImportColumnDescriptions[column]}</td>
            </tr>
          ))}
        </tbody>
      </DsfrTable>
      <p className="fr-mb-1w">
        Partez du modèle, qui contient ces colonnes et une ligne d’exemple :
      </p>
      <ul className="fr-raw-list" data-testid="import-templates">
        {ImportTemplateFormats.map((format) => (
          <li key={format}>
            <a
              className="fr-link fr-link--download"
              href={importTemplateUrl(format)}
              download
              data-testid={`import-template-${format}`}
            >
              Télécharger le modèle de fichier de résultats{' '}
              <span className="fr-link__detail">{format.toUpperCase()}</span>
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
