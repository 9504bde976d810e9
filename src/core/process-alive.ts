import { hasErrno } from './errors.js';

/** Whether a process of this host runs with that pid (EPERM: it exists, it is someone else's). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return hasErrno(error, 'EPERM');
  }
}
