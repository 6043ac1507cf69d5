import { Badge } from '@codegouvfr/react-dsfr/Badge';

interface ComplianceBadgeProps {
  /** The verdict that stands; nothing is shown before it is known. */
  compliant: boolean | null;
  small?: boolean;
  /** The reviewer set this verdict against the computed one. */
  overridden?: boolean;
  className?: string;
  as?: 'p' | 'span';
}

/** « Conforme » (green) or « Non conforme » (red): a non-compliant result is flagged everywhere. */
export function ComplianceBadge({
  compliant,
  small,
  overridden,
  className,
  as,
}: ComplianceBadgeProps) {
  if (compliant === null) return null;
  const suffix = overridden ? ' (verdict corrigé)' : '';
  return compliant ? (
    <Badge
      small={small}
      severity="success"
      as={as}
      className={className}
      data-testid="compliance-badge"
    >
      {`Conforme${suffix}`}
    </Badge>
  ) : (
    <Badge
      small={small}
      severity="error"
      as={as}
      className={className}
      data-testid="compliance-badge"
    >
      {`Non conforme${suffix}`}
    </Badge>
  );
}
