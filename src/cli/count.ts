/** `1 singleton`, `2 singletons`: counts in the CLI's output read right in English. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
