/** Conversation tests (DESIGN §4): YAML scripts of user turns and what the bot must do, run by the CLI and the API. */
export { runConversationSuite, type RunSuiteInput, type SuiteFlow } from './run-suite.js';
export { parseSuite, conversationSuiteSchema, type ConversationSuite, type ConversationTest, type ParsedSuite } from './suite-schema.js';
export type { SuiteResult, TestResult, TestFailure, DiffLine } from './results.js';
export { createFlowTester, checkSuite } from './flow-tester.js';
