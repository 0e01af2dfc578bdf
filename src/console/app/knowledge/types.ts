/** Shapes of /v1/knowledge answers the console reads (the API's own types, generated from its OpenAPI document). */
import type { components } from '../../../api-types/openapi.gen';

type Schemas = components['schemas'];

export type KnowledgeSource = Schemas['KnowledgeSource'];
export type Citation = Schemas['Citation'];
export type SearchHit = Schemas['SearchHit'];
export type AnswerView = Schemas['AnswerResult'];
