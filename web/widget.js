/*
 * Bluelamp live chat: the embed script. A force adds one tag to any page:
 *
 *   <script src="https://chat.example/widget.js"
 *           data-public-api="wss://…/public" data-api="https://…"
 *           data-force-name="Demo Constabulary"
 *           data-exit-url="https://www.google.com/" data-report-url="https://…/report/"
 *           defer></script>
 *
 * It adds one cross-origin <iframe> served from this script's own origin, so the host page's
 * scripts and styles can neither break the chat nor read it. The frame asks for its size by
 * postMessage (small for the launcher, a panel when open, the whole screen on a phone) and
 * this script sets it (element.style, which the CSP allows). While the chat is open it also
 * listens for Shift pressed 3 times on the host page, to leave quickly (docs/web-widget.md).
 *
 * A classic script (not a module) so that document.currentScript names its own tag.
 */
(function () {
  'use strict';

  var CHANNEL = 'bluelamp-widget';
  var DEFAULT_EXIT = 'https://www.google.com/';
  var EXIT_DONE_WAIT_MS = 200;
  var PHONE_MAX_WIDTH = 640;

  var script = document.currentScript;
  // One widget per page, even if the tag is included twice.
  if (!script || document.querySelector('iframe[data-bluelamp-widget]')) return;

  /** `value` as an absolute URL if it parses with one of the `schemes`, else null. */
  function validUrl(value, schemes) {
    if (!value) return null;
    try {
      var url = new URL(value, document.baseURI);
      if (schemes.indexOf(url.protocol) < 0 || url.username || url.password) return null;
      return url.href;
    } catch (e) {
      return null;
    }
  }

  var TAB_KEY = 'bluelamp.widget.tab';

  /**
   * A random id for this tab, kept in the host page's sessionStorage: the frame names the
   * chat it keeps after it (when its own storage is refused), so a chat belongs to one tab.
   * It is not a secret: it opens nothing on its own.
   */
  function tabId() {
    try {
      var id = sessionStorage.getItem(TAB_KEY);
      if (!id) {
        var bytes = crypto.getRandomValues(new Uint8Array(16));
        id = Array.prototype.map.call(bytes, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
        sessionStorage.setItem(TAB_KEY, id);
      }
      return id;
    } catch (e) {
      return null;
    }
  }

  var widgetOrigin = new URL(script.src).origin;
  var data = script.dataset;
  var exitUrl = validUrl(data.exitUrl, ['https:', 'http:']) || DEFAULT_EXIT;
  var params = new URLSearchParams();
  var publicApi = validUrl(data.publicApi, ['wss:', 'ws:']);
  var api = validUrl(data.api, ['https:', 'http:']);
  var reportUrl = validUrl(data.reportUrl, ['https:', 'http:']);
  if (publicApi) params.set('publicApi', publicApi);
  if (api) params.set('api', api);
  if (reportUrl) params.set('reportUrl', reportUrl);
  params.set('exitUrl', exitUrl);
  if (data.forceName) params.set('forceName', data.forceName.slice(0, 100));
  params.set('host', location.origin);
  var tab = tabId();
  if (tab) params.set('tab', tab);

  var frame = document.createElement('iframe');
  frame.src = widgetOrigin + '/widget/index.html?' + params.toString();
  frame.title = 'Live chat';
  frame.setAttribute('data-bluelamp-widget', '');
  frame.setAttribute('allow', '');
  frame.setAttribute('referrerpolicy', 'no-referrer');

  var open = false;
  var leaving = false;
  var size = { width: 0, height: 0 };
  var fullScreen = false;

  function set(prop, value) {
    // !important: the host page's own CSS for iframes must not move or hide the chat.
    frame.style.setProperty(prop, value, 'important');
  }

  set('position', 'fixed');
  set('border', '0');
  set('margin', '0');
  set('padding', '0');
  set('z-index', '2147483647');
  set('background', 'transparent');
  set('color-scheme', 'normal');
  set('width', '0');
  set('height', '0');
  set('max-width', '100vw');
  set('max-height', '100vh');
  set('display', 'block');
  set('visibility', 'visible');
  set('opacity', '1');

  function place(top, right, bottom, left, width, height) {
    set('top', top);
    set('right', right);
    set('bottom', bottom);
    set('left', left);
    set('width', width);
    set('height', height);
  }

  function layout() {
    var w = window.innerWidth;
    var h = window.innerHeight;
    var full = false;
    if (!open) {
      place('auto', '0', '0', 'auto', size.width + 'px', size.height + 'px');
    } else if (w <= PHONE_MAX_WIDTH || w < size.width + 32 || h < size.height * 0.6) {
      // A phone (or a small window): the chat takes the whole screen.
      place('0', 'auto', 'auto', '0', '100%', '100%');
      full = true;
    } else {
      place('auto', '16px', '16px', 'auto',
        Math.min(size.width, w - 32) + 'px', Math.min(size.height, h - 32) + 'px');
    }
    // Full screen, the page behind cannot be seen: the frame keeps the keyboard focus in the
    // chat (otherwise Tab would move it to links hidden behind it).
    if (full !== fullScreen) {
      fullScreen = full;
      toFrame({ type: 'layout', fullScreen: full });
    }
  }

  function toFrame(message) {
    message.channel = CHANNEL;
    if (frame.contentWindow) frame.contentWindow.postMessage(message, widgetOrigin);
  }

  /** Hides everything on the page at once: nothing of it may stay on screen. */
  function blankPage() {
    var root = document.documentElement;
    root.style.setProperty('background', '#fff', 'important');
    if (document.body) document.body.style.setProperty('visibility', 'hidden', 'important');
    set('visibility', 'hidden');
    document.title = '';
  }

  function leave() {
    try { sessionStorage.removeItem(TAB_KEY); } catch (e) { /* nothing stored */ }
    window.location.replace(exitUrl);
  }

  window.addEventListener('message', function (e) {
    // Only our own frame, from our own origin.
    if (e.source !== frame.contentWindow || e.origin !== widgetOrigin) return;
    var m = e.data;
    if (!m || m.channel !== CHANNEL) return;
    if (m.type === 'size') {
      open = m.open === true;
      size = { width: Math.max(0, Number(m.width) || 0), height: Math.max(0, Number(m.height) || 0) };
      layout();
    } else if (m.type === 'exit') {
      // The frame has ended the chat and cleared its storage; we replace the top page.
      blankPage();
      toFrame({ type: 'exit-ack' });
      leave();
    } else if (m.type === 'exit-done' && leaving) {
      leave();
    }
  });

  window.addEventListener('resize', layout);

  // Shift pressed on its own 3 times within a second on the host page, while the chat is
  // open. Shift with another key (Shift+Tab, a capital letter) does not count and resets.
  var presses = [];
  var shiftDown = false;
  var combined = false;
  window.addEventListener('keydown', function (e) {
    if (e.key === 'Shift') {
      if (!e.repeat) { shiftDown = true; combined = false; }
      return;
    }
    combined = shiftDown;
    presses = [];
  }, true);
  window.addEventListener('keyup', function (e) {
    if (e.key !== 'Shift') return;
    shiftDown = false;
    if (!open || leaving || combined) return;
    var now = e.timeStamp;
    presses = presses.filter(function (t) { return now - t < 1000; });
    presses.push(now);
    if (presses.length < 3) return;
    leaving = true;
    blankPage();
    // The frame ends the chat and clears its storage, then says exit-done; we do not wait
    // longer than 200 ms for it.
    toFrame({ type: 'exit' });
    setTimeout(leave, EXIT_DONE_WAIT_MS);
  }, true);

  function attach() {
    document.body.appendChild(frame);
  }
  if (document.body) attach();
  else document.addEventListener('DOMContentLoaded', attach);
})();
