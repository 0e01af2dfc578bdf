import { describe, expect, it } from 'vitest';
import { channelIdSchema, startConversationSchema } from '../contract.js';
import { channelSettingsSchema, secretFieldsOf } from './define-channel.js';
import { CHANNEL_IDS, CHANNELS, pushesReplies, STARTING_CHANNEL_IDS } from './registry.js';

describe('channel registry', () => {
  it('is the one list of channel ids: the contract schema accepts exactly the registered channels', () => {
    expect(CHANNEL_IDS).toEqual(CHANNELS.map((c) => c.id));
    expect(channelIdSchema.options).toEqual(CHANNEL_IDS);
    expect(channelIdSchema.safeParse('telegram').success).toBe(false);
  });

  it('derives the channels a conversation can be started on from those that name a recipient', () => {
    expect(STARTING_CHANNEL_IDS).toEqual(['whatsapp', 'slack', 'voice']);
    const start = (channel: string) => startConversationSchema.safeParse({ channel, to: 'x', idempotencyKey: 'k', text: 'hi' }).success;
    expect(STARTING_CHANNEL_IDS.every(start)).toBe(true);
    expect(start('messenger')).toBe(false);
  });

  it('tells channels that push replies later from those that answer in their own request, and API conversations', () => {
    expect(CHANNEL_IDS.filter(pushesReplies)).toEqual(['whatsapp', 'messenger', 'slack']);
    expect(pushesReplies('api')).toBe(false);
  });

  it('keeps credentials apart from settings, and merges them for the form and create', () => {
    for (const channel of CHANNELS) {
      expect(channel.kind).toBe('channel');
      const settings = Object.keys(channel.configSchema.shape);
      expect(secretFieldsOf(channel).filter((field) => settings.includes(field))).toEqual([]);
      expect(Object.keys(channelSettingsSchema(channel).shape)).toEqual([...settings, ...secretFieldsOf(channel)]);
    }
    expect(secretFieldsOf(CHANNELS.find((c) => c.id === 'slack')!)).toEqual(['botToken', 'signingSecret']);
  });
});
