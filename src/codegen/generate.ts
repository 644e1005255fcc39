import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadServiceArtefacts, renderArtefactFiles } from './service-artefacts.js';

// `edmock generate`: metadata/<service>.xml -> generated/<service>/*. With `check`, nothing is
// written and every file that differs from what would be generated is reported (CI's drift check).

export interface GenerateOptions {
  metadataDir: string;
  outDir: string;
  check?: boolean;
  /** Told what is happening, for a long generation (the whole Graph metadata takes seconds). */
  progress?: (line: string) => void;
}

export interface GenerateResult {
  services: string[];
  /** Files written (or, with check, files that are stale, missing or left over). */
  changed: string[];
}

export async function generate({ metadataDir, outDir, check = false, progress }: GenerateOptions): Promise<GenerateResult> {
  const sources = (await readdir(metadataDir)).filter((f) => f.endsWith('.xml')).sort();
  if (sources.length === 0) throw new Error(`no .xml metadata in ${metadataDir}`);
  const services: string[] = [];
  const changed: string[] = [];
  for (const file of sources) {
    const service = file.slice(0, -'.xml'.length);
    const relativeSource = path.posix.join(path.basename(metadataDir), file);
    const text = await readFile(path.join(metadataDir, file), 'utf8');
    let started = performance.now();
    const elapsed = () => { const ms = performance.now() - started; started = performance.now(); return `${(ms / 1000).toFixed(1)} s`; };
    progress?.(`${relativeSource}: reading the model (${(text.length / 2 ** 20).toFixed(1)} MB)`);
    const artefacts = loadServiceArtefacts(service, path.join(metadataDir, file), text);
    const { model } = artefacts;
    progress?.(`${relativeSource}: ${Object.keys(model.entityTypes).length} entity types, ${Object.keys(model.complexTypes).length} complex types, ${Object.keys(model.enumTypes).length} enums (${elapsed()}); compiling validators and routes`);
    const files = renderArtefactFiles(artefacts, relativeSource);
    progress?.(`${relativeSource}: ${files.size} files rendered (${elapsed()})`);
    const dir = path.join(outDir, service);
    const existing = new Set(await readdir(dir).catch(() => [] as string[]));
    if (!check) await mkdir(dir, { recursive: true });
    for (const [name, content] of files) {
      existing.delete(name);
      const target = path.join(dir, name);
      const current = await readFile(target, 'utf8').catch(() => undefined);
      if (current === content) continue;
      changed.push(target);
      if (!check) await writeFile(target, content);
    }
    for (const leftover of existing) {
      changed.push(path.join(dir, leftover));
      if (!check) await rm(path.join(dir, leftover), { recursive: true });
    }
    services.push(service);
  }
  const serviceDirs = await readdir(outDir).catch(() => [] as string[]);
  for (const dir of serviceDirs) {
    if (services.includes(dir)) continue;
    changed.push(path.join(outDir, dir));
    if (!check) await rm(path.join(outDir, dir), { recursive: true });
  }
  return { services, changed };
}
