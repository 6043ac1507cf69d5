import { Button } from '@codegouvfr/react-dsfr/Button';
import { Upload } from '@codegouvfr/react-dsfr/Upload';
import type { Analysis } from '@maestro/shared/schema';
import { type FormEvent, useRef, useState } from 'react';
import { apiUrl } from '../../api/client';
import { formatDateTime } from '../samples/sampleForm';
import { errorMessage, isVersionConflict } from './formErrors';
import { formatSize } from './labels';
import { isPdf, uploadAnalysisReport } from './upload';

/** The file input of the report (the results' summary links to it). */
export const REPORT_INPUT_ID = 'analysis-report-file';

interface ReportSectionProps {
  analysis: Analysis;
  /** The laboratory may upload (or replace) the report now. */
  canUpload: boolean;
  onUploaded: (analysis: Analysis, message: string) => void;
}

/** The signed analysis report: its download link, and its upload by the laboratory. */
export function ReportSection({ analysis, canUpload, onUploaded }: ReportSectionProps) {
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const report = analysis.report;
  if (!report && !canUpload) return null;

  const upload = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!file) {
      setError('Choisissez le rapport à déposer (PDF).');
      inputRef.current?.focus();
      return;
    }
    if (!isPdf(file)) {
      setError('Le rapport doit être un fichier PDF.');
      inputRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const updated = await uploadAnalysisReport(analysis.id, file);
      setFile(null);
      if (inputRef.current) inputRef.current.value = '';
      onUploaded(updated, `Le rapport « ${file.name} » est déposé.`);
    } catch (failure) {
      setError(
        isVersionConflict(failure)
          ? 'Cette analyse a été modifiée entre-temps : rechargez la page.'
          : errorMessage(failure, 'Le dépôt du rapport a échoué.'),
      );
      inputRef.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="analysis-report-title" className="fr-mb-6w">
      <h2 className="fr-h4" id="analysis-report-title">
        Rapport d’analyse
      </h2>
      {report ? (
        <p data-testid="analysis-report">
          <a
            className="fr-link fr-link--download"
            href={apiUrl('getAnalysisReport', { params: { analysisId: analysis.id } })}
            download={report.fileName}
          >
            {`Télécharger le rapport « ${report.fileName} »`}
            <span className="fr-link__detail">
              {`PDF – ${formatSize(report.size)} – déposé le ${formatDateTime(report.uploadedAt)}`}
            </span>
          </a>
        </p>
      ) : (
        <p className="fr-text--sm">Aucun rapport déposé pour l’instant.</p>
      )}
      {canUpload && (
        <form noValidate onSubmit={(event) => void upload(event)}>
          <Upload
            label={report ? 'Remplacer le rapport signé' : 'Déposer le rapport signé'}
            hint={
              report
                ? 'Un fichier PDF ; il remplace le rapport déjà déposé.'
                : 'Un fichier PDF, obligatoire pour transmettre les résultats.'
            }
            state={error ? 'error' : 'default'}
            stateRelatedMessage={error ?? undefined}
            nativeInputProps={{
              id: REPORT_INPUT_ID,
              ref: inputRef,
              accept: 'application/pdf,.pdf',
              onChange: (event) => {
                setFile(event.target.files?.[0] ?? null);
                setError(null);
              },
            }}
          />
          <Button
            type="submit"
            className="fr-mt-2w"
            priority="secondary"
            iconId="fr-icon-upload-line"
            disabled={busy}
          >
            {busy ? 'Dépôt en cours…' : 'Déposer le rapport'}
          </Button>
        </form>
      )}
    </section>
  );
}
