import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { createModal } from '@codegouvfr/react-dsfr/Modal';
import { AnalysisMethodLabels, StageLabels } from '@maestro/shared/referential';
import {
  type DistributionKind,
  type Laboratory,
  LaboratoryChoiceLabels,
  type Prescription,
  type PrescriptionToSave,
  type ProgrammingPlan,
} from '@maestro/shared/schema';
import { useMutation } from '@tanstack/react-query';
import { type RefObject, useEffect, useRef, useState } from 'react';
import { ApiClientError, api } from '../../api/client';
import { countOf, scrollableRegion } from './labels';
import { PrescriptionForm } from './PrescriptionForm';
import {
  apiPrescriptionErrors,
  emptyPrescriptionForm,
  focusFirstPrescriptionError,
  type PrescriptionFormErrors,
  type PrescriptionFormValues,
  prescriptionFormValuesOf,
  toPrescriptionToSave,
} from './prescriptionForm';
import { type Realised, realisedShort, realisedText, useRealised } from './realised';
import { substanceLabel } from './SubstancePicker';

/** Which count the list shows: the national one, the user's region's, or their department's. */
export type CountScope =
  | { kind: 'national' }
  | { kind: 'region'; regionCode: string }
  | { kind: 'department'; regionCode: string; departmentCode: string };

interface PrescriptionsSectionProps {
  plan: ProgrammingPlan;
  prescriptions: readonly Prescription[];
  labels: ReadonlyMap<string, string>;
  editable: boolean;
  scope: CountScope;
  laboratories?: readonly Laboratory[];
  onReload: () => Promise<{ data?: Prescription[] } | unknown>;
}

/** The laboratory of the line the user's scope sees, else who chooses it. */
function laboratoryOf(
  prescription: Prescription,
  scope: CountScope,
  laboratories: readonly Laboratory[] | undefined,
): string {
  if (scope.kind !== 'national') {
    const id = prescription.regions.find((r) => r.regionCode === scope.regionCode)?.laboratoryId;
    const laboratory = id ? laboratories?.find((candidate) => candidate.id === id) : undefined;
    if (laboratory) return `${laboratory.shortName} – ${laboratory.name}`;
  }
  return LaboratoryChoiceLabels[prescription.laboratoryChoice];
}

const deleteModal = createModal({ id: 'prescription-delete-modal', isOpenedByDefault: false });

type Mode = { kind: 'list' } | { kind: 'create' } | { kind: 'edit'; prescription: Prescription };

const countHeader: Record<CountScope['kind'], string> = {
  national: 'Prélèvements programmés',
  region: 'Prélèvements de la région',
  department: 'Prélèvements du département',
};

function scopedCount(
  prescription: Prescription,
  scope: CountScope,
  distributionKind: DistributionKind,
): string {
  switch (scope.kind) {
    case 'national':
      return String(prescription.sampleCount);
    case 'region':
      return String(
        prescription.regions.find((r) => r.regionCode === scope.regionCode)?.sampleCount ?? 0,
      );
    case 'department': {
      const own = prescription.departments.find((d) => d.departmentCode === scope.departmentCode);
      if (own) return String(own.sampleCount);
      const region = prescription.regions.find((r) => r.regionCode === scope.regionCode);
      return distributionKind === 'REGIONAL' && region
        ? `Non réparti par département (région : ${region.sampleCount})`
        : '0';
    }
  }
}

/**
 * What the user's scope has taken of a line, against what it was given: null when the line
 * has no count for that scope (a department of a plan split by region only).
 */
function scopedRealisation(
  prescription: Prescription,
  scope: CountScope,
  realised: Realised,
): { realised: number; programmed: number | null } {
  switch (scope.kind) {
    case 'national':
      return {
        realised: realised.ofPrescription(prescription.id),
        programmed: prescription.sampleCount,
      };
    case 'region':
      return {
        realised: realised.ofRegion(prescription.id, scope.regionCode),
        programmed:
          prescription.regions.find((r) => r.regionCode === scope.regionCode)?.sampleCount ?? 0,
      };
    case 'department':
      return {
        realised: realised.ofDepartment(prescription.id, scope.departmentCode),
        programmed:
          prescription.departments.find((d) => d.departmentCode === scope.departmentCode)
            ?.sampleCount ?? null,
      };
  }
}

const realisationText = ({
  realised,
  programmed,
}: {
  realised: number;
  programmed: number | null;
}) => (programmed === null ? realisedShort(realised) : realisedText(realised, programmed));

const realisationOf: Record<CountScope['kind'], string> = {
  national: 'du plan',
  region: 'de la région',
  department: 'du département',
};

/** The realisation of every line of the scope together. */
function totalRealisation(
  prescriptions: readonly Prescription[],
  scope: CountScope,
  realised: Realised,
): { realised: number; programmed: number | null } {
  const lines = prescriptions.map((p) => scopedRealisation(p, scope, realised));
  return {
    realised: lines.reduce((sum, line) => sum + line.realised, 0),
    programmed: lines.some((line) => line.programmed !== null)
      ? lines.reduce((sum, line) => sum + (line.programmed ?? 0), 0)
      : null,
  };
}

/** The prescriptions of the plan: read-only, or editable by the national coordinator. */
export function PrescriptionsSection({
  plan,
  prescriptions,
  labels,
  editable,
  scope,
  laboratories,
  onReload,
}: PrescriptionsSectionProps) {
  const [mode, setMode] = useState<Mode>({ kind: 'list' });
  const [notice, setNotice] = useState<string | null>(null);
  const [toDelete, setToDelete] = useState<Prescription | null>(null);
  const noticeRef = useRef<HTMLDivElement>(null);
  const formTitleRef = useRef<HTMLHeadingElement>(null);
  const realised = useRealised(plan);

  useEffect(() => {
    if (mode.kind !== 'list') formTitleRef.current?.focus();
  }, [mode]);

  const focusNotice = () => setTimeout(() => noticeRef.current?.focus(), 0);

  const remove = useMutation({
    mutationFn: (prescription: Prescription) =>
      api.deletePrescription({
        params: { prescriptionId: prescription.id },
        query: { version: prescription.version },
      }),
    onMutate: () => setNotice(null),
    onSuccess: async (_, prescription) => {
      await onReload();
      setNotice(`La prescription « ${labels.get(prescription.id)} » est supprimée.`);
    },
    onSettled: focusNotice,
  });

  if (editable && mode.kind !== 'list') {
    return (
      <EditPrescription
        key={mode.kind === 'edit' ? mode.prescription.id : 'new'}
        plan={plan}
        mode={mode}
        label={mode.kind === 'edit' ? (labels.get(mode.prescription.id) ?? '') : ''}
        titleRef={formTitleRef}
        onDone={(message) => {
          setMode({ kind: 'list' });
          setNotice(message);
          focusNotice();
        }}
        onCancel={() => setMode({ kind: 'list' })}
        onReload={onReload}
      />
    );
  }

  return (
    <div data-testid="prescriptions">
      <div ref={noticeRef} tabIndex={-1} className="maestro-focus-target">
        {notice && (
          <Alert className="fr-mb-2w" severity="success" small role="status" description={notice} />
        )}
        {remove.error && (
          <Alert
            className="fr-mb-2w"
            severity="error"
            role="alert"
            title="La prescription n’a pas été supprimée"
            description={remove.error.message}
          />
        )}
      </div>

      {editable && (
        <Button
          className="fr-mb-3w"
          iconId="fr-icon-add-line"
          onClick={() => {
            setNotice(null);
            setMode({ kind: 'create' });
          }}
        >
          Ajouter une prescription
        </Button>
      )}

      {realised && prescriptions.length > 0 && (
        <p className="fr-text--lg fr-mb-2w" data-testid="realised-total">
          Réalisation {realisationOf[scope.kind]} :{' '}
          {realisationText(totalRealisation(prescriptions, scope, realised))}
        </p>
      )}

      {prescriptions.length === 0 ? (
        <p data-testid="prescriptions-empty">
          {editable
            ? 'Ce plan ne contient encore aucune prescription. Ajoutez la première : catégorie de matrice, stades, nombre de prélèvements et substances à rechercher.'
            : scope.kind === 'national'
              ? 'Ce plan ne contient aucune prescription.'
              : 'Aucune prescription de ce plan ne concerne votre périmètre.'}
        </p>
      ) : (
        <div className="fr-table fr-table--no-caption">
          <div className="fr-table__wrapper">
            <div
              className="fr-table__container"
              {...scrollableRegion('Prescriptions du plan', !editable)}
            >
              <div className="fr-table__content">
                <table>
                  <caption>Prescriptions du plan</caption>
                  <thead>
                    <tr>
                      <th scope="col">Prescription</th>
                      <th scope="col">{countHeader[scope.kind]}</th>
                      {realised && <th scope="col">Réalisation</th>}
                      <th scope="col">Laboratoire</th>
                      <th scope="col">Substances</th>
                      <th scope="col">Instructions</th>
                      {editable && <th scope="col">Actions</th>}
                    </tr>
                  </thead>
                  <tbody>
                    {prescriptions.map((prescription) => {
                      const label = labels.get(prescription.id) ?? '';
                      const mono = prescription.substances.filter((s) => s.method === 'Mono');
                      const multi = prescription.substances.filter((s) => s.method === 'Multi');
                      return (
                        <tr key={prescription.id} data-testid={`prescription-${prescription.id}`}>
                          <th scope="row">
                            {label}
                            <span className="fr-sr-only">, stades : </span>
                            <span className="fr-text--xs maestro-grid__meta">
                              {prescription.stages.map((s) => StageLabels[s]).join(', ')}
                            </span>
                          </th>
                          <td>{scopedCount(prescription, scope, plan.distributionKind)}</td>
                          {realised && (
                            <td data-testid={`realised-${prescription.id}`}>
                              {realisationText(scopedRealisation(prescription, scope, realised))}
                            </td>
                          )}
                          <td>{laboratoryOf(prescription, scope, laboratories)}</td>
                          <td>
                            {prescription.substances.length === 0 ? (
                              'Aucune'
                            ) : (
                              <details>
                                <summary>
                                  {[
                                    mono.length > 0 &&
                                      `${mono.length} ${AnalysisMethodLabels.Mono.toLowerCase()}`,
                                    multi.length > 0 &&
                                      `${multi.length} ${AnalysisMethodLabels.Multi.toLowerCase()}`,
                                  ]
                                    .filter(Boolean)
                                    .join(', ')}
                                </summary>
                                <ul className="fr-text--sm fr-mb-0">
                                  {prescription.substances.map((s) => (
                                    <li key={s.substanceCode}>
                                      {substanceLabel(s.substanceCode)} (
                                      {AnalysisMethodLabels[s.method]})
                                    </li>
                                  ))}
                                </ul>
                              </details>
                            )}
                          </td>
                          <td className="maestro-instructions">
                            {prescription.instructions || '—'}
                          </td>
                          {editable && (
                            <td className="maestro-table-actions">
                              <ul className="fr-btns-group fr-btns-group--sm fr-btns-group--inline">
                                <li>
                                  <Button
                                    size="small"
                                    priority="secondary"
                                    iconId="fr-icon-edit-line"
                                    title={`Modifier « ${label} »`}
                                    onClick={() => {
                                      setNotice(null);
                                      setMode({ kind: 'edit', prescription });
                                    }}
                                  />
                                </li>
                                <li>
                                  <Button
                                    size="small"
                                    priority="tertiary"
                                    iconId="fr-icon-delete-line"
                                    title={`Supprimer « ${label} »`}
                                    onClick={() => setToDelete(prescription)}
                                    nativeButtonProps={{
                                      'aria-controls': deleteModal.id,
                                      'data-fr-opened': false,
                                    }}
                                  />
                                </li>
                              </ul>
                            </td>
                          )}
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            </div>
          </div>
        </div>
      )}

      {editable && (
        <deleteModal.Component
          title="Supprimer la prescription"
          buttons={[
            { children: 'Annuler', priority: 'secondary' },
            {
              children: 'Supprimer',
              iconId: 'fr-icon-delete-line',
              onClick: () => {
                if (toDelete) remove.mutate(toDelete);
              },
            },
          ]}
        >
          <p>
            {toDelete
              ? `La prescription « ${labels.get(toDelete.id)} » (${countOf(toDelete.sampleCount, 'prélèvement', 'prélèvements')}) et sa répartition entre les régions seront supprimées.`
              : ''}
          </p>
        </deleteModal.Component>
      )}
    </div>
  );
}

interface EditPrescriptionProps {
  plan: ProgrammingPlan;
  mode: { kind: 'create' } | { kind: 'edit'; prescription: Prescription };
  label: string;
  titleRef: RefObject<HTMLHeadingElement | null>;
  onDone: (message: string) => void;
  onCancel: () => void;
  onReload: () => Promise<{ data?: Prescription[] } | unknown>;
}

function EditPrescription({
  plan,
  mode,
  label,
  titleRef,
  onDone,
  onCancel,
  onReload,
}: EditPrescriptionProps) {
  const [base, setBase] = useState(mode.kind === 'edit' ? mode.prescription : null);
  const [values, setValues] = useState<PrescriptionFormValues>(() =>
    base ? prescriptionFormValuesOf(base) : emptyPrescriptionForm,
  );
  const [errors, setErrors] = useState<PrescriptionFormErrors>({});
  const bannerRef = useRef<HTMLDivElement>(null);

  const save = useMutation({
    mutationFn: (body: PrescriptionToSave) =>
      base
        ? api.updatePrescription({
            params: { prescriptionId: base.id },
            body: { ...body, version: base.version },
          })
        : api.createPrescription({ params: { planId: plan.id }, body }),
    onSuccess: async () => {
      await onReload();
      onDone(base ? 'La prescription est enregistrée.' : 'La prescription est ajoutée au plan.');
    },
    onError: (error) => {
      if (!(error instanceof ApiClientError)) return;
      const fieldErrors = apiPrescriptionErrors(error.body.issues);
      setErrors(fieldErrors);
      if (Object.keys(fieldErrors).length > 0) focusFirstPrescriptionError(fieldErrors);
      else setTimeout(() => bannerRef.current?.focus(), 0);
    },
  });

  const submit = () => {
    const parsed = toPrescriptionToSave(values);
    if (!parsed.ok) {
      setErrors(parsed.errors);
      save.reset();
      focusFirstPrescriptionError(parsed.errors);
      return;
    }
    setErrors({});
    save.mutate(parsed.value);
  };

  const reload = async () => {
    const result = (await onReload()) as { data?: Prescription[] } | undefined;
    const fresh = result?.data?.find((p) => p.id === base?.id);
    save.reset();
    if (fresh) {
      setBase(fresh);
      setValues(prescriptionFormValuesOf(fresh));
    } else onCancel();
  };

  const conflict =
    save.error instanceof ApiClientError &&
    save.error.status === 409 &&
    save.error.body.error === 'VersionConflict';

  return (
    <section aria-labelledby="prescription-form-title" className="fr-grid-row">
      <div className="fr-col-12 fr-col-lg-10">
        <h2 id="prescription-form-title" ref={titleRef} tabIndex={-1}>
          {base ? `Modifier « ${label} »` : 'Nouvelle prescription'}
        </h2>
        <PrescriptionForm
          values={values}
          onChange={setValues}
          errors={errors}
          onSubmit={submit}
          onCancel={onCancel}
          submitting={save.isPending}
          submitLabel={base ? 'Enregistrer la prescription' : 'Ajouter la prescription'}
          banner={
            <div ref={bannerRef} tabIndex={-1} className="maestro-focus-target">
              {conflict ? (
                <Alert
                  className="fr-mb-3w"
                  severity="warning"
                  role="alert"
                  title="Cette prescription a été modifiée entre-temps"
                  description={
                    <>
                      <p>
                        Quelqu’un d’autre a enregistré cette prescription depuis que vous l’avez
                        ouverte : vos changements n’ont pas été enregistrés. Rechargez-la pour voir
                        sa version actuelle, puis refaites vos changements.
                      </p>
                      <Button
                        className="fr-mt-2w"
                        iconId="fr-icon-refresh-line"
                        onClick={() => void reload()}
                      >
                        Recharger la prescription
                      </Button>
                    </>
                  }
                />
              ) : (
                save.error && (
                  <Alert
                    className="fr-mb-3w"
                    severity="error"
                    role="alert"
                    title="La prescription n’a pas été enregistrée"
                    description={save.error.message}
                  />
                )
              )}
            </div>
          }
        />
      </div>
    </section>
  );
}
