/** The seeded daily numbers the fake serves: deterministic per date so tests can assert exact values. */
export interface FakeDay {
  /** YYYY-MM-DD */
  date: string;
  sessions: number;
  activeUsers: number;
  newUsers: number;
  screenPageViews: number;
  totalUsers: number;
  eventCount: number;
}

const DAY_MS = 86_400_000;

export function fakeDailyMetrics(date: string): FakeDay {
  const d = Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
  // Plausible shapes: users ≤ sessions, new users ≤ active users, several page views per session.
  const sessions = 200 + ((d * 37) % 113) + (d % 7 === 3 || d % 7 === 4 ? 60 : 0);
  const activeUsers = sessions - 10 - ((d * 7) % 40);
  const newUsers = Math.floor(activeUsers * (0.3 + (d % 5) * 0.05));
  const screenPageViews = sessions * 2 + ((d * 11) % 97);
  return { date, sessions, activeUsers, newUsers, screenPageViews, totalUsers: activeUsers + 3, eventCount: screenPageViews * 3 };
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
