import type { BadgeProps } from '@codegouvfr/react-dsfr/Badge';
import type { SampleStatus } from '@maestro/shared/schema';

/** The badge of each state of a sample in the lists (as on the sample's own page). */
export const SampleStatusSeverity: Record<SampleStatus, BadgeProps['severity']> = {
  Draft: 'new',
  Submitted: 'warning',
  Sent: 'info',
  NotAdmissible: 'error',
  Analysis: 'info',
  InReview: 'warning',
  Completed: 'success',
};

/**
 * The colour of each state on the map (DSFR palette, each at least 3:1 against the light
 * background of the map). The colour is never the only cue: the legend names every state and
 * the list of places gives each one in words.
 */
export const SampleStatusColours: Record<SampleStatus, string> = {
  Draft: '#666666',
  Submitted: '#716043',
  Sent: '#0063cb',
  NotAdmissible: '#ce0500',
  Analysis: '#6e445a',
  InReview: '#b34000',
  Completed: '#18753c',
};

const dateTime = new Intl.DateTimeFormat('fr-FR', {
  dateStyle: 'short',
  timeStyle: 'short',
  timeZone: 'Europe/Paris',
});
const dateOnly = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'short', timeZone: 'Europe/Paris' });

/** « 10/03/2026 10:00 » in Paris time. */
export const formatSampleDateTime = (value: string): string => dateTime.format(new Date(value));
/** « 10/03/2026 » in Paris time. */
export const formatSampleDate = (value: string): string => dateOnly.format(new Date(value));
