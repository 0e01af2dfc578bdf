import { useEffect, useState } from 'react';
import { api } from '../api/client';

/** A state kind's traits as the server's registry states them (`GET /v1/flows/state-types`). */
export interface StateTypeInfo {
  type: string;
  waitsForInput: boolean;
  ends: boolean;
  targetFields: string[];
}

/** Fields naming a target state, by state type; the flow language changes only with the server, so one load serves the session. */
export type TargetFields = ReadonlyMap<string, readonly string[]>;

let loaded: Promise<TargetFields> | null = null;

const load = (): Promise<TargetFields> =>
  (loaded ??= api.get<{ stateTypes: StateTypeInfo[] }>('/flows/state-types').then(
    (r) => new Map(r.stateTypes.map((kind) => [kind.type, kind.targetFields])),
    (error: unknown) => {
      loaded = null;
      throw error;
    },
  ));

/** Empty until loaded (the graph then draws `next` and transitions only). */
export function useTargetFields(): TargetFields {
  const [fields, setFields] = useState<TargetFields>(new Map());
  useEffect(() => {
    let live = true;
    load().then(
      (value) => live && setFields(value),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  return fields;
}
