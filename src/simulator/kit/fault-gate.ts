import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import type { FaultAction, FaultController, UploadInfo } from './faults.ts';

/** The request's upload for the byte budget: a multipart body's declared length (undefined for anything else). */
export function uploadOf(headers: IncomingHttpHeaders): UploadInfo | undefined {
  if (!/^multipart\//i.test(headers['content-type'] ?? '')) return undefined;
  const bytes = Number(headers['content-length']);
  return Number.isFinite(bytes) && bytes > 0 ? { bytes } : undefined;
}

/**
 * Applies the switched-on latency and faults to one API request. `drop`: the connection was reset or the
 * simulator is closing (nothing more to send); `respond`: answer with the fault's status/body; `continue`:
 * handle the request normally (a timed hang continues after its delay, as a slow real server acts late).
 */
export async function applyFaults(
  faults: FaultController,
  closing: { value: boolean },
  req: FastifyRequest,
  reply: FastifyReply,
  path: string,
): Promise<{ kind: 'drop' } | { kind: 'continue' } | Extract<FaultAction, { kind: 'respond' }>> {
  if (faults.latencyMs > 0) await new Promise((r) => setTimeout(r, faults.latencyMs));
  const action = faults.decide(req.method, path, uploadOf(req.headers));
  if (action.kind === 'reset') {
    reply.hijack();
    req.raw.socket.destroy();
    return { kind: 'drop' };
  }
  if (action.kind === 'hang') {
    await faults.waitWhileHung(action.ms);
    if (closing.value) {
      reply.hijack();
      return { kind: 'drop' };
    }
  }
  if (action.kind === 'respond') return action;
  return { kind: 'continue' };
}
