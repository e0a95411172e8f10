/** Fixture values shared by the e2e global setup and the scenarios. */
export const GA_PROPERTY_ID = '123456789';
/** A property that exists but was not shared with the service account (403 at the connection test). */
export const GA_NO_ACCESS_PROPERTY_ID = '987654321';
/** The remote team server's super_admin (test-only credentials). */
export const REMOTE_ADMIN = { email: 'super@agency.test', password: 'e2e-super-password-1' } as const;
