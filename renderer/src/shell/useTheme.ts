import { useEffect } from 'react';
import { useSettings } from '../api/queries';

/** Applies the theme from settings (light, dark, or the OS's) to <html data-theme>. */
export function useTheme() {
  const settings = useSettings();
  const theme = settings.data?.theme ?? 'system';
  useEffect(() => {
    const root = document.documentElement;
    const media = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
    const apply = () => {
      root.dataset.theme = theme === 'system' ? (media?.matches ? 'dark' : 'light') : theme;
    };
    apply();
    if (theme !== 'system' || !media) return;
    media.addEventListener('change', apply);
    return () => media.removeEventListener('change', apply);
  }, [theme]);
}
