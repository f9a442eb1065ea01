// Kubernetes calls for which an object that is not there is an answer, not a failure.
import { statusOf } from './logger.js';

/** The call's result, or undefined when the API server answered 404. */
export async function ignoringAbsence<T>(send: () => Promise<T>): Promise<T | undefined> {
  try {
    return await send();
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}
