import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Regions } from '@maestro/shared/referential';
import type { Laboratory, Prescription, ProgrammingPlan } from '@maestro/shared/schema';
import { useMutation } from '@tanstack/react-query';
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiClientError, api } from '../../api/client';
import { countOf, regionLabel, scrollableRegion } from './labels';
import {
  type CellDraft,
  cellValue,
  changedCells,
  columnSaves,
  columnTotal,
  editCell,
  editingProblems,
  type GridDraft,
  gridLines,
  invalidCells,
  parseCount,
  remainingProblems,
  rowTotal,
} from './nationalGrid';
import { type Realised, realisedShort, realisedText, useRealised } from './realised';
import { SaveFeedback } from './SaveFeedback';
import { useUnsavedChangesWarning } from './unsaved';

interface NationalGridProps {
  plan: ProgrammingPlan;
  prescriptions: readonly Prescription[];
  labels: ReadonlyMap<string, string>;
  /** The columns shown: the 18 regions nationally, the user's own region otherwise. */
  regionCodes: readonly string[];
  editable: boolean;
  laboratories: readonly Laboratory[] | undefined;
  /** Reloads the prescriptions (after a save, or to resolve a conflict). */
  onReload: () => Promise<unknown>;
  onDirtyChange?: (dirty: boolean) => void;
}

const shortCode = (code: string) => Regions[code]?.shortCode ?? code;

/**
 * The national split: one row per prescription, one column per region. Totals per row and per
 * column follow the typing; a prescription split beyond its national count blocks saving.
 */
export function NationalGrid({
  plan,
  prescriptions,
  labels,
  regionCodes,
  editable,
  laboratories,
  onReload,
  onDirtyChange,
}: NationalGridProps) {
  const [draft, setDraft] = useState<GridDraft>({});
  const [lastEdited, setLastEdited] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const resultRef = useRef<HTMLDivElement>(null);
  const realised = useRealised(plan);

  const changes = useMemo(() => changedCells(prescriptions, draft), [prescriptions, draft]);
  const invalid = useMemo(() => invalidCells(prescriptions, draft), [prescriptions, draft]);
  const lines = useMemo(
    () => gridLines(prescriptions, regionCodes, draft, labels),
    [prescriptions, regionCodes, draft, labels],
  );
  const problems = useMemo(() => {
    const found = editingProblems(lines);
    for (const cell of invalid) {
      found.push(
        `« ${labels.get(cell.prescriptionId) ?? ''} », ${regionLabel(cell.regionCode)} : saisissez un nombre entier de prélèvements (0 ou plus).`,
      );
    }
    return found;
  }, [lines, invalid, labels]);
  const remaining = useMemo(
    () =>
      editable ? remainingProblems(prescriptions, regionCodes, draft, labels, regionLabel) : [],
    [editable, prescriptions, regionCodes, draft, labels],
  );
  const dirty = changes.length > 0 || invalid.length > 0;
  useEffect(() => onDirtyChange?.(dirty), [dirty, onDirtyChange]);
  useUnsavedChangesWarning(dirty);

  const changedRegions = new Set(changes.map((change) => change.regionCode));

  const save = useMutation({
    mutationFn: async () => {
      for (const column of columnSaves(changes)) {
        await api.saveRegionalColumn({
          params: { planId: plan.id, regionCode: column.regionCode },
          body: column.body,
        });
      }
      return changedRegions.size;
    },
    onMutate: () => setSaved(null),
    onSuccess: async (regions) => {
      await onReload();
      setDraft({});
      setSaved(
        `La répartition est enregistrée (${countOf(regions, 'région modifiée', 'régions modifiées')}).`,
      );
    },
    onError: async (error) => {
      // Some columns may have been saved before the failure: show what the server holds.
      if (!(error instanceof ApiClientError && error.status === 409)) await onReload();
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

  const onEdit = useCallback(
    (prescription: Prescription, regionCode: string, change: Partial<CellDraft>) => {
      setSaved(null);
      setLastEdited(prescription.id);
      setDraft((current) => editCell(current, prescription, regionCode, change));
    },
    [],
  );

  const edited = prescriptions.find((p) => p.id === lastEdited);
  const editedTotal = edited ? rowTotal(edited, regionCodes, draft) : 0;
  const national = regionCodes.length > 1;
  const error = save.error;

  if (prescriptions.length === 0) {
    return (
      <p className="fr-mb-0" data-testid="grid-empty">
        {editable
          ? 'Ajoutez des prescriptions dans l’onglet « Prescriptions » : elles apparaîtront ici pour être réparties entre les régions.'
          : 'Aucune prescription dans ce plan.'}
      </p>
    );
  }

  const caption = national
    ? `Répartition des prélèvements entre les régions — ${countOf(prescriptions.length, 'prescription', 'prescriptions')}`
    : `Prélèvements attribués à ${regionLabel(regionCodes[0] ?? '')}`;

  return (
    <div data-testid="national-grid">
      {editable && (
        <p className="fr-text--sm">
          Saisissez le nombre de prélèvements de chaque région. Le total d’une ligne ne peut pas
          dépasser le nombre programmé au niveau national ; il doit l’atteindre avant l’envoi aux
          régions. Pour les prescriptions dont le laboratoire est choisi au niveau national,
          choisissez aussi le laboratoire de chaque région.
        </p>
      )}

      <p className="fr-sr-only" aria-live="polite" data-testid="grid-live-total">
        {edited
          ? `${labels.get(edited.id)} : ${countOf(editedTotal, 'prélèvement réparti', 'prélèvements répartis')} sur ${edited.sampleCount}${editedTotal > edited.sampleCount ? ', dépassement' : `, reste ${edited.sampleCount - editedTotal}`}.`
          : ''}
      </p>

      <div aria-live="polite" data-testid="grid-problems">
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
          <div className="fr-table__container" {...scrollableRegion(caption, !editable)}>
            <div className="fr-table__content">
              <table>
                <caption>{caption}</caption>
                <thead>
                  <tr>
                    <th scope="col" className="maestro-grid__sticky">
                      Prescription
                    </th>
                    {regionCodes.map((code) => (
                      <th
                        key={code}
                        scope="col"
                        className="maestro-grid__region"
                        title={regionLabel(code)}
                      >
                        {national ? (
                          <>
                            <span aria-hidden="true">{shortCode(code)}</span>
                            <span className="fr-sr-only">{regionLabel(code)}</span>
                          </>
                        ) : (
                          regionLabel(code)
                        )}
                        {changedRegions.has(code) && (
                          <span className="maestro-grid__changed">
                            <span aria-hidden="true"> •</span>
                            <span className="fr-sr-only"> (modifiée)</span>
                          </span>
                        )}
                      </th>
                    ))}
                    {national && (
                      <>
                        <th scope="col">Total réparti</th>
                        <th scope="col">Reste</th>
                        {realised && <th scope="col">Réalisation</th>}
                      </>
                    )}
                  </tr>
                </thead>
                <tbody>
                  {prescriptions.map((prescription) => (
                    <GridRow
                      key={prescription.id}
                      prescription={prescription}
                      label={labels.get(prescription.id) ?? ''}
                      row={draft[prescription.id]}
                      regionCodes={regionCodes}
                      editable={editable}
                      laboratories={laboratories}
                      showTotals={national}
                      realised={realised}
                      onEdit={onEdit}
                    />
                  ))}
                </tbody>
                {national && (
                  <tfoot>
                    <tr>
                      <th scope="row" className="maestro-grid__sticky">
                        Total par région
                      </th>
                      {regionCodes.map((code) => (
                        <td
                          key={code}
                          className="maestro-grid__number"
                          data-testid={`column-total-${code}`}
                        >
                          {columnTotal(prescriptions, code, draft)}
                        </td>
                      ))}
                      <td className="maestro-grid__number" data-testid="grand-total">
                        {lines.reduce(
                          (total, line) =>
                            total + line.regions.reduce((sum, r) => sum + r.sampleCount, 0),
                          0,
                        )}
                      </td>
                      <td className="maestro-grid__number">
                        {lines.reduce(
                          (total, line) =>
                            total +
                            Math.max(
                              0,
                              line.sampleCount -
                                line.regions.reduce((sum, r) => sum + r.sampleCount, 0),
                            ),
                          0,
                        )}
                      </td>
                      {realised && (
                        <td className="maestro-grid__number" data-testid="realised-total">
                          {realisedText(
                            prescriptions.reduce(
                              (sum, p) => sum + realised.ofPrescription(p.id),
                              0,
                            ),
                            prescriptions.reduce((sum, p) => sum + p.sampleCount, 0),
                          )}
                        </td>
                      )}
                    </tr>
                  </tfoot>
                )}
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
              conflictTitle="La répartition a été modifiée entre-temps"
              conflictText={
                <p>
                  Quelqu’un d’autre a enregistré la répartition depuis que vous l’avez ouverte : vos
                  changements n’ont pas été enregistrés. Rechargez la répartition pour voir sa
                  version actuelle, puis refaites vos changements.
                </p>
              }
              onReload={() => void reload()}
            />
          </div>
          <ul className="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left">
            <li>
              <Button
                iconId="fr-icon-save-line"
                disabled={changes.length === 0 || problems.length > 0 || save.isPending}
                onClick={() => save.mutate()}
                nativeButtonProps={{ 'aria-describedby': 'grid-save-hint' }}
              >
                {save.isPending ? 'Enregistrement…' : 'Enregistrer la répartition'}
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
          <p id="grid-save-hint" className="fr-hint-text fr-mt-n2w" data-testid="grid-save-hint">
            {problems.length > 0
              ? 'Corrigez la répartition pour pouvoir l’enregistrer.'
              : changes.length === 0
                ? 'Aucune modification à enregistrer.'
                : `${countOf(changedRegions.size, 'région modifiée', 'régions modifiées')} à enregistrer.`}
          </p>
          {remaining.length > 0 && (
            <div className="fr-callout fr-mt-3w" data-testid="grid-remaining">
              <h3 className="fr-callout__title fr-h6">Avant l’envoi aux régions</h3>
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

interface GridRowProps {
  prescription: Prescription;
  label: string;
  row: Readonly<Record<string, CellDraft>> | undefined;
  regionCodes: readonly string[];
  editable: boolean;
  laboratories: readonly Laboratory[] | undefined;
  showTotals: boolean;
  /** The samples taken, once the campaign is open. */
  realised: Realised | null;
  onEdit: (prescription: Prescription, regionCode: string, change: Partial<CellDraft>) => void;
}

/** One prescription's row; re-rendered only when its own cells change. */
const GridRow = memo(function GridRow({
  prescription,
  label,
  row,
  regionCodes,
  editable,
  laboratories,
  showTotals,
  realised,
  onEdit,
}: GridRowProps) {
  const draft: GridDraft = row ? { [prescription.id]: row } : {};
  const total = rowTotal(prescription, regionCodes, draft);
  const over = total > prescription.sampleCount;
  const nationalLab = prescription.laboratoryChoice === 'National';
  const labName = (id: string | null) =>
    id === null ? null : (laboratories?.find((lab) => lab.id === id)?.shortName ?? 'Laboratoire');

  return (
    <tr data-testid={`grid-row-${prescription.id}`}>
      <th scope="row" className="maestro-grid__sticky">
        <span className="maestro-grid__label">{label}</span>
        <span className="fr-sr-only">, </span>
        <span className="fr-text--xs maestro-grid__meta">
          {countOf(prescription.sampleCount, 'prélèvement programmé', 'prélèvements programmés')}
        </span>
      </th>
      {regionCodes.map((code) => {
        const cell = cellValue(prescription, code, draft);
        const count = parseCount(cell.count);
        const cellLabel = `${label}, ${regionLabel(code)}`;
        if (!editable) {
          return (
            <td key={code} className="maestro-grid__number">
              {count ? (
                count
              ) : (
                <>
                  <span aria-hidden="true">—</span>
                  <span className="fr-sr-only">aucun</span>
                </>
              )}
              {nationalLab && cell.laboratoryId && (
                <span className="fr-text--xs maestro-grid__meta">{labName(cell.laboratoryId)}</span>
              )}
              {realised && (count || realised.ofRegion(prescription.id, code) > 0) ? (
                <span
                  className="fr-text--xs maestro-grid__meta"
                  data-testid={`realised-${prescription.id}-${code}`}
                >
                  <span className="fr-sr-only">, </span>
                  {realisedShort(realised.ofRegion(prescription.id, code))}
                </span>
              ) : null}
            </td>
          );
        }
        return (
          <td key={code} className="maestro-grid__cell">
            <input
              className="fr-input maestro-grid__input"
              type="text"
              inputMode="numeric"
              autoComplete="off"
              aria-label={cellLabel}
              aria-invalid={count === null || (over && (count ?? 0) > 0) ? true : undefined}
              value={cell.count}
              onChange={(event) => onEdit(prescription, code, { count: event.target.value })}
            />
            {nationalLab && ((count ?? 0) > 0 || cell.laboratoryId !== null) && (
              <select
                className="fr-select maestro-grid__lab"
                aria-label={`Laboratoire — ${cellLabel}`}
                value={cell.laboratoryId ?? ''}
                onChange={(event) =>
                  onEdit(prescription, code, { laboratoryId: event.target.value || null })
                }
              >
                <option value="">Laboratoire…</option>
                {(laboratories ?? []).map((laboratory) => (
                  <option key={laboratory.id} value={laboratory.id}>
                    {laboratory.shortName}
                  </option>
                ))}
              </select>
            )}
          </td>
        );
      })}
      {showTotals && (
        <>
          <td
            className={`maestro-grid__number${over ? ' maestro-grid__over' : ''}`}
            data-testid={`row-total-${prescription.id}`}
          >
            {total} / {prescription.sampleCount}
            {over && <span className="fr-sr-only"> (dépassement)</span>}
          </td>
          <td className="maestro-grid__number" data-testid={`row-remaining-${prescription.id}`}>
            {over ? (
              <span className="maestro-grid__over">
                +{total - prescription.sampleCount}
                <span className="fr-sr-only"> de trop</span>
              </span>
            ) : (
              prescription.sampleCount - total
            )}
          </td>
          {realised && (
            <td className="maestro-grid__number" data-testid={`realised-${prescription.id}`}>
              {realisedText(realised.ofPrescription(prescription.id), prescription.sampleCount)}
            </td>
          )}
        </>
      )}
    </tr>
  );
});
