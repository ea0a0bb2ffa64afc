// The question pages, one question (or one small group) each, in the order a report is taken.
// A page says whether it belongs to the report being made (`inFlow`), builds its fields
// (`render`), copies what was typed into the answers (`read`) and checks the obvious (`check`:
// required answers, real dates). Everything else (a postcode Royal Mail would accept, a
// registration, a phone number that can be called back) is checked by the API, whose errors
// come back onto these same fields (fields.js).

import { h } from './dom.js';
import { textInput, textArea, radios, dateTimeInput, fieldset, warningText, insetText, button } from './components.js';
import { given, MAX_VEHICLES } from './answers.js';

export const KINDS = [
  { value: 'crime', label: 'A crime', hint: 'For example, a theft, criminal damage, or a burglary or assault that is over' },
  { value: 'collision', label: 'A road traffic collision in which nobody was hurt', hint: 'Damage to vehicles or property only' },
  { value: 'antisocialBehaviour', label: 'Anti-social behaviour', hint: 'For example, rowdy or intimidating behaviour, or damage to a public place' },
];

export const CRIME_CATEGORIES = [
  { value: 'theft', label: 'Theft', hint: 'Something was stolen, but nobody broke in' },
  { value: 'criminalDamage', label: 'Criminal damage or vandalism' },
  { value: 'burglary', label: 'Burglary, after it has happened', hint: 'Someone broke into a home, shed or business. If they are still there, call 999' },
  { value: 'assault', label: 'Assault, after it has happened', hint: 'If you are hurt or in danger now, call 999' },
  { value: 'fraud', label: 'Fraud or a scam', hint: 'We will take your report. You should also report it to Report Fraud, the national service' },
  { value: 'other', label: 'Something else' },
];

export const ASB_CATEGORIES = [
  { value: 'personal', label: 'Aimed at a person or a family', hint: 'For example, threats, harassment or intimidation' },
  { value: 'nuisance', label: 'A nuisance to the community', hint: 'For example, rowdy groups, drunken behaviour, or misuse of fireworks' },
  { value: 'environmental', label: 'Harm to a public place', hint: 'For example, graffiti, or damage to a park or a bus shelter' },
];

export const FREQUENCIES = [
  { value: 'once', label: 'It happened once' },
  { value: 'daily', label: 'Every day' },
  { value: 'severalTimesAWeek', label: 'Several times a week' },
  { value: 'weekly', label: 'About once a week' },
  { value: 'monthly', label: 'About once a month' },
  { value: 'occasionally', label: 'Now and then' },
];

export const ROLES = [
  { value: 'victim', label: 'It happened to me' },
  { value: 'witness', label: 'I saw it, or know about it (a witness)' },
  { value: 'onBehalf', label: 'I am reporting for someone else' },
];

export const CONTACTS = [
  { value: 'phone', label: 'By phone' },
  { value: 'email', label: 'By email' },
];

export const YES_NO = [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }];

export const labelOf = (items, value) => items.find((i) => i.value === value)?.label ?? '';

const str = (form, name) => {
  const v = form.elements.namedItem(name);
  return v && 'value' in v ? v.value : '';
};
const choice = (form, name) => form.querySelector(`input[name="${name}"]:checked`)?.value ?? '';
const datePartsOf = (form, id) => Object.fromEntries(
  ['day', 'month', 'year', 'hour', 'minute'].map((p) => [p, str(form, `${id}-${p}`).trim()]),
);

const tooLong = (id, value, max, what) => (value.trim().length > max
  ? [{ id, message: `${what} must be ${max.toLocaleString('en-GB')} characters or fewer` }] : []);

/** Checks a date (and optional time) typed in parts; `what` names it in the messages. */
export function checkDateTime(parts, id, { required, what }) {
  const errors = [];
  const { day, month, year, hour, minute } = parts;
  const anyDate = [day, month, year].some(given);
  if (!anyDate) {
    if (required) errors.push({ id: `${id}-day`, message: `Enter the date ${what}` });
    else if (given(hour) || given(minute)) errors.push({ id: `${id}-day`, message: `Enter the date ${what}, as well as the time` });
    return errors;
  }
  const missing = [['day', day], ['month', month], ['year', year]].filter(([, v]) => !given(v)).map(([n]) => n);
  if (missing.length) {
    errors.push({ id: `${id}-day`, message: `The date ${what} must include a ${missing.join(' and a ')}` });
    return errors;
  }
  const [d, m, y] = [day, month, year].map((v) => (/^\d+$/.test(v) ? Number(v) : NaN));
  const date = new Date(y, m - 1, d);
  if (!(y >= 1000 && y <= 9999) || date.getFullYear() !== y || date.getMonth() !== m - 1 || date.getDate() !== d) {
    errors.push({ id: `${id}-day`, message: `The date ${what} must be a real date` });
    return errors;
  }
  const today = new Date();
  today.setHours(0, 0, 0, 0);
  if (date > today) {
    errors.push({ id: `${id}-day`, message: `The date ${what} cannot be in the future` });
    return errors;
  }
  if (given(hour) || given(minute)) {
    const hh = given(hour) && /^\d{1,2}$/.test(hour) ? Number(hour) : NaN;
    const mm = !given(minute) ? 0 : /^\d{1,2}$/.test(minute) ? Number(minute) : NaN;
    if (!(hh >= 0 && hh <= 23 && mm >= 0 && mm <= 59)) {
      errors.push({ id: `${id}-hour`, message: 'Enter a real time, using the 24-hour clock, like 21 30' });
    } else if (new Date(y, m - 1, d, hh, mm) > new Date(Date.now() + 5 * 60_000)) {
      errors.push({ id: `${id}-hour`, message: `The time ${what} cannot be in the future` });
    }
  }
  return errors;
}

const isKind = (kind) => (a) => a.kind === kind;
const isCollision = isKind('collision');
const collisionTakenOnline = (a) => isCollision(a) && a.collision.anyoneInjured === 'no';

export const PAGES = [
  {
    id: 'kind',
    title: 'What do you want to report?',
    inFlow: () => true,
    render: (a, errors) => [radios({ id: 'kind', legend: 'What do you want to report?', asHeading: true, items: KINDS, value: a.kind, errors })],
    read: (form, a) => { a.kind = choice(form, 'kind'); },
    check: (a) => (a.kind ? [] : [{ id: 'kind', message: 'Select what you want to report' }]),
  },
  {
    id: 'crime-type',
    title: 'What kind of crime was it?',
    inFlow: isKind('crime'),
    render: (a, errors) => [radios({ id: 'crime-category', legend: 'What kind of crime was it?', asHeading: true, items: CRIME_CATEGORIES, value: a.crime.category, errors })],
    read: (form, a) => { a.crime.category = choice(form, 'crime-category'); },
    check: (a) => (a.crime.category ? [] : [{ id: 'crime-category', message: 'Select the kind of crime' }]),
  },
  {
    id: 'collision-injured',
    title: 'Was anyone hurt in the collision?',
    inFlow: isCollision,
    render: (a, errors) => [radios({
      id: 'collision-injured', legend: 'Was anyone hurt in the collision?', asHeading: true, inline: true,
      hint: 'Anyone at all: a driver, a passenger, a cyclist or someone walking', items: YES_NO, value: a.collision.anyoneInjured, errors,
    })],
    read: (form, a) => { a.collision.anyoneInjured = choice(form, 'collision-injured'); },
    check: (a) => (a.collision.anyoneInjured ? [] : [{ id: 'collision-injured', message: 'Select yes if anyone was hurt' }]),
  },
  {
    id: 'asb-type',
    title: 'What kind of behaviour is it?',
    inFlow: isKind('antisocialBehaviour'),
    render: (a, errors) => [radios({ id: 'asb-category', legend: 'What kind of behaviour is it?', asHeading: true, items: ASB_CATEGORIES, value: a.antisocialBehaviour.category, errors })],
    read: (form, a) => { a.antisocialBehaviour.category = choice(form, 'asb-category'); },
    check: (a) => (a.antisocialBehaviour.category ? [] : [{ id: 'asb-category', message: 'Select the kind of behaviour' }]),
  },
  {
    id: 'when',
    title: 'When did it happen?',
    inFlow: (a) => !!a.kind && (!isCollision(a) || collisionTakenOnline(a)),
    render: (a, errors) => [
      h('h1', { class: 'heading-l', tabindex: '-1' }, 'When did it happen?'),
      h('p', { class: 'body' }, 'If you are not sure, give your best guess. For something that went on over a time, such as overnight, give when it started and when it ended.'),
      dateTimeInput({ id: 'when-from', legend: 'When it happened, or started', value: a.when.from, errors }),
      dateTimeInput({ id: 'when-to', legend: 'When it ended (optional)', hint: 'Only if it went on over a time', value: a.when.to, errors }),
    ],
    read: (form, a) => { a.when.from = datePartsOf(form, 'when-from'); a.when.to = datePartsOf(form, 'when-to'); },
    check: (a) => [
      ...checkDateTime(a.when.from, 'when-from', { required: true, what: 'it happened' }),
      ...checkDateTime(a.when.to, 'when-to', { required: false, what: 'it ended' }),
    ],
  },
  {
    id: 'where',
    title: 'Where did it happen?',
    inFlow: (a) => !!a.kind && (!isCollision(a) || collisionTakenOnline(a)),
    render: (a, errors) => [
      h('h1', { class: 'heading-l', tabindex: '-1' }, 'Where did it happen?'),
      h('p', { class: 'body', id: 'where-hint' }, 'Give an address, a postcode, or tell us about the place in your own words. One of them is enough.'),
      textArea({ id: 'where-address', label: 'Address', value: a.where.address, errors, rows: 3 }),
      textInput({ id: 'where-postcode', label: 'Postcode', value: a.where.postcode, errors, width: 'width-10', spellcheck: 'false' }),
      textArea({ id: 'where-description', label: 'Describe the place', hint: 'For example, the play park by the river, or the car park behind the station', value: a.where.description, errors, rows: 3 }),
    ],
    read: (form, a) => {
      a.where.address = str(form, 'where-address');
      a.where.postcode = str(form, 'where-postcode');
      a.where.description = str(form, 'where-description');
    },
    check: (a) => {
      const w = a.where;
      if (![w.address, w.postcode, w.description].some(given)) {
        return [{ id: 'where-address', message: 'Enter an address, a postcode or a description of the place' }];
      }
      return [...tooLong('where-address', w.address, 300, 'The address'), ...tooLong('where-description', w.description, 500, 'The description of the place')];
    },
  },
  {
    id: 'what-happened',
    title: 'What happened?',
    inFlow: (a) => !!a.kind && (!isCollision(a) || collisionTakenOnline(a)),
    render: (a, errors) => [textArea({
      id: 'what-happened', label: 'What happened?', asHeading: true, rows: 8, value: a.whatHappened, errors,
      hint: 'Tell us in your own words: what happened, in what order, and anything that might help us, such as what you saw or heard.',
      extra: warningText('If it is happening now, or someone is in danger or hurt, stop and call 999.'),
    })],
    read: (form, a) => { a.whatHappened = str(form, 'what-happened'); },
    check: (a) => (given(a.whatHappened)
      ? tooLong('what-happened', a.whatHappened, 5000, 'What happened')
      : [{ id: 'what-happened', message: 'Enter what happened' }]),
  },
  {
    id: 'crime-details',
    title: 'What was taken or damaged, and who did it?',
    inFlow: isKind('crime'),
    render: (a, errors) => [
      h('h1', { class: 'heading-l', tabindex: '-1' }, 'What was taken or damaged, and who did it?'),
      h('p', { class: 'body' }, 'Answer what you can. You can leave these blank.'),
      textArea({ id: 'crime-property', label: 'What was stolen or damaged (optional)', hint: 'For example, a red mountain bike, with its frame number if you know it', value: a.crime.property, errors, rows: 4 }),
      textArea({ id: 'crime-suspect', label: 'Who did it (optional)', hint: 'A name if you know it, or what they looked like', value: a.crime.suspect, errors, rows: 4 }),
      textInput({ id: 'crime-suspect-vehicle', label: 'Registration of a vehicle they used (optional)', hint: 'For example, AB12 CDE', value: a.crime.suspectVehicle, errors, width: 'width-10', spellcheck: 'false' }),
    ],
    read: (form, a) => {
      a.crime.property = str(form, 'crime-property');
      a.crime.suspect = str(form, 'crime-suspect');
      a.crime.suspectVehicle = str(form, 'crime-suspect-vehicle');
    },
    check: (a) => [...tooLong('crime-property', a.crime.property, 1000, 'What was stolen or damaged'), ...tooLong('crime-suspect', a.crime.suspect, 1000, 'Who did it')],
  },
  {
    id: 'vehicles',
    title: 'Which vehicles were involved?',
    inFlow: collisionTakenOnline,
    render: (a, errors) => {
      const vehicles = a.collision.vehicles;
      return [
        h('h1', { class: 'heading-l', tabindex: '-1' }, 'Which vehicles were involved?'),
        h('p', { class: 'body' }, `Put your own vehicle first, if you were driving. You can add up to ${MAX_VEHICLES}.`),
        vehicles.map((v, i) => fieldset({ id: `vehicle-${i}`, legend: `Vehicle ${i + 1}` },
          textInput({ id: `vehicle-${i}-registration`, label: 'Registration number', hint: 'For example, AB12 CDE', value: v.registration, errors, width: 'width-10', spellcheck: 'false' }),
          textInput({ id: `vehicle-${i}-make`, label: 'Make (optional)', hint: 'For example, Ford', value: v.make, errors, width: 'width-20' }),
          textInput({ id: `vehicle-${i}-model`, label: 'Model (optional)', value: v.model, errors, width: 'width-20' }),
          textInput({ id: `vehicle-${i}-colour`, label: 'Colour (optional)', value: v.colour, errors, width: 'width-20' }),
          vehicles.length > 1 ? button(`Remove vehicle ${i + 1}`, { secondary: true, name: 'action', value: `remove-${i}` }) : null)),
        vehicles.length < MAX_VEHICLES ? button('Add another vehicle', { secondary: true, name: 'action', value: 'add' }) : null,
      ];
    },
    read: (form, a) => {
      a.collision.vehicles = a.collision.vehicles.map((_, i) => ({
        registration: str(form, `vehicle-${i}-registration`),
        make: str(form, `vehicle-${i}-make`),
        model: str(form, `vehicle-${i}-model`),
        colour: str(form, `vehicle-${i}-colour`),
      }));
    },
    check: (a) => a.collision.vehicles.flatMap((v, i) => (given(v.registration) ? [] : [{
      id: `vehicle-${i}-registration`,
      message: a.collision.vehicles.length > 1 ? `Enter the registration number of vehicle ${i + 1}` : 'Enter the registration number of the vehicle',
    }])),
  },
  {
    id: 'collision-details',
    title: 'Details exchanged and insurance',
    inFlow: collisionTakenOnline,
    render: (a, errors) => {
      const p = a.collision.otherParty;
      const ins = a.collision.insurance;
      return [
        h('h1', { class: 'heading-l', tabindex: '-1' }, 'Details exchanged and insurance'),
        radios({ id: 'collision-details-exchanged', legend: 'Did the drivers exchange names, addresses and insurance details at the scene?', inline: true, items: YES_NO, value: a.collision.detailsExchanged, errors }),
        fieldset({ id: 'other-party', legend: 'The other driver (optional)', hint: 'What you know about the other driver, or the owner of the other vehicle' },
          textInput({ id: 'other-party-name', label: 'Name', value: p.name, errors }),
          textInput({ id: 'other-party-phone', label: 'Phone number', type: 'tel', value: p.phone, errors, width: 'width-20' }),
          textArea({ id: 'other-party-address', label: 'Address', value: p.address, errors, rows: 3 }),
          textInput({ id: 'other-party-insurer', label: 'Their insurer', value: p.insurer, errors, width: 'width-20' }),
          textInput({ id: 'other-party-policy-number', label: 'Their policy number', value: p.policyNumber, errors, width: 'width-20' })),
        fieldset({ id: 'insurance', legend: 'Your insurance (optional)' },
          textInput({ id: 'insurance-insurer', label: 'Your insurer', value: ins.insurer, errors, width: 'width-20' }),
          textInput({ id: 'insurance-policy-number', label: 'Your policy number', value: ins.policyNumber, errors, width: 'width-20' })),
      ];
    },
    read: (form, a) => {
      const c = a.collision;
      c.detailsExchanged = choice(form, 'collision-details-exchanged');
      c.otherParty = {
        name: str(form, 'other-party-name'), phone: str(form, 'other-party-phone'), address: str(form, 'other-party-address'),
        insurer: str(form, 'other-party-insurer'), policyNumber: str(form, 'other-party-policy-number'),
      };
      c.insurance = { insurer: str(form, 'insurance-insurer'), policyNumber: str(form, 'insurance-policy-number') };
    },
    check: (a) => {
      const c = a.collision;
      const errors = [];
      if (!c.detailsExchanged) errors.push({ id: 'collision-details-exchanged', message: 'Select yes if the drivers exchanged details' });
      if (given(c.insurance.policyNumber) && !given(c.insurance.insurer)) errors.push({ id: 'insurance-insurer', message: 'Enter your insurer, as well as the policy number' });
      return errors;
    },
  },
  {
    id: 'asb-frequency',
    title: 'How often does it happen?',
    inFlow: isKind('antisocialBehaviour'),
    render: (a, errors) => [
      radios({ id: 'asb-frequency', legend: 'How often does it happen?', asHeading: true, items: FREQUENCIES, value: a.antisocialBehaviour.frequency, errors }),
      textArea({ id: 'asb-pattern', label: 'When does it tend to happen? (optional)', hint: 'For example, Friday and Saturday nights, after 11pm', value: a.antisocialBehaviour.pattern, errors, rows: 3 }),
    ],
    read: (form, a) => {
      a.antisocialBehaviour.frequency = choice(form, 'asb-frequency');
      a.antisocialBehaviour.pattern = str(form, 'asb-pattern');
    },
    check: (a) => [
      ...(a.antisocialBehaviour.frequency ? [] : [{ id: 'asb-frequency', message: 'Select how often it happens' }]),
      ...tooLong('asb-pattern', a.antisocialBehaviour.pattern, 1000, 'When it tends to happen'),
    ],
  },
  {
    id: 'your-role',
    title: 'How are you involved?',
    inFlow: (a) => !!a.kind && (!isCollision(a) || collisionTakenOnline(a)),
    render: (a, errors) => {
      const r = a.reporter;
      const onBehalf = h('div', {},
        textInput({ id: 'on-behalf-name', label: 'Their full name', value: r.onBehalfName, errors }),
        textInput({ id: 'on-behalf-relationship', label: 'How you know them (optional)', hint: 'For example, their son, their carer, or their neighbour', value: r.onBehalfRelationship, errors, width: 'width-20' }));
      const items = ROLES.map((role) => (role.value === 'onBehalf' ? { ...role, conditional: onBehalf } : role));
      return [radios({ id: 'reporter-role', legend: 'How are you involved?', asHeading: true, items, value: r.role, errors })];
    },
    read: (form, a) => {
      const r = a.reporter;
      r.role = choice(form, 'reporter-role');
      r.onBehalfName = str(form, 'on-behalf-name');
      r.onBehalfRelationship = str(form, 'on-behalf-relationship');
    },
    check: (a) => {
      const r = a.reporter;
      if (!r.role) return [{ id: 'reporter-role', message: 'Select how you are involved' }];
      if (r.role === 'onBehalf' && !given(r.onBehalfName)) return [{ id: 'on-behalf-name', message: 'Enter the name of the person you are reporting for' }];
      return [];
    },
  },
  {
    id: 'your-details',
    title: 'Your details',
    inFlow: (a) => !!a.kind && (!isCollision(a) || collisionTakenOnline(a)),
    render: (a, errors) => {
      const r = a.reporter;
      return [
        h('h1', { class: 'heading-l', tabindex: '-1' }, 'Your details'),
        h('p', { class: 'body' }, 'A call handler may need to contact you about your report.'),
        textInput({ id: 'reporter-name', label: 'Your full name', value: r.name, errors, autocomplete: 'name', spellcheck: 'false' }),
        textInput({ id: 'reporter-phone', label: 'Phone number', hint: 'A UK landline or mobile number', type: 'tel', value: r.phone, errors, autocomplete: 'tel', width: 'width-20' }),
        textInput({ id: 'reporter-email', label: 'Email address', type: 'email', value: r.email, errors, autocomplete: 'email', spellcheck: 'false' }),
        radios({ id: 'reporter-preferred-contact', legend: 'How would you like us to contact you?', hint: 'If it is not safe for us to call or email you at some times, say so when you tell us what happened', items: CONTACTS, value: r.preferredContact, errors }),
      ];
    },
    read: (form, a) => {
      const r = a.reporter;
      r.name = str(form, 'reporter-name');
      r.phone = str(form, 'reporter-phone');
      r.email = str(form, 'reporter-email');
      r.preferredContact = choice(form, 'reporter-preferred-contact');
    },
    check: (a) => {
      const r = a.reporter;
      const errors = [];
      if (!given(r.name)) errors.push({ id: 'reporter-name', message: 'Enter your full name' });
      if (r.preferredContact === 'phone' && !given(r.phone)) errors.push({ id: 'reporter-phone', message: 'Enter a phone number, to be contacted by phone' });
      if (r.preferredContact === 'email' && !given(r.email)) errors.push({ id: 'reporter-email', message: 'Enter an email address, to be contacted by email' });
      if (!r.preferredContact) errors.push({ id: 'reporter-preferred-contact', message: 'Select how you would like to be contacted' });
      return errors;
    },
  },
];

export const pageById = (id) => PAGES.find((p) => p.id === id);

/** The question pages of this report, in order. */
export const flowOf = (a) => PAGES.filter((p) => p.inFlow(a));

/** A reminder shown on the page a collision with injuries stops at. */
export const injuredAdvice = () => insetText(
  h('p', { class: 'body' }, 'If someone is hurt and needs help now, call 999.'),
  h('p', { class: 'body' }, 'Otherwise, call 101 to report the collision. If you are deaf, hard of hearing or speech-impaired, use textphone 18001 101.'),
);
