#!/usr/bin/env node
// Container health check: GET /api/v1/health (liveness) on this machine; exit 0 when it answers 200.
// Port: the first argument (workers: their SF_METRICS_PORT), else SF_PORT, else 3000.
const port = process.argv[2] ?? process.env.SF_PORT ?? '3000';
try {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/health`, { signal: AbortSignal.timeout(4000) });
  process.exit(res.status === 200 ? 0 : 1);
} catch {
  process.exit(1);
}
