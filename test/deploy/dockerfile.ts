import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** What the image runs, read from the Dockerfile's last stage, so that tests run exactly that. */
export interface RuntimeStage {
  instructions: Instruction[];
  env: Record<string, string>;
  user: string | null;
  /** CMD in exec form. */
  cmd: string[];
  /** HEALTHCHECK's command in exec form (after `CMD`). */
  healthcheck: string[];
  healthcheckText: string;
}

export const dockerfileText = (): string => readFileSync(`${REPO}Dockerfile`, 'utf8');

export function runtimeStage(text = dockerfileText()): RuntimeStage {
  const dockerfile = DockerfileParser.parse(text);
  const lastFrom = dockerfile.getFROMs().at(-1)!.getRange().start.line;
  const instructions = dockerfile.getInstructions().filter((i) => i.getRange().start.line > lastFrom);
  const env = Object.fromEntries(dockerfile.getENVs().filter((e) => e.getRange().start.line > lastFrom).flatMap((e) => e.getProperties().map((p) => [p.getName(), p.getValue() ?? ''])));
  const last = (keyword: string) => instructions.filter((i) => i.getKeyword() === keyword).at(-1);
  const healthcheckText = last('HEALTHCHECK')?.getArgumentsContent() ?? '';
  const execForm = (content: string | null | undefined): string[] => {
    const json = content?.replace(/^[\s\S]*?CMD\s+/, '');
    return json?.trim().startsWith('[') ? (JSON.parse(json) as string[]) : [];
  };
  return {
    instructions,
    env,
    user: last('USER')?.getArgumentsContent() ?? null,
    cmd: execForm(last('CMD')?.getArgumentsContent()),
    healthcheck: execForm(healthcheckText),
    healthcheckText,
  };
}
