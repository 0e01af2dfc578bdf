/**
 * Shapes of the /v1 answers the console reads. The console talks to the API only, never to server
 * code: these are the API's own types, generated from its OpenAPI document (src/api-types).
 */
import type { components } from '../../../api-types/openapi.gen';

type Schemas = components['schemas'];

export type User = Schemas['User'];
export type Session = Schemas['Session'];
export type Me = Schemas['Me'];
export type FlowIssue = Schemas['FlowIssue'];
export type FlowSummary = Schemas['FlowSummary'];
export type FlowDetail = Schemas['FlowDetail'];
export type FlowVersion = Schemas['FlowVersion'];
export type Validation = Schemas['FlowValidation'];
export type Reply = Schemas['Reply'];
/** A trace event: `type` and `at`, plus fields that depend on the type (shown generically). */
export type TraceEvent = Schemas['TraceEvent'];
export type PlaygroundTurn = Schemas['PlaygroundTurn'];
export type TurnTrace = Schemas['TurnTrace'];
export type ConversationSummary = Schemas['ConversationSummary'];
export type Conversation = Schemas['Conversation'];
export type StoredMessage = Schemas['StoredMessage'];
export type ApiKeyInfo = Schemas['ApiKeyInfo'];
export type AuditRecord = Schemas['AuditRecord'];
export type Integration = Schemas['Integration'];
export type ChannelView = Schemas['ChannelView'];
export type WidgetEmbed = Schemas['WidgetEmbed'];
export type ChannelKind = Schemas['ChannelKind'];
