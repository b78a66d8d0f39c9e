import type { Collection, Simulator } from '@hub/simkit';
import {
  ASSOCIATION_TYPES,
  type AssociationRow,
  type CrmObject,
  DEFAULT_PROPERTIES,
  OBJECT_TYPES,
  checkProperties,
  toPublic,
} from './hubspot-model.js';

type Body = Record<string, unknown>;
interface InlineAssociation {
  to: { id: string };
  types: Array<{ associationCategory: string; associationTypeId: number }>;
}

/** What the CRM routes need from the simulator's configuration. */
export interface ObjectRouteConfig {
  /** Milliseconds before a written object shows in search results. */
  searchIndexLagMs: () => number;
  /** Property names per object type (defaults plus custom ones). */
  properties: Record<string, string[]>;
}

/** Object store helpers shared by the CRM v3 and v4 routes. */
export class HubspotObjects {
  constructor(
    private readonly sim: Simulator,
    private readonly cfg: ObjectRouteConfig,
  ) {}

  /** The collection of an object type named in a path (by name or numeric id); 404 otherwise. */
  col(typeParam: string): { type: string; col: Collection<CrmObject> } {
    const type = OBJECT_TYPES[typeParam];
    if (!type) throw this.sim.error(404, `Unable to infer object type from: ${typeParam}`, 'OBJECT_NOT_FOUND');
    return { type, col: this.sim.state.collection<CrmObject>(type) };
  }

  /** The associations table. */
  get associations(): Collection<AssociationRow> {
    return this.sim.state.collection<AssociationRow>('associations');
  }

  /** Finds an object by id or by a unique property (idProperty=email). */
  lookup(typeParam: string, id: string, idProperty?: string): CrmObject | undefined {
    const { col } = this.col(typeParam);
    if (!idProperty || idProperty === 'hs_object_id') return col.get(id);
    return col.findOne((o) => (o.properties[idProperty] ?? '').toLowerCase() === id.toLowerCase());
  }

  /** Creates an object with inline v4 associations; contacts are unique by email (409 "Existing ID"). */
  create(typeParam: string, body: Body): CrmObject {
    const { type, col } = this.col(typeParam);
    const props = (body.properties ?? {}) as Record<string, string>;
    checkProperties(this.sim, type, props, this.cfg.properties[type] ?? [], true);
    this.checkUnique(type, props);
    if (type === 'deals') this.checkStage(props);
    const assocs = this.resolveAssociations(type, (body.associations ?? []) as InlineAssociation[]);
    const now = new Date().toISOString();
    const obj = col.insert({
      properties: withCalculated(props),
      createdAt: now,
      updatedAt: now,
      archived: false,
      searchableAt: Date.now() + this.cfg.searchIndexLagMs(),
    });
    for (const a of assocs) this.associate(type, obj.id, a.toType, a.toId, a.types);
    return obj;
  }

  /** Merges properties into an object. */
  update(typeParam: string, obj: CrmObject, props: Record<string, string>): CrmObject {
    const { type, col } = this.col(typeParam);
    checkProperties(this.sim, type, props, this.cfg.properties[type] ?? [], false);
    this.checkUnique(type, props, obj.id);
    const next = col.update(obj.id, {
      properties: withCalculated({ ...obj.properties, ...props }),
      updatedAt: new Date().toISOString(),
      searchableAt: Date.now() + this.cfg.searchIndexLagMs(),
    });
    return next as CrmObject;
  }

  /** Adds (or extends) an association between two objects, in both directions as HubSpot does. */
  associate(fromType: string, fromId: string, toType: string, toId: string, types: AssociationRow['types']): void {
    const directions = [
      [fromType, fromId, toType, toId],
      [toType, toId, fromType, fromId],
    ];
    directions.forEach(([a, aId, b, bId], i) => {
      const row = this.associations.findOne({ fromType: a, fromId: aId, toType: b, toId: bId });
      const mirrored = i === 0 ? types : types.map((t) => ({ ...t, associationTypeId: reverseTypeId(a, b, t.associationTypeId) }));
      if (row) this.associations.update(row.id, { types: dedupe([...row.types, ...mirrored]) });
      else this.associations.insert({ fromType: a, fromId: aId, toType: b, toId: bId, types: mirrored });
    });
  }

  /** Answers an object with `associations` when asked for (?associations=contacts,deals). */
  withAssociations(type: string, obj: CrmObject, wanted: string[], only?: string[]): Body {
    const out = toPublic(obj, only);
    if (wanted.length === 0) return out;
    const assoc: Body = {};
    for (const w of wanted) {
      const toType = OBJECT_TYPES[w] ?? w;
      const rows = this.associations.find({ fromType: type, fromId: obj.id, toType });
      if (rows.length)
        assoc[toType] = {
          results: rows.flatMap((r) =>
            r.types.map((t) => ({
              id: r.toId,
              type: `${type.replace(/s$/, '')}_to_${toType.replace(/s$/, '')}`,
              typeId: t.associationTypeId,
            })),
          ),
        };
    }
    return Object.keys(assoc).length ? { ...out, associations: assoc } : out;
  }

  /** HubSpot refuses a deal whose stage is not in its pipeline. */
  private checkStage(props: Record<string, string>): void {
    if (!props.dealstage) return;
    const pipeline = this.sim.state.collection<{ id: string; stages: Array<{ id: string }> }>('pipelines').get(props.pipeline ?? 'default');
    if (!pipeline?.stages.some((st) => st.id === props.dealstage)) {
      throw this.sim.error(
        400,
        `Property values were not valid: dealstage "${props.dealstage}" is not a stage of pipeline "${props.pipeline ?? 'default'}"`,
        'VALIDATION_ERROR',
      );
    }
  }

  private checkUnique(type: string, props: Record<string, string>, selfId?: string): void {
    if (type !== 'contacts' || !props.email) return;
    const dup = this.lookup('contacts', props.email, 'email');
    if (dup && dup.id !== selfId) throw this.sim.error(409, `Contact already exists. Existing ID: ${dup.id}`, 'CONFLICT');
  }

  private resolveAssociations(
    fromType: string,
    list: InlineAssociation[],
  ): Array<{ toType: string; toId: string; types: AssociationRow['types'] }> {
    return list.map((a) => {
      const t = a.types[0];
      const toType = t?.associationCategory === 'HUBSPOT_DEFINED' ? ASSOCIATION_TYPES[`${fromType}:${t.associationTypeId}`] : undefined;
      if (!toType)
        throw this.sim.error(
          400,
          `Invalid association type ${t?.associationCategory}/${t?.associationTypeId} from ${fromType}`,
          'VALIDATION_ERROR',
        );
      if (!this.sim.state.collection<CrmObject>(toType).has(a.to.id)) {
        throw this.sim.error(400, `One or more associations are invalid: ${toType} ${a.to.id} does not exist`, 'VALIDATION_ERROR');
      }
      return { toType, toId: a.to.id, types: a.types };
    });
  }
}

/** The type id of the reverse direction of a default association. */
function reverseTypeId(from: string, to: string, typeId: number): number {
  const hit = Object.entries(ASSOCIATION_TYPES).find(([k, v]) => k.startsWith(`${from}:`) && v === to);
  return hit ? Number(hit[0].split(':')[1]) : typeId;
}

function dedupe(types: AssociationRow['types']): AssociationRow['types'] {
  return types.filter(
    (t, i) => types.findIndex((u) => u.associationTypeId === t.associationTypeId && u.associationCategory === t.associationCategory) === i,
  );
}

/** HubSpot keeps a digits-only copy of the phone number for search. */
function withCalculated(props: Record<string, string>): Record<string, string> {
  const phone = props.phone ?? props.mobilephone;
  return phone ? { ...props, hs_searchable_calculated_phone_number: phone.replace(/\D/g, '').replace(/^1(?=\d{10}$)/, '') } : props;
}

/** Default property list merged with custom names. */
export function propertyNames(custom: Record<string, string[]> = {}): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [t, names] of Object.entries(DEFAULT_PROPERTIES)) out[t] = [...names, ...(custom[t] ?? [])];
  return out;
}
