import { Button } from '@codegouvfr/react-dsfr/Button';
import { copyReference } from '@maestro/shared/domain';
import {
  CultureKindLabels,
  PartSampledLabels,
  QuantityUnitLabels,
} from '@maestro/shared/referential';
import type { SampleContent, SampleStep } from '@maestro/shared/schema';
import type { ReactNode } from 'react';
import { useLaboratories } from '../../app/laboratories';
import { RecapRow } from './SampleFormFields';
import {
  companyAddress,
  contextLabel,
  copyName,
  departmentLabel,
  formatAccuracy,
  formatCoordinates,
  formatDateTime,
  formatDecimal,
  formatSiret,
  isProgrammed,
  legalContextLabel,
  matrixKindLabel,
  matrixLabel,
  recipientLabel,
  SampleFieldLabels,
  stageLabel,
  yesNo,
} from './sampleForm';
import { SubstanceSummary } from './steps/MatrixStep';

interface SampleRecapProps {
  content: SampleContent;
  /** The plan's name, if known. */
  planName?: string | null;
  /** The sample's reference once the server gave it (copies are then named after it). */
  reference?: string | null;
  samplerName?: string | null;
  /** Opens a step to change it; absent for a read-only record. */
  onEdit?: (step: SampleStep) => void;
  /** The level of the section titles. */
  headingLevel?: 3 | 4;
}

function Section({
  title,
  step,
  onEdit,
  headingLevel,
  children,
}: {
  title: string;
  step: SampleStep;
  onEdit?: (step: SampleStep) => void;
  headingLevel: 3 | 4;
  children: ReactNode;
}) {
  const Heading = headingLevel === 3 ? 'h3' : 'h4';
  const id = `recap-${step}`;
  return (
    <section className="maestro-recap fr-mb-4w" aria-labelledby={id}>
      <div className="maestro-recap__header">
        <Heading className="fr-h5 fr-mb-0" id={id}>
          {title}
        </Heading>
        {onEdit && (
          <Button
            priority="tertiary"
            size="small"
            iconId="fr-icon-edit-line"
            iconPosition="left"
            onClick={() => onEdit(step)}
            nativeButtonProps={{ 'aria-label': `Modifier — ${title}` }}
          >
            Modifier
          </Button>
        )}
      </div>
      <dl className="maestro-recap__list">{children}</dl>
    </section>
  );
}

/** A record, read-only, by section (with « Modifier » links while it is a draft). */
export function SampleRecap({
  content,
  planName,
  reference,
  samplerName,
  onEdit,
  headingLevel = 3,
}: SampleRecapProps) {
  const laboratories = useLaboratories();
  const lab = laboratories.data?.find((l) => l.id === content.laboratoryId);
  const programmed = isProgrammed(content);
  const common = { onEdit, headingLevel };
  const point = content.geolocation;

  return (
    <>
      <Section title="Contexte du prélèvement" step="Context" {...common}>
        <RecapRow label={SampleFieldLabels.context}>{contextLabel(content)}</RecapRow>
        {programmed ? (
          <RecapRow label={SampleFieldLabels.programmingPlanId}>
            {planName ?? (content.programmingPlanId ? 'Plan choisi' : '')}
          </RecapRow>
        ) : (
          <RecapRow label={SampleFieldLabels.outOfProgrammeReason}>
            {content.outOfProgrammeReason}
          </RecapRow>
        )}
        <RecapRow label={SampleFieldLabels.legalContext}>{legalContextLabel(content)}</RecapRow>
        <RecapRow label={SampleFieldLabels.company}>
          {content.company && (
            <>
              {content.company.name}
              {content.company.siret && <> · SIRET {formatSiret(content.company.siret)}</>}
              {content.company.nafCode && <> · NAF {content.company.nafCode}</>}
              {companyAddress(content.company) && (
                <>
                  <br />
                  {companyAddress(content.company)}
                </>
              )}
            </>
          )}
        </RecapRow>
        <RecapRow label={SampleFieldLabels.parcel}>{content.parcel}</RecapRow>
        <RecapRow label={SampleFieldLabels.geolocation}>
          {point &&
            `${formatCoordinates(point)}${point.accuracy !== null ? ` (${formatAccuracy(point.accuracy)})` : ''} — ${point.source === 'Device' ? 'position de l’appareil' : 'saisie à la main'}`}
        </RecapRow>
        <RecapRow label={SampleFieldLabels.departmentCode}>
          {departmentLabel(content.departmentCode)}
        </RecapRow>
        {samplerName && <RecapRow label="Préleveur">{samplerName}</RecapRow>}
        <RecapRow label={SampleFieldLabels.secondSamplerName}>{content.secondSamplerName}</RecapRow>
        <RecapRow label={SampleFieldLabels.inspectionId}>{content.inspectionId}</RecapRow>
        <RecapRow label={SampleFieldLabels.contextNotes}>{content.contextNotes}</RecapRow>
      </Section>

      <Section title="Matrice" step="Matrix" {...common}>
        <RecapRow label={SampleFieldLabels.matrixKindCode}>
          {matrixKindLabel(content.matrixKindCode)}
        </RecapRow>
        <RecapRow label={SampleFieldLabels.matrixCode}>{matrixLabel(content)}</RecapRow>
        <RecapRow label={SampleFieldLabels.stage}>{stageLabel(content)}</RecapRow>
        <RecapRow label={SampleFieldLabels.partSampled}>
          {content.partSampled ? PartSampledLabels[content.partSampled] : ''}
        </RecapRow>
        <RecapRow label={SampleFieldLabels.cultureKind}>
          {content.cultureKind ? CultureKindLabels[content.cultureKind] : ''}
        </RecapRow>
        <RecapRow label={SampleFieldLabels.matrixNotes}>{content.matrixNotes}</RecapRow>
        <RecapRow label={SampleFieldLabels.substances}>
          {content.substances.length > 0 && <SubstanceSummary substances={content.substances} />}
        </RecapRow>
      </Section>

      <Section title="Échantillons" step="Items" {...common}>
        <RecapRow label={SampleFieldLabels.sampledAt}>{formatDateTime(content.sampledAt)}</RecapRow>
        <RecapRow label={SampleFieldLabels.laboratoryId}>
          {lab
            ? `${lab.shortName} — ${lab.name}`
            : content.laboratoryId
              ? 'Laboratoire choisi'
              : ''}
        </RecapRow>
        <RecapRow label={SampleFieldLabels.items}>
          {content.items.length > 0 && (
            <ul className="fr-text--sm maestro-recap__copies">
              {content.items.flatMap((item) =>
                item.copies.map((copy) => (
                  <li key={`${item.itemNumber}-${copy.copyNumber}`}>
                    <span className="fr-text--bold">
                      {reference
                        ? copyReference(reference, item.itemNumber, copy.copyNumber)
                        : copyName(item.itemNumber, copy.copyNumber)}
                    </span>{' '}
                    — {copy.quantity !== null ? formatDecimal(copy.quantity) : '?'}{' '}
                    {copy.unit ? QuantityUnitLabels[copy.unit] : ''} · scellé{' '}
                    {copy.sealNumber ?? 'non renseigné'} · 2002/63/CE :{' '}
                    {yesNo(copy.compliant200263) || 'non renseigné'} ·{' '}
                    {recipientLabel(copy) || 'destinataire non renseigné'}
                  </li>
                )),
              )}
            </ul>
          )}
        </RecapRow>
      </Section>
    </>
  );
}

/** The owner's part of the record, read-only. */
export function OwnerRecap({ content }: { content: SampleContent }) {
  return (
    <dl className="maestro-recap__list">
      <RecapRow label={SampleFieldLabels.ownerConsent}>{yesNo(content.ownerConsent)}</RecapRow>
      <RecapRow label={SampleFieldLabels.ownerStatement}>{content.ownerStatement}</RecapRow>
      <RecapRow label={SampleFieldLabels.ownerName}>{content.ownerName}</RecapRow>
      <RecapRow label={SampleFieldLabels.ownerEmail}>{content.ownerEmail}</RecapRow>
    </dl>
  );
}
