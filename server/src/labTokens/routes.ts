import type { HandlersOf } from '../http/router';
import type { LabTokenService } from './service';

export const labTokenHandlers = (
  tokens: LabTokenService,
): HandlersOf<'findLabTokens' | 'createLabToken' | 'revokeLabToken'> => ({
  findLabTokens: ({ params }) => tokens.list(params.laboratoryId),
  createLabToken: ({ params, body }) => tokens.create(params.laboratoryId, body),
  revokeLabToken: async ({ params }) => {
    await tokens.revoke(params.laboratoryId, params.tokenId);
    return null;
  },
});
