// Optional: add up the rubric's points while the trainer types (the "Add up" button does it
// on the server without JavaScript) and say whether the total reaches the pass mark.
(function () {
  var form = document.getElementById("grade"), out = document.getElementById("total");
  if (!form || !out) return;
  var boxes = form.querySelectorAll("input.points"), verdict = document.getElementById("verdict");
  var line = document.getElementById("pass"), need = parseInt(out.dataset.pass, 10);
  function show() {
    var total = 0, complete = true;
    Array.prototype.forEach.call(boxes, function (box) {
      var n = parseInt(box.value, 10);
      if (isNaN(n)) complete = false; else total += n;
    });
    out.firstElementChild.textContent = total;
    verdict.textContent = complete ? (total >= need ? out.dataset.ok : out.dataset.bad) : "";
    line.className = complete ? (total >= need ? "ok" : "bad") : "";
  }
  Array.prototype.forEach.call(boxes, function (box) { box.addEventListener("input", show); });
  document.getElementById("add-up").hidden = true;
  show();
})();
