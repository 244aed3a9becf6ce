// Optional: keep a learner's text on the server every 20 s (the page works without this).
(function () {
  var form = document.getElementById("answer"), box = form && form.elements.text;
  if (!box || !window.fetch) return;
  var last = box.value, status = document.getElementById("draft-status");
  function token() {
    var a = new Uint8Array(18); crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  setInterval(function () {
    if (box.value === last) return;
    var body = new FormData(), value = box.value, csrf = form.elements.csrf_token;
    body.append("text", value); body.append("once", token());
    if (csrf) body.append("csrf_token", csrf.value);
    fetch(form.dataset.draft, {method: "POST", body: body, credentials: "same-origin"})
      .then(function (r) { if (r.ok) { last = value; if (status) status.textContent = "✓"; } })
      .catch(function () {});
  }, 20000);
})();
// Optional: count the words while the learner types, as the server does (dip/core/words.py),
// and show them beside the assignment's length rule.
(function () {
  var out = document.getElementById("word-count"), form = document.getElementById("answer");
  var box = form && form.elements.text;
  if (!out || !box) return;
  var low = parseInt(out.dataset.min, 10), high = parseInt(out.dataset.max, 10), wordish = /[\p{L}\p{N}]/u;
  function show() {
    var n = box.value.split(/\s+/).filter(function (t) { return wordish.test(t); }).length;
    out.textContent = out.dataset.label.replace("{count}", n);
    out.className = n < low || n > high ? "bad" : "ok";  // a missing limit is NaN: never out
  }
  out.hidden = false;
  box.addEventListener("input", show);
  show();
})();
