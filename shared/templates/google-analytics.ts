import type { BuiltInTemplate } from './types';

export const googleAnalytics: BuiltInTemplate = {
  name: 'GoogleAnalytics',
  displayName: 'Google Analytics',
  description: 'Report daily sessions, users and page views of a Google Analytics 4 property.',
  category: 'Analytics',
  icon: 'google-analytics',
  apiVersion: 'v1beta',
  defaultSyncIntervalMinutes: 360,
  configSchema: {
    type: 'object',
    properties: {
      serviceAccountKey: {
        type: 'string',
        title: 'Service Account Key',
        description: 'Google Service Account JSON key',
        minLength: 2,
        maxLength: 20000,
        writeOnly: true,
      },
      propertyId: {
        type: 'string',
        title: 'Property ID',
        description: 'Google Analytics Property ID',
        pattern: '^[0-9]{1,20}$',
      },
    },
    required: ['serviceAccountKey', 'propertyId'],
    additionalProperties: false,
  },
  setupInstructions: `## Connect Google Analytics (GA4)

### 1. Create a service account key
1. In the **Google Cloud console**, pick (or create) a project and enable the **Google Analytics Data API**.
2. **IAM & Admin → Service accounts → Create service account** (no project roles are needed).
3. Open it, **Keys → Add key → Create new key → JSON**. A \`.json\` file downloads.
4. Paste the **whole content** of that file into **Service Account Key**.

### 2. Give it access to the property
In **Google Analytics → Admin → Property access management**, add the service account's e-mail
(\`…@….iam.gserviceaccount.com\`, the \`client_email\` of the key) with the **Viewer** role.

### 3. Property ID
**Admin → Property settings**: the **Property ID** is a number such as \`123456789\`
(not the \`G-…\` measurement id).

### Troubleshooting
- *403 PERMISSION_DENIED*: the service account was not added to the property, or to a different one.
- *429 RESOURCE_EXHAUSTED*: the property's daily quota is used up; syncs retry later.
`,
};
