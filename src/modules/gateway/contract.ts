/** Gateway: the only module that knows HTTP. */
export interface Gateway {
  /** Starts listening; resolves with the bound address (useful with port 0). */
  listen(): Promise<{ url: string; port: number }>;
  close(): Promise<void>;
}

export interface GatewayConfig {
  port: number;
  host: string;
  bodyLimitBytes: number;
  limits: { perCredentialPerMinute: number; perTenantPerMinute: number; publicPerIpPerMinute: number; webhookPerIpPerMinute: number };
  corsOrigins: string[];
  /** A route's answer that does not match its response schema is a 500 (for tests), not sent as it is and logged. */
  strictResponses: boolean;
}
