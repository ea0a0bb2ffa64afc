// Where each field the API can name in an error (`field` of a FieldError, such as
// `collision.vehicles[1].registration`) is on the form: the page and the input's id, so that
// the message is shown beside the field the person typed it in. Paths with no field of their
// own (`body`, a header, `chatId`, one this table does not know) are shown on Check your answers.

const EXACT = {
  kind: ['kind', 'kind'],
  crime: ['kind', 'kind'],
  collision: ['kind', 'kind'],
  antisocialBehaviour: ['kind', 'kind'],

  when: ['when', 'when-from-day'],
  'when.from': ['when', 'when-from-day'],
  'when.to': ['when', 'when-to-day'],

  where: ['where', 'where-address'],
  'where.address': ['where', 'where-address'],
  'where.postcode': ['where', 'where-postcode'],
  'where.description': ['where', 'where-description'],

  whatHappened: ['what-happened', 'what-happened'],

  reporter: ['your-details', 'reporter-name'],
  'reporter.name': ['your-details', 'reporter-name'],
  'reporter.phone': ['your-details', 'reporter-phone'],
  'reporter.email': ['your-details', 'reporter-email'],
  'reporter.preferredContact': ['your-details', 'reporter-preferred-contact'],
  'reporter.role': ['your-role', 'reporter-role'],
  'reporter.onBehalfOf': ['your-role', 'on-behalf-name'],
  'reporter.onBehalfOf.name': ['your-role', 'on-behalf-name'],
  'reporter.onBehalfOf.relationship': ['your-role', 'on-behalf-relationship'],

  'crime.category': ['crime-type', 'crime-category'],
  'crime.property': ['crime-details', 'crime-property'],
  'crime.suspect': ['crime-details', 'crime-suspect'],
  'crime.suspectVehicle': ['crime-details', 'crime-suspect-vehicle'],

  'collision.anyoneInjured': ['collision-injured', 'collision-injured'],
  'collision.vehicles': ['vehicles', 'vehicle-0-registration'],
  'collision.detailsExchanged': ['collision-details', 'collision-details-exchanged'],
  'collision.otherParty': ['collision-details', 'other-party-name'],
  'collision.otherParty.name': ['collision-details', 'other-party-name'],
  'collision.otherParty.phone': ['collision-details', 'other-party-phone'],
  'collision.otherParty.address': ['collision-details', 'other-party-address'],
  'collision.otherParty.insurer': ['collision-details', 'other-party-insurer'],
  'collision.otherParty.policyNumber': ['collision-details', 'other-party-policy-number'],
  'collision.insurance': ['collision-details', 'insurance-insurer'],
  'collision.insurance.insurer': ['collision-details', 'insurance-insurer'],
  'collision.insurance.policyNumber': ['collision-details', 'insurance-policy-number'],

  'antisocialBehaviour.category': ['asb-type', 'asb-category'],
  'antisocialBehaviour.frequency': ['asb-frequency', 'asb-frequency'],
  'antisocialBehaviour.pattern': ['asb-frequency', 'asb-pattern'],

  declaration: ['check-answers', 'declaration'],
};

const VEHICLE = /^collision\.vehicles\[(\d+)\](?:\.(registration|make|model|colour))?$/;

/** {page, id} for an API field path; `id` is null when the path has no field on the form. */
export function fieldOf(path) {
  if (Object.hasOwn(EXACT, path)) {
    const [page, id] = EXACT[path];
    return { page, id };
  }
  const vehicle = VEHICLE.exec(path);
  if (vehicle) return { page: 'vehicles', id: `vehicle-${vehicle[1]}-${vehicle[2] ?? 'registration'}` };
  return { page: 'check-answers', id: null };
}

/** The API paths this table knows (for the tests and the documentation). */
export const KNOWN_PATHS = Object.keys(EXACT);
