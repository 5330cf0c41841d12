import { afterAll, beforeAll } from 'vitest';
import { createTempDatabase } from './postgres.ts';
import { startStack, type TestStack } from './stack.ts';

/**
 * Inside a describe block: a stack (not listening) on a throw-away database of the SF_TEST_DATABASE_URL
 * server, started before the block's tests and dropped after them. Read `.stack` inside the tests.
 */
export function usePostgresStack(): { readonly stack: TestStack } {
  let temp: Awaited<ReturnType<typeof createTempDatabase>> | undefined;
  let stack: TestStack | undefined;
  beforeAll(async () => {
    temp = await createTempDatabase();
    stack = await startStack({ listen: false, env: { DATABASE_URL: temp.url } });
  });
  afterAll(async () => {
    await stack?.close();
    await temp?.drop();
  });
  return {
    get stack() {
      if (!stack) throw new Error('the PostgreSQL stack is not started yet: read it inside a test');
      return stack;
    },
  };
}
