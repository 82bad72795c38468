/**
 * How a benchmark reports: a table of rows printed as aligned text, and targets, each checked and
 * printed MET or MISSED. The same objects go into results/latest.json.
 */

/** Print `rows` (objects) under `title`, columns in the order of `columns` ({ key, label }). */
export function printTable(title, columns, rows) {
  const header = columns.map((column) => column.label);
  const body = rows.map((row) => columns.map((column) => formatCell(row[column.key])));
  const widths = header.map((label, index) => Math.max(label.length, ...body.map((cells) => cells[index].length)));
  const line = (cells) => cells.map((cell, index) => (index === 0 ? cell.padEnd(widths[index]) : cell.padStart(widths[index]))).join('  ');
  console.log(`\n${title}`);
  console.log(line(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const cells of body) console.log(line(cells));
}

function formatCell(value) {
  if (value === undefined || value === null) return '-';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return '-';
    if (Number.isInteger(value)) return value.toLocaleString('en-US');
    if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
    return value.toFixed(Math.abs(value) >= 10 ? 1 : 2);
  }
  return String(value);
}

/**
 * A target: `value` compared with `limit` (`atLeast` or `atMost`). A value that could not be measured
 * is reported as NOT MEASURED, never as met.
 */
export function checkTarget({ name, value, limit, direction, detail }) {
  const measured = typeof value === 'number' && Number.isFinite(value);
  const met = measured && (direction === 'atLeast' ? value >= limit : value <= limit);
  return {
    name,
    value: measured ? Math.round(value * 1000) / 1000 : null,
    limit,
    direction,
    status: measured ? (met ? 'MET' : 'MISSED') : 'NOT MEASURED',
    ...(detail ? { detail } : {}),
  };
}

export function printTargets(targets) {
  for (const target of targets) {
    const sign = target.direction === 'atLeast' ? '>=' : '<=';
    const value = target.value === null ? 'n/a' : String(target.value);
    console.log(`  target: ${target.name} ${sign} ${target.limit}: ${value}  ${target.status}${target.detail ? `  (${target.detail})` : ''}`);
  }
}
