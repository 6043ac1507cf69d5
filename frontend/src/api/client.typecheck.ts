import { api } from './client';

// Compile-time checks of the client's types: `tsc --noEmit` fails if the contract and the
// client drift apart. Never called.
export async function clientTypeChecks() {
  const session = await api.getSession();
  session.user.firstName satisfies string;
  const users = await api.findUsers({ query: { page: 2 } });
  users.items[0]?.createdAt satisfies Date | undefined;
  // @ts-expect-error the body is required
  await api.createUser();
}
