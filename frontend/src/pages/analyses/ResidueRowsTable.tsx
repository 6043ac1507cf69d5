import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import {
  type Analysis,
  ConcentrationUnitList,
  type ResidueVerdict,
  type ResultKind,
  ResultKindList,
} from '@maestro/shared/schema';
import { Fragment, type ReactNode } from 'react';
import { DsfrTable } from '../../app/DsfrTable';
import type { FieldErrors } from './formErrors';
import { formatNumber, substanceName } from './labels';
import type { MrlValue } from './queries';
import { verdictClass } from './ResiduesTable';
import {
  approvedInEu,
  isRequested,
  newRowKey,
  type ResidueRow,
  resultsFieldId,
  type TriState,
  verdictLabel,
} from './resultsForm';

const COLUMNS = 9;

/** The result kinds in a few words, to keep the table narrow (the full labels elsewhere). */
const ResultKindShortLabels: Record<ResultKind, string> = {
  ND: 'Non détecté',
  NQ: '< LQ',
  Q: 'Quantifié',
};

interface ResidueRowsTableProps {
  analysis: Pick<Analysis, 'sample'>;
  rows: readonly ResidueRow[];
  /** The live verdict of each row (null while it cannot be computed). */
  verdicts: readonly (ResidueVerdict | null)[];
  /** The referential's MRLs of the sample's matrix, by substance. */
  referential: ReadonlyMap<string, MrlValue>;
  /** The referential was read: a substance without an MRL there takes the default one. */
  referentialLoaded: boolean;
  errors: FieldErrors;
  /** The rows whose « Informations complémentaires » are open. */
  expanded: ReadonlySet<string>;
  onChange: (index: number, patch: Partial<ResidueRow>) => void;
  onRemove: (index: number) => void;
  onToggle: (key: string) => void;
}

/**
 * The residues being entered: one row per substance (result, value, unit, LQ, MRL,
 * uncertainty), its verdict explained below it (announced politely as it changes), notes, and
 * the less frequent facts folded under « Informations complémentaires ». Every field is
 * labelled with its substance, and its message is linked to it.
 */
export function ResidueRowsTable({
  analysis,
  rows,
  verdicts,
  referential,
  referentialLoaded,
  errors,
  expanded,
  onChange,
  onRemove,
  onToggle,
}: ResidueRowsTableProps) {
  const fieldError = (path: string) => errors[path];

  /** A text cell of the table, with its hidden label and its message. */
  const cellInput = (
    index: number,
    field: 'value' | 'loq' | 'mrl' | 'uncertaintyPercent',
    label: string,
    options: { placeholder?: string; hint?: string } = {},
  ) => {
    const row = rows[index] as ResidueRow;
    const path = `residues.${index}.${field}`;
    const id = resultsFieldId(path);
    const error = fieldError(path);
    const describedBy = [error ? `${id}-error` : null, options.hint ? `${id}-hint` : null]
      .filter(Boolean)
      .join(' ');
    return (
      <div className={`fr-input-group fr-mb-0${error ? ' fr-input-group--error' : ''}`}>
        <label className="fr-label fr-sr-only" htmlFor={id}>
          {`${label} — ${substanceName(row.substanceCode)}`}
        </label>
        <input
          className={`fr-input${error ? ' fr-input--error' : ''}`}
          id={id}
          inputMode="decimal"
          autoComplete="off"
          placeholder={options.placeholder}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy || undefined}
          value={row[field]}
          onChange={(event) => onChange(index, { [field]: event.target.value })}
        />
        {options.hint && (
          <p className="fr-hint-text fr-mt-1v fr-mb-0" id={`${id}-hint`}>
            {options.hint}
          </p>
        )}
        {error && (
          <p className="fr-message fr-message--error" id={`${id}-error`}>
            {error}
          </p>
        )}
      </div>
    );
  };

  const cellSelect = (
    index: number,
    field: 'kind' | 'unit',
    label: string,
    options: { value: string; label: string }[],
  ) => {
    const row = rows[index] as ResidueRow;
    const path = `residues.${index}.${field}`;
    const id = resultsFieldId(path);
    const error = fieldError(path);
    return (
      <div className={`fr-select-group fr-mb-0${error ? ' fr-select-group--error' : ''}`}>
        <label className="fr-label fr-sr-only" htmlFor={id}>
          {`${label} — ${substanceName(row.substanceCode)}`}
        </label>
        <select
          className={`fr-select${error ? ' fr-select--error' : ''}`}
          id={id}
          aria-describedby={error ? `${id}-error` : undefined}
          value={row[field]}
          onChange={(event) =>
            onChange(
              index,
              field === 'kind'
                ? { kind: event.target.value as ResultKind }
                : { unit: event.target.value as ResidueRow['unit'] },
            )
          }
        >
          {options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
        {error && (
          <p className="fr-message fr-message--error" id={`${id}-error`}>
            {error}
          </p>
        )}
      </div>
    );
  };

  const triStateField = (
    index: number,
    field: 'arfdExceeded' | 'authorisedForUse',
    legend: string,
  ) => {
    const row = rows[index] as ResidueRow;
    const path = `residues.${index}.${field}`;
    const id = resultsFieldId(path);
    const error = fieldError(path);
    const choices: { value: TriState; label: string }[] = [
      { value: 'true', label: 'Oui' },
      { value: 'false', label: 'Non' },
      { value: '', label: 'Non renseigné' },
    ];
    return (
      <fieldset
        id={id}
        className={`fr-fieldset fr-fieldset--inline${error ? ' fr-fieldset--error' : ''}`}
        aria-labelledby={`${id}-legend`}
      >
        <legend className="fr-fieldset__legend fr-text--regular" id={`${id}-legend`}>
          {`${legend} — ${substanceName(row.substanceCode)}`}
        </legend>
        {choices.map((choice) => (
          <div key={choice.value} className="fr-fieldset__element fr-fieldset__element--inline">
            <div className="fr-radio-group fr-radio-group--sm">
              <input
                type="radio"
                id={`${id}-${choice.value || 'unknown'}`}
                name={`${id}-${row.key}`}
                checked={row[field] === choice.value}
                onChange={() => onChange(index, { [field]: choice.value })}
              />
              <label className="fr-label" htmlFor={`${id}-${choice.value || 'unknown'}`}>
                {choice.label}
              </label>
            </div>
          </div>
        ))}
        {error && (
          <div className="fr-messages-group">
            <p className="fr-message fr-message--error">{error}</p>
          </div>
        )}
      </fieldset>
    );
  };

  const textField = (
    index: number,
    field: 'notes' | 'contaminationSources',
    label: string,
    textArea = false,
  ) => {
    const row = rows[index] as ResidueRow;
    const path = `residues.${index}.${field}`;
    const error = fieldError(path);
    const common = {
      id: resultsFieldId(path),
      value: row[field],
      onChange: (event: { target: { value: string } }) =>
        onChange(index, { [field]: event.target.value }),
    };
    const labelText = `${label} — ${substanceName(row.substanceCode)}`;
    return textArea ? (
      <Input
        label={labelText}
        textArea
        state={error ? 'error' : 'default'}
        stateRelatedMessage={error}
        nativeTextAreaProps={{ ...common, rows: 2 }}
      />
    ) : (
      <Input
        label={labelText}
        state={error ? 'error' : 'default'}
        stateRelatedMessage={error}
        nativeInputProps={{ ...common, autoComplete: 'off' }}
      />
    );
  };

  const analytesField = (index: number) => {
    const row = rows[index] as ResidueRow;
    const setAnalytes = (analytes: ResidueRow['analytes']) => onChange(index, { analytes });
    const name = substanceName(row.substanceCode);
    return (
      <fieldset
        className="fr-fieldset"
        id={resultsFieldId(`residues.${index}.analytes`)}
        aria-labelledby={`${row.key}-analytes-legend`}
      >
        <legend className="fr-fieldset__legend fr-text--regular" id={`${row.key}-analytes-legend`}>
          {`Analytes — ${name}`}
          <span className="fr-hint-text">
            Pour un résidu défini comme une somme : la valeur de chaque analyte, dans l’unité du
            résidu.
          </span>
        </legend>
        {row.analytes.map((analyte, j) => {
          const labelPath = `residues.${index}.analytes.${j}.label`;
          const valuePath = `residues.${index}.analytes.${j}.value`;
          return (
            <div key={analyte.key} className="fr-fieldset__element">
              <div className="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
                <div className="fr-col-12 fr-col-md-6">
                  <Input
                    label={`Analyte ${j + 1} — nom`}
                    className="fr-mb-0"
                    state={errors[labelPath] ? 'error' : 'default'}
                    stateRelatedMessage={errors[labelPath]}
                    nativeInputProps={{
                      id: resultsFieldId(labelPath),
                      value: analyte.label,
                      autoComplete: 'off',
                      onChange: (event) =>
                        setAnalytes(
                          row.analytes.map((a, k) =>
                            k === j ? { ...a, label: event.target.value } : a,
                          ),
                        ),
                    }}
                  />
                </div>
                <div className="fr-col-8 fr-col-md-4">
                  <Input
                    label={`Analyte ${j + 1} — valeur (${row.unit})`}
                    className="fr-mb-0"
                    state={errors[valuePath] ? 'error' : 'default'}
                    stateRelatedMessage={errors[valuePath]}
                    nativeInputProps={{
                      id: resultsFieldId(valuePath),
                      value: analyte.value,
                      inputMode: 'decimal',
                      autoComplete: 'off',
                      onChange: (event) =>
                        setAnalytes(
                          row.analytes.map((a, k) =>
                            k === j ? { ...a, value: event.target.value } : a,
                          ),
                        ),
                    }}
                  />
                </div>
                <div className="fr-col-4 fr-col-md-2">
                  <Button
                    type="button"
                    priority="tertiary"
                    size="small"
                    iconId="fr-icon-delete-line"
                    onClick={() => setAnalytes(row.analytes.filter((_, k) => k !== j))}
                    nativeButtonProps={{ 'aria-label': `Retirer l’analyte ${j + 1} de ${name}` }}
                  >
                    Retirer
                  </Button>
                </div>
              </div>
            </div>
          );
        })}
        <div className="fr-fieldset__element">
          <Button
            type="button"
            priority="tertiary"
            size="small"
            iconId="fr-icon-add-line"
            disabled={row.analytes.length >= 20}
            onClick={() =>
              setAnalytes([...row.analytes, { key: newRowKey(), label: '', value: '' }])
            }
            nativeButtonProps={{ 'aria-label': `Ajouter un analyte à ${name}` }}
          >
            Ajouter un analyte
          </Button>
        </div>
      </fieldset>
    );
  };

  const rowHasError = (index: number) =>
    Object.keys(errors).some((path) => path.startsWith(`residues.${index}.`));

  const verdictText = (index: number): ReactNode => {
    const verdict = verdicts[index];
    const row = rows[index] as ResidueRow;
    if (verdict) return verdict.explanation;
    if (row.kind === 'Q' && row.value.trim() === '')
      return 'Verdict à venir : indiquez la valeur mesurée.';
    return 'Verdict à venir : corrigez les valeurs qui ne sont pas des nombres.';
  };

  return (
    <DsfrTable className="maestro-residues fr-table--multiline fr-mt-2w">
      <caption>Résidus saisis</caption>
      <thead>
        <tr>
          <th scope="col">Substance</th>
          <th scope="col">Résultat</th>
          <th scope="col">Valeur</th>
          <th scope="col">Unité</th>
          <th scope="col">LQ</th>
          <th scope="col">LMR (mg/kg)</th>
          <th scope="col">Incertitude (%)</th>
          <th scope="col">Verdict</th>
          <th scope="col">Action</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row, index) => {
          const verdict = verdicts[index] ?? null;
          const fromReferential = referential.get(row.substanceCode);
          const substanceError = fieldError(`residues.${index}.substanceCode`);
          const name = substanceName(row.substanceCode);
          const open = expanded.has(row.key);
          const approved = approvedInEu(row.substanceCode);
          return (
            <Fragment key={row.key}>
              <tr className="maestro-residue-row" data-testid={`residue-row-${index}`}>
                <th
                  scope="row"
                  id={resultsFieldId(`residues.${index}.substanceCode`)}
                  tabIndex={-1}
                >
                  {name}
                  <span className="fr-hint-text">
                    {row.substanceCode}
                    {isRequested(analysis, row.substanceCode) ? ' · recherchée' : ''}
                  </span>
                  {substanceError && (
                    <p className="fr-message fr-message--error">{substanceError}</p>
                  )}
                </th>
                <td>
                  {cellSelect(
                    index,
                    'kind',
                    'Résultat',
                    ResultKindList.map((kind) => ({
                      value: kind,
                      label: ResultKindShortLabels[kind],
                    })),
                  )}
                </td>
                <td>
                  {row.kind === 'Q' ? (
                    cellInput(index, 'value', `Valeur (${row.unit})`)
                  ) : (
                    <span>
                      <span aria-hidden="true">—</span>
                      <span className="fr-sr-only">Sans objet</span>
                    </span>
                  )}
                </td>
                <td>
                  {cellSelect(
                    index,
                    'unit',
                    'Unité',
                    ConcentrationUnitList.map((unit) => ({ value: unit, label: unit })),
                  )}
                </td>
                <td>{cellInput(index, 'loq', `LQ (${row.unit})`)}</td>
                <td>
                  {cellInput(index, 'mrl', 'LMR (mg/kg)', {
                    placeholder: fromReferential ? formatNumber(fromReferential.value) : undefined,
                    hint: fromReferential
                      ? `Référentiel : ${formatNumber(fromReferential.value)}`
                      : referentialLoaded
                        ? 'Aucune LMR au référentiel : 0,01 par défaut'
                        : undefined,
                  })}
                </td>
                <td>
                  {cellInput(index, 'uncertaintyPercent', 'Incertitude élargie (%)', {
                    placeholder: '50',
                  })}
                </td>
                <td className={verdict ? verdictClass(verdict) : undefined}>
                  {verdict ? verdictLabel(verdict) : 'À compléter'}
                </td>
                <td>
                  <Button
                    type="button"
                    priority="tertiary no outline"
                    size="small"
                    iconId="fr-icon-delete-line"
                    title={`Retirer ${name}`}
                    onClick={() => onRemove(index)}
                  />
                </td>
              </tr>
              <tr
                className={`maestro-residue-detail${rowHasError(index) ? ' maestro-residue-detail--error' : ''}`}
              >
                <td colSpan={COLUMNS}>
                  <p
                    className="fr-text--sm fr-mb-1w"
                    aria-live="polite"
                    data-testid={`residue-verdict-${index}`}
                  >
                    {verdictText(index)}
                  </p>
                  {textField(index, 'notes', 'Notes')}
                  <Button
                    type="button"
                    priority="tertiary no outline"
                    size="small"
                    iconId={open ? 'fr-icon-arrow-up-s-line' : 'fr-icon-arrow-down-s-line'}
                    iconPosition="right"
                    onClick={() => onToggle(row.key)}
                    nativeButtonProps={{
                      'aria-expanded': open,
                      'aria-controls': `${row.key}-advanced`,
                    }}
                  >
                    {`Informations complémentaires — ${name}`}
                  </Button>
                  {open && (
                    <div id={`${row.key}-advanced`} className="fr-mt-2w">
                      {approved !== null && (
                        <p className="fr-text--sm">
                          {approved
                            ? 'Substance approuvée dans l’UE (référentiel).'
                            : 'Substance non approuvée dans l’UE (référentiel).'}
                        </p>
                      )}
                      {triStateField(
                        index,
                        'arfdExceeded',
                        'Dose de référence aiguë (ARfD) dépassée ?',
                      )}
                      {triStateField(index, 'authorisedForUse', 'Autorisée pour cet usage ?')}
                      {textField(
                        index,
                        'contaminationSources',
                        'Sources de contamination possibles',
                        true,
                      )}
                      {analytesField(index)}
                    </div>
                  )}
                </td>
              </tr>
            </Fragment>
          );
        })}
      </tbody>
    </DsfrTable>
  );
}
