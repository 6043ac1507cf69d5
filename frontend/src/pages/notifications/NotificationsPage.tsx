import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Pagination } from '@codegouvfr/react-dsfr/Pagination';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { type Notification, NotificationKindLabels } from '@maestro/shared/schema';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../../api/client';
import { Loading } from '../../app/Loading';
import { usePageTitle } from '../../app/pageTitle';
import { notificationsKey, notificationsQuery } from './queries';
import './notifications.css';

export const NOTIFICATIONS_PER_PAGE = 20;

const dateTime = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'short' });

/** Only a path of this application is followed as a notification's link. */
const inAppLink = (link: string | null): string | null =>
  link?.startsWith('/') && !link.startsWith('//') ? link : null;

/** The notification centre: what happened that concerns the user, newest first. */
export default function NotificationsPage() {
  const heading = usePageTitle('Notifications');
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const unreadOnly = params.get('filtre') === 'non-lues';
  const pageParam = Number(params.get('page'));
  const page = Number.isInteger(pageParam) && pageParam > 0 ? pageParam : 1;
  const notifications = useQuery(
    notificationsQuery({ unreadOnly, page, perPage: NOTIFICATIONS_PER_PAGE }),
  );
  const statusRef = useRef<HTMLParagraphElement>(null);
  const list = useRef<HTMLUListElement>(null);

  const refresh = () => queryClient.invalidateQueries({ queryKey: notificationsKey });

  const markRead = useMutation({
    mutationFn: (notification: Notification) =>
      api.markNotificationRead({ params: { notificationId: notification.id } }),
    onSuccess: async (notification) => {
      await refresh();
      const item = list.current?.querySelector<HTMLElement>(
        `[data-notification="${notification.id}"] .maestro-notification__title`,
      );
      (item ?? statusRef.current)?.focus();
    },
  });

  const markAll = useMutation({
    mutationFn: () => api.markAllNotificationsRead(),
    onSuccess: async () => {
      await refresh();
      statusRef.current?.focus();
    },
  });

  /** Following a notification marks it as read (in the background). */
  const follow = (notification: Notification) => {
    if (notification.readAt !== null) return;
    void api
      .markNotificationRead({ params: { notificationId: notification.id } })
      .then(refresh)
      .catch(() => {});
  };

  const setFilter = (value: string) => {
    const next = new URLSearchParams();
    if (value) next.set('filtre', value);
    setParams(next);
  };
  const pageLink = (target: number) => {
    const next = new URLSearchParams(params);
    if (target === 1) next.delete('page');
    else next.set('page', String(target));
    const query = next.toString();
    return { to: query ? `?${query}` : '?' };
  };

  const data = notifications.data;
  const pageCount = data ? Math.max(1, Math.ceil(data.total / NOTIFICATIONS_PER_PAGE)) : 1;
  const error = markRead.error ?? markAll.error;

  return (
    <div className="fr-container fr-my-6w">
      <div className="fr-grid-row fr-grid-row--middle fr-grid-row--gutters fr-mb-2w">
        <div className="fr-col">
          <h1 ref={heading} tabIndex={-1} className="fr-mb-0">
            Notifications
          </h1>
        </div>
        <div className="fr-col-auto">
          <Button
            priority="secondary"
            iconId="fr-icon-check-line"
            disabled={!data || data.unread === 0 || markAll.isPending}
            onClick={() => markAll.mutate()}
          >
            Tout marquer comme lu
          </Button>
        </div>
      </div>

      <Select
        className="fr-mb-3w maestro-notifications-filter"
        label="Afficher"
        nativeSelectProps={{
          id: 'notifications-filter',
          value: unreadOnly ? 'non-lues' : '',
          onChange: (event) => setFilter(event.target.value),
        }}
      >
        <option value="">Toutes les notifications</option>
        <option value="non-lues">Les notifications non lues</option>
      </Select>

      {error && (
        <Alert
          className="fr-mb-3w"
          severity="error"
          role="alert"
          small
          description={error.message}
        />
      )}

      {data === undefined && notifications.isPending ? (
        <Loading label="Chargement des notifications…" />
      ) : data === undefined ? (
        <Alert
          severity="error"
          title="Les notifications n’ont pas pu être chargées"
          description={
            <>
              <p>{notifications.error?.message}</p>
              <Button
                className="fr-mt-2w"
                priority="secondary"
                onClick={() => void notifications.refetch()}
              >
                Réessayer
              </Button>
            </>
          }
        />
      ) : (
        <>
          <p
            ref={statusRef}
            tabIndex={-1}
            role="status"
            className="maestro-focus-status"
            data-testid="notifications-count"
          >
            {data.total === 0
              ? unreadOnly
                ? 'Aucune notification non lue.'
                : 'Aucune notification pour l’instant. Vous serez notifié ici des étapes de la programmation qui vous concernent.'
              : data.unread === 0
                ? `${data.total} notification${data.total > 1 ? 's' : ''}, toutes lues.`
                : `${data.unread} non lue${data.unread > 1 ? 's' : ''} sur ${data.total} notification${data.total > 1 ? 's' : ''}.`}
          </p>
          {data.items.length > 0 && (
            <ul
              ref={list}
              className="fr-raw-list maestro-notifications"
              aria-label="Notifications"
              aria-busy={notifications.isFetching}
            >
              {data.items.map((notification) => {
                const unread = notification.readAt === null;
                const link = inAppLink(notification.link);
                return (
                  <li
                    key={notification.id}
                    data-notification={notification.id}
                    data-testid="notification"
                    className={`maestro-notification${unread ? ' maestro-notification--unread' : ''}`}
                  >
                    <p className="fr-mb-1v maestro-notification__meta">
                      {unread && (
                        <Badge small severity="new" noIcon className="fr-mr-1w">
                          Non lue
                        </Badge>
                      )}
                      <span className="fr-text--sm">
                        {NotificationKindLabels[notification.kind]} ·{' '}
                        <time dateTime={notification.createdAt.toISOString()}>
                          {dateTime.format(notification.createdAt)}
                        </time>
                      </span>
                    </p>
                    <p className="fr-mb-1w">
                      {link ? (
                        <Link
                          className="fr-link maestro-notification__title"
                          to={link}
                          onClick={() => follow(notification)}
                        >
                          {notification.title}
                        </Link>
                      ) : (
                        <span className="maestro-notification__title" tabIndex={-1}>
                          {notification.title}
                        </span>
                      )}
                    </p>
                    <p className="fr-text--sm fr-mb-1w">{notification.body}</p>
                    {unread && (
                      <Button
                        size="small"
                        priority="tertiary"
                        iconId="fr-icon-check-line"
                        disabled={markRead.isPending}
                        onClick={() => markRead.mutate(notification)}
                        title={`Marquer comme lu : ${notification.title}`}
                      >
                        Marquer comme lu
                      </Button>
                    )}
                  </li>
                );
              })}
            </ul>
          )}
          {pageCount > 1 && (
            <Pagination
              className="fr-mt-3w"
              count={pageCount}
              defaultPage={Math.min(page, pageCount)}
              getPageLinkProps={pageLink}
            />
          )}
        </>
      )}
    </div>
  );
}
