import { existsSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../src/package-root.js';

// Where tests find the repository and the data beside it. Tests run compiled from dist/test, so
// nothing here is relative to this file's own directory: the root is edmock's own (the directory
// of its package.json, found the same way from src/ and dist/src/).

export const REPO_ROOT = packageRoot();

/** The built command line, as `npm start` runs it. */
export const CLI = path.join(REPO_ROOT, 'dist', 'src', 'cli', 'edmock.js');

const SHARED_VARIABLE = 'EDMOCK_SHARED_DIR';

/** Data shared between projects (not in this repository): ../shared unless EDMOCK_SHARED_DIR says. */
export const SHARED_DIR = path.resolve(REPO_ROOT, process.env[SHARED_VARIABLE] || path.join('..', 'shared'));

/** The Graph reference pages the docs commands read. */
export const CORPUS_DIR = path.join(SHARED_DIR, 'docs-corpus');

/** The whole Microsoft Graph v1.0 metadata (1,182 entity types). */
export const GRAPH_V1_METADATA = path.join(SHARED_DIR, 'graph-reference', 'v1.0-cleanMetadata.xml');

/**
 * Why tests needing `file` cannot run (a one-line skip reason naming it and how to supply it),
 * or false when it is there.
 */
function missing(file: string, what: string): string | false {
  if (existsSync(file)) return false;
  return `no ${what} at ${file}; set ${SHARED_VARIABLE}=/path/to/shared (default ../shared beside the checkout)`;
}

export const corpusMissing = missing(CORPUS_DIR, 'docs corpus');
export const graphV1Missing = missing(GRAPH_V1_METADATA, 'Graph v1.0 metadata');

/** A model of test/models (the repository's own EDMX files for tests). */
export const modelFile = (name: string): string => path.join(REPO_ROOT, 'test', 'models', name);
