import { tenantTables } from '../storage/index.js';

/** Training data before the revisions it points at. */
export const modelsTenantData = tenantTables('models', ['nlu_training_evaluations', 'nlu_training_data', 'nlu_training_data_revisions', 'model_settings']);
