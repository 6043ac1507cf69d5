import type { Role } from '@maestro/shared/schema';

/** What each role finds in Maestro, in a few words, on its home page. */
export const RoleIntro: Record<Role, string> = {
  Administrator:
    'Vous administrez Maestro : vous créez les comptes des agents et des laboratoires, leur attribuez un rôle et un périmètre, et tenez à jour les laboratoires et les référentiels. Vous pouvez consulter l’ensemble des données.',
  NationalCoordinator:
    'Vous pilotez la programmation nationale : vous créez les plans et leurs prescriptions, répartissez les prélèvements entre les régions, envoyez la programmation aux régions puis la validez et clôturez la campagne. Vous suivez tous les prélèvements et leurs résultats.',
  NationalObserver:
    'Vous suivez, pour la France entière, la programmation, les prélèvements, les résultats d’analyse et les tableaux de bord, en lecture seule.',
  RegionalCoordinator:
    'Vous coordonnez la programmation de votre région : vous la commentez, répartissez les prélèvements de la région entre ses départements et l’approuvez. Vous validez les analyses des prélèvements de votre région.',
  RegionalObserver:
    'Vous suivez la programmation, les prélèvements et les résultats de votre région, en lecture seule.',
  DepartmentalCoordinator:
    'Vous coordonnez les prélèvements de votre département : vous suivez la part de programmation qui lui revient, organisez le travail des préleveurs et validez les analyses des prélèvements du département.',
  DepartmentalObserver:
    'Vous suivez la programmation, les prélèvements et les résultats de votre département, en lecture seule.',
  Sampler:
    'Vous réalisez les prélèvements de votre département : vous les saisissez, y compris sur le terrain, puis les envoyez au laboratoire. Vous consultez la programmation validée de votre département et le résultat de vos prélèvements.',
  LaboratoryUser:
    'Vous recevez les prélèvements adressés à votre laboratoire : vous enregistrez leur réception et leur recevabilité, puis saisissez et transmettez les résultats d’analyse et les rapports.',
};
