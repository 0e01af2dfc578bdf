import type { ChannelDefinition } from './define-channel.js';
import { messengerChannel } from './messenger.js';
import { slackChannel } from './slack/index.js';
import { voiceChannel } from './voice/index.js';
import { webChannel } from './web.js';
import { whatsappChannel } from './whatsapp/index.js';

/** Every channel kind; a new one is one file (or folder) plus one line here. */
export const CHANNELS = [webChannel, whatsappChannel, messengerChannel, slackChannel, voiceChannel] as const;

export type ChannelId = (typeof CHANNELS)[number]['id'];
export const CHANNEL_IDS = CHANNELS.map((c) => c.id) as [ChannelId, ...ChannelId[]];

/** Channels a conversation can be started on from the API (`POST /v1/conversations`). */
export const STARTING_CHANNEL_IDS = CHANNELS.filter((c: ChannelDefinition) => c.recipient !== undefined).map((c) => c.id) as [ChannelId, ...ChannelId[]];

const byId = new Map<ChannelId, ChannelDefinition>(CHANNELS.map((c): [ChannelId, ChannelDefinition] => [c.id, c]));

/** Whether a conversation's channel sends replies on its own later (false for web chat, calls, and API conversations). */
export const pushesReplies = (channel: string): boolean => byId.get(channel as ChannelId)?.capabilities.webhook === 'async';

export function channelDefinition(id: ChannelId): ChannelDefinition {
  const definition = byId.get(id);
  if (!definition) throw new Error(`channel '${id}' is not in channels/registry.ts`);
  return definition;
}
