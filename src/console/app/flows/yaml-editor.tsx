import { yaml } from '@codemirror/lang-yaml';
import { type Diagnostic, lintGutter, setDiagnostics } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';

export interface LineProblem {
  line: number;
  severity: 'error' | 'warning';
  message: string;
}

export interface YamlEditorHandle {
  goToLine(line: number): void;
}

/** CodeMirror 6 with YAML highlighting; problems show in the gutter and under their line. */
export const YamlEditor = forwardRef<YamlEditorHandle, { value: string; onChange: (text: string) => void; problems: LineProblem[]; readOnly?: boolean }>(
  function YamlEditor(props, ref) {
    const host = useRef<HTMLDivElement>(null);
    const view = useRef<EditorView | null>(null);
    const onChange = useRef(props.onChange);
    onChange.current = props.onChange;

    useEffect(() => {
      const editor = new EditorView({
        parent: host.current!,
        state: EditorState.create({
          doc: props.value,
          extensions: [
            basicSetup,
            yaml(),
            EditorView.lineWrapping,
            lintGutter(),
            EditorState.readOnly.of(props.readOnly ?? false),
            EditorView.updateListener.of((update) => {
              if (update.docChanged) onChange.current(update.state.doc.toString());
            }),
          ],
        }),
      });
      view.current = editor;
      return () => editor.destroy();
      // The editor is created once; later value changes from outside are applied below.
    }, []);

    useEffect(() => {
      const editor = view.current;
      if (editor && editor.state.doc.toString() !== props.value) {
        editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: props.value } });
      }
    }, [props.value]);

    useEffect(() => {
      const editor = view.current;
      if (!editor) return;
      const doc = editor.state.doc;
      const diagnostics: Diagnostic[] = props.problems.map((p) => {
        const line = doc.line(Math.min(Math.max(1, p.line), doc.lines));
        const indent = line.text.length - line.text.trimStart().length;
        return { from: line.from + indent, to: line.to, severity: p.severity, message: p.message };
      });
      editor.dispatch(setDiagnostics(editor.state, diagnostics));
    }, [props.problems]);

    useImperativeHandle(ref, () => ({
      goToLine(line: number) {
        const editor = view.current;
        if (!editor) return;
        const target = editor.state.doc.line(Math.min(Math.max(1, line), editor.state.doc.lines));
        editor.dispatch({ selection: { anchor: target.from }, effects: EditorView.scrollIntoView(target.from, { y: 'center' }) });
        editor.focus();
      },
    }));

    return <div className="yaml-editor" ref={host} data-testid="yaml-editor" />;
  },
);
