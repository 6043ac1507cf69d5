import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { Upload } from '@codegouvfr/react-dsfr/Upload';
import {
  IMPORT_MAX_BYTES,
  IMPORT_MAX_LINES,
  ImportEncoding,
  ImportEncodingLabels,
  type ImportSummary,
} from '@maestro/shared/schema';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type Ref, useId, useRef, useState } from 'react';
import { ApiClientError } from '../../../api/client';
import { sessionKey } from '../../../app/session';
import { ImportFileAccept, importFileProblem, uploadImportFile } from './importFile';

interface ImportUploadFormProps {
  /** The file input, focused to send a corrected file. */
  inputRef: Ref<HTMLInputElement>;
  /** A file was already checked on this page: the form then checks another one. */
  again: boolean;
  onUploaded: (summary: ImportSummary) => void;
}

/** The file and its encoding, sent for checking (nothing is written). */
export function ImportUploadForm({ inputRef, again, onUploaded }: ImportUploadFormProps) {
  const uid = useId();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [encoding, setEncoding] = useState<ImportEncoding>('auto');
  const [problem, setProblem] = useState<string | null>(null);
  const errorRef = useRef<HTMLDivElement>(null);

  const upload = useMutation({
    mutationFn: (input: { file: File; encoding: ImportEncoding }) =>
      uploadImportFile(input.file, input.encoding),
    onSuccess: onUploaded,
    onError: (error) => {
      // The session ended: the guard sends the user to the login page.
      if (error instanceof ApiClientError && error.status === 401)
        void queryClient.invalidateQueries({ queryKey: sessionKey });
      setTimeout(() => errorRef.current?.focus(), 0);
    },
  });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const found = importFileProblem(file);
    setProblem(found);
    if (found || !file) {
      document.getElementById(`${uid}-file`)?.focus();
      return;
    }
    upload.mutate({ file, encoding });
  };

  const maxMegabytes = IMPORT_MAX_BYTES / 1024 / 1024;

  return (
    <section aria-labelledby={`${uid}-title`} className="fr-mb-4w">
      <h2 id={`${uid}-title`}>{again ? 'Contrôler un autre fichier' : 'Contrôler le fichier'}</h2>
      <form onSubmit={submit} noValidate data-testid="import-upload">
        <Upload
          label="Fichier de résultats"
          hint={`CSV (.csv, .txt) ou Excel (.xlsx), ${maxMegabytes} Mo et ${IMPORT_MAX_LINES.toLocaleString('fr-FR')} lignes au plus.`}
          state={problem ? 'error' : 'default'}
          stateRelatedMessage={problem}
          nativeInputProps={{
            id: `${uid}-file`,
            ref: inputRef,
            accept: ImportFileAccept,
            onChange: (event) => {
              setFile(event.target.files?.[0] ?? null);
              setProblem(null);
              upload.reset();
            },
          }}
        />
        <Select
          className="fr-mt-3w"
          label="Encodage du fichier"
          hint="Pour un fichier CSV seulement. Si les accents s’affichent mal dans le contrôle, déposez-le à nouveau en choisissant Windows-1252."
          nativeSelectProps={{
            id: `${uid}-encoding`,
            value: encoding,
            onChange: (event) => {
              const parsed = ImportEncoding.safeParse(event.target.value);
              if (parsed.success) setEncoding(parsed.data);
            },
          }}
        >
          {ImportEncoding.options.map((value) => (
            <option key={value} value={value}>
              {ImportEncodingLabels[value]}
            </option>
          ))}
        </Select>
        <Button type="submit" iconId="fr-icon-upload-line" disabled={upload.isPending}>
          {upload.isPending ? 'Contrôle en cours…' : 'Contrôler le fichier'}
        </Button>
        <p role="status" className="fr-text--sm fr-mt-2w fr-mb-0" data-testid="import-progress">
          {upload.isPending
            ? `Envoi et contrôle de « ${upload.variables.file.name} » : cela peut prendre quelques instants pour un gros fichier. Rien n’est écrit à cette étape.`
            : ''}
        </p>
      </form>
      <div ref={errorRef} tabIndex={-1} className="maestro-focus-target">
        {upload.isError && (
          <Alert
            className="fr-mt-2w"
            severity="error"
            role="alert"
            title="Le fichier n’a pas pu être contrôlé"
            description={
              <>
                <p className="fr-mb-0">{upload.error.message}</p>
                {upload.error instanceof ApiClientError && upload.error.body.issues.length > 0 && (
                  <ul className="fr-mb-0">
                    {upload.error.body.issues.map((issue) => (
                      <li key={`${issue.path}-${issue.message}`}>{issue.message}</li>
                    ))}
                  </ul>
                )}
              </>
            }
          />
        )}
      </div>
    </section>
  );
}
