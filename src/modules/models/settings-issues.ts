import type { z } from 'zod';
import { secretsToReenter } from '../../shared/secret-destination.js';
import { providerDefinition } from './providers/registry.js';
import { MODEL_TASKS, type modelSettingsInputSchema } from './settings-contract.js';
import type { StoredSettings } from './settings-store.js';

export interface SettingsIssue {
  path: string;
  message: string;
}

type ParsedSettings = z.output<typeof modelSettingsInputSchema>;

/** What is wrong with new settings, given the stored ones (for kept keys) and the installation's provider names. */
export function settingsIssues(input: ParsedSettings, current: StoredSettings, installed: readonly string[]): SettingsIssue[] {
  const issues: SettingsIssue[] = [];
  for (const [name, p] of Object.entries(input.providers)) {
    const previous = current.providers[name];
    const keepsKey = p.apiKey === undefined && previous?.apiKey != null;
    const hasKey = typeof p.apiKey === 'string' || keepsKey;
    // The kind's own schemas say what it needs (a key, a base URL); a kept key counts as given.
    const { configSchema, secretsSchema } = providerDefinition(p.kind);
    const missing = [...(configSchema.safeParse({ baseUrl: p.baseUrl }).error?.issues ?? []), ...(secretsSchema.safeParse({ apiKey: hasKey ? 'kept' : undefined }).error?.issues ?? [])];
    for (const issue of missing) {
      issues.push({ path: `providers.${name}.${issue.path.join('.')}`, message: `Provider '${name}' (${p.kind}): ${issue.message}.` });
    }
    // The whole URL, not just its origin: a model server's path is not otherwise editable, and shared gateways route accounts by path.
    if (secretsToReenter({ before: [previous?.baseUrl ?? ''], after: [p.baseUrl ?? ''], kept: keepsKey ? ['apiKey'] : [] }).length > 0) {
      issues.push({ path: `providers.${name}.apiKey`, message: `Enter provider '${name}''s API key again when changing its base URL.` });
    }
  }
  const known = new Set([...installed, ...Object.keys(input.providers)]);
  for (const task of MODEL_TASKS) {
    (input.routing.tasks?.[task] ?? []).forEach((target, i) => {
      if (!known.has(target.provider)) {
        issues.push({ path: `routing.tasks.${task}[${i}].provider`, message: `Routing of '${task}' names provider '${target.provider}', which is not configured.` });
      }
    });
  }
  return issues;
}
