// Optional: keep a proposal on the server every 20 s while typing; keep unsaved text in this tab
// if a save fails (e.g. the session ended) and offer it again; copy as plain text; quote a passage.
(function () {
  var form = document.getElementById("proposal"), box = form && form.elements.body;
  var status = document.getElementById("save-status"), store = window.sessionStorage;
  function say(text) { if (status) status.textContent = text; }
  function token() {
    var a = new Uint8Array(18); crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  if (box && window.fetch) {
    var key = "dip-" + form.dataset.autosave, last = box.value, kept = store && store.getItem(key);
    if (kept !== null && kept !== undefined) {
      if (kept !== box.value) { box.value = kept; say(form.dataset.restored); } else store.removeItem(key);
    }
    form.addEventListener("submit", function () { if (store) store.setItem(key, box.value); });
    setInterval(function () {
      if (box.value === last) return;
      var body = new FormData(), value = box.value, csrf = form.elements.csrf_token;
      body.append("body", value); body.append("once", token());
      if (csrf) body.append("csrf_token", csrf.value);
      function failed() { if (store) store.setItem(key, value); say("✗ " + form.dataset.failed); }
      fetch(form.dataset.autosave, {method: "POST", body: body, credentials: "same-origin", redirect: "manual"})
        .then(function (r) {
          // 204 only: an ended session answers with a redirect to sign in, which saved nothing.
          if (r.status === 204) {
            last = value; if (store) store.removeItem(key);
            say("✓ " + new Date().toLocaleTimeString());
          } else failed();
        }, failed);
    }, 20000);
  }
  var copy = document.getElementById("copy"), plain = document.getElementById("plain");
  if (copy && plain && navigator.clipboard) {
    document.getElementById("copy-row").hidden = false;
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText(plain.value).then(function () { copy.textContent = copy.dataset.done; });
    });
  }
  var text = document.getElementById("proposal-text"), quote = document.getElementById("quote");
  if (text && quote && window.getSelection) {
    text.addEventListener("mouseup", function () {
      var chosen = String(window.getSelection()).trim();
      if (chosen) quote.value = chosen.slice(0, 1000);
    });
  }
})();
