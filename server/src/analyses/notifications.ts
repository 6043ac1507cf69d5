import { type NotAdmissibleReason, NotAdmissibleReasonLabels } from '@maestro/shared/schema';
import type { Mail } from '../adapters/mail';
import { actingUserId } from '../http/context';
import type { Audience, NotificationDraft, NotificationService } from '../notifications/service';

/** What a notification about an analysis needs to know. */
export interface AnalysisSubject {
  analysisId: string;
  sampleId: string;
  sampleReference: string;
  copyReference: string;
  samplerId: string;
  regionCode: string;
  departmentCode: string | null;
}

/** What an import changed, announced once per audience rather than once per analysis. */
export interface ImportNotices {
  submitted: AnalysisSubject[];
  corrected: AnalysisSubject[];
  /** Completed on their own (every residue not detected). */
  completed: AnalysisSubject[];
}

const listOf = (subjects: AnalysisSubject[]) => {
  const shown = subjects.slice(0, 20).map((s) => s.copyReference);
  return `${shown.join(', ')}${subjects.length > shown.length ? `… (+${subjects.length - shown.length})` : ''}`;
};

const plural = (n: number, one: string, many: string) => `${n} ${n > 1 ? many : one}`;

const verdictText = (compliant: boolean | null) =>
  compliant === null ? 'sans verdict' : compliant ? 'conforme' : 'non conforme';

/**
 * The notifications of the analysis loop (in-app and e-mail). Each is written in the
 * transaction of the change; the e-mails it returns are sent once that transaction commits.
 * Samplers are sent to the sample's page, everyone else to the analysis.
 */
export function createAnalysisNotifier(notifications: NotificationService) {
  const exclude = () => actingUserId() ?? undefined;

  async function send(audiences: Audience[], draft: NotificationDraft): Promise<Mail[]> {
    const mails: Mail[] = [];
    for (const audience of audiences)
      mails.push(...(await notifications.notify({ ...audience, excludeUserId: exclude() }, draft)));
    return mails;
  }

  const analysisLink = (s: AnalysisSubject) => `/analyses/${s.analysisId}`;
  const sampleLink = (s: AnalysisSubject) => `/prelevements/${s.sampleId}`;

  /** The coordinators in charge of the sample: its department's and its region's. */
  const coordinators = (s: AnalysisSubject): Audience[] => [
    ...(s.departmentCode
      ? [{ roles: ['DepartmentalCoordinator' as const], departmentCodes: [s.departmentCode] }]
      : []),
    { roles: ['RegionalCoordinator' as const], regionCodes: [s.regionCode] },
  ];
  const sampler = (s: AnalysisSubject): Audience => ({ roles: [], userIds: [s.samplerId] });

  /** The sampler (to the sample) and the coordinators (to the analysis). */
  async function toSamplerAndCoordinators(
    s: AnalysisSubject,
    draft: Omit<NotificationDraft, 'link'>,
    extra: Audience[] = [],
  ): Promise<Mail[]> {
    return [
      ...(await send([sampler(s)], { ...draft, link: sampleLink(s) })),
      ...(await send([...coordinators(s), ...extra], { ...draft, link: analysisLink(s) })),
    ];
  }

  return {
    notAdmissible(s: AnalysisSubject, reason: NotAdmissibleReason, comment: string | null) {
      return toSamplerAndCoordinators(s, {
        kind: 'SampleNotAdmissible',
        title: `Échantillon non recevable : ${s.copyReference}`,
        body: `Le laboratoire a déclaré l’échantillon ${s.copyReference} non recevable. Motif : ${NotAdmissibleReasonLabels[reason]}${comment ? ` — ${comment}` : ''}.`,
      });
    },

    submitted(s: AnalysisSubject, explanation: string) {
      return send(coordinators(s), {
        kind: 'AnalysisSubmitted',
        title: `Résultats à valider : ${s.copyReference}`,
        body: `Le laboratoire a transmis les résultats de l’analyse ${s.copyReference}. ${explanation} Confirmez le verdict ou corrigez-le.`,
        link: analysisLink(s),
      });
    },

    corrected(s: AnalysisSubject, resultVersion: number, reason: string) {
      return send(coordinators(s), {
        kind: 'AnalysisCorrected',
        title: `Résultats corrigés : ${s.copyReference}`,
        body: `Le laboratoire a corrigé les résultats de l’analyse ${s.copyReference} (version ${resultVersion}). Motif : ${reason}. Le verdict est à valider de nouveau.`,
        link: analysisLink(s),
      });
    },

    completed(s: AnalysisSubject, compliant: boolean | null) {
      return toSamplerAndCoordinators(s, {
        kind: 'AnalysisCompleted',
        title: `Analyse terminée : ${s.copyReference}`,
        body: `L’analyse de l’échantillon ${s.copyReference} est terminée : ${verdictText(compliant)}.`,
      });
    },

    nonCompliant(s: AnalysisSubject) {
      return toSamplerAndCoordinators(
        s,
        {
          kind: 'SampleNonCompliant',
          title: `Prélèvement non conforme : ${s.sampleReference}`,
          body: `Le prélèvement ${s.sampleReference} est non conforme : au moins un résidu dépasse la limite maximale applicable, incertitude de mesure déduite.`,
        },
        [{ roles: ['NationalCoordinator'] }],
      );
    },

    /**
     * The notices of one result import: each coordinator (department, region) and each sampler
     * hears once of what concerns them — the analyses to review, corrected, or completed on
     * their own — instead of once per analysis. Non-compliance is still announced one by one.
     */
    async imported(notices: ImportNotices, fileName: string): Promise<Mail[]> {
      const toReview = [...notices.submitted, ...notices.corrected];
      const all = [...toReview, ...notices.completed];
      if (all.length === 0) return [];
      const summary = (subjects: AnalysisSubject[]) => {
        const review = subjects.filter((s) => toReview.includes(s));
        const done = subjects.filter((s) => notices.completed.includes(s));
        return {
          kind: (review.length > 0
            ? 'AnalysisSubmitted'
            : 'AnalysisCompleted') as NotificationDraft['kind'],
          title:
            review.length > 0
              ? `Résultats importés : ${plural(review.length, 'analyse', 'analyses')} à valider`
              : `Résultats importés : ${plural(done.length, 'analyse terminée', 'analyses terminées')}`,
          body: [
            `Un laboratoire a importé des résultats (fichier « ${fileName} »).`,
            review.length > 0 ? `À valider : ${listOf(review)}.` : '',
            done.length > 0 ? `Terminées sans résidu détecté (conformes) : ${listOf(done)}.` : '',
          ]
            .filter(Boolean)
            .join(' '),
          link: review.length > 0 ? '/analyses?statut=InReview' : '/analyses?statut=Completed',
        };
      };
      const groupBy = (key: (s: AnalysisSubject) => string | null) => {
        const groups = new Map<string, AnalysisSubject[]>();
        for (const s of all) {
          const k = key(s);
          if (k !== null) groups.set(k, [...(groups.get(k) ?? []), s]);
        }
        return groups;
      };
      const mails: Mail[] = [];
      for (const [departmentCode, subjects] of groupBy((s) => s.departmentCode))
        mails.push(
          ...(await send(
            [{ roles: ['DepartmentalCoordinator'], departmentCodes: [departmentCode] }],
            summary(subjects),
          )),
        );
      for (const [regionCode, subjects] of groupBy((s) => s.regionCode))
        mails.push(
          ...(await send(
            [{ roles: ['RegionalCoordinator'], regionCodes: [regionCode] }],
            summary(subjects),
          )),
        );
      // Samplers hear of the analyses that completed on their own (the others, once reviewed).
      const bySampler = new Map<string, AnalysisSubject[]>();
      for (const s of notices.completed)
        bySampler.set(s.samplerId, [...(bySampler.get(s.samplerId) ?? []), s]);
      for (const [samplerId, subjects] of bySampler)
        mails.push(
          ...(await send([{ roles: [], userIds: [samplerId] }], {
            kind: 'AnalysisCompleted',
            title: `Analyses terminées : ${plural(subjects.length, 'échantillon conforme', 'échantillons conformes')}`,
            body: `Aucun résidu détecté : ${listOf(subjects)}.`,
            link:
              subjects.length === 1 ? sampleLink(subjects[0] as AnalysisSubject) : '/prelevements',
          })),
        );
      return mails;
    },

    counterAnalysisRequested(s: AnalysisSubject, laboratoryId: string, reason: string) {
      return send([{ roles: ['LaboratoryUser'], laboratoryIds: [laboratoryId] }], {
        kind: 'CounterAnalysisRequested',
        title: `Contre-analyse demandée : ${s.copyReference}`,
        body: `Une contre-analyse de l’échantillon ${s.copyReference} est confiée à votre laboratoire. Motif : ${reason}.`,
        link: analysisLink(s),
      });
    },
  };
}

export type AnalysisNotifier = ReturnType<typeof createAnalysisNotifier>;

/**
 * The e-mails of one import, one per recipient: a laboratory importing a thousand results must
 * not send a thousand e-mails to each coordinator. A recipient with a single message gets it as
 * it is; several are gathered in one digest that lists each subject and its text.
 */
const signature = /\n\n— Maestro[^\n]*$/;

export function digestMails(mails: Mail[], fileName: string): Mail[] {
  const byRecipient = new Map<string, Mail[]>();
  for (const mail of mails)
    for (const to of mail.to) {
      const key = to.toLowerCase();
      byRecipient.set(key, [...(byRecipient.get(key) ?? []), mail]);
    }
  return [...byRecipient.entries()].map(([to, own]) => {
    if (own.length === 1) return { ...(own[0] as Mail), to: [to] };
    const items = own.map(
      (mail) =>
        `— ${mail.subject.replace(/^\[Maestro\] /, '')}\n${mail.text.replace(signature, '')}`,
    );
    return {
      to: [to],
      subject: `[Maestro] Import de résultats « ${fileName} » : ${own.length} avis`,
      text: `Un laboratoire a importé des résultats d’analyse (fichier « ${fileName} »). Voici les ${own.length} avis qui vous concernent.\n\n${items.join('\n\n')}\n\n— Maestro, plans de surveillance et de contrôle`,
    };
  });
}
