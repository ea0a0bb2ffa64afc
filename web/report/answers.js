// The answers, kept in memory only. Never localStorage or sessionStorage: the form may be
// filled in on a shared computer, and a report holds personal details.

export const MAX_VEHICLES = 6;

export function freshAnswers() {
  return {
    kind: '',
    crime: { category: '', property: '', suspect: '', suspectVehicle: '' },
    collision: {
      anyoneInjured: '',
      vehicles: [{ registration: '', make: '', model: '', colour: '' }],
      detailsExchanged: '',
      otherParty: { name: '', phone: '', address: '', insurer: '', policyNumber: '' },
      insurance: { insurer: '', policyNumber: '' },
    },
    antisocialBehaviour: { category: '', frequency: '', pattern: '' },
    when: { from: {}, to: {} },
    where: { address: '', postcode: '', description: '' },
    whatHappened: '',
    reporter: {
      role: '', onBehalfName: '', onBehalfRelationship: '',
      name: '', phone: '', email: '', preferredContact: '',
    },
    declaration: false,
    // Set only when an operator's console opened this form from a chat (see prefill.js).
    chatId: '',
  };
}

/** Text that is only spaces counts as not given (as the API treats it). */
export const given = (v) => typeof v === 'string' && v.trim() !== '';
const opt = (v) => (given(v) ? v : undefined);

const pad = (n, width = 2) => String(n).padStart(width, '0');

/**
 * The date and time parts as the API takes them: `2026-11-27` for a date alone, or the
 * moment in UTC (`2026-11-27T21:30:00Z`) for a date and time typed in the browser's own
 * time zone (the UK's, for nearly everyone using it).
 */
export function occurredAt(parts) {
  const day = Number(parts.day);
  const month = Number(parts.month);
  const year = Number(parts.year);
  if (!given(parts.hour) && !given(parts.minute)) return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
  const local = new Date(year, month - 1, day, Number(parts.hour || 0), Number(parts.minute || 0));
  return local.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const hasDate = (parts) => given(parts?.day) || given(parts?.month) || given(parts?.year)
  || given(parts?.hour) || given(parts?.minute);

/** The report body for POST /reports, with only the chosen kind's block. */
export function toSubmission(a) {
  const r = a.reporter;
  const body = {
    kind: a.kind,
    when: { from: occurredAt(a.when.from), to: hasDate(a.when.to) ? occurredAt(a.when.to) : undefined },
    where: { address: opt(a.where.address), postcode: opt(a.where.postcode), description: opt(a.where.description) },
    whatHappened: a.whatHappened,
    reporter: {
      name: r.name,
      role: r.role,
      onBehalfOf: r.role === 'onBehalf'
        ? { name: r.onBehalfName, relationship: opt(r.onBehalfRelationship) }
        : undefined,
      phone: opt(r.phone),
      email: opt(r.email),
      preferredContact: r.preferredContact,
    },
    declaration: a.declaration === true,
    chatId: opt(a.chatId),
  };
  if (a.kind === 'crime') {
    const c = a.crime;
    body.crime = { category: c.category, property: opt(c.property), suspect: opt(c.suspect), suspectVehicle: opt(c.suspectVehicle) };
  } else if (a.kind === 'collision') {
    const c = a.collision;
    const party = c.otherParty;
    const otherParty = { name: opt(party.name), phone: opt(party.phone), address: opt(party.address), insurer: opt(party.insurer), policyNumber: opt(party.policyNumber) };
    const insurance = given(c.insurance.insurer) || given(c.insurance.policyNumber)
      ? { insurer: c.insurance.insurer, policyNumber: opt(c.insurance.policyNumber) }
      : undefined;
    body.collision = {
      vehicles: c.vehicles.map((v) => ({ registration: v.registration, make: opt(v.make), model: opt(v.model), colour: opt(v.colour) })),
      anyoneInjured: c.anyoneInjured === 'yes',
      detailsExchanged: c.detailsExchanged === 'yes',
      otherParty: Object.values(otherParty).some(Boolean) ? otherParty : undefined,
      insurance,
    };
  } else if (a.kind === 'antisocialBehaviour') {
    const b = a.antisocialBehaviour;
    body.antisocialBehaviour = { category: b.category, frequency: b.frequency, pattern: opt(b.pattern) };
  }
  return body;
}
