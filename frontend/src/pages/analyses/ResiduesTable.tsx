import { type Residue, ResultKindLabels } from '@maestro/shared/schema';
import { Fragment } from 'react';
import { DsfrTable } from '../../app/DsfrTable';
import { formatNumber, substanceName } from './labels';
import { verdictLabel } from './resultsForm';

const COLUMNS = 9;

const yesNo = (value: boolean | null): string | null =>
  value === null ? null : value ? 'oui' : 'non';

/** The class of a verdict's words: red when non-compliant, orange for a warning. */
export const verdictClass = (verdict: { compliant: boolean; warning: boolean }): string =>
  !verdict.compliant
    ? 'maestro-verdict--non-compliant'
    : verdict.warning
      ? 'maestro-verdict--warning'
      : 'maestro-verdict--compliant';

/** What else the laboratory said of a residue (notes, ARfD, authorisation, analytes…). */
function residueFacts(residue: Residue): string[] {
  const facts: string[] = [];
  const arfd = yesNo(residue.arfdExceeded);
  if (arfd) facts.push(`Dose de référence aiguë (ARfD) dépassée : ${arfd}`);
  const approved = yesNo(residue.approvedInEu);
  if (approved) facts.push(`Substance approuvée dans l’UE : ${approved}`);
  const authorised = yesNo(residue.authorisedForUse);
  if (authorised) facts.push(`Autorisée pour cet usage : ${authorised}`);
  if (residue.contaminationSources)
    facts.push(`Sources de contamination possibles : ${residue.contaminationSources}`);
  if (residue.analytes.length > 0)
    facts.push(
      `Analytes : ${residue.analytes
        .map(
          (analyte) =>
            `${analyte.label} ${analyte.value === null ? '—' : `${formatNumber(analyte.value)} ${residue.unit}`}`,
        )
        .join(' ; ')}`,
    );
  if (residue.notes) facts.push(`Notes : ${residue.notes}`);
  return facts;
}

/**
 * The residues of saved results with their verdict explained: the value, the uncertainty used,
 * value − U, the MRL and its source, the margin, and the rule in words.
 */
export function ResiduesTable({
  residues,
  caption,
  testId,
}: {
  residues: readonly Residue[];
  caption: string;
  testId?: string;
}) {
  if (residues.length === 0) return <p className="fr-text--sm">Aucun résidu saisi.</p>;
  return (
    <div data-testid={testId}>
      <DsfrTable className="maestro-residues fr-table--multiline">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Substance</th>
            <th scope="col">Résultat</th>
            <th scope="col">Valeur mesurée</th>
            <th scope="col">LQ</th>
            <th scope="col">Incertitude</th>
            <th scope="col">Valeur − U (mg/kg)</th>
            <th scope="col">LMR appliquée (mg/kg)</th>
            <th scope="col">Marge (mg/kg)</th>
            <th scope="col">Verdict</th>
          </tr>
        </thead>
        <tbody>
          {residues.map((residue) => {
            const { verdict } = residue;
            const facts = residueFacts(residue);
            return (
              <Fragment key={residue.residueNumber}>
                <tr data-testid={`residue-${residue.substanceCode}`}>
                  <th scope="row">
                    {substanceName(residue.substanceCode)}
                    <span className="fr-hint-text">{residue.substanceCode}</span>
                  </th>
                  <td>{ResultKindLabels[residue.kind]}</td>
                  <td>
                    {residue.value === null
                      ? '—'
                      : `${formatNumber(residue.value)} ${residue.unit}`}
                  </td>
                  <td>
                    {residue.loq === null ? '—' : `${formatNumber(residue.loq)} ${residue.unit}`}
                  </td>
                  <td>{`${formatNumber(verdict.uncertaintyPercent)} %`}</td>
                  <td>
                    {verdict.lowerBoundMgKg === null ? '—' : formatNumber(verdict.lowerBoundMgKg)}
                  </td>
                  <td>
                    {formatNumber(verdict.mrl)}
                    <span className="fr-hint-text">{verdict.mrlSource}</span>
                  </td>
                  <td>
                    {verdict.marginMgKg === null
                      ? '—'
                      : `${verdict.marginMgKg > 0 ? '+' : ''}${formatNumber(verdict.marginMgKg)}`}
                  </td>
                  <td className={verdictClass(verdict)}>{verdictLabel(verdict)}</td>
                </tr>
                <tr className="maestro-residue-detail">
                  <td colSpan={COLUMNS}>
                    <p className="fr-text--sm fr-mb-0">{verdict.explanation}</p>
                    {facts.length > 0 && (
                      <ul className="fr-text--sm fr-mb-0 fr-mt-1w">
                        {facts.map((fact) => (
                          <li key={fact}>{fact}</li>
                        ))}
                      </ul>
                    )}
                  </td>
                </tr>
              </Fragment>
            );
          })}
        </tbody>
      </DsfrTable>
    </div>
  );
}
