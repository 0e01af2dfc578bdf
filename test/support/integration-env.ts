/**
 * App settings for tests that call the loopback fakes of CRMs and ERPs: the SSRF guard allows
 * loopback, retries and the breaker act fast, and responses are capped low enough to test the cap.
 */
export const INTEGRATION_TEST_ENV = {
  MCP_SSRF_ALLOW: '127.0.0.1',
  MCP_INTEGRATION_RETRY_BASE_MS: '10',
  MCP_INTEGRATION_BREAKER_FAILURES: '2',
  MCP_INTEGRATION_BREAKER_COOLDOWN_MS: '300',
  MCP_INTEGRATION_MAX_RESPONSE_BYTES: String(256 * 1024),
};
