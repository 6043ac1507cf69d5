import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { TDocumentDefinitions } from 'pdfmake/interfaces';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analysisRequestDefinition } from './analysisRequest';
import { blankFormDefinition } from './blankForm';
import { orderingAuthority } from './data';
import {
  FIXTURE_GENERATED_AT,
  fixtureDocumentData,
  fixtureLaboratory,
  fixtureSealNumber,
} from './fixtures';
import { labelsDefinition } from './labels';
import { renderPdf } from './render';
import { supportDocumentDefinition } from './supportDocument';

/**
 * The four documents rendered for real, then read back with poppler (`pdftotext`, `pdfinfo`):
 * the bytes are a PDF and hold the expected French text.
 */

const run = promisify(execFile);
let folder = '';

beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'maestro-documents-'));
});
afterAll(async () => {
  if (folder) await rm(folder, { recursive: true, force: true });
});

async function render(name: string, definition: TDocumentDefinitions) {
  const bytes = await renderPdf(definition);
  const file = path.join(folder, `${name}.pdf`);
  await writeFile(file, bytes);
  const { stdout: raw } = await run('pdftotext', ['-enc', 'UTF-8', file, '-']);
  const { stdout: info } = await run('pdfinfo', [file]);
  // ligatures back to letters, any run of blanks (line ends, no-break spaces) as one space
  const text = raw.normalize('NFKC').replace(/\s+/g, ' ');
  const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);
  return { bytes, text, info, pages };
}

const data = fixtureDocumentData();

describe('renderPdf', () => {
  it('renders the support document of every copy', async () => {
    const { bytes, text, info, pages } = await render('support', supportDocumentDefinition(data));
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(text).toContain('Procès-verbal de prélèvement');
    expect(text).toContain('ARA-26-00042');
    expect(text).toContain('EARL Les Vergers de la Valloire');
    expect(text).toContain('812 345 678 00024');
    expect(text).toContain('Laboratoire départemental d’analyses de la Drôme');
    for (const copy of [1, 2, 3]) expect(text).toContain(`Exemplaire n° ${copy}`);
    for (const item of [1, 2])
      for (const copy of [1, 2, 3]) {
        expect(text).toContain(fixtureSealNumber(item, copy));
        expect(text).toContain(`ARA-26-00042-${item === 1 ? 'A' : 'B'}-${copy}`);
      }
    expect(pages % 3).toBe(0); // every copy as long as the others
    expect(text).toContain(`Page ${pages / 3} / ${pages / 3}`);
    expect(text).not.toContain('Brouillon');
    expect(info).toMatch(/^Title:\s+Procès-verbal de prélèvement ARA-26-00042$/m);
    expect(info).toMatch(/^Author:\s+Maestro$/m);
    expect(info).toMatch(/^Creator:\s+Maestro$/m);
  });

  it('marks a draft', async () => {
    const draft = fixtureDocumentData({ status: 'Draft' });
    const { text } = await render('draft', supportDocumentDefinition(draft, 1));
    expect(text).toContain('Brouillon — document non valable');
    expect(text).toContain('Exemplaire n° 1 — Laboratoire (LDA 26)');
  });

  it('renders the labels', async () => {
    const { bytes, text, pages } = await render('labels', labelsDefinition(data));
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pages).toBe(1);
    for (const item of ['A', 'B'])
      for (const copy of [1, 2, 3]) expect(text).toContain(`ARA-26-00042-${item}-${copy}`);
    expect(text).toContain(fixtureSealNumber(2, 3));
    expect(text).toContain('Pommes');
  });

  it('renders the blank form', async () => {
    const { bytes, text } = await render(
      'blank',
      blankFormDefinition({
        plan: { year: 2026, kind: 'PPV' },
        prescription: {
          context: 'Surveillance',
          matrixKindCode: 'A01DH',
          stages: ['PRODUCTION_PRIMAIRE_VEGETALE'],
          substances: data.sample.substances,
        },
        departmentCode: '26',
        laboratory: fixtureLaboratory,
        authority: orderingAuthority('84'),
        generatedAt: FIXTURE_GENERATED_AT,
      }),
    );
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(text).toContain('Procès-verbal de prélèvement');
    expect(text).toContain('Formulaire de prélèvement à remplir sur le terrain');
    expect(text).toContain('Fruits à pépins');
    expect(text).toContain('Glyphosate');
  });

  it('renders the analysis request', async () => {
    const { bytes, text, info } = await render('analysis', analysisRequestDefinition(data));
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(text).toContain('Demande d’analyse');
    expect(text).toContain('ARA-26-00042-A-1');
    expect(text).toContain(fixtureSealNumber(1, 1));
    expect(text).toContain(fixtureSealNumber(2, 1));
    expect(text).not.toContain(fixtureSealNumber(1, 2));
    expect(text).toContain('Glyphosate');
    expect(text).toContain('sophie.durand@maestro.example.gouv.fr');
    expect(info).toMatch(/^Title:\s+Demande d’analyse ARA-26-00042$/m);
  });

  it('gives the same bytes for the same data', async () => {
    const first = await renderPdf(supportDocumentDefinition(fixtureDocumentData(), 2));
    const second = await renderPdf(supportDocumentDefinition(fixtureDocumentData(), 2));
    expect(first.equals(second)).toBe(true);
  });

  it('renders documents side by side', async () => {
    const all = await Promise.all(
      [1, 2, 3].map((copy) => renderPdf(supportDocumentDefinition(fixtureDocumentData(), copy))),
    );
    const again = await renderPdf(supportDocumentDefinition(fixtureDocumentData(), 3));
    expect(all[2]?.equals(again)).toBe(true);
  });

  it('reads no file outside its fonts and fetches no URL', async () => {
    const withImage = (src: string): TDocumentDefinitions => ({
      content: [{ image: 'picture' }],
      images: { picture: src },
    });
    await expect(renderPdf(withImage('/etc/hostname'))).rejects.toThrow(/access policy/);
    await expect(renderPdf(withImage('https://example.org/logo.png'))).rejects.toThrow(
      /access policy/,
    );
  });
});
