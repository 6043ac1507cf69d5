import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { canComment } from '@maestro/shared/domain';
import { RegionList } from '@maestro/shared/referential';
import {
  type AuthUser,
  CommentToCreate,
  type Prescription,
  type ProgrammingPlan,
  Role,
  RoleLabels,
} from '@maestro/shared/schema';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { Link } from 'react-router';
import { ApiClientError, api } from '../../api/client';
import { Loading } from '../../app/Loading';
import { countOf, formatDateTime, regionLabel } from './labels';
import { commentsQuery, prescriptionsKey } from './queries';

export interface ThreadRef {
  prescriptionId: string;
  regionCode: string;
}

interface CommentsSectionProps {
  plan: ProgrammingPlan;
  prescriptions: readonly Prescription[];
  labels: ReadonlyMap<string, string>;
  user: AuthUser;
  /** The thread open now (from the address), if any. */
  thread: ThreadRef | null;
  /** The address (search part) that opens a thread. */
  threadSearch: (thread: ThreadRef) => string;
  onCloseThread: () => void;
}

/** The number of comments of a regional line, as the API counted them. */
export const commentCount = (prescription: Prescription, regionCode: string): number =>
  prescription.commentCounts.find((c) => c.regionCode === regionCode)?.count ?? 0;

/** The link that opens a line's thread, with its count of comments. */
export function ThreadLink({
  prescription,
  regionCode,
  label,
  to,
}: {
  prescription: Prescription;
  regionCode: string;
  label: string;
  to: string;
}) {
  const count = commentCount(prescription, regionCode);
  return (
    <Link
      className="fr-btn fr-btn--sm fr-btn--tertiary fr-icon-chat-3-line fr-btn--icon-left"
      to={to}
      title={`Commentaires de « ${label} », ${regionLabel(regionCode)} (${countOf(count, 'commentaire', 'commentaires')})`}
      data-testid={`thread-link-${prescription.id}-${regionCode}`}
    >
      {count === 0 ? 'Commenter' : countOf(count, 'commentaire', 'commentaires')}
    </Link>
  );
}

/**
 * The comment threads of the plan: one per regional line, between the region and the national
 * level. The national coordinator answers any region; a regional coordinator their own region.
 */
export function CommentsSection({
  plan,
  prescriptions,
  labels,
  user,
  thread,
  threadSearch,
  onCloseThread,
}: CommentsSectionProps) {
  const national = user.regionCode === null;
  const [regionFilter, setRegionFilter] = useState('');
  const lines = prescriptions.flatMap((prescription) =>
    prescription.regions
      .filter(
        (line) =>
          (line.sampleCount > 0 || commentCount(prescription, line.regionCode) > 0) &&
          (national ? regionFilter === '' || line.regionCode === regionFilter : true) &&
          (national || line.regionCode === user.regionCode),
      )
      .map((line) => ({ prescription, line })),
  );
  const regionsWithLines = RegionList.filter((region) =>
    prescriptions.some((p) => p.regions.some((r) => r.regionCode === region.code)),
  );
  const open = thread ? prescriptions.find((p) => p.id === thread.prescriptionId) && thread : null;

  return (
    <div data-testid="comments">
      {thread &&
        (open ? (
          <CommentThread
            key={`${open.prescriptionId}-${open.regionCode}`}
            plan={plan}
            user={user}
            thread={open}
            label={labels.get(open.prescriptionId) ?? ''}
            onClose={onCloseThread}
          />
        ) : (
          <Alert
            className="fr-mb-3w"
            severity="warning"
            title="Fil de commentaires introuvable"
            description="Cette ligne de programmation n’existe pas ou ne concerne pas votre périmètre."
          />
        ))}

      <p className="fr-text--sm">
        Chaque ligne régionale a son fil de commentaires entre la région et le niveau national.
      </p>

      {national && regionsWithLines.length > 1 && (
        <Select
          className="fr-mb-2w maestro-narrow-field"
          label="Région"
          nativeSelectProps={{
            id: 'comments-region',
            value: regionFilter,
            onChange: (event) => setRegionFilter(event.target.value),
          }}
        >
          <option value="">Toutes les régions</option>
          {regionsWithLines.map((region) => (
            <option key={region.code} value={region.code}>
              {region.name}
            </option>
          ))}
        </Select>
      )}

      {lines.length === 0 ? (
        <p data-testid="comments-empty">Aucune ligne régionale à commenter.</p>
      ) : (
        <div className="fr-table fr-table--no-caption">
          <div className="fr-table__wrapper">
            <div className="fr-table__container">
              <div className="fr-table__content">
                <table>
                  <caption>Lignes régionales et leurs commentaires</caption>
                  <thead>
                    <tr>
                      <th scope="col">Prescription</th>
                      <th scope="col">Région</th>
                      <th scope="col">Prélèvements</th>
                      <th scope="col">Commentaires</th>
                    </tr>
                  </thead>
                  <tbody>
                    {lines.map(({ prescription, line }) => {
                      const label = labels.get(prescription.id) ?? '';
                      const current =
                        open?.prescriptionId === prescription.id &&
                        open.regionCode === line.regionCode;
                      return (
                        <tr
                          key={`${prescription.id}-${line.regionCode}`}
                          aria-current={current ? 'true' : undefined}
                        >
                          <th scope="row">{label}</th>
                          <td>{regionLabel(line.regionCode)}</td>
                          <td>{line.sampleCount}</td>
                          <td>
                            <ThreadLink
                              prescription={prescription}
                              regionCode={line.regionCode}
                              label={label}
                              to={threadSearch({
                                prescriptionId: prescription.id,
                                regionCode: line.regionCode,
                              })}
                            />
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            </div>
          </div>
        </div>
      )}
    </div>
  );
}

interface CommentThreadProps {
  plan: ProgrammingPlan;
  user: AuthUser;
  thread: ThreadRef;
  label: string;
  onClose: () => void;
}

const authorRoleLabel = (role: string): string => {
  const parsed = Role.safeParse(role);
  return parsed.success ? RoleLabels[parsed.data] : role;
};

/** One thread: the comments in order, and the answer form for those who may comment. */
function CommentThread({ plan, user, thread, label, onClose }: CommentThreadProps) {
  const uid = useId();
  const queryClient = useQueryClient();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const comments = useQuery(commentsQuery(thread.prescriptionId, thread.regionCode));
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState(false);
  const mayComment =
    canComment(user, plan, thread.regionCode) &&
    (user.role === 'NationalCoordinator' || user.role === 'RegionalCoordinator');

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  const create = useMutation({
    mutationFn: (text: string) =>
      api.createPrescriptionComment({
        params: { prescriptionId: thread.prescriptionId, regionCode: thread.regionCode },
        body: { body: text },
      }),
    onMutate: () => setSent(false),
    onSuccess: async () => {
      setBody('');
      setSent(true);
      await Promise.all([
        queryClient.invalidateQueries({
          queryKey: commentsQuery(thread.prescriptionId, thread.regionCode).queryKey,
        }),
        queryClient.invalidateQueries({ queryKey: prescriptionsKey(plan.id) }),
      ]);
    },
    onError: (failure) => {
      if (failure instanceof ApiClientError) setError(failure.issueFor('body') ?? null);
    },
  });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const parsed = CommentToCreate.safeParse({ body });
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? 'Le commentaire est invalide.');
      document.getElementById(`${uid}-body`)?.focus();
      return;
    }
    setError(null);
    create.mutate(parsed.data.body);
  };

  const title = `Commentaires — ${label}, ${regionLabel(thread.regionCode)}`;

  return (
    <section
      className="fr-p-3w fr-mb-4w maestro-thread"
      aria-labelledby={`${uid}-title`}
      data-testid="comment-thread"
    >
      <div className="fr-grid-row fr-grid-row--middle">
        <h3 id={`${uid}-title`} ref={headingRef} tabIndex={-1} className="fr-h5 fr-col fr-mb-0">
          {title}
        </h3>
        <div className="fr-col-auto">
          <Button
            priority="tertiary no outline"
            size="small"
            iconId="fr-icon-close-line"
            onClick={onClose}
          >
            Fermer le fil
          </Button>
        </div>
      </div>

      {comments.isPending ? (
        <Loading label="Chargement des commentaires…" />
      ) : comments.isError ? (
        <Alert
          className="fr-mt-2w"
          severity="error"
          title="Les commentaires n’ont pas pu être chargés"
          description={comments.error.message}
        />
      ) : comments.data.length === 0 ? (
        <p className="fr-mt-2w">Aucun commentaire pour l’instant.</p>
      ) : (
        <ol className="fr-raw-list maestro-comments fr-mt-2w" aria-label="Commentaires">
          {comments.data.map((comment) => (
            <li
              key={comment.id}
              className={
                comment.authorId === user.id
                  ? 'maestro-comment maestro-comment--own'
                  : 'maestro-comment'
              }
            >
              <p className="fr-text--sm fr-mb-1v maestro-comment__meta">
                <strong>{comment.authorName}</strong> · {authorRoleLabel(comment.authorRole)} ·{' '}
                <time dateTime={comment.createdAt.toISOString()}>
                  {formatDateTime(comment.createdAt)}
                </time>
              </p>
              <p className="fr-mb-0 maestro-comment__body">{comment.body}</p>
            </li>
          ))}
        </ol>
      )}

      {mayComment ? (
        <form onSubmit={submit} noValidate className="fr-mt-3w">
          <div role="status">
            {sent && (
              <Alert
                className="fr-mb-2w"
                severity="success"
                small
                description="Votre commentaire est envoyé."
              />
            )}
          </div>
          {create.error && !error && (
            <Alert
              className="fr-mb-2w"
              severity="error"
              small
              role="alert"
              description={create.error.message}
            />
          )}
          <Input
            label="Votre commentaire"
            hintText="2 000 caractères au plus. La région et le niveau national sont notifiés."
            textArea
            state={error ? 'error' : 'default'}
            stateRelatedMessage={error ?? undefined}
            nativeTextAreaProps={{
              id: `${uid}-body`,
              name: 'body',
              rows: 3,
              value: body,
              onChange: (event) => {
                setBody(event.target.value);
                setSent(false);
              },
            }}
          />
          <Button type="submit" iconId="fr-icon-send-plane-line" disabled={create.isPending}>
            {create.isPending ? 'Envoi…' : 'Envoyer le commentaire'}
          </Button>
        </form>
      ) : (
        <p className="fr-text--sm fr-mt-2w fr-mb-0">
          {plan.status === 'Closed'
            ? 'La campagne est clôturée : les commentaires sont fermés.'
            : 'Vous pouvez lire ce fil sans y répondre.'}
        </p>
      )}
    </section>
  );
}
