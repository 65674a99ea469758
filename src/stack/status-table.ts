import type { BackendKind } from './backend.js';
import type { ServiceStatus } from './service.js';

/** A fixed-width table of the services, for `tandem stack status`. */
export function renderStatusTable(backend: BackendKind, services: ServiceStatus[]): string {
  const header = ['SERVICE', 'STATE', 'PID', 'PORT', 'URL'];
  const rows = services.map((service) => [
    service.name,
    service.state,
    service.pid === null ? '-' : String(service.pid),
    String(service.port),
    service.url,
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const format = (cells: string[]): string =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ');
  return [`backend: ${backend}`, format(header), ...rows.map(format)].join('\n');
}
