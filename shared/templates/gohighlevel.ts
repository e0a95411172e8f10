import type { BuiltInTemplate } from './types';

export const goHighLevel: BuiltInTemplate = {
  name: 'GoHighLevel',
  displayName: 'GoHighLevel CRM',
  description: 'Connect your GoHighLevel account to sync contacts and bookings.',
  category: 'CRM',
  icon: 'gohighlevel',
  apiVersion: '2021-07-28',
  defaultSyncIntervalMinutes: 60,
  configSchema: {
    type: 'object',
    properties: {
      apiKey: {
        type: 'string',
        title: 'API Key',
        description: 'Your GoHighLevel API key (a Private Integration token for the location)',
        minLength: 10,
        maxLength: 4096,
        writeOnly: true,
      },
      locationId: {
        type: 'string',
        title: 'Location ID',
        description: 'Your GoHighLevel location ID',
        pattern: '^[A-Za-z0-9]+$',
        minLength: 5,
        maxLength: 64,
      },
      calendarId: {
        type: 'string',
        title: 'Calendar ID',
        description: 'Calendar ID for booking integration',
        pattern: '^[A-Za-z0-9]+$',
        maxLength: 64,
      },
      webhookUrl: {
        type: 'string',
        title: 'Webhook URL',
        description: 'Webhook URL for real-time updates',
        format: 'uri',
        maxLength: 2000,
      },
    },
    required: ['apiKey', 'locationId'],
    additionalProperties: false,
  },
  setupInstructions: `## Connect GoHighLevel

You need access to the **sub-account (location)** in GoHighLevel that this CRM subaccount mirrors.

### 1. Create a Private Integration token
1. In GoHighLevel, open the location and go to **Settings → Private Integrations**.
2. Click **Create new Integration**, name it "Loctelli".
3. Grant the scopes \`locations.readonly\`, \`contacts.readonly\`, \`calendars.readonly\` and \`calendars/events.readonly\`.
4. Copy the token (it starts with \`pit-\`). It is shown only once: paste it into **API Key**.

### 2. Find the Location ID
Go to **Settings → Business Profile**; the **Location ID** is shown under *General Information*
(it is also the id in the address bar after \`/location/\`).

### 3. Optional
- **Calendar ID**: open **Calendars → Calendar Settings**, pick the booking calendar and copy its id, to sync its appointments.
- **Webhook URL**: after saving, the integration's *Webhook* tab shows the address to paste into
  GoHighLevel (**Settings → Webhooks**) so contact changes arrive in real time.

### Troubleshooting
- *401 Invalid JWT*: the token was revoked or copied incompletely; create a new one.
- *403*: the token belongs to a different location than the Location ID.
`,
};
