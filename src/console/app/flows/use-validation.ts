import { useEffect, useMemo, useState } from 'react';
import { parse } from 'yaml';
import { api, errorMessage } from '../api/client';
import type { FlowIssue, Validation } from '../api/types';
import { locateYaml } from '../../../shared/yaml-lines';
import type { LineProblem } from './yaml-editor';

export interface LocatedIssue extends FlowIssue {
  at: number | null;
}

export type ValidationState = { status: 'checking' } | { status: 'failed'; error: string } | { status: 'done'; valid: boolean; issues: LocatedIssue[] };

const DEBOUNCE_MS = 350;

/**
 * Live validation while typing: the server's validator (POST /v1/flows/validate) is the one
 * truth, asked after a short pause; each issue's `path` is placed on its line here, in the
 * editor, from the YAML node ranges. Answers for text that has since changed are dropped.
 */
export function useValidation(text: string): { validation: ValidationState; problems: LineProblem[]; definition: unknown } {
  const [validation, setValidation] = useState<ValidationState>({ status: 'checking' });
  const [definition, setDefinition] = useState<unknown>(null);

  useEffect(() => {
    let live = true;
    setValidation({ status: 'checking' });
    const timer = setTimeout(() => {
      api.post<Validation>('/flows/validate', text).then(
        (result) => {
          if (!live) return;
          const locator = locateYaml(text);
          const issues = (result.valid ? result.warnings : result.issues).map((i) => ({ ...i, at: i.line ?? (i.path ? locator.lineOf(i.path) : null) }));
          setValidation({ status: 'done', valid: result.valid, issues });
        },
        (error: unknown) => live && setValidation({ status: 'failed', error: errorMessage(error) }),
      );
    }, DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [text]);

  // The graph follows the text as it is typed; while the YAML does not parse it keeps the last good picture.
  useEffect(() => {
    try {
      const parsed: unknown = parse(text);
      if (parsed && typeof parsed === 'object') setDefinition(parsed);
    } catch {
      // keep the previous definition
    }
  }, [text]);

  const problems = useMemo<LineProblem[]>(
    () => (validation.status === 'done' ? validation.issues.flatMap((i) => (i.at === null ? [] : [{ line: i.at, severity: i.severity, message: i.message }])) : []),
    [validation],
  );
  return { validation, problems, definition };
}
