import type { HandlersOf } from '../http/router';
import type { UserService } from './service';

export const userHandlers = (
  users: UserService,
): HandlersOf<'findUsers' | 'getUser' | 'createUser' | 'updateUser'> => ({
  findUsers: async ({ query }) => {
    const { items, total } = await users.find(query);
    return { items, total, page: query.page, perPage: query.perPage };
  },
  getUser: async ({ params }) => users.get(params.userId),
  createUser: async ({ body }) => users.create(body),
  updateUser: async ({ params, body, user }) => users.update(params.userId, body, user.id),
});
