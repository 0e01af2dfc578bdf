import { z } from 'zod';
import { type Chat, scheduledMessageSchema, scheduleListQuerySchema, startConversationSchema, startedConversationSchema } from '../../chat/contract.js';
import type { Api } from '../api.js';
import { listOf, responses } from '../responses.js';
import { tenantOf } from '../auth.js';

const scheduleParams = z.object({ scheduleId: z.uuid() });

/** Messages the business sends first: conversations started from the API, and follow-ups flows scheduled. */
export function proactiveRoutes(app: Api, deps: { chat: Chat }): void {
  app.post(
    '/conversations',
    {
      config: { permission: 'conversations:write', audit: 'conversation.start' },
      schema: { summary: 'Start a conversation: a WhatsApp template, a Slack DM or an outbound call (idempotent by idempotencyKey)', tags: ['conversations'], body: startConversationSchema, response: responses({ 200: startedConversationSchema, 201: startedConversationSchema }) },
    },
    async (request, reply) => {
      const started = await deps.chat.startConversation(tenantOf(request), request.body);
      return reply.status(started.created ? 201 : 200).send(started);
    },
  );

  app.get(
    '/schedules',
    { config: { permission: 'conversations:read' }, schema: { summary: 'Follow-ups scheduled by flows (soonest first)', tags: ['conversations'], querystring: scheduleListQuerySchema, response: responses({ 200: listOf('schedules', scheduledMessageSchema) }) } },
    async (request) => ({ schedules: await deps.chat.listSchedules(tenantOf(request), request.query) }),
  );

  app.delete(
    '/schedules/:scheduleId',
    { config: { permission: 'conversations:write', audit: 'schedule.cancel' }, schema: { summary: 'Cancel a pending follow-up', tags: ['conversations'], params: scheduleParams, response: responses({ 200: scheduledMessageSchema }) } },
    async (request) => deps.chat.cancelSchedule(tenantOf(request), request.params.scheduleId),
  );
}
