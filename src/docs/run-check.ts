import { checkPage, type Finding } from './check-pages.js';
import { readPages } from './read-page.js';
import { pageVersion, servicesByVersion } from './services-by-version.js';

// `edmock docs check`: every page against the metadata of its version.

export async function checkDocs(inputs: string[], metadataDir: string): Promise<Finding[]> {
  const serviceFor = servicesByVersion(metadataDir);
  const findings: Finding[] = [];
  for (const page of await readPages(inputs)) {
    const version = pageVersion(page);
    const service = version === undefined ? undefined : await serviceFor(version);
    if (!service) {
      const why = version === undefined ? 'no example URL names an API version' : `there is no metadata for version '${version}' in ${metadataDir}`;
      findings.push({ file: page.file, line: 1, severity: 'error', code: 'no-metadata', message: `cannot check the page: ${why}` });
      continue;
    }
    findings.push(...checkPage(page, service));
  }
  return findings;
}

export function formatFindings(findings: Finding[]): string {
  const lines = findings.map((f) => `${f.file}:${f.line}: ${f.severity} ${f.code}: ${f.message}`);
  const errors = findings.filter((f) => f.severity === 'error').length;
  lines.push(`${errors} error(s), ${findings.length - errors} warning(s)`);
  return lines.join('\n');
}
