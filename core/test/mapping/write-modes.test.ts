import { describe, expect, it } from 'vitest';
import { validateManifest } from '@hub/manifests';
import { isHubError } from '../../src/errors/hub-error.js';
import { applyWriteModes, checkFieldModes, effectiveModes, modesOf } from '../../src/mapping/write-modes.js';

function manifest(capabilities: string[], fieldModes?: Record<string, string>) {
  const r = validateManifest({
    id: 'acme',
    name: 'Acme',
    version: '1.0.0',
    manifestVersion: 1,
    capabilities,
    auth: { type: 'none' },
    http: { baseUrl: 'https://api.acme.test' },
    operations: {},
    ...(fieldModes ? { fieldModes } : {}),
  });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.manifest;
}

describe('write modes of contact fields', () => {
  const current = { first: 'Ann', last: '', notes: 'Called in May', email: 'ann@old.example', tags: [] as string[] };

  it('overwrite replaces, fill_if_empty only fills, append adds after a separator', () => {
    const input = { first: 'Anna', last: 'Lee', notes: 'Wants a quote', email: 'ann@new.example', tags: ['vip'] };
    const out = applyWriteModes(input, current, { last: 'fill_if_empty', email: 'fill_if_empty', notes: 'append', tags: 'fill_if_empty' });
    expect(out).toEqual({ first: 'Anna', last: 'Lee', notes: 'Called in May\nWants a quote', tags: ['vip'] });
  });

  it('append never adds the same text twice (a retry finds it there), and an unchanged overwrite is not sent', () => {
    const after = { ...current, notes: 'Called in May\nWants a quote' };
    expect(applyWriteModes({ first: 'Ann', notes: 'Wants a quote' }, after, { notes: 'append' })).toEqual({});
  });

  it('append onto an empty value writes the text alone; empty call values are never written', () => {
    expect(applyWriteModes({ notes: 'First call', last: '' }, { notes: null }, { notes: 'append' })).toEqual({ notes: 'First call' });
  });

  it("the manifest's defaults apply under the tenant's own, and the dry run shows every field's mode", () => {
    const m = manifest(['contacts'], { last: 'fill_if_empty', source: 'fill_if_empty' });
    const modes = effectiveModes(m, { source: 'overwrite', notes: 'append' });
    expect(modesOf({ first: 'A', last: 'B', source: 'x', notes: 'y' }, modes)).toEqual({
      first: 'overwrite',
      last: 'fill_if_empty',
      source: 'overwrite',
      notes: 'append',
    });
  });

  it('refuses an unknown mode naming the field and the allowed modes, and modes on a connector without contacts', () => {
    const caught = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return err;
      }
      throw new Error('did not throw');
    };
    const bad = caught(() => checkFieldModes(manifest(['contacts']), { Email: 'keep' }));
    expect(isHubError(bad) && { field: bad.field, status: bad.statusCode }).toEqual({ field: 'field_modes.Email', status: 400 });
    expect((bad as Error).message).toContain('must be one of overwrite, fill_if_empty, append');
    const noContacts = caught(() => checkFieldModes(manifest(['events']), { Email: 'append' }));
    expect(isHubError(noContacts) && noContacts.field).toBe('field_modes');
    expect(checkFieldModes(manifest(['contacts']), { Email: 'append' })).toEqual({ Email: 'append' });
  });
});
