import type { AnalysisMethod } from './substances';

/**
 * Official laboratories for pesticide residues in plant products, used to seed the
 * laboratory table. Names, cities and regions are public facts; the e-mail addresses are
 * placeholders on a reserved domain so that no real mailbox receives test requests: the
 * administrator replaces them with the real addresses.
 */
export interface LaboratorySeed {
  id: string;
  shortName: string;
  name: string;
  address: string;
  postalCode: string;
  city: string;
  emails: string[];
  regionCode: string;
  methods: AnalysisMethod[];
}

const PLACEHOLDER_DOMAIN = 'maestro.example.gouv.fr';

const placeholderEmail = (mailbox: string) => `${mailbox}@${PLACEHOLDER_DOMAIN}`;

export const LaboratorySeedList: LaboratorySeed[] = [
  {
    id: 'a6cafd97-43c2-4038-adcf-2a5c94672861',
    shortName: 'SCL 34',
    name: 'Service commun des laboratoires – Laboratoire de Montpellier',
    address: '205 rue de la Croix Verte',
    postalCode: '34196',
    city: 'Montpellier',
    emails: [placeholderEmail('scl34.residus')],
    regionCode: '76',
    methods: ['Mono', 'Multi'],
  },
  {
    id: '8f923742-440b-4535-826a-a298fc6cc296',
    shortName: 'SCL 35',
    name: 'Service commun des laboratoires – Laboratoire de Rennes',
    address: '26 rue du Bois Rondel',
    postalCode: '35700',
    city: 'Rennes',
    emails: [placeholderEmail('scl35.residus')],
    regionCode: '53',
    methods: ['Multi'],
  },
  {
    id: '038dfff8-4887-415c-bedd-f2481f60d9a2',
    shortName: 'SCL 33',
    name: 'Service commun des laboratoires – Laboratoire de Bordeaux',
    address: '3 avenue du Docteur Albert Schweitzer',
    postalCode: '33600',
    city: 'Pessac',
    emails: [placeholderEmail('scl33.residus')],
    regionCode: '75',
    methods: ['Multi'],
  },
  {
    id: '212a9a6e-df03-4277-9c7f-d243b4621766',
    shortName: 'SCL 13',
    name: 'Service commun des laboratoires – Laboratoire de Marseille',
    address: '146 traverse Charles Susini',
    postalCode: '13013',
    city: 'Marseille',
    emails: [placeholderEmail('scl13.residus')],
    regionCode: '93',
    methods: ['Multi'],
  },
  {
    id: '1343e8a9-ae21-4396-b19a-889bf34af012',
    shortName: 'SCL 59',
    name: 'Service commun des laboratoires – Laboratoire de Lille',
    address: '369 rue Jules Guesde',
    postalCode: '59650',
    city: 'Villeneuve-d’Ascq',
    emails: [placeholderEmail('scl59.residus')],
    regionCode: '32',
    methods: ['Multi'],
  },
  {
    id: '9e723bf4-e931-4934-94be-025f1f000f15',
    shortName: 'SCL 91',
    name: 'Service commun des laboratoires – Laboratoire d’Île-de-France',
    address: '25 avenue de la République',
    postalCode: '91300',
    city: 'Massy',
    emails: [placeholderEmail('scl91.residus')],
    regionCode: '11',
    methods: ['Mono', 'Multi'],
  },
  {
    id: 'abe3e081-aa1e-4b2b-99af-40c927819292',
    shortName: 'SCL 67',
    name: 'Service commun des laboratoires – Laboratoire de Strasbourg',
    address: 'Parc d’innovation',
    postalCode: '67400',
    city: 'Illkirch-Graffenstaden',
    emails: [placeholderEmail('scl67.residus')],
    regionCode: '44',
    methods: ['Multi'],
  },
  {
    id: '1e89689d-4675-4231-bd74-5ceffe7205f9',
    shortName: 'GIRPA',
    name: 'Groupement interrégional de recherche sur les produits agropharmaceutiques',
    address: '9 avenue du Bois l’Abbé',
    postalCode: '49070',
    city: 'Beaucouzé',
    emails: [placeholderEmail('girpa.demandes'), placeholderEmail('girpa.resultats')],
    regionCode: '52',
    methods: ['Mono', 'Multi'],
  },
  {
    id: '1e7cf37e-8040-496a-89dd-e56c56761e76',
    shortName: 'LDA 26',
    name: 'Laboratoire départemental d’analyses de la Drôme',
    address: '37 avenue de Lautagne',
    postalCode: '26000',
    city: 'Valence',
    emails: [placeholderEmail('lda26.residus')],
    regionCode: '84',
    methods: ['Mono', 'Multi'],
  },
  {
    id: '80832021-c791-4908-a2ce-2f8b42a93a8a',
    shortName: 'CAPINOV',
    name: 'Capinov',
    address: 'Zone industrielle de Lanrinou',
    postalCode: '29800',
    city: 'Landerneau',
    emails: [placeholderEmail('capinov.residus')],
    regionCode: '53',
    methods: ['Mono', 'Multi'],
  },
];

export const LaboratorySeeds: Record<string, LaboratorySeed> = Object.fromEntries(
  LaboratorySeedList.map((laboratory) => [laboratory.id, laboratory]),
);
