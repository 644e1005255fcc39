// The `Prefer: return=minimal|representation` preference (OData 4.01 Protocol §8.2.8.7).

export type ReturnPreference = 'minimal' | 'representation' | undefined;

export function returnPreference(header: string | string[] | undefined): ReturnPreference {
  const values = (Array.isArray(header) ? header.join(',') : header ?? '').split(',');
  for (const value of values) {
    const match = /^\s*return\s*=\s*(minimal|representation)\s*$/i.exec(value);
    if (match) return (match[1] as string).toLowerCase() as ReturnPreference;
  }
  return undefined;
}
