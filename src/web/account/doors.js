// The Doors page, live: door states, doors no longer the person's, and new
// history rows arrive from /account/doors/live (server-sent events) and are
// written into the page the server rendered. Without this script the page is
// the same, as of its load.
'use strict';
(function () {
  if (!('EventSource' in window)) return;
  var list = document.getElementById('recent-activity');
  var source = new EventSource('/account/doors/live');

  source.addEventListener('doors', function (message) {
    JSON.parse(message.data).forEach(function (door) {
      var card = document.getElementById('door-' + door.id);
      if (!card) return;
      var state = card.querySelector('[data-state]');
      if (!state) return;
      state.className = 'state state-' + door.state;
      state.setAttribute('data-state', door.state);
      var text = state.querySelector('.state-text');
      if (text) text.textContent = door.text;
    });
  });

  source.addEventListener('gone', function (message) {
    JSON.parse(message.data).forEach(function (id) {
      var card = document.getElementById('door-' + id);
      if (card) card.remove();
    });
  });

  source.addEventListener('activity', function (message) {
    var row = JSON.parse(message.data);
    if (!list || list.querySelector('[data-event="' + row.id + '"]')) return;
    var item = document.createElement('li');
    item.setAttribute('data-event', row.id);
    var when = document.createElement('span');
    when.className = 'when';
    when.textContent = row.when;
    var door = document.createElement('strong');
    door.textContent = row.door;
    var badge = document.createElement('span');
    badge.className = 'badge outcome-' + (row.outcome === 'Done' ? 'done' : 'refused');
    var mark = document.createElement('span');
    mark.setAttribute('aria-hidden', 'true');
    mark.textContent = row.outcome === 'Done' ? '✓' : '✕';
    badge.appendChild(mark);
    badge.appendChild(document.createTextNode(' ' + row.outcome));
    item.appendChild(when);
    item.appendChild(document.createTextNode(' · '));
    item.appendChild(door);
    item.appendChild(document.createTextNode(' · ' + row.who + ' · ' + row.what + ' · ' + row.channel + ' · '));
    item.appendChild(badge);
    list.insertBefore(item, list.firstChild);
    var empty = document.getElementById('recent-empty');
    if (empty) empty.remove();
  });
})();
