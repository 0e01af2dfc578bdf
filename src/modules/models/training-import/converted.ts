import type { TrainingDocument } from '../training-data-contract.js';

/** An importer's result: the document, and what it skipped, one line each. */
export interface Converted {
  document: TrainingDocument;
  warnings: string[];
}
