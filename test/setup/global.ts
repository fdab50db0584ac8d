// Global test setup. The AD access work adds starting a Samba AD DC here (scripts/samba.sh).
export default async function setup(): Promise<void | (() => Promise<void>)> {
  return undefined;
}
