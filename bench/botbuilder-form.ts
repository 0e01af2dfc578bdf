import { ActivityHandler, ConversationState, MemoryStorage, TestAdapter, type TurnContext } from 'botbuilder';
import { createOfflineTurnDeps } from '../src/cli/offline-deps.js';
import { loadConfig } from '../src/config.js';
import { compileFlowSource, type ConversationSnapshot, runFlowTurn } from '../src/modules/engine/index.js';
import { printRow, summarise } from './stats.js';

/** The same two-question form on both sides: a name, then a number of guests (1–12), then a summary. */
const FORM_FLOW = `
name: bench-form
start: form
nlu:
  entities:
    guests: { type: number }
states:
  form:
    type: slot_filling
    slots:
      - { name: name, prompt: "What is your name?" }
      - { name: guests, entity: guests, prompt: "For how many guests?", retry: "A number from 1 to 12, please.", validate: 'value >= 1 && value <= 12' }
    next: done
  done: { type: end, say: "Thanks {{ slots.name }}, a table for {{ slots.guests }}." }
`;
const SCRIPT = ['hello', 'Ada', '4'];
const TENANT = '00000000-0000-4000-8000-000000000001';

/** The form as a Bot Framework SDK bot: conversation state in MemoryStorage, a step counter, the two answers. */
class FormBot extends ActivityHandler {
  constructor(state: ConversationState) {
    super();
    const form = state.createProperty<{ step: number; name?: string; guests?: number }>('form');
    this.onMessage(async (context: TurnContext, next) => {
      const data = await form.get(context, { step: 0 });
      const text = context.activity.text ?? '';
      if (data.step === 0) {
        await context.sendActivity('What is your name?');
        data.step = 1;
      } else if (data.step === 1) {
        data.name = text;
        await context.sendActivity('For how many guests?');
        data.step = 2;
      } else {
        const guests = Number.parseInt(text, 10);
        if (!(guests >= 1 && guests <= 12)) await context.sendActivity('A number from 1 to 12, please.');
        else {
          await context.sendActivity(`Thanks ${data.name}, a table for ${guests}.`);
          data.step = 0;
        }
      }
      await state.saveChanges(context);
      await next();
    });
  }
}

async function timeSequential(turns: number, turn: (i: number) => Promise<void>) {
  for (let i = 0; i < 300; i += 1) await turn(i);
  const durations: number[] = [];
  const started = performance.now();
  for (let i = 0; i < turns; i += 1) {
    const t0 = performance.now();
    await turn(i);
    durations.push(performance.now() - t0);
  }
  return summarise(durations, performance.now() - started);
}

/** (g) The same two-question form, sequential turns in process: this engine's turn core against Bot Framework SDK's. */
export async function benchAgainstBotbuilder(turns: number): Promise<void> {
  const loaded = loadConfig({ LOG_LEVEL: 'silent' });
  if (!loaded.ok) throw new Error(loaded.problems.join('; '));
  const offline = await createOfflineTurnDeps(loaded.config);
  const flow = compileFlowSource(FORM_FLOW);
  let snapshot: ConversationSnapshot | null = null;
  const ours = await timeSequential(turns, async (i) => {
    const outcome = await runFlowTurn(offline.turn, { tenantId: TENANT, flow, modelKey: 'bench-form@1', snapshot, message: { text: SCRIPT[i % SCRIPT.length]!, channel: 'api' } });
    snapshot = outcome.result.status === 'ended' ? null : outcome.snapshot;
  });
  await offline.close();

  const state = new ConversationState(new MemoryStorage());
  const bot = new FormBot(state);
  const adapter = new TestAdapter(async (turnContext) => bot.run(turnContext));
  const theirs = await timeSequential(turns, async (i) => {
    await adapter.receiveActivity(SCRIPT[i % SCRIPT.length]!);
    adapter.activeQueue.length = 0;
  });

  printRow('(g) two-question form, this engine (turn core)', ours);
  printRow('(g) two-question form, Bot Framework SDK 4', theirs);
  process.stdout.write(`    this engine ×${(ours.perSecond / theirs.perSecond).toFixed(1)} the messages/s of Bot Framework SDK (both in process, no I/O)\n`);
}
