import { ManifestSchema } from './schema.js';

/** The manifest schema as published for editors (manifests/connector.schema.json). */
export function manifestJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://hub.local/connector.schema.json',
    title: 'Connector manifest',
    ...JSON.parse(JSON.stringify(ManifestSchema)),
  };
}
