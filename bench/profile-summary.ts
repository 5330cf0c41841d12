/**
 * `npx tsx bench/profile-summary.ts <file.cpuprofile> [top]`: where a `node --cpu-prof` profile spent its
 * time — self time by function and by package/folder. `npm run bench -- --profile` writes the product
 * processes' profiles to bench/profiles/<scenario>/.
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export function summariseProfile(path: string, top = 25): string {
  const p = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i] ?? 0));
  const totalUs = p.endTime - p.startTime;
  const fn = new Map<string, number>();
  const area = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const { functionName, url, lineNumber } = n.callFrame;
    const file = url.replace(/^file:\/\//, '');
    const short = file.replace(/^.*\/node_modules\//, 'node_modules/').replace(/^.*\/work\/[^/]+\//, '');
    const key = `${functionName || '(anonymous)'} ${short ? `${short}:${lineNumber + 1}` : ''}`.trim();
    fn.set(key, (fn.get(key) ?? 0) + us);
    const a = !file
      ? functionName || '(native)'
      : file.includes('/node_modules/')
        ? `node_modules/${/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1]}`
        : file.startsWith('node:')
          ? 'node: internals'
          : short.split('/').slice(0, 2).join('/');
    area.set(a, (area.get(a) ?? 0) + us);
  }
  const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(7)} ms ${((us / totalUs) * 100).toFixed(1).padStart(5)} %`;
  const lines = [`${path}: ${(totalUs / 1e6).toFixed(1)} s profiled`, '', 'Self time by area:'];
  for (const [k, v] of [...area].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`${ms(v)}  ${k}`);
  lines.push('', 'Self time by function:');
  for (const [k, v] of [...fn].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`${ms(v)}  ${k}`);
  return lines.join('\n');
}

if (process.argv[1]?.endsWith('profile-summary.ts')) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error('usage: npx tsx bench/profile-summary.ts <file.cpuprofile> [top]');
    process.exit(2);
  }
  console.log(summariseProfile(file, Number(top ?? 25)));
}
