import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';

/**
 * The JSON body of a /_sim control route, checked by `schema`; on bad input the 400 answer is sent and
 * null returned (the control routes read raw bodies: the simulator's parser keeps them as buffers).
 */
export function controlBody<T extends z.ZodType>(req: FastifyRequest, reply: FastifyReply, schema: T): z.infer<T> | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '{}');
  } catch {
    void reply
      .code(400)
      .type('application/json')
      .send(JSON.stringify({ message: 'Body must be JSON' }));
    return null;
  }
  const r = schema.safeParse(parsed);
  if (!r.success) {
    void reply
      .code(400)
      .type('application/json')
      .send(JSON.stringify({ message: z.prettifyError(r.error) }));
    return null;
  }
  return r.data;
}
