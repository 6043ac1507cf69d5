/**
 * Maximum residue limits (MRL, in mg/kg) set by Regulation (EC) No 396/2005 for the
 * substances and matrices of this referential.
 *
 * Valeurs indicatives à vérifier par l'administrateur : the list is a starting point, the
 * administrator corrects or completes it. A pair that is not listed falls back to the
 * default MRL of article 18(1)(b) of the regulation.
 */

export interface Mrl {
  substanceCode: string;
  matrixCode: string;
  /** mg/kg */
  value: number;
  source: string;
}

export const DEFAULT_MRL = 0.01;

export const DEFAULT_MRL_SOURCE = 'LMR par défaut (art. 18 du règlement (CE) 396/2005)';

const REGULATION = 'Règlement (CE) 396/2005, annexes II et III (valeur indicative)';

/** One MRL value shared by several matrices. */
const mrls = (
  substanceCode: string,
  value: number,
  matrixCodes: readonly string[],
  source: string = REGULATION,
): Mrl[] => matrixCodes.map((matrixCode) => ({ substanceCode, matrixCode, value, source }));

const CITRUS = ['A0DZB', 'A01BX', 'A01CB', 'A01CX'] as const;
const POME_FRUITS = ['A01DJ', 'A01DP'] as const;
const GRAPES = ['A01DX', 'A01DY'] as const;
const POTATOES = ['A00ZX', 'A00ZV'] as const;

export const MrlList: Mrl[] = [
  // Chlorpyriphos et chlorpyriphos-méthyl : LMR abaissées à la limite de quantification.
  ...mrls(
    'RF-0087-001-PPP',
    0.01,
    [
      ...CITRUS,
      ...POME_FRUITS,
      'A01GM',
      ...GRAPES,
      'A01EA',
      'A01LC',
      'A00HQ',
      'A00JA',
      'A00KX',
      ...POTATOES,
      'A001N',
      'A001D',
    ],
    'Règlement (UE) 2020/1085',
  ),
  ...mrls(
    'RF-0088-001-PPP',
    0.01,
    ['A0DZB', 'A01DJ', 'A01DX', 'A00HQ', 'A001N', 'A001D', 'A000T'],
    'Règlement (UE) 2020/1085',
  ),
  // Diméthoate et ométhoate : limite de quantification.
  ...mrls(
    'RF-0139-003-PPP',
    0.01,
    ['A03NJ', 'A0DZB', 'A00KX', 'A00HQ', 'A01BQ'],
    'Règlement (UE) 2019/1090',
  ),
  ...mrls(
    'RF-0139-002-PPP',
    0.01,
    ['A03NJ', 'A0DZB', 'A00KX', 'A00HQ', 'A01BQ'],
    'Règlement (UE) 2019/1090',
  ),
  // Clothianidine et thiaméthoxame : limite de quantification.
  ...mrls(
    'RF-0101-001-PPP',
    0.01,
    ['A01DJ', 'A00HQ', 'A00KX', 'A00ZX', 'A001N'],
    'Règlement (UE) 2023/334',
  ),
  ...mrls(
    'RF-0418-001-PPP',
    0.01,
    ['A01DJ', 'A00HQ', 'A00KX', 'A00ZX', 'A001N'],
    'Règlement (UE) 2023/334',
  ),
  // Chlorates.
  ...mrls(
    'RF-00000015-CHE',
    0.05,
    [...CITRUS, ...POME_FRUITS, 'A01DX', 'A00HQ', ...POTATOES],
    'Règlement (UE) 2020/749',
  ),
  ...mrls('RF-00000015-CHE', 0.7, ['A00KX', 'A00MJ'], 'Règlement (UE) 2020/749'),
  // Glyphosate.
  ...mrls('RF-1020-001-PPP', 10, ['A001N', 'A001P', 'A001K', 'A013Q', 'A015M']),
  ...mrls('RF-1020-001-PPP', 20, ['A000G', 'A001L', 'A015L']),
  ...mrls('RF-1020-001-PPP', 1, ['A000T', 'A01BQ']),
  ...mrls('RF-1020-001-PPP', 0.5, [...CITRUS, ...GRAPES, ...POTATOES]),
  ...mrls('RF-1020-001-PPP', 0.1, [...POME_FRUITS, 'A01GM', 'A01EA', 'A00HQ', 'A00KX', 'A00QH']),
  ...mrls('RF-1020-001-PPP', 50, ['A00TQ']),
  ...mrls('RF-1020-001-PPP', 15, ['A0CXQ']),
  // Chlorméquat.
  ...mrls('RF-00005727-PAR', 7, ['A001N', 'A001P', 'A00DL']),
  ...mrls('RF-00005727-PAR', 8, ['A001K']),
  ...mrls('RF-00005727-PAR', 15, ['A000G']),
  ...mrls('RF-00005727-PAR', 0.07, ['A01DP']),
  ...mrls('RF-00005727-PAR', 0.9, ['A00TQ']),
  // Éthéphon.
  ...mrls('RF-0160-001-PPP', 0.8, ['A01DJ']),
  ...mrls('RF-0160-001-PPP', 1, [...GRAPES, 'A001N', 'A001K']),
  ...mrls('RF-0160-001-PPP', 2, ['A00HQ', 'A01LP']),
  // Hydrazide maléique.
  ...mrls('RF-0267-001-PPP', 60, POTATOES),
  ...mrls('RF-0267-001-PPP', 15, ['A00GZ', 'A00HC', 'A00HF']),
  // Fosétyl-Al.
  ...mrls('RF-0225-001-PPP', 150, POME_FRUITS),
  ...mrls('RF-0225-001-PPP', 100, [...GRAPES, 'A01EA', 'A00HQ']),
  ...mrls('RF-0225-001-PPP', 75, ['A0DZB', 'A00KX']),
  // Dithiocarbamates (exprimés en CS2).
  ...mrls('RF-0151-001-PPP', 5, [...GRAPES, 'A00KX']),
  ...mrls('RF-0151-001-PPP', 3, ['A01DJ', 'A00HQ']),
  ...mrls('RF-0151-001-PPP', 0.3, ['A00ZX']),
  ...mrls('RF-0151-001-PPP', 0.5, ['A00HC']),
  // Captane, folpel.
  ...mrls('RF-00004681-PAR', 10, POME_FRUITS),
  ...mrls('RF-00004687-PAR', 20, ['A01DY']),
  ...mrls('RF-00004687-PAR', 6, ['A01DX']),
  // Traitements post-récolte des agrumes et des bananes.
  ...mrls('RF-0416-001-PPP', 7, CITRUS),
  ...mrls('RF-0416-001-PPP', 6, ['A01LC']),
  ...mrls('RF-0416-001-PPP', 15, POTATOES),
  ...mrls('RF-00012046-PAR', 4, CITRUS),
  ...mrls('RF-00012046-PAR', 2, ['A01LC']),
  // Fongicides courants des fruits et légumes.
  ...mrls('RF-0049-001-PPP', 2, POME_FRUITS),
  ...mrls('RF-0049-001-PPP', 5, GRAPES),
  ...mrls('RF-0049-001-PPP', 6, ['A01EA']),
  ...mrls('RF-0049-001-PPP', 3, ['A00HQ']),
  ...mrls('RF-0049-001-PPP', 40, ['A00KX']),
  ...mrls('RF-0049-001-PPP', 1, ['A00QH']),
  ...mrls('RF-0035-001-PPP', 3, ['A00HQ', 'A00JA', ...GRAPES]),
  ...mrls('RF-0035-001-PPP', 1, ['A00JM', 'A00QH']),
  ...mrls('RF-0035-001-PPP', 15, ['A00KX']),
  ...mrls('RF-0035-001-PPP', 70, ['A00VV', 'A00YE']),
  ...mrls('RF-0202-001-PPP', 5, GRAPES),
  ...mrls('RF-0202-001-PPP', 4, ['A01EA']),
  ...mrls('RF-0202-001-PPP', 40, ['A00KX']),
  ...mrls('RF-0377-001-PPP', 15, POME_FRUITS),
  ...mrls('RF-0377-001-PPP', 5, ['A01EA', 'A01DX']),
  ...mrls('RF-0114-001-PPP', 3, ['A01DX']),
  ...mrls('RF-0114-001-PPP', 5, ['A01EA']),
  ...mrls('RF-0403-001-PPP', 1, ['A01DY']),
  ...mrls('RF-0403-001-PPP', 0.5, ['A01DX']),
  ...mrls('RF-0403-001-PPP', 0.3, ['A001N']),
  ...mrls('RF-0255-001-PPP', 0.01, ['A00KX', 'A01DX', 'A01EA']),
  // Insecticides des céréales stockées.
  ...mrls('RF-0348-001-PPP', 5, ['A001N', 'A001P']),
  ...mrls('RF-0120-001-PPP', 1, ['A001N', 'A001P', 'A001K']),
  // Chlordécone (Antilles).
  ...mrls('RF-0076-001-PPP', 0.02, ['A00ZZ', 'A010C', 'A01LC']),
];

const mrlKey = (substanceCode: string, matrixCode: string) => `${substanceCode}|${matrixCode}`;

const mrlIndex = new Map(MrlList.map((mrl) => [mrlKey(mrl.substanceCode, mrl.matrixCode), mrl]));

export interface MrlLookup {
  value: number;
  source: string;
  isDefault: boolean;
}

/** MRL of a substance in a matrix, or the default MRL when none is set. */
export const findMrl = (substanceCode: string, matrixCode: string): MrlLookup => {
  const mrl = mrlIndex.get(mrlKey(substanceCode, matrixCode));
  return mrl
    ? { value: mrl.value, source: mrl.source, isDefault: false }
    : { value: DEFAULT_MRL, source: DEFAULT_MRL_SOURCE, isDefault: true };
};
