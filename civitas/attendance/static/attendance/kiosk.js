// The kiosk queues each check-in in localStorage and sends the queue in order; an event
// leaves the queue once the server answered it (a replay answers the first result), so a
// lost network never loses or doubles a check-in. Strings come from the server.
(function () {
  var form = document.getElementById("kiosk");
  if (!form) return;
  var T = JSON.parse(document.getElementById("kiosk-strings").textContent);
  var URL = form.dataset.eventsUrl;
  var KEY = "civitas-kiosk-" + URL;
  var status = document.getElementById("kiosk-status"), queueEl = document.getElementById("kiosk-queue");
  function load() { try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; } }
  function save(q) { localStorage.setItem(KEY, JSON.stringify(q)); queueEl.textContent = q.length ? T.waiting.replace("%(count)s", q.length) : ""; }
  function uuid() { return (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : Date.now() + "-" + Math.random().toString(16).slice(2); }
  var sending = false;
  function flush() {
    var q = load();
    if (sending || !q.length) { save(q); return; }
    sending = true;
    var event = q[0];
    fetch(URL, {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(event)})
      .then(function (r) { return r.json().then(function (body) { return {status: r.status, body: body}; }); })
      .then(function (res) {
        save(load().filter(function (e) { return e.idempotency_key !== event.idempotency_key; }));
        if (res.status < 300) {
          var tpl = res.body.replayed ? T.already : (res.body.checked_out ? T.checked_out : T.checked_in);
          status.textContent = tpl.replace("%(name)s", res.body.name) + " " + res.body.at;
        } else {
          status.textContent = event.volunteer + ": " + ((res.body.error && res.body.error.message) || res.status);
        }
        sending = false; flush();
      })
      .catch(function () { sending = false; status.textContent = T.queued; });
  }
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var number = form.number.value.trim();
    if (!number) { status.textContent = T.empty; return; }
    var q = load();
    q.push({volunteer: number, action: (e.submitter && e.submitter.value) || "check_in", idempotency_key: uuid(), occurred_at: new Date().toISOString()});
    save(q);
    form.number.value = "";
    form.number.focus();
    flush();
  });
  window.addEventListener("online", flush);
  setInterval(flush, 15000);
  flush();
})();
