import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';

const HEADER = `/**
 * The /v1 API's types, generated from its OpenAPI document (the routes' zod schemas) by
 * \`npm run api-types\`. Do not edit: change the schema, then run the script again;
 * test/api-contract.int.test.ts fails while this file is out of date.
 */
`;

/** The TypeScript the browser code reads the API's answers with (`components['schemas']['Reply']` …). */
export async function renderApiTypes(document: unknown): Promise<string> {
  return HEADER + astToString(await openapiTS(document as OpenAPI3, { alphabetize: true }));
}
