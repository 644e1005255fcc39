// What edmock reads from one API reference page: plain data, the same for the markdown source
// form and the rendered plain-text form. Line numbers are 1-based lines of the page file.

export interface PageOperation {
  method: string;
  /** Path template below the version, e.g. `/deviceAppManagement/mobileApps/{mobileAppId}/userStatuses`. */
  path: string;
  line: number;
}

export interface PageProperty {
  name: string;
  /** The type as the page writes it: `String`, `Int32`, `complianceStatus`, `Enumeration`. */
  type: string;
  description: string;
  /** Members listed in "Possible values are: ...", in page order. */
  enumMembers?: string[];
  line: number;
}

export interface PagePermission {
  kind: string;
  /** Scopes, or the placeholder/"Not supported" text when there are none. */
  scopes: string[];
  text: string;
  line: number;
}

export interface ExampleRequest {
  method: string;
  url: string;
  /** API version from the URL (`beta`, `v1.0`). */
  version?: string;
  path: string;
  headers: Record<string, string>;
  body?: unknown;
  bodyText?: string;
  /** Line of the request line, and of the first line of the JSON body. */
  line: number;
  bodyLine?: number;
  annotation: Record<string, unknown>;
  /** Line of the annotation comment, when the page has one. */
  annotationLine?: number;
}

export interface ExampleResponse {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
  line: number;
  bodyLine?: number;
  annotation: Record<string, unknown>;
  annotationLine?: number;
}

export interface PageExample {
  request: ExampleRequest;
  response?: ExampleResponse;
}

export interface DocPage {
  file: string;
  format: 'markdown' | 'text';
  title?: string;
  frontMatter: Record<string, unknown>;
  namespace?: string;
  operations: PageOperation[];
  /** The entity type the page is about (simple name), from its links, examples or title. */
  entityType?: string;
  properties: PageProperty[];
  permissions: PagePermission[];
  /** Status code the Response section promises (`201 Created`). */
  expectedStatus?: { status: number; line: number };
  examples: PageExample[];
  /** `TODO` placeholders anywhere on the page. */
  todos: { text: string; line: number }[];
}
