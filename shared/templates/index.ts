import { facebookAds } from './facebook-ads';
import { goHighLevel } from './gohighlevel';
import { googleAnalytics } from './google-analytics';
import type { BuiltInTemplate } from './types';

export type { BuiltInTemplate } from './types';
export const BUILT_IN_TEMPLATES: readonly BuiltInTemplate[] = [goHighLevel, facebookAds, googleAnalytics];
