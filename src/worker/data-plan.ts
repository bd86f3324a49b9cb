/**
 * Whether the visitor's connection asks Vitrine to go easy on data: Save-Data on, or an effective
 * connection slower than 4G (Network Information API, in workers too in Chromium; absent elsewhere,
 * where nothing is held back). Then only the head part loads until the visitor interacts.
 */
interface NetworkInformation {
  saveData?: boolean;
  effectiveType?: string;
}

export function savingData(): boolean {
  const connection = (navigator as { connection?: NetworkInformation }).connection;
  return !!connection && (connection.saveData === true || /2g|3g/.test(connection.effectiveType ?? ''));
}
