import { benchAnalytics } from './analytics.js';
import { benchAgainstBotbuilder } from './botbuilder-form.js';
import { benchEmbedded } from './embedded-load.js';
import { benchFlowTurn } from './flow-turn.js';
import { benchLiveConversations } from './live-conversations.js';
import { benchServerLoad } from './server-load.js';

const progress = (text: string) => process.stderr.write(`… ${text}\n`);

/** `npm run bench` runs every part; `npm run bench -- b e` only those named. */
const parts: Record<string, { what: string; run: () => Promise<void> }> = {
  a: { what: 'embedded default in process, open loop, and turn 500 against turn 1', run: benchEmbedded },
  b: { what: 'server mode over HTTP, open loop, 1 and 2 instances, storage round trips per turn', run: benchServerLoad },
  c: {
    what: 'one turn of a 20- and a 300-state flow in process, memory per context',
    run: async () => {
      progress('20- and 300-state flows, in process');
      await benchFlowTurn(Number(process.env.BENCH_FLOW_TURNS ?? 5000));
    },
  },
  e: { what: 'analytics on and off', run: benchAnalytics },
  f: { what: '100 against 100,000 live conversations (server mode)', run: benchLiveConversations },
  g: {
    what: 'the same form against Bot Framework SDK',
    run: async () => {
      progress('two-question form, this engine and Bot Framework SDK, in process');
      await benchAgainstBotbuilder(Number(process.env.BENCH_FORM_TURNS ?? 20_000));
    },
  },
};
const chosen = process.argv.slice(2);
const unknown = chosen.filter((name) => !(name in parts));
if (unknown.length > 0) {
  process.stderr.write(`Unknown benchmark part ${unknown.join(', ')}; choose from ${Object.entries(parts).map(([name, p]) => `${name} (${p.what})`).join(', ')}.\n`);
  process.exit(2);
}
process.stdout.write('MCP Engine benchmark — open loop (latency counted from each message\'s scheduled send); BENCH_SECONDS, BENCH_RATES, BENCH_PROFILE=1 adjust it\n');
for (const [name, part] of Object.entries(parts)) {
  if (chosen.length === 0 || chosen.includes(name)) await part.run();
}
