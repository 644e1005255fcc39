import type { OperationRequest } from './operation.js';

// Server-driven paging (Protocol §11.2.6.7): the link to the page after this one.

/** The nextLink of a page: the same request with $skiptoken (and without $skip, now behind it). */
export function nextLink(request: OperationRequest, token: string): string {
  const kept = request.rawQuery.split('&').filter((pair) => {
    const name = decodeURIComponent(pair.split('=')[0] ?? '').replace(/^\$/, '').toLowerCase();
    return pair !== '' && name !== 'skiptoken' && name !== 'skip';
  });
  kept.push(`$skiptoken=${token}`);
  return `${request.baseUrl}${request.path}?${kept.join('&')}`;
}
