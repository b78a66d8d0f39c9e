import { useEffect, useRef } from 'react';
import { EditorState, StateEffect, StateField, type Extension } from '@codemirror/state';
import { Decoration, EditorView, keymap, lineNumbers, type DecorationSet } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { HighlightStyle, StreamLanguage, bracketMatching, syntaxHighlighting, type StringStream } from '@codemirror/language';
import { tags } from '@lezer/highlight';

const KEYWORDS = /^(?:and|or|in|true|false|null|function)\b/;

/** JSONata, tokenised just enough to colour it: strings, numbers, $functions, keywords, operators, comments. */
const jsonata = StreamLanguage.define<{ inComment: boolean }>({
  name: 'jsonata',
  startState: () => ({ inComment: false }),
  token(stream: StringStream, state) {
    if (state.inComment) {
      if (stream.skipTo('*/')) {
        stream.next();
        stream.next();
        state.inComment = false;
      } else stream.skipToEnd();
      return 'comment';
    }
    if (stream.eatSpace()) return null;
    if (stream.match('/*')) {
      state.inComment = true;
      return 'comment';
    }
    const ch = stream.peek();
    if (ch === '"' || ch === "'") {
      stream.next();
      let escaped = false;
      for (let c = stream.next(); c !== undefined; c = stream.next()) {
        if (c === ch && !escaped) break;
        escaped = !escaped && c === '\\';
      }
      return 'string';
    }
    if (ch === '`') {
      stream.next();
      if (stream.skipTo('`')) stream.next();
      else stream.skipToEnd();
      return 'propertyName';
    }
    if (stream.match(/^-?\d+(\.\d+)?([eE][+-]?\d+)?/)) return 'number';
    if (stream.match(/^\$[A-Za-z_0-9]*/)) return 'variableName';
    if (stream.match(KEYWORDS)) return 'keyword';
    if (stream.match(/^[A-Za-z_][A-Za-z_0-9]*/)) return 'propertyName';
    if (stream.match(/^(~>|:=|!=|<=|>=|\.\.|\?\?|\?:|[&?:=<>+\-*/%!~^|.])/)) return 'operator';
    stream.next();
    return 'punctuation';
  },
});

const colours = HighlightStyle.define([
  { tag: tags.string, color: '#0b6b2f' },
  { tag: tags.number, color: '#8a3ffc' },
  { tag: tags.variableName, color: '#0f5bd6', fontWeight: '600' },
  { tag: tags.keyword, color: '#a3195b', fontWeight: '600' },
  { tag: tags.propertyName, color: '#1d2330' },
  { tag: tags.operator, color: '#a35200' },
  { tag: tags.comment, color: '#6b7280', fontStyle: 'italic' },
]);

/** The page's CSP nonce (the server puts a fresh one in a meta tag), for the editor's generated style sheet. */
const cspNonce = (): string => document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content ?? '';

/** Where the expression fails to parse, as a range of the document. */
export interface ErrorRange {
  from: number;
  to: number;
}

const setError = StateEffect.define<ErrorRange | null>();
const errorMark = Decoration.mark({ class: 'cm-jsonata-error', attributes: { 'aria-invalid': 'true' } });
const errorField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(deco, tr) {
    let next = deco.map(tr.changes);
    for (const e of tr.effects) {
      if (!e.is(setError)) continue;
      const len = tr.state.doc.length;
      const from = e.value ? Math.max(0, Math.min(e.value.from, len)) : 0;
      const to = e.value ? Math.max(from, Math.min(e.value.to, len)) : 0;
      next = e.value && to > from ? Decoration.set([errorMark.range(from, to)]) : Decoration.none;
    }
    return next;
  },
  provide: (f) => EditorView.decorations.from(f),
});

const theme = EditorView.theme({
  '&': { fontSize: '0.85rem' },
  '.cm-content': { fontFamily: "ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace" },
  '.cm-jsonata-error': { textDecoration: 'underline wavy #b3261e', backgroundColor: '#fde2df' },
});

/**
 * A CodeMirror 6 editor for a JSONata expression, labelled for assistive technology, with the
 * parse error's position underlined. Tab is left to move focus, so the page stays keyboard-usable.
 */
export function CodeEditor({
  value,
  onChange,
  label,
  readOnly = false,
  error,
  describedBy,
}: {
  value: string;
  onChange?: (v: string) => void;
  label: string;
  readOnly?: boolean;
  error?: ErrorRange | null;
  describedBy?: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;

  useEffect(() => {
    const extensions: Extension[] = [
      lineNumbers(),
      history(),
      bracketMatching(),
      jsonata,
      syntaxHighlighting(colours),
      errorField,
      theme,
      EditorView.lineWrapping,
      EditorView.cspNonce.of(cspNonce()),
      keymap.of([...defaultKeymap, ...historyKeymap]),
      EditorView.contentAttributes.of({
        'aria-label': label,
        ...(describedBy ? { 'aria-describedby': describedBy } : {}),
        ...(readOnly ? { 'aria-readonly': 'true' } : {}),
      }),
      // Read-only stays focusable (editable view, read-only state): keyboard users can reach, scroll and select a default.
      EditorState.readOnly.of(readOnly),
      EditorView.updateListener.of((u) => {
        if (u.docChanged) onChangeRef.current?.(u.state.doc.toString());
      }),
    ];
    const v = new EditorView({ parent: host.current!, state: EditorState.create({ doc: value, extensions }) });
    view.current = v;
    return () => v.destroy();
    // The editor is made once; later values arrive through the effect below, so typing never rebuilds it.
  }, [label, readOnly, describedBy]);

  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    view.current?.dispatch({ effects: setError.of(error ?? null) });
  }, [error]);

  return <div className="editor" ref={host} />;
}
