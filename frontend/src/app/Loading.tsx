/** A polite waiting message (announced by screen readers). */
export function Loading({ label = 'Chargement…' }: { label?: string }) {
  return (
    <p className="maestro-loading fr-my-4w" role="status">
      {label}
    </p>
  );
}
