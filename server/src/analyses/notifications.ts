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
