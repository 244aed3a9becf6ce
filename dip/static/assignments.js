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
