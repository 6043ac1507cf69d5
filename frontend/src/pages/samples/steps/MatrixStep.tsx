import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Select } from '@codegouvfr/react-dsfr/Select';
import {
  AnalysisMethodLabels,
  CultureKind,
  CultureKindLabels,
  CultureKindList,
  MatrixKindList,
  matricesOfKind,
  PartSampled,
  PartSampledLabels,
  PartSampledList,
  Stage,
  StageLabels,
  StageList,
} from '@maestro/shared/referential';
import { ProgrammedContextLabels, type SampleSubstance } from '@maestro/shared/schema';
import type { ReactNode } from 'react';
import { Loading } from '../../../app/Loading';
import { useLaboratories } from '../../../app/laboratories';
import { fieldState, TextField } from '../SampleFormFields';
import {
  isProgrammed,
  matrixKindLabel,
  programmedLaboratoryId,
  SampleFieldLabels,
  sampleFieldId,
  sampleRegionCode,
} from '../sampleForm';
import { AttachmentsSection } from './AttachmentsSection';
import { SubstanceChooser, substanceName } from './SubstanceChooser';
import type { PlanPrescriptions, StepProps } from './types';

interface MatrixStepProps extends StepProps {
  programming: PlanPrescriptions;
  /** Whether the server already has the sample (its files are then listed from there too). */
  synced: boolean;
}

/** The substances of a record, by method, read-only. */
export function SubstanceSummary({ substances }: { substances: readonly SampleSubstance[] }) {
  const mono = substances.filter((s) => s.method === 'Mono');
  const multi = substances.filter((s) => s.method === 'Multi');
  const group = (label: string, list: readonly SampleSubstance[]) =>
    list.length > 0 && (
      <div className="fr-mb-1w">
        <p className="fr-text--sm fr-text--bold fr-mb-0">
          {label} ({list.length})
        </p>
        <ul className="fr-text--sm maestro-substance-columns">
          {list.map((s) => (
            <li key={s.substanceCode}>{substanceName(s.substanceCode)}</li>
          ))}
        </ul>
      </div>
    );
  return substances.length === 0 ? (
    <p className="fr-text--sm">Aucune substance.</p>
  ) : (
    <>
      {group(AnalysisMethodLabels.Mono, mono)}
      {group(AnalysisMethodLabels.Multi, multi)}
    </>
  );
}

/** The second step: what is sampled, the programming it counts against, photos and files. */
export function MatrixStep({
  sampleId,
  content,
  patch,
  errors,
  user,
  online,
  programming,
  synced,
}: MatrixStepProps) {
  const laboratories = useLaboratories();
  const programmed = isProgrammed(content);
  const matrices = content.matrixKindCode ? matricesOfKind(content.matrixKindCode) : [];
  const matched = programming.matched;
  const programmedLab = programmedLaboratoryId(matched, sampleRegionCode(content, user));
  const programmedLabName = laboratories.data?.find((lab) => lab.id === programmedLab)?.name;

  let prescriptionBox: ReactNode;
  if (!programmed) prescriptionBox = null;
  else if (content.programmingPlanId === null)
    prescriptionBox = (
      <p className="fr-text--sm">Choisissez d’abord le plan de programmation (étape 1).</p>
    );
  else if (programming.status === 'pending')
    prescriptionBox = <Loading label="Chargement de la programmation…" />;
  else if (programming.status === 'error' && !matched)
    prescriptionBox = (
      <Alert
        small
        severity="warning"
        description="La programmation du plan n’a pas pu être chargée : la ligne de programmation sera retrouvée une fois en ligne."
      />
    );
  else if (!content.matrixKindCode || !content.stage)
    prescriptionBox = (
      <p className="fr-text--sm">
        La ligne de programmation sera retrouvée dès que la catégorie de matrice et le stade seront
        choisis.
      </p>
    );
  else if (!matched)
    prescriptionBox = (
      <Alert
        small
        severity="warning"
        description={`Aucune ligne du plan ne prévoit de prélèvement « ${matrixKindLabel(content.matrixKindCode)} » au stade « ${StageLabels[content.stage]} » pour ce contexte. Vérifiez la catégorie de matrice, le stade et le contexte, ou réalisez un prélèvement hors programme.`}
      />
    );
  else
    prescriptionBox = (
      <div className="maestro-prescription" data-testid="matched-prescription">
        <p className="fr-text--bold fr-mb-1w">
          {matrixKindLabel(matched.matrixKindCode)} — {ProgrammedContextLabels[matched.context]}
        </p>
        <p className="fr-text--sm fr-mb-1w">
          Stades : {matched.stages.map((stage) => StageLabels[stage]).join(', ')}
          {programmedLabName ? ` · Laboratoire programmé : ${programmedLabName}` : ''}
        </p>
        {matched.instructions && (
          <p className="fr-text--sm fr-mb-1w">Consignes : {matched.instructions}</p>
        )}
        <h4 className="fr-text--md fr-text--bold fr-mb-1w">Substances à analyser</h4>
        <SubstanceSummary substances={matched.substances} />
      </div>
    );

  return (
    <>
      <h3 className="fr-h5">Matrice prélevée</h3>
      <Select
        label={SampleFieldLabels.matrixKindCode}
        {...fieldState(errors.matrixKindCode)}
        nativeSelectProps={{
          id: sampleFieldId('matrixKindCode'),
          name: 'matrixKindCode',
          value: content.matrixKindCode ?? '',
          onChange: (event) => {
            const kind = event.target.value === '' ? null : event.target.value;
            const keep =
              kind !== null &&
              content.matrixCode !== null &&
              matricesOfKind(kind).some((matrix) => matrix.code === content.matrixCode);
            patch({ matrixKindCode: kind, ...(keep ? {} : { matrixCode: null }) });
          },
        }}
      >
        <option value="">Sélectionner une catégorie</option>
        {MatrixKindList.map((kind) => (
          <option key={kind.code} value={kind.code}>
            {kind.label}
          </option>
        ))}
      </Select>

      <Select
        label={
          programmed
            ? SampleFieldLabels.matrixCode
            : `${SampleFieldLabels.matrixCode} (ou saisie libre ci-dessous)`
        }
        hint={content.matrixKindCode ? undefined : 'Choisissez d’abord la catégorie de matrice.'}
        {...fieldState(errors.matrixCode)}
        nativeSelectProps={{
          id: sampleFieldId('matrixCode'),
          name: 'matrixCode',
          value: content.matrixCode ?? '',
          onChange: (event) =>
            patch({ matrixCode: event.target.value === '' ? null : event.target.value }),
        }}
      >
        <option value="">Sélectionner une matrice</option>
        {matrices.map((matrix) => (
          <option key={matrix.code} value={matrix.code}>
            {matrix.label}
          </option>
        ))}
      </Select>

      {!programmed && (
        <TextField
          path="matrixFreeText"
          label={`${SampleFieldLabels.matrixFreeText} (facultatif)`}
          hint="Hors programme, si la matrice ne figure pas dans la liste. 300 caractères au plus."
          maxLength={300}
          value={content.matrixFreeText}
          onChange={(matrixFreeText) => patch({ matrixFreeText })}
        />
      )}

      <Select
        label={SampleFieldLabels.stage}
        {...fieldState(errors.stage)}
        nativeSelectProps={{
          id: sampleFieldId('stage'),
          name: 'stage',
          value: content.stage ?? '',
          onChange: (event) =>
            patch({ stage: event.target.value === '' ? null : Stage.parse(event.target.value) }),
        }}
      >
        <option value="">Sélectionner un stade</option>
        {StageList.map((stage) => (
          <option key={stage} value={stage}>
            {StageLabels[stage]}
          </option>
        ))}
      </Select>

      <Select
        label={SampleFieldLabels.partSampled}
        {...fieldState(errors.partSampled)}
        nativeSelectProps={{
          id: sampleFieldId('partSampled'),
          name: 'partSampled',
          value: content.partSampled ?? '',
          onChange: (event) =>
            patch({
              partSampled: event.target.value === '' ? null : PartSampled.parse(event.target.value),
            }),
        }}
      >
        <option value="">Sélectionner une partie</option>
        {PartSampledList.map((part) => (
          <option key={part} value={part}>
            {PartSampledLabels[part]}
          </option>
        ))}
      </Select>

      <Select
        label={`${SampleFieldLabels.cultureKind} (facultatif)`}
        nativeSelectProps={{
          id: sampleFieldId('cultureKind'),
          name: 'cultureKind',
          value: content.cultureKind ?? '',
          onChange: (event) =>
            patch({
              cultureKind: event.target.value === '' ? null : CultureKind.parse(event.target.value),
            }),
        }}
      >
        <option value="">Sélectionner un type de culture</option>
        {CultureKindList.map((kind) => (
          <option key={kind} value={kind}>
            {CultureKindLabels[kind]}
          </option>
        ))}
      </Select>

      <TextField
        path="matrixNotes"
        label={`${SampleFieldLabels.matrixNotes} (facultatif)`}
        hint="2 000 caractères au plus."
        textArea
        maxLength={2000}
        value={content.matrixNotes}
        onChange={(matrixNotes) => patch({ matrixNotes })}
      />

      {programmed ? (
        <section aria-labelledby="sample-programming-title">
          <h3 className="fr-h5" id="sample-programming-title">
            Ligne de programmation
          </h3>
          <div
            id={sampleFieldId('prescriptionId')}
            tabIndex={-1}
            className="maestro-focus-target fr-mb-3w"
            aria-describedby={errors.prescriptionId ? 'sample-prescriptionId-error' : undefined}
          >
            {prescriptionBox}
            {(errors.prescriptionId || errors.substances) && (
              <div className="fr-messages-group" aria-live="polite">
                {errors.prescriptionId && (
                  <p className="fr-message fr-message--error" id="sample-prescriptionId-error">
                    {errors.prescriptionId}
                  </p>
                )}
                {errors.substances && !errors.prescriptionId && (
                  <p className="fr-message fr-message--error" id={sampleFieldId('substances')}>
                    {errors.substances}
                  </p>
                )}
              </div>
            )}
          </div>
        </section>
      ) : (
        <SubstanceChooser
          value={content.substances}
          onChange={(substances) => patch({ substances })}
          error={errors.substances}
        />
      )}

      <AttachmentsSection sampleId={sampleId} online={online} synced={synced} />
    </>
  );
}
