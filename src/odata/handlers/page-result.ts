import { writeCollection } from '../response-json.js';
import type { Page } from '../query/read-collection.js';
import type { OperationRequest, OperationResult } from './handler.js';

// Server-driven paging (Protocol §11.2.6.7) as every collection answers it, of entities or of
// references: the page size the client may lower with `Prefer: odata.maxpagesize` (echoed in
// Preference-Applied), `@odata.count` when asked for, and the link to the next page.

export const pageSizeOf = (request: OperationRequest): number => request.prefer.maxPageSize ?? request.pageSize;

/** The nextLink of a page: the same request with $skiptoken (and without $skip, now behind it). */
function nextLink(request: OperationRequest, token: string): string {
  const kept = request.rawQuery.split('&').filter((pair) => {
    const name = decodeURIComponent(pair.split('=')[0] ?? '').replace(/^\$/, '').toLowerCase();
    return pair !== '' && name !== 'skiptoken' && name !== 'skip';
  });
  kept.push(`$skiptoken=${token}`);
  return `${request.baseUrl}${request.path}?${kept.join('&')}`;
}

/** A 200 with the written items of a page. */
export function pageResult(request: OperationRequest, page: Page, items: string[], contextFragment: string): OperationResult {
  const extras: { count?: number; nextLink?: string } = {};
  if (page.count !== undefined) extras.count = page.count;
  if (page.nextToken !== undefined) extras.nextLink = nextLink(request, page.nextToken);
  const headers: Record<string, string> = {};
  if (request.prefer.maxPageSize !== undefined) headers['Preference-Applied'] = `odata.maxpagesize=${request.prefer.maxPageSize}`;
  const context = { service: request.service, baseUrl: request.baseUrl, format: request.format };
  return { status: 200, headers, body: writeCollection(context, items, contextFragment, extras) };
}
