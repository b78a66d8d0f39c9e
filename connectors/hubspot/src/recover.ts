import { hasCallMarker, type Hook, type HookContext } from '@hub/core/sdk';

interface AssociationPage {
  results?: Array<{ toObjectId: number | string }>;
}
interface BatchRead {
  results?: Array<{ id: string; properties?: Record<string, string | null> }>;
}

/** Ids of the engagements of one type associated with the contact, newest (highest id) first; pages as the manifest's http.pagination says. */
async function associatedIds(ctx: HookContext, contactId: string, type: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const res of ctx.pages({
    method: 'GET',
    url: `${ctx.baseUrl}/crm/v4/objects/contacts/${encodeURIComponent(contactId)}/associations/${type}`,
    query: { limit: 500 },
  })) {
    ids.push(...((res.body as AssociationPage).results ?? []).map((r) => String(r.toObjectId)));
  }
  return ids.sort((a, b) => Number(b) - Number(a));
}

/**
 * A recovery lookup for an engagement (note, call) the hub created on the contact: the one whose
 * `property` carries this call's marker. It reads the contact's associations and the engagements
 * by id, because both see a write at once; the search API would not (its index lags up to ~30 s).
 */
function findEngagement(type: 'notes' | 'calls', property: string): Hook {
  return async (ctx) => {
    const contactId = (ctx.steps.contact as { id?: unknown } | undefined)?.id;
    if (contactId === undefined || contactId === null) return null;
    const ids = await associatedIds(ctx, String(contactId), type);
    for (let i = 0; i < ids.length; i += 100) {
      const inputs = ids.slice(i, i + 100).map((id) => ({ id }));
      const res = await ctx.http.send({
        method: 'POST',
        url: `${ctx.baseUrl}/crm/v3/objects/${type}/batch/read`,
        body: { inputs, properties: [property], propertiesWithHistory: [] },
      });
      const hit = ((res.body as BatchRead).results ?? []).find((o) => hasCallMarker(o.properties?.[property], ctx.call));
      if (hit) return { id: String(hit.id) };
    }
    return null;
  };
}

/** The call's note on the contact, found by the marker `$callNote` writes into hs_note_body. */
export const findCallNote: Hook = findEngagement('notes', 'hs_note_body');

/** The call's call engagement on the contact, found by the marker the callLog mapping writes into hs_call_body. */
export const findCallLog: Hook = findEngagement('calls', 'hs_call_body');
