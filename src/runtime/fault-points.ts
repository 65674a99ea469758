/**
 * Named points where tests can make the process die as abruptly as a power cut (SIGKILL to itself),
 * to prove that no change is lost or repeated whatever moment a crash hits.
 *
 * Enabled only through the environment: TANDEM_FAULTS="point:N[,point:N…]" kills the process the N-th
 * time execution passes `point`. Without the variable, each call is a single Map lookup.
 */
export type FaultPoint =
  | 'publisher.before-kafka-commit'
  | 'publisher.after-kafka-commit'
  | 'publisher.after-chunk-sent';

const countdowns = parseFaults(process.env.TANDEM_FAULTS);

function parseFaults(spec: string | undefined): Map<string, number> {
  const map = new Map<string, number>();
  for (const part of (spec ?? '').split(',')) {
    const [name, count] = part.split(':');
    if (name && count && Number.isInteger(Number(count)) && Number(count) > 0) map.set(name, Number(count));
  }
  return map;
}

export function faultPoint(point: FaultPoint): void {
  if (countdowns.size === 0) return;
  const left = countdowns.get(point);
  if (left === undefined) return;
  if (left <= 1) {
    process.stderr.write(`tandem: fault injection: SIGKILL at ${point}\n`);
    process.kill(process.pid, 'SIGKILL');
  }
  countdowns.set(point, left - 1);
}
