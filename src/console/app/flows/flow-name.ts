/** A small working flow to start from; the name is quoted, so any name stays valid YAML. */
export const starterFlow = (name: string) => `name: ${JSON.stringify(name)}
start: welcome
nlu:
  intents:
    greet: ["hello", "hi there", "good morning"]
states:
  welcome:
    type: response
    say: "Hello! How can I help?"
    next: ask
  ask:
    type: intent
    transitions:
      - when: intent == "greet"
        to: done
    fallback: { say: "Sorry, I did not get that.", max: 2, then: done }
  done: { type: end, say: "Bye!", goal: true }
`;

/**
 * The checks the server makes on a new flow's name, said before the round trip: it must not be
 * empty, and names are unique in a workspace. Whatever else the server finds comes back as is.
 */
export function nameProblem(name: string, existing: readonly string[]): string | null {
  const trimmed = name.trim();
  if (trimmed === '') return 'Give the flow a name.';
  if (trimmed.length > 100) return 'Keep the name under 100 characters.';
  if (existing.includes(trimmed)) return `A flow named “${trimmed}” already exists; pick another name or open that one.`;
  return null;
}
