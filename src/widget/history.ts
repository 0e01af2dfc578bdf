/**
 * The messages a person wrote in this conversation after a handoff, from the web chat history
 * (`GET /v1/webchat/messages`). A failed fetch yields nothing: the next poll tries again.
 */
export async function fetchAgentMessages(server: string, key: string, conversation: string): Promise<{ id: string; text: string }[]> {
  const url = new URL('/v1/webchat/messages', server);
  url.searchParams.set('key', key);
  url.searchParams.set('conversation', conversation);
  url.searchParams.set('limit', '500');
  try {
    const response = await fetch(url);
    if (!response.ok) return [];
    const body = (await response.json()) as { messages?: { id: string; text: string | null; author?: string }[] };
    return (body.messages ?? []).filter((m) => m.author === 'agent' && typeof m.text === 'string').map((m) => ({ id: m.id, text: m.text ?? '' }));
  } catch {
    return [];
  }
}
