import type { PersonDataPart } from '../../shared/person-data.js';
import type { Kv } from '../storage/contract.js';
import { forgetCachedAnswers } from './response-cache.js';

/**
 * Models' share: cached model answers, which may quote the person. Their keys are hashes of the
 * prompt, so nobody can tell whose they are: erasing anyone in a workspace drops all of its cached
 * answers (they are only a saving of tokens). Nothing of them is exported, for the same reason.
 */
export function createModelsPersonData(deps: { kv: Kv }): PersonDataPart {
  return {
    module: 'models',
    conversationsOf: async () => [],
    export: async () => ({}),
    forget: async (tenantId) => ({ cachedAnswers: await forgetCachedAnswers(deps.kv, tenantId) }),
  };
}
