import { sendStoredFile } from '../http/download';
import type { HandlersOf } from '../http/router';
import type { AnalysisService } from './service';

/** The analysis loop: reception, results, report, review, counter-analysis. */
export const analysisHandlers = (
  analyses: AnalysisService,
): HandlersOf<
  | 'findMrls'
  | 'findAnalyses'
  | 'getAnalysis'
  | 'receiveAnalysis'
  | 'rejectAnalysis'
  | 'saveAnalysisResults'
  | 'submitAnalysisResults'
  | 'correctAnalysisResults'
  | 'uploadAnalysisReport'
  | 'getAnalysisReport'
  | 'findAnalysisResultVersions'
  | 'reviewAnalysis'
  | 'reevaluateAnalysis'
  | 'findSampleAnalyses'
  | 'requestCounterAnalysis'
> => ({
  findMrls: ({ query }) => analyses.findMrls(query.matrixCode),
  findAnalyses: ({ user, query }) => analyses.find(user, query),
  getAnalysis: ({ user, params }) => analyses.get(user, params.analysisId),
  receiveAnalysis: ({ user, params, body }) => analyses.receive(user, params.analysisId, body),
  rejectAnalysis: ({ user, params, body }) => analyses.reject(user, params.analysisId, body),
  saveAnalysisResults: ({ user, params, body }) =>
    analyses.saveResults(user, params.analysisId, body),
  submitAnalysisResults: ({ user, params, body }) =>
    analyses.submit(user, params.analysisId, body.version),
  correctAnalysisResults: ({ user, params, body }) =>
    analyses.correct(user, params.analysisId, body),
  uploadAnalysisReport: ({ user, params, query, req }) =>
    analyses.uploadReport(user, params.analysisId, query.fileName, req),
  getAnalysisReport: async ({ user, params, res }) => {
    const { fileName, stored } = await analyses.report(user, params.analysisId);
    await sendStoredFile(res, stored, { fileName: fileName, contentType: 'application/pdf' });
    return '';
  },
  findAnalysisResultVersions: ({ user, params }) => analyses.versions(user, params.analysisId),
  reviewAnalysis: ({ user, params, body }) => analyses.review(user, params.analysisId, body),
  reevaluateAnalysis: ({ user, params, body }) =>
    analyses.reevaluate(user, params.analysisId, body.version),
  findSampleAnalyses: ({ user, params }) => analyses.findBySample(user, params.sampleId),
  requestCounterAnalysis: ({ user, params, body }) =>
    analyses.requestCounterAnalysis(user, params.sampleId, body),
});
