/** What /v1/nlu/training-data answers (the models module's training-data contract). */
export interface TrainingDataSummary {
  name: string;
  revision: number;
  description: string | null;
  intents: number;
  examples: number;
  entities: number;
  updatedAt: string;
}

export interface TrainingDataDetail extends TrainingDataSummary {
  document: { intents: Record<string, string[]> };
}

export interface TrainingEvaluation {
  revision: number;
  trainExamples: number;
  testExamples: number;
  correct: number;
  accuracy: number | null;
  evaluatedAt: string;
}

export interface ReviewItem {
  text: string;
  count: number;
  lastAt: string;
  suggestedIntent: string | null;
  confidence: number | null;
  conversationId: string;
}
