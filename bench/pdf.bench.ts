import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';
import { analysisRequestDefinition } from '../server/src/documents/analysisRequest';
import {
  companyAddress,
  contextLabel,
  copyLines,
  cultureKindLabel,
  departmentLabel,
  formatDateTime,
  formatSiret,
  geolocationText,
  legalContextLabel,
  MISSING,
  matrixKindLabel,
  matrixLabel,
  methodLabel,
  partSampledLabel,
  personName,
  planLabel,
  quantityText,
  recipientLabel,
  type SampleDocumentData,
  sortedSubstances,
  stageLabel,
  yesNo,
} from '../server/src/documents/data';
import { fixtureDocumentData } from '../server/src/documents/fixtures';
import { renderPdf } from '../server/src/documents/render';
import { copyTitle, supportDocumentDefinition } from '../server/src/documents/supportDocument';

/**
 * The support document (procès-verbal, copy 1) of a 1-item and of a 6-item sample, and the
 * analysis request of the 1-item sample:
 * (a) rendered in process by pdfmake (`renderPdf`: definition built, PDF bytes produced);
 * (b) the reference: the same content as an HTML page (template below, same fields and labels,
 *     page numbers in a print footer) printed by Debian's headless Chromium through
 *     playwright-core, the way a PDF service does it — one warm browser, a fresh browser context
 *     and page per document, `page.pdf({ format: 'A4' })` — and, for honesty, the same with one
 *     page reused for every document.
 * Each series is warmed up (pdfmake 50 renders, Chromium 10 documents), then measured RUNS times
 * in ROUNDS interleaved rounds (pdfmake, Chromium fresh, Chromium reused, for each sample in
 * turn), so that the load of a shared machine weighs alike on all of them: median and p95 of
 * each series, size and pages, and the ratio Chromium / pdfmake, the figure that holds.
 */
const RUNS = Number(process.env.RUNS ?? 200);
const ROUNDS = 10;
const WARM_UP = 50;
const CHROMIUM_WARM_UP = 10;
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};
const figures: Record<string, number> = {};
const units: Record<string, string> = {};
const record = (name: string, value: number, unit: string) => {
  figures[name] = value;
  units[name] = unit;
};
/** Page objects of a PDF (pdfkit writes them uncompressed, as does Chromium's Skia). */
const pageCount = (pdf: Buffer) => pdf.toString('latin1').match(/\/Type\s*\/Page\b/g)?.length ?? 0;

/** A series of timed renders, measured a slice at a time. */
class Series {
  times: number[] = [];
  last: Buffer = Buffer.alloc(0);
  constructor(private readonly once: () => Promise<Buffer>) {}
  async warmUp(count: number) {
    for (let i = 0; i < count; i++) this.last = await this.once();
  }
  async run(count: number) {
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      this.last = await this.once();
      this.times.push(performance.now() - started);
    }
    if (this.last.subarray(0, 5).toString('latin1') !== '%PDF-') throw new Error('not a PDF');
  }
  get median() {
    return quantile(this.times, 0.5);
  }
  get p95() {
    return quantile(this.times, 0.95);
  }
}

const samples = {
  '1item': fixtureDocumentData({ items: 1 }),
  '6items': fixtureDocumentData({ items: 6 }),
};
type Size = keyof typeof samples;
const sizes = Object.keys(samples) as Size[];

// ---- (b) the same content as HTML, printed by headless Chromium -----------------------------
const html = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
const row = (label: string, value: string) =>
  `<tr><th>${html(label)}</th><td>${html(value)}</td></tr>`;
const rows = (list: [string, string][]) =>
  `<table class="fields">${list.map(([l, v]) => row(l, v)).join('')}</table>`;

/** The support document of one copy as an HTML page: the fields of `supportDocumentDefinition`. */
function supportDocumentHtml(data: SampleDocumentData, copyNumber: number): string {
  const { sample, laboratory, sampler, authority } = data;
  const company = sample.company;
  const substances = sortedSubstances(sample.substances);
  const lines = copyLines(sample);
  return `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Procès-verbal de prélèvement ${html(sample.reference)}</title>
<style>
  @page { size: A4; margin: 14mm 14mm 17mm; }
  body { font-family: Roboto, "Liberation Sans", Arial, sans-serif; font-size: 9.5pt; color: #161616; margin: 0; }
  header { display: flex; justify-content: space-between; margin-bottom: 12pt; }
  .republic { font-weight: bold; font-size: 10pt; line-height: 0.95; }
  .motto { font-style: italic; font-size: 7pt; margin-top: 3pt; }
  .authority { text-align: right; font-weight: bold; font-size: 9pt; }
  .authority small { display: block; font-weight: normal; color: #666; font-size: 8pt; }
  .title { display: flex; justify-content: space-between; align-items: flex-end; }
  h1 { color: #000091; font-size: 17pt; margin: 0; }
  .copy { font-weight: bold; font-size: 11pt; white-space: nowrap; }
  .reference { text-align: right; font-weight: bold; font-size: 12pt; }
  .reference small { display: block; font-weight: normal; color: #666; font-size: 8.5pt; }
  h2 { color: #000091; font-size: 11pt; margin: 10pt 0 4pt; }
  table { border-collapse: collapse; width: 100%; }
  .fields th { width: 150pt; text-align: left; font-weight: normal; color: #666; font-size: 8.5pt; vertical-align: top; padding: 1.5pt 4pt 1.5pt 0; }
  .fields td { padding: 1.5pt 0; }
  .grid { font-size: 8.5pt; }
  .grid th { background: #f6f6f6; text-align: left; }
  .grid th, .grid td { border: 0.5pt solid #929292; padding: 2pt 4pt; }
  .grid tr { break-inside: avoid; }
  .grid tr.current td { background: #e3e3fd; }
  .signatures { display: flex; border: 0.5pt solid #929292; break-inside: avoid; }
  .signatures div { flex: 1; height: 95pt; padding: 4pt; border-left: 0.5pt solid #929292; }
  .signatures div:first-child { border-left: none; }
  .mention { color: #666; font-size: 8pt; }
</style></head><body>
<header>
  <div><div class="republic">RÉPUBLIQUE<br>FRANÇAISE</div><div class="motto">Liberté<br>Égalité<br>Fraternité</div></div>
  <div class="authority">${html(authority.name)}<small>${html(authority.address)}</small></div>
</header>
<div class="title">
  <div><h1>Procès-verbal de prélèvement</h1><div class="copy">${html(copyTitle(data, copyNumber))}</div></div>
  <div class="reference"><small>Référence</small>${html(sample.reference)}</div>
</div>
<h2>Autorité et agents</h2>
${rows([
  ['Autorité mandante', authority.name],
  ['Adresse', authority.address],
  ['Agent habilité (préleveur)', `${personName(sampler)} — ${sampler.email}`],
  ['Second préleveur', sample.secondSamplerName ?? MISSING],
  ['Date et heure du prélèvement', formatDateTime(sample.sampledAt)],
])}
<h2>Cadre du prélèvement</h2>
${rows([
  ['Plan', planLabel(data.plan)],
  ['Contexte', contextLabel(sample.context)],
  ['Cadre juridique', legalContextLabel(sample.legalContext)],
  ['Numéro d’inspection', sample.inspectionId ?? MISSING],
])}
<h2>Lieu de prélèvement</h2>
${rows([
  ['Entreprise', company?.name ?? MISSING],
  ['SIRET', formatSiret(company?.siret)],
  ['Adresse', companyAddress(company)],
  ['Code NAF', company?.nafCode ?? MISSING],
  ['Parcelle', sample.parcel ?? MISSING],
  ['Département', departmentLabel(sample.departmentCode)],
  ['Géolocalisation', geolocationText(sample.geolocation)],
  ['Notes', sample.contextNotes ?? MISSING],
])}
<h2>Matrice</h2>
${rows([
  ['Catégorie de matrice', matrixKindLabel(sample.matrixKindCode)],
  ['Matrice', matrixLabel(sample)],
  ['Stade de prélèvement', stageLabel(sample.stage)],
  ['Partie prélevée', partSampledLabel(sample.partSampled)],
  ['Type de culture', cultureKindLabel(sample.cultureKind)],
])}
<h2>Substances à analyser (${substances.length})</h2>
<table class="grid"><thead><tr><th>Code</th><th>Substance</th><th>Méthode</th></tr></thead><tbody>
${substances.map((s) => `<tr><td>${html(s.substanceCode)}</td><td>${html(s.label)}</td><td>${html(methodLabel(s.method))}</td></tr>`).join('\n')}
</tbody></table>
<h2>Échantillons et scellés</h2>
${rows([
  ['Laboratoire destinataire', laboratory?.name ?? MISSING],
  ['Nombre d’échantillons', String(sample.items.length)],
])}
<table class="grid"><thead><tr><th>Éch.</th><th>Ex.</th><th>Référence</th><th>Quantité</th><th>N° de scellé</th><th>2002/63/CE</th><th>Destinataire</th></tr></thead><tbody>
${lines
  .map(
    (line) =>
      `<tr${line.copy.copyNumber === copyNumber ? ' class="current"' : ''}><td>${line.letter}</td><td>${line.copy.copyNumber}</td><td>${html(line.reference)}</td><td>${html(quantityText(line.copy))}</td><td>${html(line.copy.sealNumber ?? MISSING)}</td><td>${yesNo(line.copy.compliant200263)}</td><td>${html(recipientLabel(line.copy.recipient, laboratory))}</td></tr>`,
  )
  .join('\n')}
</tbody></table>
<h2>Déclaration du détenteur</h2>
${rows([
  ['Le détenteur accepte le procès-verbal', yesNo(sample.ownerConsent)],
  ['Déclaration du détenteur', sample.ownerStatement ?? MISSING],
  ['Nom du détenteur', sample.ownerName ?? MISSING],
  ['Adresse e-mail du détenteur', sample.ownerEmail ?? MISSING],
])}
<h2>Signatures</h2>
<div class="signatures">
  <div><b>Le préleveur</b><br><span class="mention">${html(personName(sampler))}</span><br><span class="mention">Signature :</span></div>
  <div><b>Le second préleveur</b><br><span class="mention">${html(sample.secondSamplerName ?? '')}</span><br><span class="mention">Signature :</span></div>
  <div><b>Le détenteur</b><br><span class="mention">${html(sample.ownerName ?? '')}</span><br><span class="mention">Signature :</span></div>
</div>
<p class="mention">Document établi avec Maestro le ${html(formatDateTime(data.generatedAt))}.</p>
</body></html>`;
}

/** The footer of every page, as the support document has it. */
const footerTemplate = (data: SampleDocumentData, copyNumber: number) =>
  `<div style="font-size:8pt;color:#666;width:100%;padding:0 14mm;display:flex;justify-content:space-between;font-family:Roboto,'Liberation Sans',Arial,sans-serif"><span>Procès-verbal de prélèvement ${html(data.sample.reference)} — Exemplaire n° ${copyNumber}</span><span>Page <span class="pageNumber"></span> / <span class="totalPages"></span></span></div>`;

const pdfOptions = (data: SampleDocumentData) =>
  ({
    format: 'A4',
    displayHeaderFooter: true,
    headerTemplate: '<span></span>',
    footerTemplate: footerTemplate(data, 1),
    margin: { top: '14mm', right: '14mm', bottom: '17mm', left: '14mm' },
  }) as const;

const browser = await chromium.launch({
  executablePath,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
const browserVersion = browser.version();
const settle = () => sleep(250);
try {
  const pdfmake = Object.fromEntries(
    sizes.map((size) => [
      size,
      new Series(() => renderPdf(supportDocumentDefinition(samples[size], 1))),
    ]),
  ) as Record<Size, Series>;
  const analysisRequest = new Series(() => renderPdf(analysisRequestDefinition(samples['1item'])));
  // a fresh context and page per document: what isolates one request from the next
  const fresh = Object.fromEntries(
    sizes.map((size) => [
      size,
      new Series(async () => {
        const context = await browser.newContext();
        try {
          const page = await context.newPage();
          await page.setContent(supportDocumentHtml(samples[size], 1), { waitUntil: 'load' });
          return await page.pdf(pdfOptions(samples[size]));
        } finally {
          await context.close();
        }
      }),
    ]),
  ) as Record<Size, Series>;
  // one page reused for every document: faster, but requests share a browser page
  const reusedContext = await browser.newContext();
  const reusedPage = await reusedContext.newPage();
  const reused = Object.fromEntries(
    sizes.map((size) => [
      size,
      new Series(async () => {
        await reusedPage.setContent(supportDocumentHtml(samples[size], 1), { waitUntil: 'load' });
        return reusedPage.pdf(pdfOptions(samples[size]));
      }),
    ]),
  ) as Record<Size, Series>;

  for (const size of sizes) await pdfmake[size].warmUp(WARM_UP);
  await analysisRequest.warmUp(WARM_UP);
  for (const size of sizes) {
    await fresh[size].warmUp(CHROMIUM_WARM_UP);
    await reused[size].warmUp(CHROMIUM_WARM_UP);
  }
  const perRound = Math.ceil(RUNS / ROUNDS);
  for (let round = 0; round < ROUNDS; round++) {
    for (const size of sizes) {
      for (const series of [pdfmake[size], fresh[size], reused[size]]) {
        await settle(); // let Chromium's processes finish what a closed context left behind
        await series.run(perRound);
      }
    }
    await settle();
    await analysisRequest.run(perRound);
  }
  await reusedContext.close();

  for (const size of sizes) {
    const pages = pageCount(pdfmake[size].last);
    record(`pdfmake.support.${size}.median`, pdfmake[size].median, 'ms');
    record(`pdfmake.support.${size}.p95`, pdfmake[size].p95, 'ms');
    record(`pdfmake.support.${size}.bytes`, pdfmake[size].last.length, 'bytes');
    record(`pdfmake.support.${size}.pages`, pages, 'pages');
    record(`pdfmake.support.${size}.median_per_page`, pdfmake[size].median / pages, 'ms');
  }
  record('pdfmake.analysis_request.1item.median', analysisRequest.median, 'ms');
  record('pdfmake.analysis_request.1item.p95', analysisRequest.p95, 'ms');
  record('pdfmake.analysis_request.1item.bytes', analysisRequest.last.length, 'bytes');
  record('pdfmake.analysis_request.1item.pages', pageCount(analysisRequest.last), 'pages');
  for (const size of sizes) {
    record(`chromium.fresh_context.${size}.median`, fresh[size].median, 'ms');
    record(`chromium.fresh_context.${size}.p95`, fresh[size].p95, 'ms');
    record(`chromium.fresh_context.${size}.bytes`, fresh[size].last.length, 'bytes');
    record(`chromium.fresh_context.${size}.pages`, pageCount(fresh[size].last), 'pages');
    record(`chromium.reused_page.${size}.median`, reused[size].median, 'ms');
    record(`chromium.reused_page.${size}.p95`, reused[size].p95, 'ms');
  }
  for (const size of sizes) {
    record(
      `ratio.chromium_fresh_context/pdfmake.${size}`,
      fresh[size].median / pdfmake[size].median,
      '×',
    );
    record(
      `ratio.chromium_reused_page/pdfmake.${size}`,
      reused[size].median / pdfmake[size].median,
      '×',
    );
  }
} finally {
  await browser.close();
}

console.log(
  `pdf: support document (copy 1) of a 1-item and of a 6-item sample (3 copies each, 8 substances), Node ${process.version}, Chromium ${browserVersion} (${executablePath})`,
);
console.log(
  `runs: ${RUNS} per series in ${ROUNDS} interleaved rounds, after ${WARM_UP} warm-up renders (pdfmake) and ${CHROMIUM_WARM_UP} warm-up documents (Chromium: a fresh context and page per document, and one reused page)`,
);
for (const [name, value] of Object.entries(figures)) {
  const shown = Number.isInteger(value) ? value : value.toFixed(units[name] === '×' ? 2 : 1);
  console.log(`${name}: ${shown} ${units[name]}`);
}
mkdirSync(path.join(import.meta.dirname, 'results'), { recursive: true });
writeFileSync(
  path.join(import.meta.dirname, 'results', 'pdf.json'),
  JSON.stringify(
    { runs: RUNS, rounds: ROUNDS, chromium: `${browserVersion} (${executablePath})`, ...figures },
    null,
    2,
  ),
);
