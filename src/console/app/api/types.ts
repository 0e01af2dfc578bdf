/** Shapes of the /v1 answers the console reads (the console talks to the API only, never to server code). */

export interface User {
  id: string;
  tenantId: string;
  email: string;
  name: string | null;
  role: string;
  status: 'active' | 'invited' | 'disabled';
  createdAt: string;
  lastLoginAt: string | null;
}

export interface Session {
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  user: User;
}

export interface Me {
  kind: string;
  tenantId: string;
  role: string | null;
  permissions: string[];
}

export interface FlowIssue {
  path: string;
  message: string;
  severity: 'error' | 'warning';
  code: string;
  line?: number;
}

export interface FlowSummary {
  id: string;
  name: string;
  isDefault: boolean;
  publishedVersion: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface FlowDetail extends FlowSummary {
  source: string;
  definition: unknown;
  warnings: FlowIssue[];
  /** Errors of a draft saved with them (it cannot be published until they are fixed). */
  errors?: FlowIssue[];
  versions: { version: number; publishedAt: string }[];
}

export interface FlowVersion {
  flowId: string;
  version: number;
  source: string;
  publishedAt: string;
}

export type Validation = { valid: true; warnings: FlowIssue[] } | { valid: false; issues: FlowIssue[] };

export interface Reply {
  type: 'text';
  text: string;
  buttons?: { title: string; payload: string }[];
  quickReplies?: { title: string; payload: string }[];
}

/** A trace event: `type` and `at`, plus fields that depend on the type (shown generically). */
export interface TraceEvent {
  type: string;
  at: string;
  [field: string]: unknown;
}

export interface PlaygroundTurn {
  replies: Reply[];
  state: string | null;
  intent: string | null;
  confidence: number | null;
  ended: boolean;
  handoff: boolean;
  slots: Record<string, unknown>;
  vars: Record<string, unknown>;
  trace: TraceEvent[];
}

export interface TurnTrace {
  turnId: string;
  turn: number;
  flowId: string;
  flowVersion: number;
  createdAt: string;
  events: TraceEvent[];
}

export interface ConversationSummary {
  id: string;
  channel: string;
  status: 'active' | 'handoff';
  handoff: { at: string; by: string } | null;
  startedAt: string;
  lastMessageAt: string;
  messageCount: number;
}

export interface Conversation extends ConversationSummary {
  flowId?: string;
  flowVersion?: number;
  state?: string | null;
  turn?: number;
  slots?: Record<string, unknown>;
  vars?: Record<string, unknown>;
}

export interface StoredMessage {
  id: string;
  conversationId: string;
  direction: 'inbound' | 'outbound';
  channel: string;
  text: string | null;
  payload: string | null;
  reply: Reply | null;
  turnId: string | null;
  author?: 'bot' | 'agent';
  createdAt: string;
}

export interface ApiKeyInfo {
  id: string;
  name: string;
  scopes: string[];
  expiresAt: string | null;
  revokedAt: string | null;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface AuditRecord {
  id: string;
  at: string;
  action: string;
  target?: string;
  actorType: string;
  actorId: string | null;
  ip: string | null;
  details?: Record<string, unknown>;
}

export interface Integration {
  id: string;
  name: string;
  kind: string;
  config: Record<string, unknown>;
  secretsSet?: string[];
  updatedAt?: string;
}

export interface ChannelView {
  channel: string;
  enabled: boolean;
  config: Record<string, unknown>;
  secretsSet: string[];
  webhookPath: string | null;
  updatedAt: string;
}

export interface WidgetEmbed {
  widgetKey: string;
  scriptUrl: string;
  snippet: string;
}

export interface ChannelKind {
  id: string;
  secretFields: string[];
  configSchema: unknown;
}
