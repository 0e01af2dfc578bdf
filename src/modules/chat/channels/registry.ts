import type { ChannelId } from '../contract.js';
import type { ChannelDefinition } from './define-channel.js';
import { messengerChannel } from './messenger.js';
import { slackChannel } from './slack/index.js';
import { voiceChannel } from './voice/index.js';
import { webChannel } from './web.js';
import { whatsappChannel } from './whatsapp/index.js';

/** Every channel kind; a new one is one file (or folder) plus one line here. */
export const CHANNELS: readonly ChannelDefinition[] = [webChannel, whatsappChannel, messengerChannel, slackChannel, voiceChannel];

const byId = new Map<ChannelId, ChannelDefinition>(CHANNELS.map((c) => [c.id, c]));

export function channelDefinition(id: ChannelId): ChannelDefinition {
  const definition = byId.get(id);
  if (!definition) throw new Error(`channel '${id}' is not in channels/registry.ts`);
  return definition;
}
