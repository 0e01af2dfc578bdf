import { describe, expect, it } from 'vitest';
import { createHistory, expectedReply, type History } from './history.js';
import { checkConversation, formatAnomalies, type ObservedConversation, type StoredLine } from './history-check.js';

const C = 'whatsapp:1:2';

/** A client that sent `texts` in order, each acknowledged on its first attempt with the reply a correct system gives. */
function acknowledged(texts: string[]): History {
  const history = createHistory();
  texts.forEach((text, i) =>
    history.send({ surface: 'whatsapp', conversation: C, id: `id-${text}`, text, attempt: 1, instance: 'a', outcome: 'ack', status: 200, reply: expectedReply(text, i + 1) }),
  );
  return history;
}

const turns = (texts: string[]): StoredLine[] =>
  texts.flatMap((text, i) => [
    { direction: 'inbound' as const, text },
    { direction: 'outbound' as const, text: expectedReply(text, i + 1) },
  ]);

const observed = (transcript: StoredLine[], extra: Partial<ObservedConversation> = {}): ObservedConversation => ({
  conversation: C,
  surface: 'whatsapp',
  transcript,
  count: transcript.filter((l) => l.direction === 'inbound').length,
  delivered: transcript.filter((l) => l.direction === 'outbound').map((l) => ({ text: l.text ?? '', at: 0 })),
  ...extra,
});

const kinds = (history: History, o: ObservedConversation) => checkConversation(history, o).map((a) => a.kind);

describe('the durability checker', () => {
  it('finds nothing wrong in a clean outcome', () => {
    expect(checkConversation(acknowledged(['m1', 'm2', 'm3']), observed(turns(['m1', 'm2', 'm3'])))).toEqual([]);
  });

  it('finds a lost message, a duplicate, a reordering and a message nobody sent', () => {
    const history = acknowledged(['m1', 'm2', 'm3']);
    expect(kinds(history, observed(turns(['m1', 'm3'])))).toContain('lost');
    expect(kinds(history, observed(turns(['m1', 'm2', 'm2', 'm3'])))).toContain('duplicated');
    expect(kinds(history, observed(turns(['m2', 'm1', 'm3'])))).toContain('order');
    expect(kinds(history, observed(turns(['m1', 'm2', 'm3', 'x'])))).toContain('phantom');
  });

  it('finds a turn without its reply, a count that disagrees and a reply delivered twice', () => {
    const history = acknowledged(['m1', 'm2']);
    const [in1, out1, in2, out2] = turns(['m1', 'm2']) as [StoredLine, StoredLine, StoredLine, StoredLine];
    expect(kinds(history, observed([in1, in2, out2]))).toContain('reply');
    expect(kinds(history, observed([in1, out1, in2, out2], { count: 3 }))).toEqual(['count']);
    const at = (text: string | null, ms: number) => ({ text: text!, at: ms });
    expect(kinds(history, observed([in1, out1, in2, out2], { delivered: [at(out1.text, 0), at(out2.text, 0), at(out2.text, 0)] }))).toEqual(['delivery']);
    expect(kinds(history, observed([in1, out1, in2, out2], { delivered: [at(out1.text, 0)] }))).toEqual(['delivery']);
  });

  it('allows a second copy only of a reply that reached the platform as its instance was killed', () => {
    const history = acknowledged(['m1', 'm2']);
    history.events.push({ op: 'fault', detail: 'kill -9 instance a', at: 5_000 }, { op: 'fault', detail: 'kill -9 instance a: done', at: 5_100 });
    const [in1, out1, in2, out2] = turns(['m1', 'm2']) as [StoredLine, StoredLine, StoredLine, StoredLine];
    const transcript = [in1, out1, in2, out2];
    const delivered = (firstAt: number) => [{ text: out1.text!, at: 1_000 }, { text: out2.text!, at: firstAt }, { text: out2.text!, at: 16_000 }];
    expect(kinds(history, observed(transcript, { delivered: delivered(5_050) }))).toEqual([]);
    expect(kinds(history, observed(transcript, { delivered: delivered(1_000) }))).toEqual(['delivery']);
    expect(kinds(history, observed(transcript, { delivered: [...delivered(5_050), { text: out2.text!, at: 17_000 }] }))).toEqual(['delivery']);
  });

  it('finds a resend that got another answer than the first (a second turn for one id)', () => {
    const history = acknowledged(['m1']);
    history.send({ surface: 'api', conversation: C, id: 'id-m1', text: 'm1', attempt: 1, instance: 'b', outcome: 'resent', status: 200, reply: expectedReply('m1', 2) });
    const report = formatAnomalies(history, checkConversation(history, observed(turns(['m1']))));
    expect(report).toContain('ack_result (1):');
    expect(report).toContain('attempts: a:ack@');
  });
});
