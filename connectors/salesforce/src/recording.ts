import type { Hook, HookContext } from '@hub/core/sdk';
import { API } from './api.js';

/** A ContentVersion sent as base64 in a JSON body holds up to about 37 MB. */
const MAX_JSON_FILE_BYTES = 37 * 1024 * 1024;

/** `call_<id>.mp3` (or the link's own audio extension). */
function pathOnClient(callId: string, url: string): string {
  const ext = /\.(mp3|wav|m4a|ogg)(\?|$)/i.exec(url)?.[1]?.toLowerCase() ?? 'wav';
  return `call_${callId.replace(/[^A-Za-z0-9_-]/g, '_')}.${ext}`;
}

/**
 * Attaches the call's recording to the Task as a file (ContentVersion with FirstPublishLocationId =
 * the Task), so it outlives the voice platform's link. Null when the link could not be fetched (it
 * had expired) or the file is too big for a JSON body; the Task's description still has the link.
 */
async function attachRecording(ctx: HookContext, taskId: string, url: string): Promise<string | null> {
  const callId = String(ctx.call.call_id);
  let file;
  try {
    file = await ctx.download(url, MAX_JSON_FILE_BYTES);
  } catch (err) {
    ctx.log.warn({ connector: 'salesforce', taskId, reason: (err as Error).message }, 'recording not attached; the Task keeps the link');
    return null;
  }
  const res = await ctx.http.send({
    method: 'POST',
    url: `${ctx.baseUrl}${API}/sobjects/ContentVersion/`,
    body: {
      Title: `Call recording ${callId}`,
      PathOnClient: pathOnClient(callId, url),
      VersionData: file.body.toString('base64'),
      FirstPublishLocationId: taskId,
    },
  });
  return String((res.body as { id: string }).id);
}

/** The completed call Task, then its recording attached as a ContentVersion. */
export const logCall: Hook = async (ctx, input) => {
  const res = await ctx.http.send({ method: 'POST', url: `${ctx.baseUrl}${API}/sobjects/Task/`, body: input });
  const id = String((res.body as { id: string }).id);
  const link = typeof ctx.call.recording_url === 'string' ? ctx.call.recording_url : undefined;
  const version = link ? await attachRecording(ctx, id, link) : null;
  return { id, ...(version ? { recording_content_version_id: version } : {}) };
};
