import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { departmentsOfRegion } from '@maestro/shared/referential';
import type { Laboratory, Prescription, ProgrammingPlan } from '@maestro/shared/schema';
import { useMutation } from '@tanstack/react-query';
import { type ReactNode, useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../../api/client';
import { countOf, regionLabel, scrollableRegion } from './labels';
import { parseCount } from './nationalGrid';
import { realisedShort, realisedText, useRealised } from './realised';
import {
  changedSplits,
  departmentCount,
  editSplit,
  invalidDepartments,
  type RegionLine,
  regionLines,
  type SplitDraft,
  splitLines,
  splitProblems,
  splitToSave,
  splitTotal,
  splitValue,
} from './regionalSplit';
import { SaveFeedback } from './SaveFeedback';
import { useUnsavedChangesWarning } from './unsaved';

interface RegionalSplitProps {
  plan: ProgrammingPlan;
  prescriptions: readonly Prescription[];
  labels: ReadonlyMap<string, string>;
  regionCode: string;
  editable: boolean;
  laboratories: readonly Laboratory[] | undefined;
  onReload: () => Promise<unknown>;
  onDirtyChange?: (dirty: boolean) => void;
  /** The link (or button) to a line's comment thread, if comments are open. */
  commentLink?: (prescription: Prescription, regionCode: string) => ReactNode;
}

/**
 * A region's lines split between its departments: one row per prescription with samples in
 * the region, one column per department, totals kept live against the regional count, and the
 * laboratory where its choice is delegated to the region.
 */
export function RegionalSplit({
  plan,
  prescriptions,
  labels,
  regionCode,
  editable,
  laboratories,
  onReload,
  onDirtyChange,
  commentLink,
}: RegionalSplitProps) {
  const departments = useMemo(() => departmentsOfRegion(regionCode), [regionCode]);
  const departmentCodes = useMemo(() => departments.map((d) => d.code), [departments]);
  const lines = useMemo(() => regionLines(prescriptions, regionCode), [prescriptions, regionCode]);
  const [draft, setDraft] = useState<SplitDraft>({});
  const [lastEdited, setLastEdited] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const resultRef = useRef<HTMLDivElement>(null);
  const realised = useRealised(plan);

  const changed = useMemo(
    () => changedSplits(lines, draft, departmentCodes),
    [lines, draft, departmentCodes],
  );
  const invalid = useMemo(() => invalidDepartments(lines, draft), [lines, draft]);
  const current = useMemo(
    () => splitLines(lines, draft, departmentCodes, labels),
    [lines, draft, departmentCodes, labels],
  );
  const problems = useMemo(() => {
    const found = splitProblems(regionCode, current, 'editing');
    for (const cell of invalid) {
      found.push(
        `« ${labels.get(cell.prescriptionId) ?? ''} », département ${cell.departmentCode} : saisissez un nombre entier de prélèvements (0 ou plus).`,
      );
    }
    return found;
  }, [regionCode, current, invalid, labels]);
  const remaining = useMemo(() => {
    if (!editable) return [];
    const editing = new Set(problems);
    const found = splitProblems(
      regionCode,
      current,
      plan.distributionKind === 'DEPARTMENTAL' ? 'complete' : 'ifStarted',
    ).filter((problem) => !editing.has(problem));
    for (const regionLine of lines) {
      if (splitValue(regionLine, draft).laboratoryId === null) {
        found.push(
          `« ${labels.get(regionLine.prescription.id)} » : choisissez le laboratoire d’analyse.`,
        );
      }
    }
    return found;
  }, [editable, problems, regionCode, current, plan.distributionKind, lines, draft, labels]);

  const dirty = changed.length > 0 || invalid.length > 0;
  useEffect(() => onDirtyChange?.(dirty), [dirty, onDirtyChange]);
  useUnsavedChangesWarning(dirty);

  const save = useMutation({
    mutationFn: () =>
      api.saveDepartmentalSplit({
        params: { planId: plan.id, regionCode },
        body: splitToSave(changed, draft, departmentCodes),
      }),
    onMutate: () => setSaved(null),
    onSuccess: async () => {
      const count = changed.length;
      await onReload();
      setDraft({});
      setSaved(
        `La répartition de la région est enregistrée (${countOf(count, 'ligne modifiée', 'lignes modifiées')}).`,
      );
    },
    onSettled: () => {
      setTimeout(() => resultRef.current?.focus(), 0);
    },
  });

  const reload = async () => {
    save.reset();
    await onReload();
    setDraft({});
  };

  const edit = (
    regionLine: RegionLine,
    change: { departmentCode: string; count: string } | { laboratoryId: string | null },
  ) => {
    setSaved(null);
    setLastEdited(regionLine.prescription.id);
    setDraft((previous) => editSplit(previous, regionLine, departmentCodes, change));
  };

  const labName = (id: string | null) =>
    id === null
      ? 'Non choisi'
      : (laboratories?.find((lab) => lab.id === id)?.shortName ?? 'Laboratoire');

  if (lines.length === 0) {
    return (
      <p data-testid="split-empty">
        Aucun prélèvement n’est attribué à {regionLabel(regionCode)} dans ce plan.
      </p>
    );
  }

  const edited = lines.find((l) => l.prescription.id === lastEdited);
  const editedTotal = edited ? splitTotal(splitValue(edited, draft), departmentCodes) : 0;
  const error = save.error;

  return (
    <div data-testid="regional-split">
      {editable && (
        <p className="fr-text--sm">
          Répartissez les prélèvements attribués à votre région entre vos départements. Le total
          d’une ligne ne peut pas dépasser le nombre attribué à la région
          {plan.distributionKind === 'DEPARTMENTAL'
            ? ' et doit l’atteindre avant l’envoi aux départements'
            : ' ; une ligne répartie doit l’être entièrement avant l’approbation'}
          . Choisissez le laboratoire des lignes dont le choix est délégué à la région.
        </p>
      )}

      <p className="fr-sr-only" aria-live="polite" data-testid="split-live-total">
        {edited
          ? `${labels.get(edited.prescription.id)} : ${countOf(editedTotal, 'prélèvement réparti', 'prélèvements répartis')} sur ${edited.line.sampleCount}${editedTotal > edited.line.sampleCount ? ', dépassement' : `, reste ${edited.line.sampleCount - editedTotal}`}.`
          : ''}
      </p>
      <div aria-live="polite" data-testid="split-problems">
        {problems.length > 0 && (
          <Alert
            className="fr-mb-2w"
            severity="error"
            small
            description={
              <>
                <span>La répartition ne peut pas être enregistrée :</span>
                <ul className="fr-mb-0">
                  {problems.map((problem) => (
                    <li key={problem}>{problem}</li>
                  ))}
                </ul>
              </>
            }
          />
        )}
      </div>

      <div className="fr-table fr-table--bordered fr-table--no-caption maestro-grid fr-mb-2w">
        <div className="fr-table__wrapper">
          <div
            className="fr-table__container"
            {...scrollableRegion(
              `Répartition de ${regionLabel(regionCode)} entre ses départements`,
              !editable,
            )}
          >
            <div className="fr-table__content">
              <table>
                <caption>Répartition de {regionLabel(regionCode)} entre ses départements</caption>
                <thead>
                  <tr>
                    <th scope="col" className="maestro-grid__sticky">
                      Prescription
                    </th>
                    {departments.map((department) => (
                      <th key={department.code} scope="col" className="maestro-grid__region">
                        {department.code}
                        <span className="fr-text--xs maestro-grid__meta">{department.name}</span>
                      </th>
                    ))}
                    <th scope="col">Total réparti</th>
                    <th scope="col">Reste</th>
                    {realised && <th scope="col">Réalisation</th>}
                    <th scope="col">Laboratoire</th>
                    {commentLink && <th scope="col">Commentaires</th>}
                  </tr>
                </thead>
                <tbody>
                  {lines.map((regionLine) => {
                    const { prescription, line } = regionLine;
                    const label = labels.get(prescription.id) ?? '';
                    const value = splitValue(regionLine, draft);
                    const total = splitTotal(value, departmentCodes);
                    const over = total > line.sampleCount;
                    const delegated = prescription.laboratoryChoice === 'Regional';
                    return (
                      <tr key={prescription.id} data-testid={`split-row-${prescription.id}`}>
                        <th scope="row" className="maestro-grid__sticky">
                          <span className="maestro-grid__label">{label}</span>
                          <span className="fr-sr-only">, </span>
                          <span className="fr-text--xs maestro-grid__meta">
                            {countOf(
                              line.sampleCount,
                              'prélèvement attribué',
                              'prélèvements attribués',
                            )}
                          </span>
                        </th>
                        {departments.map((department) => {
                          const typed = value.departments[department.code] ?? '';
                          const count = parseCount(typed);
                          return editable ? (
                            <td key={department.code} className="maestro-grid__cell">
                              <input
                                className="fr-input maestro-grid__input"
                                type="text"
                                inputMode="numeric"
                                autoComplete="off"
                                aria-label={`${label}, ${department.name} (${department.code})`}
                                aria-invalid={
                                  count === null || (over && (count ?? 0) > 0) ? true : undefined
                                }
                                value={typed}
                                onChange={(event) =>
                                  edit(regionLine, {
                                    departmentCode: department.code,
                                    count: event.target.value,
                                  })
                                }
                              />
                            </td>
                          ) : (
                            <td key={department.code} className="maestro-grid__number">
                              {departmentCount(value, department.code) || (
                                <>
                                  <span aria-hidden="true">—</span>
                                  <span className="fr-sr-only">aucun</span>
                                </>
                              )}
                              {realised &&
                              (departmentCount(value, department.code) ||
                                realised.ofDepartment(prescription.id, department.code) > 0) ? (
                                <span
                                  className="fr-text--xs maestro-grid__meta"
                                  data-testid={`realised-${prescription.id}-${department.code}`}
                                >
                                  <span className="fr-sr-only">, </span>
                                  {realisedShort(
                                    realised.ofDepartment(prescription.id, department.code),
                                  )}
                                </span>
                              ) : null}
                            </td>
                          );
                        })}
                        <td
                          className={`maestro-grid__number${over ? ' maestro-grid__over' : ''}`}
                          data-testid={`split-total-${prescription.id}`}
                        >
                          {total} / {line.sampleCount}
                          {over && <span className="fr-sr-only"> (dépassement)</span>}
                        </td>
                        <td className="maestro-grid__number">
                          {over ? (
                            <span className="maestro-grid__over">
                              +{total - line.sampleCount}
                              <span className="fr-sr-only"> de trop</span>
                            </span>
                          ) : (
                            line.sampleCount - total
                          )}
                        </td>
                        {realised && (
                          <td
                            className="maestro-grid__number"
                            data-testid={`realised-${prescription.id}`}
                          >
                            {realisedText(
                              realised.ofRegion(prescription.id, regionCode),
                              line.sampleCount,
                            )}
                          </td>
                        )}
                        <td>
                          {editable && delegated ? (
                            <select
                              className="fr-select maestro-grid__lab"
                              aria-label={`Laboratoire — ${label}`}
                              value={value.laboratoryId ?? ''}
                              onChange={(event) =>
                                edit(regionLine, { laboratoryId: event.target.value || null })
                              }
                            >
                              <option value="">Choisir…</option>
                              {(laboratories ?? []).map((laboratory) => (
                                <option key={laboratory.id} value={laboratory.id}>
                                  {laboratory.shortName}
                                </option>
                              ))}
                            </select>
                          ) : (
                            <>
                              {labName(value.laboratoryId)}
                              <span className="fr-text--xs maestro-grid__meta">
                                {delegated ? 'Choix de la région' : 'Choix national'}
                              </span>
                            </>
                          )}
                        </td>
                        {commentLink && <td>{commentLink(prescription, regionCode)}</td>}
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </div>
        </div>
      </div>

      {editable && (
        <>
          <div ref={resultRef} tabIndex={-1} className="maestro-focus-target">
            <SaveFeedback
              saved={saved}
              error={error}
              conflictTitle="La répartition de la région a été modifiée entre-temps"
              conflictText={
                <>
                  <p>{error instanceof Error ? error.message : null}</p>
                  <p>
                    Vos changements n’ont pas été enregistrés. Rechargez la répartition pour voir sa
                    version actuelle, puis refaites vos changements.
                  </p>
                </>
              }
              onReload={() => void reload()}
            />
          </div>
          <ul className="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left">
            <li>
              <Button
                iconId="fr-icon-save-line"
                disabled={changed.length === 0 || problems.length > 0 || save.isPending}
                onClick={() => save.mutate()}
                nativeButtonProps={{ 'aria-describedby': 'split-save-hint' }}
              >
                {save.isPending ? 'Enregistrement…' : 'Enregistrer la répartition régionale'}
              </Button>
            </li>
            <li>
              <Button
                priority="secondary"
                disabled={!dirty || save.isPending}
                onClick={() => {
                  setDraft({});
                  setSaved(null);
                }}
              >
                Annuler les modifications
              </Button>
            </li>
          </ul>
          <p id="split-save-hint" className="fr-hint-text fr-mt-n2w">
            {problems.length > 0
              ? 'Corrigez la répartition pour pouvoir l’enregistrer.'
              : changed.length === 0
                ? 'Aucune modification à enregistrer.'
                : `${countOf(changed.length, 'ligne modifiée', 'lignes modifiées')} à enregistrer.`}
          </p>
          {remaining.length > 0 && (
            <div className="fr-callout fr-mt-3w" data-testid="split-remaining">
              <h3 className="fr-callout__title fr-h6">
                {plan.distributionKind === 'DEPARTMENTAL'
                  ? 'Avant l’envoi aux départements'
                  : 'Avant l’approbation'}
              </h3>
              <ul className="fr-callout__text fr-text--md">
                {remaining.map((problem) => (
                  <li key={problem}>{problem}</li>
                ))}
              </ul>
            </div>
          )}
        </>
      )}
    </div>
  );
}
