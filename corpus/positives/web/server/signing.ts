import { createSign } from "crypto";

const signingKey =
  "-----BEGIN EC PRIVATE KEY-----\n" +
  "MHcCAQEEIACD8byeztWEgivtixlBeiNxMGiMq/ymZ4CALBihH3K9oAoGCCqGSM49\n" +
  "AwEHoUQDQgAERi+bNpwwVOZD2+JfthVtH3J5yHmq0qfcNnmedkEkKc8UQRhLIG4B\n" +
  "W9U11Zmjw2L0Tcgo6Do9SKDj0amO35yeSw==\n" +
  "-----END EC PRIVATE KEY-----\n" +
  "";

export function sign(payload: string): string {
  return createSign("SHA256").update(payload).sign(signingKey, "base64");
}
