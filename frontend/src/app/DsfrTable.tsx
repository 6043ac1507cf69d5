import type { ReactNode } from 'react';

interface DsfrTableProps {
  /** Extra classes of the frame (spacing). */
  className?: string;
  /** While the rows are being refreshed (announced to screen readers). */
  busy?: boolean;
  /** The caption, head and body of the table. */
  children: ReactNode;
}

/** A DSFR table and its scrolling frame; the caption stays in the table for screen readers. */
export function DsfrTable({ className, busy, children }: DsfrTableProps) {
  return (
    <div
      className={['fr-table', 'fr-table--no-caption', className].filter(Boolean).join(' ')}
      aria-busy={busy}
    >
      <div className="fr-table__wrapper">
        <div className="fr-table__container">
          <div className="fr-table__content">
            <table>{children}</table>
          </div>
        </div>
      </div>
    </div>
  );
}
