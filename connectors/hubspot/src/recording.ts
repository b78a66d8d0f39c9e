import type { Hook, HookContext } from '@hub/core/sdk';

interface ImportTask {
  id: string;
}
interface TaskStatus {
  status: 'PENDING' | 'PROCESSING' | 'COMPLETE' | 'CANCELED';
  result?: { id: string; url?: string };
}

/** How long the call log waits for HubSpot to copy a recording before keeping the voice platform's link. */
const IMPORT_WAIT_MS = 20_000;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

/** `call_<id>.mp3` or `.wav`: hs_call_recording_url must end in one of them for HubSpot's player. */
function fileName(callId: string, url: string): string {
  const ext = /\.(mp3|wav)(\?|$)/i.exec(url)?.[1]?.toLowerCase() ?? 'wav';
  return `call_${callId.replace(/[^A-Za-z0-9_-]/g, '_')}.${ext}`;
}

/**
 * Copies a recording into the portal's files (Files v3 import from URL, then its task polled until
 * COMPLETE), so the call keeps a recording after the voice platform's link expires. Null when HubSpot
 * could not fetch it (the link had already expired) or did not finish in time.
 */
export async function importRecording(ctx: HookContext, url: string, callId: string): Promise<{ id: string; url: string } | null> {
  const started = await ctx.http.send({
    method: 'POST',
    url: `${ctx.baseUrl}/files/v3/files/import-from-url/async`,
    // The call player fetches the file without credentials, so it is public but not indexed; a retry finds the same file.
    body: {
      url,
      access: 'PUBLIC_NOT_INDEXABLE',
      folderPath: '/voice-recordings',
      name: fileName(callId, url),
      duplicateValidationStrategy: 'RETURN_EXISTING',
      duplicateValidationScope: 'EXACT_FOLDER',
    },
  });
  const taskId = (started.body as ImportTask).id;
  const deadline = Date.now() + IMPORT_WAIT_MS;
  for (let delay = 100; Date.now() < deadline && !ctx.signal.aborted; delay = Math.min(delay * 2, 2000)) {
    await sleep(delay, ctx.signal);
    const res = await ctx.http.send({
      method: 'GET',
      url: `${ctx.baseUrl}/files/v3/files/import-from-url/async/tasks/${encodeURIComponent(taskId)}/status`,
    });
    const task = res.body as TaskStatus;
    if (task.status === 'COMPLETE' && task.result?.url) return { id: task.result.id, url: task.result.url };
    if (task.status === 'COMPLETE' || task.status === 'CANCELED') break;
  }
  ctx.log.warn({ connector: 'hubspot', taskId }, "recording import did not complete; the call keeps the voice platform's link");
  return null;
}

/**
 * The call engagement, with its recording copied into HubSpot first: hs_call_recording_url then points
 * at HubSpot's copy. When the copy fails the original link stays, and the body says it expires.
 */
export const logCall: Hook = async (ctx, input) => {
  const props = { ...(input as Record<string, string>) };
  const link = typeof ctx.call.recording_url === 'string' ? ctx.call.recording_url : undefined;
  const copy = link ? await importRecording(ctx, link, String(ctx.call.call_id)) : null;
  if (copy) props.hs_call_recording_url = copy.url;
  else if (link) props.hs_call_body = `${props.hs_call_body ?? ''}<br>Recording link from the voice platform (it expires): ${link}`;
  const contactId = (ctx.steps.contact as { id?: string } | undefined)?.id;
  const res = await ctx.http.send({
    method: 'POST',
    url: `${ctx.baseUrl}/crm/v3/objects/calls`,
    body: {
      properties: props,
      associations: contactId
        ? [{ to: { id: contactId }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 194 }] }]
        : [],
    },
  });
  return { id: String((res.body as { id: string }).id), ...(copy ? { recording_file_id: copy.id } : {}) };
};
