import { Button } from '@codegouvfr/react-dsfr/Button';
import {
  type AnalysisMethod,
  AnalysisMethodLabels,
  AnalysisMethodList,
  SubstanceList,
  Substances,
} from '@maestro/shared/referential';
import type { PrescriptionSubstance } from '@maestro/shared/schema';
import { useDeferredValue, useId, useMemo, useState } from 'react';
import { countOf } from './labels';

interface SubstancePickerProps {
  id: string;
  value: readonly PrescriptionSubstance[];
  onChange: (value: PrescriptionSubstance[]) => void;
  error?: string;
}

/** Lowercase, without accents: « Éthéphon » matches « ethephon ». */
const normalize = (text: string) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();

const searchable = SubstanceList.map((substance) => ({
  substance,
  text: normalize(`${substance.label} ${substance.code}`),
}));

export const substanceLabel = (code: string): string => Substances[code]?.label ?? code;

/**
 * The substances of a prescription: a text filter over the referential, a checkbox per
 * substance, and the chosen ones with their method (mono-residue or multi-residue screen).
 */
export function SubstancePicker({ id, value, onChange, error }: SubstancePickerProps) {
  const uid = useId();
  const [filter, setFilter] = useState('');
  const [method, setMethod] = useState<AnalysisMethod | ''>('');
  const deferredFilter = useDeferredValue(filter);
  const chosen = useMemo(() => new Set(value.map((s) => s.substanceCode)), [value]);
  const shown = useMemo(() => {
    const words = normalize(deferredFilter).split(/\s+/).filter(Boolean);
    return searchable
      .filter(
        ({ substance, text }) =>
          (method === '' || substance.method === method) && words.every((w) => text.includes(w)),
      )
      .map(({ substance }) => substance);
  }, [deferredFilter, method]);

  const toggle = (code: string, checked: boolean) => {
    if (checked) {
      const substance = Substances[code];
      if (!substance || chosen.has(code)) return;
      onChange([...value, { substanceCode: code, method: substance.method }]);
    } else onChange(value.filter((s) => s.substanceCode !== code));
  };

  const setSubstanceMethod = (code: string, next: AnalysisMethod) =>
    onChange(value.map((s) => (s.substanceCode === code ? { ...s, method: next } : s)));

  const errorId = `${uid}-error`;
  const listId = `${uid}-list`;

  return (
    <fieldset
      id={id}
      className={`fr-fieldset${error ? ' fr-fieldset--error' : ''}`}
      aria-labelledby={`${uid}-legend`}
      aria-describedby={error ? errorId : undefined}
    >
      <legend className="fr-fieldset__legend" id={`${uid}-legend`}>
        Substances recherchées (facultatif)
        <span className="fr-hint-text">
          Cochez les substances à rechercher ; la méthode proposée est celle du référentiel
          (mono-résidu ou multi-résidus), modifiable ensuite.
        </span>
      </legend>

      <div className="fr-fieldset__element">
        <div className="fr-grid-row fr-grid-row--gutters maestro-filters">
          <div className="fr-col-12 fr-col-md-8">
            <div className="fr-input-group fr-mb-0">
              <label className="fr-label" htmlFor={`${uid}-filter`}>
                Filtrer les substances
                <span className="fr-hint-text">Nom ou code, par exemple « glyphosate »</span>
              </label>
              <input
                className="fr-input"
                id={`${uid}-filter`}
                type="search"
                autoComplete="off"
                aria-controls={listId}
                value={filter}
                onChange={(event) => setFilter(event.target.value)}
              />
            </div>
          </div>
          <div className="fr-col-12 fr-col-md-4">
            <div className="fr-select-group fr-mb-0">
              <label className="fr-label" htmlFor={`${uid}-method`}>
                Méthode
              </label>
              <select
                className="fr-select"
                id={`${uid}-method`}
                aria-controls={listId}
                value={method}
                onChange={(event) => setMethod(event.target.value as AnalysisMethod | '')}
              >
                <option value="">Toutes</option>
                {AnalysisMethodList.map((m) => (
                  <option key={m} value={m}>
                    {AnalysisMethodLabels[m]}
                  </option>
                ))}
              </select>
            </div>
          </div>
        </div>
        <p className="fr-text--sm fr-mt-1w fr-mb-1w" role="status">
          {shown.length === 0
            ? 'Aucune substance ne correspond à ce filtre.'
            : `${countOf(shown.length, 'substance affichée', 'substances affichées')} sur ${SubstanceList.length}.`}
        </p>
        <ul
          id={listId}
          className="fr-raw-list maestro-substance-list"
          aria-label="Substances du référentiel"
          data-testid="substance-list"
        >
          {shown.map((substance) => {
            const inputId = `${uid}-${substance.code}`;
            return (
              <li key={substance.code}>
                <div className="fr-checkbox-group fr-checkbox-group--sm">
                  <input
                    type="checkbox"
                    id={inputId}
                    checked={chosen.has(substance.code)}
                    onChange={(event) => toggle(substance.code, event.target.checked)}
                  />
                  <label className="fr-label" htmlFor={inputId}>
                    {substance.label}
                    <span className="fr-hint-text">
                      {substance.code} · {AnalysisMethodLabels[substance.method]}
                    </span>
                  </label>
                </div>
              </li>
            );
          })}
        </ul>
      </div>

      <div className="fr-fieldset__element">
        <h4 className="fr-h6 fr-mb-1w" id={`${uid}-chosen`}>
          Substances retenues ({value.length})
        </h4>
        {value.length === 0 ? (
          <p className="fr-text--sm">Aucune substance retenue.</p>
        ) : (
          <ul className="fr-raw-list maestro-chosen-substances" aria-labelledby={`${uid}-chosen`}>
            {value.map((s) => {
              const label = substanceLabel(s.substanceCode);
              return (
                <li key={s.substanceCode} data-testid={`chosen-${s.substanceCode}`}>
                  <span className="maestro-chosen-substances__name">{label}</span>
                  <select
                    className="fr-select maestro-chosen-substances__method"
                    aria-label={`Méthode — ${label}`}
                    value={s.method}
                    onChange={(event) =>
                      setSubstanceMethod(s.substanceCode, event.target.value as AnalysisMethod)
                    }
                  >
                    {AnalysisMethodList.map((m) => (
                      <option key={m} value={m}>
                        {AnalysisMethodLabels[m]}
                      </option>
                    ))}
                  </select>
                  <Button
                    priority="tertiary no outline"
                    size="small"
                    iconId="fr-icon-close-line"
                    title={`Retirer ${label}`}
                    onClick={() => toggle(s.substanceCode, false)}
                  />
                </li>
              );
            })}
          </ul>
        )}
      </div>
      {error && (
        <div className="fr-messages-group" id={errorId} aria-live="polite">
          <p className="fr-message fr-message--error">{error}</p>
        </div>
      )}
    </fieldset>
  );
}
