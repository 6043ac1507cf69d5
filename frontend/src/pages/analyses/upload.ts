import { contract } from '@maestro/shared/contract';
import { type Analysis, ApiError } from '@maestro/shared/schema';
import { ApiClientError, apiUrl } from '../../api/client';

/**
 * Sends the signed report (a PDF, as the request's body: the typed client only sends JSON) and
 * answers the analysis as the contract describes it, or throws an `ApiClientError`.
 */
export async function uploadAnalysisReport(analysisId: string, file: File): Promise<Analysis> {
  const url = apiUrl('uploadAnalysisReport', {
    params: { analysisId },
    query: { fileName: file.name },
  });
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'PUT',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/pdf', Accept: 'application/json' },
      body: file,
    });
  } catch {
    throw new ApiClientError(0, {
      error: 'NetworkError',
      message: 'Le serveur est injoignable. Vérifiez votre connexion puis réessayez.',
      issues: [],
    });
  }
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON: handled below.
  }
  if (!response.ok) {
    const error = ApiError.safeParse(body);
    throw new ApiClientError(
      response.status,
      error.success
        ? error.data
        : {
            error: 'InternalError',
            message:
              response.status === 413
                ? 'Le fichier est trop volumineux.'
                : 'Le rapport a été refusé par le serveur.',
            issues: [],
          },
    );
  }
  const parsed = contract.uploadAnalysisReport.response.safeParse(body);
  if (!parsed.success)
    throw new ApiClientError(response.status, {
      error: 'ContractMismatch',
      message: 'La réponse du serveur est inattendue. Rechargez la page.',
      issues: [],
    });
  return parsed.data;
}

/** A PDF, by its type or, when the browser gives none, by its name. */
export const isPdf = (file: File): boolean =>
  file.type === 'application/pdf' || (file.type === '' && /\.pdf$/i.test(file.name));
