import type { ModuleMigrations } from '../storage/contract.js';

/**
 * The knowledge base: sources (an uploaded document or a URL), their chunks, and a BM25 postings
 * table (term → chunk, with its count) that PostgreSQL and PGlite both query the same way.
 * Embeddings, when a provider made them, are `real[]` on the chunk: exact cosine search needs no
 * extension; pgvector, where installed, only speeds the same query up.
 */
export const knowledgeMigrations: ModuleMigrations = {
  module: 'knowledge',
  migrations: [
    {
      id: '001_knowledge_base',
      sql: `
        CREATE TABLE knowledge_sources (
          id text PRIMARY KEY,
          tenant_id uuid NOT NULL,
          name text NOT NULL,
          kind text NOT NULL,
          url text,
          content text NOT NULL,
          status text NOT NULL,
          error text,
          chunk_count integer NOT NULL DEFAULT 0,
          embedding_model text,
          created_at timestamptz NOT NULL DEFAULT now(),
          indexed_at timestamptz
        );
        CREATE INDEX knowledge_sources_tenant_idx ON knowledge_sources (tenant_id, created_at);
        
    ALTER TABLE knowledge_sources ENABLE ROW LEVEL SECURITY;
    CREATE POLICY knowledge_sources_tenant_isolation ON knowledge_sources
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
    GRANT SELECT, INSERT, UPDATE, DELETE ON knowledge_sources TO mcp_app;

        CREATE TABLE knowledge_chunks (
          id text PRIMARY KEY,
          tenant_id uuid NOT NULL,
          source_id text NOT NULL REFERENCES knowledge_sources(id) ON DELETE CASCADE,
          position integer NOT NULL,
          text text NOT NULL,
          start_offset integer NOT NULL,
          end_offset integer NOT NULL,
          length integer NOT NULL,
          embedding real[]
        );
        CREATE INDEX knowledge_chunks_source_idx ON knowledge_chunks (tenant_id, source_id, position);
        
    ALTER TABLE knowledge_chunks ENABLE ROW LEVEL SECURITY;
    CREATE POLICY knowledge_chunks_tenant_isolation ON knowledge_chunks
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
    GRANT SELECT, INSERT, UPDATE, DELETE ON knowledge_chunks TO mcp_app;

        CREATE TABLE knowledge_terms (
          tenant_id uuid NOT NULL,
          term text NOT NULL,
          chunk_id text NOT NULL REFERENCES knowledge_chunks(id) ON DELETE CASCADE,
          tf integer NOT NULL,
          PRIMARY KEY (tenant_id, term, chunk_id)
        );
        CREATE INDEX knowledge_terms_chunk_idx ON knowledge_terms (chunk_id);
        
    ALTER TABLE knowledge_terms ENABLE ROW LEVEL SECURITY;
    CREATE POLICY knowledge_terms_tenant_isolation ON knowledge_terms
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
    GRANT SELECT, INSERT, UPDATE, DELETE ON knowledge_terms TO mcp_app;
      `,
    },
  ],
};
