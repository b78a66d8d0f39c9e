import type { StepName } from '@hub/manifests';
import type { HubServices } from '../services.js';
import type { JobDoc } from '../store/repos/documents.js';

/**
 * The appointment a voice agent already booked during this call on this integration, as the
 * appointment (or job) step's output: the post-call sync links that booking instead of making a
 * second one when the call's analysis reports the appointment. Undefined when there is none.
 */
export async function bookedDuringCall(
  hub: HubServices,
  job: JobDoc,
  step: StepName,
  call: Record<string, unknown>,
): Promise<Record<string, unknown> | undefined> {
  if (step !== 'appointment' && step !== 'job') return undefined;
  if (!call.appointment_booked) return undefined;
  const [latest] = await hub.repos.bookings.forCall(job.integrationId, job.callId);
  if (!latest) return undefined;
  return { ...latest.appointment, linked: true, booked_during_call: latest._id, start: latest.start };
}
