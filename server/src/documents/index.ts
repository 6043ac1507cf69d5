export {
  ANALYSIS_REQUEST_TITLE,
  type AnalysisRequestTable,
  analysisRequestCsv,
  analysisRequestDefinition,
  analysisRequestRows,
  analysisRequestXlsx,
} from './analysisRequest';
export { type BlankFormInput, blankFormDefinition } from './blankForm';
export { type Authority, orderingAuthority, type SampleDocumentData } from './data';
export { code128Canvas, encodeCode128B, labelsDefinition } from './labels';
export { renderPdf } from './render';
export { SUPPORT_DOCUMENT_TITLE, supportDocumentDefinition } from './supportDocument';
