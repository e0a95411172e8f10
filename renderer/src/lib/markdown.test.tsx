import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render } from '@testing-library/react';
import { Markdown, parseBlocks } from './markdown';

describe('Markdown', () => {
  it('renders headings, lists, code and emphasis as elements', () => {
    const { container } = render(<Markdown source={'## Title\n\n1. one **bold**\n2. two `code`\n   - nested\n\nText with *em*.'} />);
    expect(container.querySelector('h4')?.textContent).toBe('Title');
    expect(container.querySelectorAll('ol > li')).toHaveLength(2);
    expect(container.querySelector('strong')?.textContent).toBe('bold');
    expect(container.querySelector('code')?.textContent).toBe('code');
    expect(container.querySelector('ol li ul li')?.textContent).toBe('nested');
    expect(container.querySelector('em')?.textContent).toBe('em');
  });

  it('never renders raw HTML: it shows as text', () => {
    const { container } = render(<Markdown source={'<img src=x onerror="alert(1)"><script>alert(1)</script> hi'} />);
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('script')).toBeNull();
    expect(container.textContent).toContain('<img src=x onerror="alert(1)">');
  });

  it('keeps only https links and hands them to the caller', () => {
    const onLink = vi.fn();
    const { container } = render(<Markdown source={'[ok](https://example.com/a) [bad](javascript:alert(1)) [rel](/x)'} onLink={onLink} />);
    const links = container.querySelectorAll('a');
    expect(links).toHaveLength(1);
    fireEvent.click(links[0]);
    expect(onLink).toHaveBeenCalledWith('https://example.com/a');
  });

  it('parses fenced code blocks verbatim', () => {
    expect(parseBlocks('```\n<b>x</b>\n```')).toEqual([{ t: 'code', text: '<b>x</b>' }]);
  });
});
