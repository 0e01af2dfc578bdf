/** A routing target as the models settings API takes it. */
export interface Target {
  provider: string;
  model: string;
}

export const targetsText = (targets: Target[] | undefined) => (targets ?? []).map((t) => `${t.provider}/${t.model}`).join(', ');

/** "openai/gpt-4o-mini, anthropic/claude-…" → targets; throws with the part that is not `provider/model`. */
export function parseTargets(text: string): Target[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const slash = part.indexOf('/');
      if (slash < 1 || slash === part.length - 1) throw new Error(`“${part}” is not provider/model (e.g. openai/gpt-4o-mini).`);
      return { provider: part.slice(0, slash), model: part.slice(slash + 1) };
    });
}
