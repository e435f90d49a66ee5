/**
 * A text cell a spreadsheet would read as a formula (« =HYPERLINK(…) », « +33… », « @SUM »,
 * a leading tab or carriage return) is prefixed with a quote: the cell stays text. Every CSV
 * and XLSX Jalons writes goes through this (OWASP « CSV injection »).
 */
export const neutralise = (text: string): string => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);
