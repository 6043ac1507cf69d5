import type { Analysis } from '@maestro/shared/schema';
import { apiUpload } from '../../api/client';

/** Sends the signed report (a PDF, as the request's body); throws an `ApiClientError`. */
export const uploadAnalysisReport = (analysisId: string, file: File): Promise<Analysis> =>
  apiUpload(
    'uploadAnalysisReport',
    { params: { analysisId }, query: { fileName: file.name } },
    {
      content: file,
      contentType: 'application/pdf',
      messages: { 413: 'Le fichier est trop volumineux.', 415: 'Le rapport doit être un PDF.' },
    },
  );

/** A PDF, by its type or, when the browser gives none, by its name. */
export const isPdf = (file: File): boolean =>
  file.type === 'application/pdf' || (file.type === '' && /\.pdf$/i.test(file.name));
