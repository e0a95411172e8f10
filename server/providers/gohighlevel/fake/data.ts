/**
 * Deterministic GoHighLevel-shaped records for the fake API: the same seed always yields the same contacts, so tests
 * can assert exact counts and ids. Generation is linear and cheap (100,000 contacts in well under a second).
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const FIRST = ['Ava', 'Liam', 'Mia', 'Noah', 'Zoe', 'Ethan', 'Lena', 'Omar', 'Ines', 'Kai', 'Nora', 'Hugo', 'Sara', 'Theo', 'Ivy', 'Raj'];
const LAST = ['Nguyen', 'Smith', 'Garcia', 'Okafor', 'Muller', 'Rossi', 'Kim', 'Novak', 'Silva', 'Haddad', 'Berg', 'Costa', 'Patel', 'Moreau'];
const CITIES: Array<[string, string, string]> = [
  ['Austin', 'TX', '78701'],
  ['Denver', 'CO', '80202'],
  ['Miami', 'FL', '33130'],
  ['Portland', 'OR', '97205'],
  ['Chicago', 'IL', '60601'],
];
const TAGS = ['new patient', 'recall', 'whitening', 'invisalign', 'newsletter', 'vip', 'no-show'];
const SOURCES = ['website form', 'facebook lead ad', 'phone call', 'referral', 'google business profile'];

export interface FakeContact {
  id: string;
  locationId: string;
  contactName: string;
  firstName: string;
  lastName: string;
  firstNameLowerCase: string;
  lastNameLowerCase: string;
  email: string;
  phone: string;
  companyName: string | null;
  address1: string;
  city: string;
  state: string;
  postalCode: string;
  country: string;
  timezone: string;
  source: string;
  type: 'lead' | 'customer';
  dnd: boolean;
  tags: string[];
  assignedTo: string | null;
  customFields: Array<{ id: string; value: string }>;
  dateOfBirth: string | null;
  dateAdded: string;
  dateUpdated: string;
}

export interface FakeCalendar {
  id: string;
  locationId: string;
  name: string;
  description: string;
  slug: string;
  isActive: boolean;
  calendarType: string;
  eventType: string;
  slotDuration: number;
  slotDurationUnit: string;
}

export interface FakeEvent {
  id: string;
  locationId: string;
  calendarId: string;
  contactId: string;
  groupId: string;
  title: string;
  appointmentStatus: string;
  assignedUserId: string;
  users: string[];
  notes: string;
  address: string;
  startTime: string;
  endTime: string;
  dateAdded: string;
  dateUpdated: string;
}

/** mulberry32: tiny, fast, good enough for fixtures. */
export function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function seedOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** GoHighLevel ids are 20 alphanumerics; the index is folded into the tail so ids never collide. */
export function fakeId(rand: () => number, index: number): string {
  let head = '';
  for (let i = 0; i < 12; i++) head += ALPHABET[Math.floor(rand() * ALPHABET.length)];
  let tail = '';
  let n = index;
  for (let i = 0; i < 8; i++) {
    tail = ALPHABET[n % ALPHABET.length] + tail;
    n = Math.floor(n / ALPHABET.length);
  }
  return head + tail;
}

const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)];

/** Contacts in ascending `dateAdded` order, one every 61 s, the newest a day before `anchorMs`. */
export function generateContacts(locationId: string, count: number, anchorMs: number): FakeContact[] {
  const rand = prng(seedOf(`contacts:${locationId}`));
  const first = anchorMs - 86_400_000 - count * 61_000;
  const out: FakeContact[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const firstName = pick(rand, FIRST);
    const lastName = pick(rand, LAST);
    const [city, state, postalCode] = pick(rand, CITIES);
    const added = first + i * 61_000;
    const tagCount = Math.floor(rand() * 3);
    const tags: string[] = [];
    for (let t = 0; t < tagCount; t++) {
      const tag = pick(rand, TAGS);
      if (!tags.includes(tag)) tags.push(tag);
    }
    out[i] = {
      id: fakeId(rand, i),
      locationId,
      contactName: `${firstName.toLowerCase()} ${lastName.toLowerCase()}`,
      firstName,
      lastName,
      firstNameLowerCase: firstName.toLowerCase(),
      lastNameLowerCase: lastName.toLowerCase(),
      email: `${firstName}.${lastName}.${i}@example.com`.toLowerCase(),
      phone: `+1512${String(5550000 + (i % 4_440_000)).padStart(7, '0')}`,
      companyName: rand() < 0.2 ? `${lastName} & Co` : null,
      address1: `${100 + Math.floor(rand() * 9000)} Main St`,
      city,
      state,
      postalCode,
      country: 'US',
      timezone: 'America/Chicago',
      source: pick(rand, SOURCES),
      type: rand() < 0.7 ? 'lead' : 'customer',
      dnd: rand() < 0.05,
      tags,
      assignedTo: null,
      customFields: [],
      dateOfBirth: null,
      dateAdded: new Date(added).toISOString(),
      dateUpdated: new Date(added + Math.floor(rand() * 3_600_000)).toISOString(),
    };
  }
  return out;
}

export function generateCalendars(locationId: string, count: number): FakeCalendar[] {
  const rand = prng(seedOf(`calendars:${locationId}`));
  const names = ['Hygiene Appointments', 'New Patient Consults', 'Emergency Visits', 'Orthodontics'];
  return Array.from({ length: count }, (_, i) => {
    const name = names[i % names.length] + (i >= names.length ? ` ${i + 1}` : '');
    return {
      id: fakeId(rand, i),
      locationId,
      name,
      description: `${name} at the front desk`,
      slug: name.toLowerCase().replace(/\s+/g, '-'),
      isActive: true,
      calendarType: 'round_robin',
      eventType: 'RoundRobin_OptimizeForAvailability',
      slotDuration: 30,
      slotDurationUnit: 'mins',
    };
  });
}

/** Appointments spread from 45 days before to 120 days after `anchorMs`, so a sync window drops some of them. */
export function generateEvents(calendar: FakeCalendar, count: number, anchorMs: number, contactIds: string[]): FakeEvent[] {
  const rand = prng(seedOf(`events:${calendar.id}`));
  const from = anchorMs - 45 * 86_400_000;
  const span = 165 * 86_400_000;
  return Array.from({ length: count }, (_, i) => {
    const start = from + Math.floor((span * (i + 0.5)) / count);
    return {
      id: fakeId(rand, i),
      locationId: calendar.locationId,
      calendarId: calendar.id,
      contactId: contactIds.length ? contactIds[i % contactIds.length] : '',
      groupId: '',
      title: `${calendar.name} #${i + 1}`,
      appointmentStatus: rand() < 0.85 ? 'confirmed' : 'cancelled',
      assignedUserId: 'UsrFrontDesk00000001',
      users: [],
      notes: '',
      address: 'Zoom',
      startTime: new Date(start).toISOString(),
      endTime: new Date(start + 30 * 60_000).toISOString(),
      dateAdded: new Date(start - 7 * 86_400_000).toISOString(),
      dateUpdated: new Date(start - 86_400_000).toISOString(),
    };
  });
}
