import { generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';

export interface TestServiceAccount {
  email: string;
  keyId: string;
  /** The key file as Google's console downloads it, as a string (what a person pastes). */
  keyFile: string;
  publicKey: KeyObject;
}

/** A fresh RSA service account key in Google's JSON key file layout. */
export function createTestServiceAccount(email = 'loctelli-sync@loctelli-test.iam.gserviceaccount.com'): TestServiceAccount {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyId = randomBytes(20).toString('hex');
  const project = email.split('@')[1]?.split('.')[0] ?? 'test-project';
  const keyFile = JSON.stringify(
    {
      type: 'service_account',
      project_id: project,
      private_key_id: keyId,
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      client_email: email,
      client_id: (10n ** 20n + BigInt(`0x${randomBytes(8).toString('hex')}`)).toString(),
      auth_uri: 'https://accounts.google.com/o/oauth2/auth',
      token_uri: 'https://oauth2.googleapis.com/token',
      auth_provider_x509_cert_url: 'https://www.googleapis.com/oauth2/v1/certs',
      client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/${encodeURIComponent(email)}`,
      universe_domain: 'googleapis.com',
    },
    null,
    2,
  );
  return { email, keyId, keyFile, publicKey };
}
