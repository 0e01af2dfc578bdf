/** Shapes of /v1/knowledge answers the console reads. */
export interface KnowledgeSource {
  id: string;
  name: string;
  kind: 'markdown' | 'text' | 'html' | 'pdf' | 'url';
  url: string | null;
  status: 'indexed' | 'failed';
  error: string | null;
  chunkCount: number;
  embeddingModel: string | null;
  createdAt: string;
  indexedAt: string | null;
}

export interface Citation {
  sourceId: string;
  sourceName: string;
  chunk: number;
  start: number;
  end: number;
}

export interface SearchHit {
  citation: Citation;
  text: string;
  score: number;
  coverage: number;
  bm25: { rank: number; score: number } | null;
  vector: { rank: number; similarity: number } | null;
}

export interface AnswerView {
  text: string;
  method: 'model' | 'passage' | 'none';
  citations: Citation[];
  hits: SearchHit[];
  note?: string;
}
