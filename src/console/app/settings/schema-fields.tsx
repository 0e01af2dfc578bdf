/**
 * A form from a JSON Schema object (the settings schemas the API publishes for channel and
 * integration kinds): simple properties get inputs, nested ones a JSON box. Values are kept as
 * text until saved, so a half-typed JSON value is never lost.
 */
interface PropertySchema {
  type?: string | string[];
  enum?: unknown[];
  description?: string;
  default?: unknown;
}

export interface FieldValues {
  [name: string]: string;
}

const typeOf = (p: PropertySchema) => (Array.isArray(p.type) ? p.type.find((t) => t !== 'null') : p.type);
const simple = (p: PropertySchema) => p.enum !== undefined || ['string', 'number', 'integer', 'boolean'].includes(typeOf(p) ?? '');

export function schemaProperties(schema: unknown): [string, PropertySchema][] {
  const props = (schema as { properties?: Record<string, PropertySchema> } | null)?.properties;
  return props ? Object.entries(props) : [];
}

/** Text values → the JSON object the API takes; throws with the field's name when a value is not valid. */
export function toObject(schema: unknown, values: FieldValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, p] of schemaProperties(schema)) {
    const text = values[name]?.trim() ?? '';
    if (text === '') continue;
    const type = typeOf(p);
    if (p.enum || type === 'string') out[name] = text;
    else if (type === 'boolean') out[name] = text === 'true';
    else if (type === 'number' || type === 'integer') out[name] = Number(text);
    else {
      try {
        out[name] = JSON.parse(text);
      } catch {
        throw new Error(`“${name}” is not valid JSON.`);
      }
    }
  }
  return out;
}

export function toValues(schema: unknown, object: Record<string, unknown>): FieldValues {
  const out: FieldValues = {};
  for (const [name, p] of schemaProperties(schema)) {
    const v = object[name];
    if (v === undefined) continue;
    out[name] = simple(p) ? String(v) : JSON.stringify(v, null, 2);
  }
  return out;
}

export function SchemaFields(props: { schema: unknown; values: FieldValues; onChange: (values: FieldValues) => void; secret?: boolean; setNames?: string[] }) {
  const fields = schemaProperties(props.schema);
  if (fields.length === 0) return <div className="muted small">Nothing to set.</div>;
  const set = (name: string, value: string) => props.onChange({ ...props.values, [name]: value });
  return (
    <div className="schema-fields">
      {fields.map(([name, p]) => {
        const value = props.values[name] ?? '';
        const hint = props.secret && props.setNames?.includes(name) ? 'set — leave empty to keep' : (p.description ?? '');
        let input;
        if (p.enum) {
          input = (
            <select value={value} onChange={(e) => set(name, e.target.value)}>
              <option value="">—</option>
              {p.enum.map((o) => (
                <option key={String(o)}>{String(o)}</option>
              ))}
            </select>
          );
        } else if (typeOf(p) === 'boolean') {
          input = <input type="checkbox" checked={value === 'true'} onChange={(e) => set(name, String(e.target.checked))} />;
        } else if (simple(p)) {
          input = <input type={props.secret ? 'password' : 'text'} value={value} onChange={(e) => set(name, e.target.value)} placeholder={hint} autoComplete="off" />;
        } else {
          input = <textarea rows={4} value={value} onChange={(e) => set(name, e.target.value)} placeholder="JSON" className="mono" />;
        }
        return (
          <label key={name} title={p.description}>
            <span>{name}</span>
            {input}
          </label>
        );
      })}
    </div>
  );
}
