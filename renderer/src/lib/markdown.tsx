/**
 * A small Markdown renderer for setup instructions that produces React elements directly, so raw HTML in
 * a template can never reach the DOM (it shows as text). Supports what instructions use: headings,
 * paragraphs, nested lists, code blocks, block quotes, rules, **bold**, *italic*, `code` and links
 * (https only, opened in the user's browser through main).
 */
import { Fragment, type ReactNode } from 'react';

type Block =
  | { t: 'h'; level: number; text: string }
  | { t: 'p'; text: string }
  | { t: 'code'; text: string }
  | { t: 'quote'; text: string }
  | { t: 'hr' }
  | { t: 'list'; ordered: boolean; start: number; items: { text: string; children: string[] }[] };

const LIST_ITEM = /^(\s*)([-*+]|\d+[.)])\s+(.*)$/;

export function parseBlocks(src: string): Block[] {
  const lines = src.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (!line.trim()) {
      i++;
      continue;
    }
    if (/^\s*```/.test(line)) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !/^\s*```/.test(lines[i])) body.push(lines[i++]);
      i++;
      blocks.push({ t: 'code', text: body.join('\n') });
      continue;
    }
    const h = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (h) {
      blocks.push({ t: 'h', level: h[1].length, text: h[2] });
      i++;
      continue;
    }
    if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) {
      blocks.push({ t: 'hr' });
      i++;
      continue;
    }
    if (/^\s*>/.test(line)) {
      const body: string[] = [];
      while (i < lines.length && /^\s*>/.test(lines[i])) body.push(lines[i++].replace(/^\s*>\s?/, ''));
      blocks.push({ t: 'quote', text: body.join(' ') });
      continue;
    }
    const li = LIST_ITEM.exec(line);
    if (li) {
      const baseIndent = li[1].length;
      const ordered = /\d/.test(li[2]);
      const items: { text: string; children: string[] }[] = [];
      while (i < lines.length) {
        const l = lines[i];
        const m = LIST_ITEM.exec(l);
        if (m && m[1].length <= baseIndent) {
          if (/\d/.test(m[2]) !== ordered) break;
          items.push({ text: m[3], children: [] });
          i++;
        } else if (l.trim() && (/^\s+/.test(l) || (m && m[1].length > baseIndent)) && items.length) {
          // Indented: a nested list item or a continuation of the current item.
          const cur = items[items.length - 1];
          if (LIST_ITEM.test(l) || cur.children.length) cur.children.push(l.slice(Math.min(l.search(/\S/), baseIndent + 2)));
          else cur.text += ' ' + l.trim();
          i++;
        } else break;
      }
      blocks.push({ t: 'list', ordered, start: ordered ? parseInt(li[2], 10) || 1 : 1, items });
      continue;
    }
    const para: string[] = [];
    while (i < lines.length && lines[i].trim() && !/^(#{1,6}\s|\s*```|\s*>)/.test(lines[i]) && !LIST_ITEM.test(lines[i])) para.push(lines[i++].trim());
    blocks.push({ t: 'p', text: para.join(' ') });
  }
  return blocks;
}

const INLINE = /(`[^`]+`)|(\*\*[^*]+\*\*|__[^_]+__)|(\*[^*\s][^*]*\*|_[^_\s][^_]*_)|(\[[^\]]+\]\([^)\s]+\))/;

export function renderInline(text: string, onLink?: (url: string) => void, key = 'i'): ReactNode[] {
  const out: ReactNode[] = [];
  let rest = text;
  let n = 0;
  while (rest) {
    const m = INLINE.exec(rest);
    if (!m) {
      out.push(rest);
      break;
    }
    if (m.index > 0) out.push(rest.slice(0, m.index));
    const tok = m[0];
    const k = `${key}-${n++}`;
    if (m[1]) out.push(<code key={k}>{tok.slice(1, -1)}</code>);
    else if (m[2]) out.push(<strong key={k}>{renderInline(tok.slice(2, -2), onLink, k)}</strong>);
    else if (m[3]) out.push(<em key={k}>{renderInline(tok.slice(1, -1), onLink, k)}</em>);
    else {
      const lm = /^\[([^\]]+)\]\(([^)\s]+)\)$/.exec(tok)!;
      const url = safeHttpsUrl(lm[2]);
      out.push(
        url ? (
          <a
            key={k}
            href={url}
            rel="noreferrer noopener"
            onClick={(e) => {
              e.preventDefault();
              onLink?.(url);
            }}
          >
            {renderInline(lm[1], onLink, k)}
          </a>
        ) : (
          <Fragment key={k}>{lm[1]}</Fragment>
        ),
      );
    }
    rest = rest.slice(m.index + tok.length);
  }
  return out;
}

/** Only absolute https links are kept; anything else (javascript:, data:, relative) renders as text. */
export function safeHttpsUrl(raw: string): string | null {
  try {
    const u = new URL(raw);
    return u.protocol === 'https:' ? u.toString() : null;
  } catch {
    return null;
  }
}

function renderBlocks(blocks: Block[], onLink: ((url: string) => void) | undefined, prefix: string): ReactNode[] {
  return blocks.map((b, idx) => {
    const k = `${prefix}${idx}`;
    switch (b.t) {
      case 'h': {
        // Instructions sit inside a page that owns h1/h2: shift headings down two levels.
        const level = Math.min(6, b.level + 2);
        const Tag = `h${level}` as 'h3';
        return <Tag key={k}>{renderInline(b.text, onLink, k)}</Tag>;
      }
      case 'p':
        return <p key={k}>{renderInline(b.text, onLink, k)}</p>;
      case 'code':
        return (
          <pre key={k}>
            <code>{b.text}</code>
          </pre>
        );
      case 'quote':
        return <blockquote key={k}>{renderInline(b.text, onLink, k)}</blockquote>;
      case 'hr':
        return <hr key={k} />;
      case 'list': {
        const items = b.items.map((it, j) => (
          <li key={j}>
            {renderInline(it.text, onLink, `${k}-${j}`)}
            {it.children.length ? renderBlocks(parseBlocks(it.children.join('\n')), onLink, `${k}-${j}-`) : null}
          </li>
        ));
        return b.ordered ? (
          <ol key={k} start={b.start === 1 ? undefined : b.start}>
            {items}
          </ol>
        ) : (
          <ul key={k}>{items}</ul>
        );
      }
    }
  });
}

export function Markdown({ source, onLink, className = 'markdown' }: { source: string | null | undefined; onLink?: (url: string) => void; className?: string }) {
  if (!source?.trim()) return <p className="muted">No instructions were written for this template.</p>;
  return <div className={className}>{renderBlocks(parseBlocks(source), onLink, 'b')}</div>;
}
