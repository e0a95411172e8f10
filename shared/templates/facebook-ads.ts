import type { BuiltInTemplate } from './types';

export const facebookAds: BuiltInTemplate = {
  name: 'FacebookAds',
  displayName: 'Facebook Advertising',
  description: 'Pull campaigns, daily ad insights and lead form submissions from a Facebook ad account.',
  category: 'Advertising',
  icon: 'facebook',
  apiVersion: 'v27.0',
  // Insights are daily figures that Meta keeps revising; a few refreshes a day are plenty.
  defaultSyncIntervalMinutes: 360,
  configSchema: {
    type: 'object',
    properties: {
      accessToken: {
        type: 'string',
        title: 'Access Token',
        description: 'Facebook App access token',
        minLength: 10,
        maxLength: 4096,
        writeOnly: true,
      },
      adAccountId: {
        type: 'string',
        title: 'Ad Account ID',
        description: 'Facebook Ad Account ID (the number, with or without "act_")',
        pattern: '^(act_)?[0-9]{1,20}$',
      },
      pageId: {
        type: 'string',
        title: 'Page ID',
        description: 'Facebook Page ID for messaging',
        pattern: '^[0-9]{1,20}$',
      },
      appSecret: {
        type: 'string',
        title: 'App Secret',
        description: 'Your Facebook app secret, used to verify webhook signatures (X-Hub-Signature-256)',
        minLength: 16,
        maxLength: 256,
        writeOnly: true,
      },
    },
    required: ['accessToken', 'adAccountId'],
    additionalProperties: false,
  },
  setupInstructions: `## Connect Facebook Ads

### 1. Get a long-lived access token
The most reliable choice is a **System User token** from Meta Business Manager:
1. Open **Business Settings → Users → System users** and add (or pick) a system user.
2. **Assign assets**: give it the ad account (*View performance*) and, for lead forms, the Page.
3. Click **Generate new token**, choose your app and the permissions \`ads_read\`, \`read_insights\`,
   and for lead forms \`leads_retrieval\` and \`pages_manage_metadata\`.
4. Paste the token into **Access Token**. System user tokens do not expire after 60 days like user tokens.

### 2. Ad Account ID
In **Ads Manager**, the account selector shows the id (a number). \`act_123\` and \`123\` are both accepted.

### 3. Optional
- **Page ID**: on the Page, **About → Page transparency** shows it. Needed for lead form webhooks.
- **App Secret**: **App Dashboard → App settings → Basic**. Required to verify webhook deliveries;
  without it the webhook endpoint refuses every delivery.

### Troubleshooting
- *Error 190*: the token expired or was revoked; generate a new one (the integration shows *Disconnected*).
- *Error 17 / 80000-range*: Facebook is throttling the account; syncs back off and retry by themselves.
`,
};
