/** The REST API version every Salesforce request of this connector is built against. */
export const API = '/services/data/v62.0';
