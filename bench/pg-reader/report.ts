import { renderProfileSummary } from '../framework/cpu-profile.js';
import { formatCount, formatMiB } from '../framework/format.js';
import type { WorkloadResult } from './run-workload.js';

/** The terminal summary of pg-reader runs. */

/** Per workload, the median of each round's figures (each median taken on its own). */
export function renderMedians(results: WorkloadResult[]): string[] {
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  const lines: string[] = [];
  for (const name of [...new Set(results.map((r) => r.workload))]) {
    const rs = results.filter((r) => r.workload === name);
    lines.push(
      `median of ${rs.length} rounds, ${rs[0]!.label}: pg_recvlogical ${formatCount(median(rs.map((r) => r.ceiling.rowsPerSecond)))} rows/s, ` +
        `tandem ${formatCount(median(rs.map((r) => r.tandem.rowsPerSecond)))} rows/s, ratio ${median(rs.map((r) => r.ratio)).toFixed(2)} ` +
        `(streaming ratio ${median(rs.map((r) => r.streamingRatio)).toFixed(2)}), peak RSS ${median(rs.map((r) => r.tandem.peakRssMiB)).toFixed(0)} MiB`,
    );
  }
  return lines;
}

export function renderWorkload(r: WorkloadResult, suffix = ''): string[] {
  const cpu = (s: number | undefined) => (s === undefined ? '?' : `${s.toFixed(1)} s`);
  const lines = [
    `pg-reader ${r.label}${suffix} (${formatCount(r.rows)} rows, ${formatCount(r.transactions)} transactions; writer took ${r.writer.seconds} s):`,
    `  pg_recvlogical: ${r.ceiling.seconds.toFixed(2)} s  ${formatCount(r.ceiling.rowsPerSecond)} rows/s  (CPU: walsender ${cpu(r.ceiling.walsenderCpuSeconds)}, pg_recvlogical ${cpu(r.ceiling.pgRecvlogicalCpuSeconds)})`,
    `  tandem:         ${r.tandem.seconds.toFixed(2)} s  ${formatCount(r.tandem.rowsPerSecond)} rows/s  ratio ${r.ratio.toFixed(2)}` +
      `  (startup ${r.tandem.startupSeconds.toFixed(2)} s; streaming ${formatCount(r.tandem.streamingRowsPerSecond)} rows/s, ratio ${r.streamingRatio.toFixed(2)})`,
    `  tandem peak RSS ${formatMiB(r.tandem.peakRssMiB * 2 ** 20)} (median ${formatMiB(r.tandem.medianRssMiB * 2 ** 20)}); ${r.tandem.changesTopicBytesPerRow ?? '?'} Kafka bytes/row; CPU: reader ${cpu(r.tandem.readerCpuSeconds)}, walsender ${cpu(r.tandem.walsenderCpuSeconds)}, Kafka broker ${cpu(r.tandem.kafkaBrokerCpuSeconds)}`,
  ];
  lines.push(
    `  machine CPU busy: ${cpu(r.ceiling.machineBusyCpuSeconds)} during pg_recvlogical, ${cpu(r.tandem.machineBusyCpuSeconds)} during tandem; ` +
      `load average before/after: ${r.loadAverageBefore.join(' ')} / ${r.loadAverageAfter.join(' ')}`,
  );
  if (r.cleanupProblems.length) lines.push(`  problems: ${r.cleanupProblems.join('; ')}`);
  if (r.profile) lines.push(`  CPU profile: ${r.profile.file}`, ...renderProfileSummary(r.profile.summary));
  return lines;
}
