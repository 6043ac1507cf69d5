import { Substances } from '@maestro/shared/referential';
import type {
  CanvasElement,
  ContentSection,
  DynamicContent,
  TDocumentDefinitions,
} from 'pdfmake/interfaces';
import { describe, expect, it } from 'vitest';
import {
  analysisRequestCsv,
  analysisRequestDefinition,
  analysisRequestRows,
  analysisRequestXlsx,
} from './analysisRequest';
import { blankFormDefinition } from './blankForm';
import {
  formatDateTime,
  geolocationText,
  orderingAuthority,
  quantityText,
  type SampleDocumentData,
} from './data';
import {
  FIXTURE_GENERATED_AT,
  fixtureDocumentData,
  fixtureLaboratory,
  fixtureSealNumber,
} from './fixtures';
import { code128Pattern, encodeCode128B, labelsDefinition } from './labels';
import { DRAFT_BANNER_TEXT } from './render';
import { supportDocumentDefinition } from './supportDocument';

// ————— Walking a definition as data —————

const SKIPPED = new Set(['widths', 'heights', 'margin', 'canvas', 'layout', 'style', 'styles']);

/** Every text of a content tree, in reading order. */
function texts(node: unknown): string[] {
  const out: string[] = [];
  const walk = (value: unknown) => {
    if (typeof value === 'string') out.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object')
      for (const [key, child] of Object.entries(value)) {
        if (SKIPPED.has(key)) continue;
        if (typeof child === 'string' && key !== 'text') continue; // alignment, colours…
        walk(child);
      }
  };
  walk(node);
  return out;
}

const allText = (node: unknown) => texts(node).join('\n');

/** Every node of the tree for which `test` holds. */
function nodes(node: unknown, test: (value: Record<string, unknown>) => boolean) {
  const found: Record<string, unknown>[] = [];
  const walk = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if (test(record)) found.push(record);
      for (const child of Object.values(record)) if (typeof child === 'object') walk(child);
    }
  };
  walk(node);
  return found;
}

const sectionsOf = (definition: TDocumentDefinitions) =>
  definition.content as unknown as ContentSection[];

const pageSize = { width: 595.28, height: 841.89, orientation: 'portrait' as const };
const footerText = (footer: unknown, page: number, count: number) =>
  allText((footer as DynamicContent)(page, count, pageSize));

const data = fixtureDocumentData();
const references = ['A', 'B'].flatMap((letter) =>
  [1, 2, 3].map((copy) => `ARA-26-00042-${letter}-${copy}`),
);
const seals = [1, 2].flatMap((item) => [1, 2, 3].map((copy) => fixtureSealNumber(item, copy)));

// ————— Support document —————

describe('supportDocumentDefinition', () => {
  it('holds the whole record: authority, agents, place, matrix, substances, items, owner', () => {
    const text = allText(supportDocumentDefinition(data, 1).content);
    for (const expected of [
      'Procès-verbal de prélèvement',
      'ARA-26-00042',
      'Direction régionale de l’alimentation, de l’agriculture et de la forêt Auvergne-Rhône-Alpes',
      'Sophie DURAND — sophie.durand@maestro.example.gouv.fr',
      'Julien Bernard',
      '14/03/2026 à 09:05',
      '2026 – Résidus de pesticides — production primaire végétale',
      'Plan de surveillance',
      'Police administrative',
      'EARL Les Vergers de la Valloire',
      '812 345 678 00024',
      '215 chemin des Vergers, 26210 Lapeyrouse-Mornay',
      '01.24Z',
      'Parcelle ZB 117 — verger de Golden',
      '26 – Drôme',
      'Fruits à pépins',
      'Pommes',
      'Production primaire végétale',
      'Fruit',
      'Conventionnelle',
      'Glyphosate',
      'Mono-résidu',
      'Multi-résidus',
      'Laboratoire départemental d’analyses de la Drôme',
      'Je reconnais avoir reçu l’exemplaire qui m’est destiné.',
      'Claire Martin',
      'claire.martin@example.fr',
      'Signature :',
    ])
      expect(text).toContain(expected);
    expect(text).toContain(geolocationText(data.sample.geolocation));
    for (const reference of references) expect(text).toContain(reference);
    for (const seal of seals) expect(text).toContain(seal);
  });

  it('makes one section per copy, each titled with its copy and recipient', () => {
    const sections = sectionsOf(supportDocumentDefinition(data));
    expect(sections).toHaveLength(3);
    expect(sections.every((section) => 'section' in section)).toBe(true);
    const titles = sections.map((section) =>
      texts(section.section).find((text) => text.startsWith('Exemplaire n°')),
    );
    expect(titles).toEqual([
      'Exemplaire n° 1 — Laboratoire (LDA 26)',
      'Exemplaire n° 2 — Préleveur',
      'Exemplaire n° 3 — Détenteur',
    ]);
  });

  it('makes one section for a single copy', () => {
    const definition = supportDocumentDefinition(data, 3);
    const sections = sectionsOf(definition);
    expect(sections).toHaveLength(1);
    expect(texts(sections[0]?.section)).toContain('Exemplaire n° 3 — Détenteur');
    expect(definition.info?.title).toBe(
      'Procès-verbal de prélèvement ARA-26-00042 — Exemplaire n° 3',
    );
  });

  it('numbers pages within each copy in the footer', () => {
    const [first, second, third] = sectionsOf(supportDocumentDefinition(data));
    // three copies of two pages each: six pages
    expect(footerText(first?.footer, 1, 6)).toContain('Page 1 / 2');
    expect(footerText(first?.footer, 2, 6)).toContain('Page 2 / 2');
    expect(footerText(second?.footer, 3, 6)).toContain('Page 1 / 2');
    expect(footerText(third?.footer, 6, 6)).toMatch(/Exemplaire n° 3[\s\S]*Page 2 \/ 2/);
    // should the copies ever differ in length, the file's own numbering is kept
    expect(footerText(second?.footer, 3, 7)).toContain('Page 3 / 7');
    const single = sectionsOf(supportDocumentDefinition(data, 2))[0];
    expect(footerText(single?.footer, 2, 3)).toContain('Page 2 / 3');
    expect(footerText(single?.footer, 2, 3)).toContain('ARA-26-00042');
  });

  it('marks drafts, and drafts only, as not valid', () => {
    const submitted = supportDocumentDefinition(data);
    expect(allText(submitted.content)).not.toContain(DRAFT_BANNER_TEXT);
    expect(submitted.watermark).toBeUndefined();

    const draft = supportDocumentDefinition(fixtureDocumentData({ status: 'Draft' }));
    const banners = texts(draft.content).filter((text) => text === DRAFT_BANNER_TEXT);
    expect(banners).toHaveLength(3); // one per copy
    expect(draft.watermark).toMatchObject({ text: 'BROUILLON' });
  });

  it('sets the metadata from the data, not from the clock', () => {
    const { info } = supportDocumentDefinition(data);
    expect(info).toMatchObject({
      title: 'Procès-verbal de prélèvement ARA-26-00042',
      author: 'Maestro',
      creator: 'Maestro',
      creationDate: FIXTURE_GENERATED_AT,
      modDate: FIXTURE_GENERATED_AT,
    });
  });

  it('copes with a record still missing almost everything', () => {
    const empty: SampleDocumentData = {
      ...data,
      plan: null,
      laboratory: null,
      sample: {
        ...data.sample,
        status: 'Draft',
        context: null,
        legalContext: null,
        company: null,
        parcel: null,
        geolocation: null,
        departmentCode: null,
        matrixKindCode: null,
        matrixCode: null,
        matrixFreeText: 'Pommes à cidre',
        stage: null,
        partSampled: null,
        cultureKind: null,
        substances: [],
        sampledAt: null,
        items: [],
        ownerConsent: null,
        ownerName: null,
      },
    };
    const definition = supportDocumentDefinition(empty);
    expect(sectionsOf(definition)).toHaveLength(1);
    const text = allText(definition.content);
    expect(text).toContain('Hors programme');
    expect(text).toContain('Pommes à cidre (saisie libre)');
    expect(text).toContain('Aucun échantillon.');
    expect(text).toContain('Aucune substance indiquée.');
  });
});

// ————— Labels and Code 128 —————

const isBarcode = (node: Record<string, unknown>) =>
  Array.isArray(node.canvas) && (node.canvas as CanvasElement[]).length > 20;

describe('labelsDefinition', () => {
  it('makes one label per copy, each with its barcode, reference and seal', () => {
    const definition = labelsDefinition(data);
    expect(nodes(definition.content, isBarcode)).toHaveLength(6);
    const text = texts(definition.content);
    for (const reference of references) expect(text).toContain(reference);
    for (const seal of seals) expect(text).toContain(seal);
    expect(allText(definition.content)).toContain('Laboratoire : Laboratoire départemental');
    expect(allText(definition.content)).toContain('Détenteur : Claire Martin');
    expect(allText(definition.content)).toContain('Préleveur : Sophie DURAND');
  });

  it('counts the copies, not the items', () => {
    const definition = labelsDefinition(fixtureDocumentData({ items: 5, copies: 2 }));
    expect(nodes(definition.content, isBarcode)).toHaveLength(10);
  });

  it('draws the bars of the reference’s Code 128', () => {
    const [barcode] = nodes(labelsDefinition(data).content, isBarcode);
    const rects = barcode?.canvas as { x: number; w: number; color: string }[];
    const bars = rects.filter((rect) => rect.color === '#000000');
    const code = encodeCode128B('ARA-26-00042-A-1');
    // start, 16 characters, check and stop have 3 bars each, plus the final bar of the stop
    expect(bars).toHaveLength((16 + 3) * 3 + 1);
    expect(bars.map((bar) => bar.w)).toEqual(code.widths.filter((_, i) => i % 2 === 0));
    // the first bar starts after the quiet zone of 10 modules (1 pt each here)
    expect(bars[0]?.x).toBe(10);
  });
});

describe('encodeCode128B', () => {
  it('has 107 distinct symbols of 11 modules, bars of even width in all', () => {
    const symbols = Array.from({ length: 107 }, (_, value) => code128Pattern(value));
    expect(new Set(symbols.map((s) => s.join(''))).size).toBe(107);
    for (const widths of symbols) {
      expect(widths.reduce((a, b) => a + b, 0)).toBe(11);
      expect(((widths[0] ?? 0) + (widths[2] ?? 0) + (widths[4] ?? 0)) % 2).toBe(0);
    }
    expect(code128Pattern(104)).toEqual([2, 1, 1, 2, 1, 4]); // start B
    expect(() => code128Pattern(107)).toThrow();
  });

  it('computes the check symbol modulo 103', () => {
    // "AB": 104 + 1 × 33 + 2 × 34 = 205 ≡ 102 (mod 103)
    expect(encodeCode128B('AB').checksum).toBe(102);
    expect(encodeCode128B('AB').values).toEqual([104, 33, 34, 102, 106]);
    // "PJJ123C": 104 + 48 + 2×42 + 3×42 + 4×17 + 5×18 + 6×19 + 7×35 = 879 ≡ 55
    expect(encodeCode128B('PJJ123C').checksum).toBe(55);
    // "ARA-26-00042-A-1": 104 + 33 + 2×50 + 3×33 + 4×13 + 5×18 + 6×22 + 7×13 + 8×16 + 9×16
    //   + 10×16 + 11×20 + 12×18 + 13×13 + 14×33 + 15×13 + 16×17 = 2667 ≡ 92
    expect(encodeCode128B('ARA-26-00042-A-1').checksum).toBe(92);
  });

  it('lays out start, data, check and stop with the final bar', () => {
    const code = encodeCode128B('AB');
    expect(code.widths.slice(0, 6)).toEqual([2, 1, 1, 2, 1, 4]);
    expect(code.widths.slice(-7)).toEqual([2, 3, 3, 1, 1, 1, 2]); // stop
    expect(code.modules).toBe(11 * 4 + 13);
  });

  it('refuses what code set B cannot encode', () => {
    expect(() => encodeCode128B('')).toThrow();
    expect(() => encodeCode128B('É')).toThrow();
    expect(() => encodeCode128B('a\nb')).toThrow();
  });
});

// ————— Blank form —————

describe('blankFormDefinition', () => {
  const authority = orderingAuthority('84');

  it('prints what the prescription, department and laboratory say', () => {
    const definition = blankFormDefinition({
      plan: { year: 2026, kind: 'PPV' },
      prescription: {
        context: 'Control',
        matrixKindCode: 'A01DH',
        stages: ['PRODUCTION_PRIMAIRE_VEGETALE'],
        substances: data.sample.substances,
      },
      departmentCode: '26',
      laboratory: fixtureLaboratory,
      authority,
      generatedAt: FIXTURE_GENERATED_AT,
    });
    const text = allText(definition.content);
    for (const expected of [
      'Procès-verbal de prélèvement',
      'Formulaire de prélèvement à remplir sur le terrain',
      authority.name,
      '2026 – Résidus de pesticides — production primaire végétale',
      'Plan de contrôle',
      'Fruits à pépins',
      'Production primaire végétale',
      '26 – Drôme',
      'Glyphosate',
      'Laboratoire départemental d’analyses de la Drôme',
      'Laboratoire (LDA 26)',
    ])
      expect(text).toContain(expected);
    expect(text).not.toContain('Plan de surveillance');
    expect(text).not.toContain('ARA-26');
    expect(definition.info?.creationDate).toBe(FIXTURE_GENERATED_AT);
    expect(footerText(definition.footer, 1, 2)).toContain('Page 1 / 2');
  });

  it('offers every choice when nothing is known', () => {
    const text = allText(blankFormDefinition({ plan: null, authority }).content);
    for (const expected of [
      'Plan de surveillance',
      'Plan de contrôle',
      'Enquête',
      'Police administrative',
      'Police judiciaire',
      'Élevage',
      'Biologique',
      'Plante entière',
      'Préleveur',
      'Détenteur',
    ])
      expect(text).toContain(expected);
    expect(text).not.toContain('Glyphosate');
  });
});

// ————— Analysis request —————

describe('analysisRequestDefinition', () => {
  it('asks the laboratory to analyse copy 1 of each item for the substances', () => {
    const definition = analysisRequestDefinition(data);
    const text = allText(definition.content);
    for (const expected of [
      'Demande d’analyse',
      'Laboratoire départemental d’analyses de la Drôme',
      '37 avenue de Lautagne',
      '26000 Valence',
      'ARA-26-00042-A-1',
      'ARA-26-00042-B-1',
      fixtureSealNumber(1, 1),
      fixtureSealNumber(2, 1),
      'Substances à analyser (8 : 1 mono-résidu, 7 multi-résidus)',
      'Glyphosate',
      'Sophie DURAND',
      'sophie.durand@maestro.example.gouv.fr',
      'Pommes',
    ])
      expect(text).toContain(expected);
    // copies 2 and 3 stay with the sampler and the owner
    expect(text).not.toContain('ARA-26-00042-A-2');
    expect(text).not.toContain(fixtureSealNumber(1, 2));
    expect(text).not.toContain(DRAFT_BANNER_TEXT);
    expect(footerText(definition.footer, 1, 2)).toContain('Page 1 / 2');
  });
});

describe('analysisRequestRows', () => {
  it('has a row per analysed item and substance', () => {
    const { header, rows } = analysisRequestRows(data);
    expect(rows).toHaveLength(2 * 8);
    expect(rows.every((row) => row.length === header.length)).toBe(true);
    const column = (name: string) => header.indexOf(name);
    const first = rows[0]!;
    expect(first[column('Référence de l’échantillon')]).toBe('ARA-26-00042-A-1');
    expect(first[column('N° de scellé')]).toBe(fixtureSealNumber(1, 1));
    expect(first[column('Quantité')]).toBe(1.5);
    expect(first[column('Unité')]).toBe('kg');
    expect(first[column('Code substance')]).toBe('RF-1020-001-PPP');
    expect(first[column('Méthode')]).toBe('Mono-résidu');
    expect(first[column('Date de prélèvement')]).toBe('14/03/2026');
    expect(first[column('Heure de prélèvement')]).toBe('09:05');
    expect(rows.map((row) => row[column('Référence de l’échantillon')])).toEqual([
      ...Array(8).fill('ARA-26-00042-A-1'),
      ...Array(8).fill('ARA-26-00042-B-1'),
    ]);
  });

  it('keeps one row per item when no substance is given', () => {
    const bare = fixtureDocumentData({ items: 3 });
    bare.sample.substances = [];
    expect(analysisRequestRows(bare).rows).toHaveLength(3);
  });
});

describe('analysisRequestCsv', () => {
  it('writes UTF-8 with a BOM, `;`, CRLF and decimal commas', () => {
    const csv = analysisRequestCsv(data);
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = csv.toString('utf8').slice(1).split('\r\n');
    expect(lines.at(-1)).toBe('');
    expect(lines).toHaveLength(1 + 16 + 1);
    expect(lines[0]).toMatch(/^Référence du prélèvement;Référence de l’échantillon;Échantillon;/);
    expect(lines[1]).toMatch(
      /^ARA-26-00042;ARA-26-00042-A-1;A;DD26-004211;1,5;kg;Oui;14\/03\/2026;09:05;/,
    );
  });

  it('never lets a spreadsheet run a cell as a formula', () => {
    const hostile = fixtureDocumentData({ items: 1 });
    hostile.sample.company = { ...hostile.sample.company!, name: '=HYPERLINK("x";"y")' };
    const line = analysisRequestCsv(hostile).toString('utf8').split('\r\n')[1];
    expect(line).toContain(';"\'=HYPERLINK(""x"";""y"")";');
  });
});

describe('analysisRequestXlsx', () => {
  it('writes the same table to a workbook', async () => {
    const buffer = await analysisRequestXlsx(data);
    expect(buffer.subarray(0, 2).toString()).toBe('PK');
    const { default: ExcelJS } = await import('exceljs');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.name).toBe('Demande d’analyse');
    expect(sheet.rowCount).toBe(17);
    expect(sheet.getRow(2).getCell(2).value).toBe('ARA-26-00042-A-1');
    expect(sheet.getRow(2).getCell(5).value).toBe(1.5);
  });
});

// ————— Labels of the referential, dates —————

describe('document data helpers', () => {
  it('names the ordering authority after the region', () => {
    expect(orderingAuthority('84').name).toBe(
      'Direction régionale de l’alimentation, de l’agriculture et de la forêt Auvergne-Rhône-Alpes',
    );
    expect(orderingAuthority('11').name).toContain('interdépartementale');
    expect(orderingAuthority('04', 'Saint-Denis').name).toContain('La Réunion');
    expect(orderingAuthority('04', 'Saint-Denis').address).toBe('Saint-Denis');
  });

  it('writes dates in Paris time, summer and winter', () => {
    expect(formatDateTime('2026-03-14T08:05:00Z')).toBe('14/03/2026 à 09:05');
    expect(formatDateTime('2026-07-01T22:30:00Z')).toBe('02/07/2026 à 00:30');
    expect(formatDateTime(null)).toBe('—');
  });

  it('writes quantities and coordinates the French way, in Roboto’s characters', () => {
    expect(quantityText({ quantity: 1.5, unit: 'KG' })).toBe('1,5\u00A0kg');
    expect(quantityText({ quantity: 1250, unit: 'G' })).toBe('1\u00A0250\u00A0g');
    expect(quantityText({ quantity: 12, unit: 'UNIT' })).toBe('12\u00A0pièces');
    expect(quantityText({ quantity: null, unit: 'KG' })).toBe('—');
    expect(geolocationText(data.sample.geolocation)).toBe(
      '45,31694° N, 4,88217° E (précision 8 m, relevée par l’appareil)',
    );
    expect(JSON.stringify(allText(supportDocumentDefinition(data).content))).not.toContain(
      '\\u202f',
    );
  });

  it('uses substances of the referential in the fixture', () => {
    for (const substance of data.sample.substances)
      expect(Substances[substance.substanceCode]?.method).toBe(substance.method);
  });
});
