import { z } from 'zod';

/**
 * What is sampled, coded with the EFSA food classification (FoodEx2 "A" terms of the MTX
 * catalogue). A kind groups matrices (e.g. "Agrumes" → "Oranges", "Citrons").
 * Codes and names are facts of the FoodEx2 catalogue; labels are in French.
 */

export interface MatrixKind {
  code: string;
  label: string;
}

export interface Matrix {
  code: string;
  label: string;
  kindCode: string;
}

export const MatrixKindList: MatrixKind[] = [
  // Fruits
  { code: 'A01BT', label: 'Agrumes' },
  { code: 'A01DH', label: 'Fruits à pépins' },
  { code: 'A0DVX', label: 'Abricots et similaires' },
  { code: 'A01GG', label: 'Cerises et similaires' },
  { code: 'A01GL', label: 'Pêches et similaires' },
  { code: 'A01GP', label: 'Prunes et similaires' },
  { code: 'A01DV', label: 'Raisins' },
  { code: 'A01DT', label: 'Petits fruits et baies' },
  { code: 'A04JS', label: 'Bananes' },
  { code: 'A0DQF', label: 'Mangues et similaires' },
  { code: 'A0DPV', label: 'Ananas et similaires' },
  { code: 'A0DQP', label: 'Avocats et similaires' },
  { code: 'A0DQE', label: 'Papayes et similaires' },
  { code: 'A0DRB', label: 'Fruits de la passion et similaires' },
  { code: 'A0DQC', label: 'Grenades et similaires' },
  { code: 'A01HP', label: 'Kakis et similaires' },
  { code: 'A04JP', label: 'Litchis et similaires' },
  { code: 'A016L', label: 'Fruits oléagineux' },
  // Légumes
  { code: 'A00HN', label: 'Légumes-fruits' },
  { code: 'A00GX', label: 'Légumes-bulbes' },
  { code: 'A00FL', label: 'Choux (inflorescences)' },
  { code: 'A00KR', label: 'Légumes-feuilles' },
  { code: 'A00RR', label: 'Légumes-tiges' },
  { code: 'A00QF', label: 'Légumes-racines et tubercules (hors amylacés)' },
  { code: 'A00ZS', label: 'Racines et tubercules amylacés' },
  { code: 'A00PB', label: 'Légumineuses potagères non écossées' },
  { code: 'A011Y', label: 'Graines fraîches de légumineuses' },
  { code: 'A012R', label: 'Légumes secs' },
  { code: 'A0ETG', label: 'Champignons' },
  // Grandes cultures et autres
  { code: 'A0EZF', label: 'Céréales' },
  { code: 'A015F', label: 'Graines oléagineuses' },
  { code: 'A04MA', label: 'Fines herbes' },
  { code: 'A0ETE', label: 'Racines sucrières' },
  { code: 'A0ESQ', label: 'Tiges et cannes sucrières' },
];

export const MatrixList: Matrix[] = [
  // Agrumes
  { code: 'A0DZB', label: 'Oranges', kindCode: 'A01BT' },
  { code: 'A01BX', label: 'Citrons et similaires', kindCode: 'A01BT' },
  { code: 'A01CB', label: 'Mandarines et similaires', kindCode: 'A01BT' },
  { code: 'A01CX', label: 'Pamplemousses et similaires', kindCode: 'A01BT' },
  // Fruits à pépins
  { code: 'A01DJ', label: 'Pommes', kindCode: 'A01DH' },
  { code: 'A01DP', label: 'Poires', kindCode: 'A01DH' },
  // Fruits à noyau
  { code: 'A01GF', label: 'Abricots', kindCode: 'A0DVX' },
  { code: 'A03NJ', label: 'Cerises', kindCode: 'A01GG' },
  { code: 'A01GM', label: 'Pêches', kindCode: 'A01GL' },
  { code: 'A01GN', label: 'Brugnons et nectarines', kindCode: 'A01GL' },
  { code: 'A01GQ', label: 'Prunes', kindCode: 'A01GP' },
  { code: 'A01GR', label: 'Quetsches', kindCode: 'A01GP' },
  { code: 'A01GS', label: 'Mirabelles', kindCode: 'A01GP' },
  { code: 'A01GX', label: 'Reines-claudes', kindCode: 'A01GP' },
  // Raisins
  { code: 'A01DX', label: 'Raisins de table', kindCode: 'A01DV' },
  { code: 'A01DY', label: 'Raisins de cuve', kindCode: 'A01DV' },
  // Petits fruits et baies
  { code: 'A01EA', label: 'Fraises', kindCode: 'A01DT' },
  { code: 'A01EE', label: 'Mûres', kindCode: 'A01DT' },
  { code: 'A01EP', label: 'Framboises', kindCode: 'A01DT' },
  { code: 'A01EY', label: 'Myrtilles', kindCode: 'A01DT' },
  { code: 'A01FH', label: 'Canneberges (airelles)', kindCode: 'A01DT' },
  { code: 'A01FM', label: 'Groseilles à grappes', kindCode: 'A01DT' },
  { code: 'A01FN', label: 'Cassis', kindCode: 'A01DT' },
  // Fruits exotiques
  { code: 'A01LC', label: 'Bananes', kindCode: 'A04JS' },
  { code: 'A01LF', label: 'Mangues', kindCode: 'A0DQF' },
  { code: 'A01LP', label: 'Ananas', kindCode: 'A0DPV' },
  { code: 'A01LB', label: 'Avocats', kindCode: 'A0DQP' },
  { code: 'A01LG', label: 'Papayes', kindCode: 'A0DQE' },
  { code: 'A01KC', label: 'Fruits de la passion', kindCode: 'A0DRB' },
  { code: 'A01LH', label: 'Grenades', kindCode: 'A0DQC' },
  { code: 'A01HQ', label: 'Kakis', kindCode: 'A01HP' },
  { code: 'A01JV', label: 'Litchis', kindCode: 'A04JP' },
  // Fruits oléagineux
  { code: 'A01BQ', label: 'Olives', kindCode: 'A016L' },
  // Légumes-fruits
  { code: 'A00HQ', label: 'Tomates', kindCode: 'A00HN' },
  { code: 'A00HY', label: 'Tomates cerises', kindCode: 'A00HN' },
  { code: 'A00JA', label: 'Poivrons doux', kindCode: 'A00HN' },
  { code: 'A00JB', label: 'Piments', kindCode: 'A00HN' },
  { code: 'A00JD', label: 'Aubergines', kindCode: 'A00HN' },
  { code: 'A00JM', label: 'Concombres', kindCode: 'A00HN' },
  { code: 'A00JP', label: 'Cornichons', kindCode: 'A00HN' },
  { code: 'A00JR', label: 'Courgettes', kindCode: 'A00HN' },
  { code: 'A00KE', label: 'Melons', kindCode: 'A00HN' },
  { code: 'A00KJ', label: 'Pastèques', kindCode: 'A00HN' },
  { code: 'A00KH', label: 'Potirons', kindCode: 'A00HN' },
  // Légumes-bulbes
  { code: 'A00GZ', label: 'Ail', kindCode: 'A00GX' },
  { code: 'A00HC', label: 'Oignons', kindCode: 'A00GX' },
  { code: 'A00HF', label: 'Échalotes', kindCode: 'A00GX' },
  // Choux (inflorescences)
  { code: 'A00FN', label: 'Brocolis', kindCode: 'A00FL' },
  { code: 'A00FR', label: 'Choux-fleurs', kindCode: 'A00FL' },
  // Légumes-feuilles
  { code: 'A00KX', label: 'Laitues', kindCode: 'A00KR' },
  { code: 'A00LE', label: 'Scaroles', kindCode: 'A00KR' },
  { code: 'A00KT', label: 'Mâche', kindCode: 'A00KR' },
  { code: 'A00LN', label: 'Roquette', kindCode: 'A00KR' },
  { code: 'A00MJ', label: 'Épinards', kindCode: 'A00KR' },
  { code: 'A00LD', label: 'Endives', kindCode: 'A00KR' },
  { code: 'A00FV', label: 'Choux de Bruxelles', kindCode: 'A00KR' },
  { code: 'A00FY', label: 'Choux pommés', kindCode: 'A00KR' },
  { code: 'A00GM', label: 'Choux verts frisés', kindCode: 'A00KR' },
  // Légumes-tiges
  { code: 'A00RT', label: 'Asperges', kindCode: 'A00RR' },
  { code: 'A00RY', label: 'Céleris branches', kindCode: 'A00RR' },
  { code: 'A00SA', label: 'Fenouils', kindCode: 'A00RR' },
  { code: 'A00SB', label: 'Poireaux', kindCode: 'A00RR' },
  { code: 'A00RS', label: 'Artichauts', kindCode: 'A00RR' },
  // Légumes-racines
  { code: 'A00QH', label: 'Carottes', kindCode: 'A00QF' },
  { code: 'A00QJ', label: 'Céleris-raves', kindCode: 'A00QF' },
  { code: 'A00QV', label: 'Radis', kindCode: 'A00QF' },
  { code: 'A00RE', label: 'Navets', kindCode: 'A00QF' },
  { code: 'A00RA', label: 'Salsifis', kindCode: 'A00QF' },
  { code: 'A00QQ', label: 'Topinambours', kindCode: 'A00QF' },
  // Racines et tubercules amylacés
  { code: 'A00ZX', label: 'Pommes de terre de conservation', kindCode: 'A00ZS' },
  { code: 'A00ZV', label: 'Pommes de terre primeurs', kindCode: 'A00ZS' },
  { code: 'A010C', label: 'Patates douces', kindCode: 'A00ZS' },
  { code: 'A00ZZ', label: 'Manioc', kindCode: 'A00ZS' },
  // Légumineuses
  { code: 'A00PG', label: 'Haricots verts (non écossés)', kindCode: 'A00PB' },
  { code: 'A00PY', label: 'Petits pois (non écossés)', kindCode: 'A00PB' },
  { code: 'A00PH', label: 'Fèves (non écossées)', kindCode: 'A00PB' },
  { code: 'A012J', label: 'Petits pois (écossés)', kindCode: 'A011Y' },
  { code: 'A012A', label: 'Fèves (écossées)', kindCode: 'A011Y' },
  { code: 'A013Q', label: 'Lentilles (sèches)', kindCode: 'A012R' },
  // Champignons
  { code: 'A00TQ', label: 'Champignons de couche', kindCode: 'A0ETG' },
  { code: 'A0DDD', label: 'Truffes noires', kindCode: 'A0ETG' },
  // Céréales
  { code: 'A001N', label: 'Blé tendre (froment)', kindCode: 'A0EZF' },
  { code: 'A001P', label: 'Blé dur', kindCode: 'A0EZF' },
  { code: 'A001R', label: 'Épeautre', kindCode: 'A0EZF' },
  { code: 'A00DL', label: 'Triticale', kindCode: 'A0EZF' },
  { code: 'A001K', label: 'Seigle', kindCode: 'A0EZF' },
  { code: 'A000G', label: 'Avoine', kindCode: 'A0EZF' },
  { code: 'A001D', label: 'Riz', kindCode: 'A0EZF' },
  { code: 'A000T', label: 'Maïs (grain)', kindCode: 'A0EZF' },
  { code: 'A001L', label: 'Sorgho (grain)', kindCode: 'A0EZF' },
  { code: 'A001B', label: 'Millet commun (grain)', kindCode: 'A0EZF' },
  { code: 'A000N', label: 'Sarrasin', kindCode: 'A0EZF' },
  { code: 'A000R', label: 'Quinoa (grain)', kindCode: 'A0EZF' },
  // Graines oléagineuses
  { code: 'A015M', label: 'Colza (graines)', kindCode: 'A015F' },
  { code: 'A015L', label: 'Graines de tournesol', kindCode: 'A015F' },
  { code: 'A015K', label: 'Graines de sésame', kindCode: 'A015F' },
  { code: 'A015J', label: 'Graines de pavot', kindCode: 'A015F' },
  { code: 'A0DBK', label: 'Graines de moutarde blanche', kindCode: 'A015F' },
  // Fines herbes
  { code: 'A00XB', label: 'Cerfeuil', kindCode: 'A04MA' },
  { code: 'A00XD', label: 'Ciboulette', kindCode: 'A04MA' },
  { code: 'A00YE', label: 'Persil', kindCode: 'A04MA' },
  { code: 'A00VV', label: 'Basilic', kindCode: 'A04MA' },
  { code: 'A00YQ', label: 'Thym', kindCode: 'A04MA' },
  { code: 'A00YF', label: 'Romarin', kindCode: 'A04MA' },
  { code: 'A00XZ', label: 'Menthe', kindCode: 'A04MA' },
  { code: 'A00YP', label: 'Estragon', kindCode: 'A04MA' },
  // Plantes sucrières
  { code: 'A0CXQ', label: 'Betteraves sucrières', kindCode: 'A0ETE' },
  { code: 'A010V', label: 'Canne à sucre', kindCode: 'A0ESQ' },
];

export const MatrixKinds: Record<string, MatrixKind> = Object.fromEntries(
  MatrixKindList.map((kind) => [kind.code, kind]),
);

export const Matrices: Record<string, Matrix> = Object.fromEntries(
  MatrixList.map((matrix) => [matrix.code, matrix]),
);

/** Matrices of a kind, in list order (empty for an unknown kind). */
export const matricesOfKind = (kindCode: string): Matrix[] =>
  MatrixList.filter((matrix) => matrix.kindCode === kindCode);

/** Part of the plant that is sampled. */
export const PartSampled = z.enum([
  'WHOLE_PLANT',
  'FRUIT',
  'LEAVES',
  'STEM',
  'ROOTS',
  'TUBER',
  'BULB',
  'FLOWER',
  'POD',
  'GRAIN',
  'SEEDS',
]);
export type PartSampled = z.infer<typeof PartSampled>;
export const PartSampledList = PartSampled.options;

export const PartSampledLabels: Record<PartSampled, string> = {
  WHOLE_PLANT: 'Plante entière',
  FRUIT: 'Fruit',
  LEAVES: 'Feuilles',
  STEM: 'Tige',
  ROOTS: 'Racines',
  TUBER: 'Tubercule',
  BULB: 'Bulbe',
  FLOWER: 'Fleur ou inflorescence',
  POD: 'Gousse',
  GRAIN: 'Grain',
  SEEDS: 'Graines',
};

/** Production method of the sampled crop. */
export const CultureKind = z.enum([
  'CONVENTIONAL',
  'ORGANIC',
  'CONVERSION',
  'INTEGRATED',
  'SOILLESS',
  'UNKNOWN',
]);
export type CultureKind = z.infer<typeof CultureKind>;
export const CultureKindList = CultureKind.options;

export const CultureKindLabels: Record<CultureKind, string> = {
  CONVENTIONAL: 'Conventionnelle',
  ORGANIC: 'Biologique',
  CONVERSION: 'En conversion vers l’agriculture biologique',
  INTEGRATED: 'Intégrée',
  SOILLESS: 'Hors-sol',
  UNKNOWN: 'Non connue',
};
