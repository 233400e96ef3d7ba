// Number formatting and Markdown tables (readable in a terminal, pasteable into the README).

export function fixed(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '—';
}

/** Three significant figures, at least; no exponent notation. */
export function sig(value: number): string {
  if (!Number.isFinite(value)) return '—';
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  if (value >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

export function rate(perSec: number): string {
  if (!Number.isFinite(perSec) || perSec === 0) return '—';
  if (perSec >= 1e6) return `${sig(perSec / 1e6)} M`;
  if (perSec >= 1e3) return `${sig(perSec / 1e3)} k`;
  return sig(perSec);
}

export const ratio = (value: number | undefined) => (value === undefined ? '—' : `${sig(value)}×`);

export function count(n: number): string {
  if (n >= 1e6 && n % 1e6 === 0) return `${n / 1e6}M`;
  if (n >= 1e3 && n % 1e3 === 0) return `${n / 1e3}k`;
  return String(n);
}

export function markdownTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
