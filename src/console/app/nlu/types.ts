/** What /v1/nlu/training-data answers (the API's own types, generated from its OpenAPI document). */
import type { components } from '../../../api-types/openapi.gen';

type Schemas = components['schemas'];

export type TrainingDataSummary = Schemas['TrainingDataSummary'];
export type TrainingDataDetail = Schemas['TrainingDataDetail'];
export type TrainingEvaluation = Schemas['TrainingEvaluation'];
export type ReviewItem = Schemas['ReviewItem'];
