// The entity types of people.xml, as `edmock generate` writes them (kept beside the model for the
// TypeScript handler module; regenerate them with the model when it changes).

/** Hooks.Test.AuditEntry */
export interface AuditEntry {
  '@odata.type'?: string;
  Id: string;
  Message: string;
}

/** Hooks.Test.Card */
export interface Card {
  '@odata.type'?: string;
  Title: string | null;
  Lines: Array<string | null>;
}

/** Hooks.Test.Person */
export interface Person {
  '@odata.type'?: string;
  Id: string;
  Name: string;
  Age: number;
  Note: string | null;
}
