import { contentDisposition, sendStoredFile } from '../../http/download';
import type { HandlersOf } from '../../http/router';
import type { ImportService } from './service';

export const importHandlers = (
  imports: ImportService,
): HandlersOf<
  | 'getAnalysisImportTemplate'
  | 'previewAnalysisImport'
  | 'getAnalysisImport'
  | 'findAnalysisImportLines'
  | 'commitAnalysisImport'
  | 'getAnalysisImportFile'
> => ({
  getAnalysisImportTemplate: async ({ query, res }) => {
    const file = await imports.template(query.format);
    res
      .status(200)
      .type(file.contentType)
      .setHeader('Content-Disposition', contentDisposition(file.fileName))
      .setHeader('Cache-Control', 'private, no-store')
      .send(file.content);
    return '';
  },
  previewAnalysisImport: ({ user, query, req }) => {
    const length = Number(req.headers['content-length']);
    return imports.preview(user, query, Number.isFinite(length) ? length : null, req);
  },
  getAnalysisImport: ({ user, params }) => imports.get(user, params.importId),
  findAnalysisImportLines: ({ user, params, query }) => imports.lines(user, params.importId, query),
  commitAnalysisImport: ({ user, params, body }) => imports.commit(user, params.importId, body),
  getAnalysisImportFile: async ({ user, params, res }) => {
    const { fileName, stored } = await imports.file(user, params.importId);
    await sendStoredFile(res, stored, { fileName: fileName, contentType: stored.contentType });
    return '';
  },
});
