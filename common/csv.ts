/** A value of a CSV cell: lists are `;`-joined. */
export type CsvValue = string | number | readonly string[] | null | undefined;

/**
 * One CSV field (RFC 4180 §2): quoted when it holds a quote, comma or line break. Text that
 * a spreadsheet would run as a formula (OWASP, "CSV Injection") gets a leading `'`; numbers
 * are written as they are.
 */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) {
    return '';
  }
  if (typeof value === 'number') {
    return String(value);
  }
  let text = typeof value === 'string' ? value : value.join(';');
  if (/^[=+\-@\t\r]/.test(text)) {
    text = `'${text}`;
  }
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV record with its line break. */
export function csvLine(fields: readonly CsvValue[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}
