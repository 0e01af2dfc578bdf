/**
 * One module's share of what the installation holds about one end user, for export and erasure
 * (GDPR articles 15 and 17). A person is known by their conversations; a module that stores their
 * user id can name those conversations. `src/person-data.ts` asks every part and puts it together.
 */
export interface PersonDataPart {
  readonly module: string;
  /** Conversations this module knows the person in, by the user id their messages carried. */
  conversationsOf(tenantId: string, userId: string): Promise<string[]>;
  /** Everything the module holds about these conversations, by kind (table), as plain JSON. */
  export(tenantId: string, conversationIds: readonly string[]): Promise<Record<string, unknown[]>>;
  /** Deletes it, rows and cached copies; returns the number of rows deleted by kind. */
  forget(tenantId: string, conversationIds: readonly string[]): Promise<Record<string, number>>;
  /** Deletes what had its last activity before `before` (ISO time), for a workspace's retention; rows deleted by kind. */
  expire?(tenantId: string, before: string): Promise<Record<string, number>>;
}
