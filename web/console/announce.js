// Screen reader announcements: two live regions that exist from page load (a region added
// at the same time as its text is often not read). Polite for new messages and routine
// news, assertive for errors and safeguarding alerts.

let polite;
let assertive;

export function initAnnouncer(politeNode, assertiveNode) {
  polite = politeNode;
  assertive = assertiveNode;
}

function say(node, text) {
  if (!node) return;
  // Each announcement is a paragraph of its own (so two in quick succession are both read),
  // removed after a while so the region does not grow.
  const p = document.createElement('p');
  p.textContent = text;
  node.append(p);
  setTimeout(() => p.remove(), 15_000);
}

export function announce(text) { say(polite, text); }
export function announceUrgent(text) { say(assertive, text); }
