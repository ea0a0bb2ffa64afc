// The demo force's page adds the widget exactly as a force would, with one script tag. The
// widget comes from the gateway's other name (127.0.0.1 when this page is on localhost), so
// its frame is cross-origin to this page as on a real force's site.
//
// For tests, `?exit=` sets the exit page: an http(s) address only; anything else is ignored
// and the widget's default (https://www.google.com/) applies.

(function () {
  'use strict';
  var port = location.port ? ':' + location.port : '';
  var widgetHost = location.hostname === 'localhost' ? '127.0.0.1' : location.hostname;
  var origin = location.protocol + '//' + widgetHost + port;
  var wsOrigin = origin.replace(/^http/, 'ws');

  var exit = new URLSearchParams(location.search).get('exit');
  var exitUrl = null;
  if (exit) {
    try {
      var u = new URL(exit);
      if (u.protocol === 'http:' || u.protocol === 'https:') exitUrl = u.href;
    } catch (e) { /* not a URL: the default applies */ }
  }

  var tag = document.createElement('script');
  tag.src = origin + '/widget.js';
  tag.defer = true;
  tag.dataset.publicApi = wsOrigin + '/public';
  tag.dataset.api = origin;
  tag.dataset.forceName = 'Demo Constabulary';
  tag.dataset.reportUrl = origin + '/report/';
  if (exitUrl) tag.dataset.exitUrl = exitUrl;
  document.head.appendChild(tag);

  var report = document.getElementById('report-link');
  if (report) report.href = origin + '/report/';
})();
