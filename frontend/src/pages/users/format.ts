const dateTime = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'short' });
const date = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'short' });

export const formatDateTime = (value: Date): string => dateTime.format(value);
export const formatDate = (value: Date): string => date.format(value);

/** « 1 utilisateur », « 12 utilisateurs » */
export const countOf = (count: number, singular: string, plural: string): string =>
  `${count.toLocaleString('fr-FR')} ${count > 1 ? plural : singular}`;
