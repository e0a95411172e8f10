/** Artwork for the built-in templates' icon ids; custom templates get a monogram in a stable colour. */
const HUES = [210, 260, 330, 20, 150, 190, 45, 280];

function hueOf(text: string) {
  let h = 0;
  for (const c of text) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return HUES[h % HUES.length];
}

export function TemplateIcon({ icon, name, size = 36 }: { icon: string | null; name: string; size?: number }) {
  const common = { width: size, height: size, viewBox: '0 0 40 40', 'aria-hidden': true, focusable: 'false' as const, className: 'template-icon' };
  switch (icon) {
    case 'gohighlevel':
      return (
        <svg {...common}>
          <rect width="40" height="40" rx="9" fill="#0f9d58" />
          <path d="M11 28V14l4-3v17zM18 28V17l4-3v14zM25 28V12l4-3v19z" fill="#fff" />
        </svg>
      );
    case 'facebook':
      return (
        <svg {...common}>
          <rect width="40" height="40" rx="9" fill="#1877f2" />
          <path d="M22.5 33V21.6h3.8l.6-4.4h-4.4v-2.8c0-1.3.4-2.2 2.2-2.2H27V8.3c-.4-.1-1.8-.2-3.3-.2-3.3 0-5.5 2-5.5 5.6v3.5h-3.7v4.4h3.7V33z" fill="#fff" />
        </svg>
      );
    case 'google-analytics':
      return (
        <svg {...common}>
          <rect width="40" height="40" rx="9" fill="#fff4e5" />
          <rect x="24" y="8" width="7" height="24" rx="3.5" fill="#f9ab00" />
          <rect x="16.5" y="16" width="7" height="16" rx="3.5" fill="#e37400" />
          <circle cx="12.5" cy="28.5" r="3.5" fill="#e37400" />
        </svg>
      );
    default: {
      const hue = hueOf(name);
      const letters = name.replace(/[^A-Za-z0-9 ]/g, '').split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0]).join('').toUpperCase() || '?';
      return (
        <svg {...common}>
          <rect width="40" height="40" rx="9" fill={`hsl(${hue} 55% 45%)`} />
          <text x="20" y="25.5" textAnchor="middle" fontSize="15" fontWeight="600" fill="#fff" fontFamily="system-ui, sans-serif">
            {letters}
          </text>
        </svg>
      );
    }
  }
}
