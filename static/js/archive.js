/* Claims: show who said it when a claim is hovered or focused (keyboard too). */
(function () {
  "use strict";
  var tip = null;
  function show(event) {
    var mark = event.target.closest ? event.target.closest("mark.claim") : null;
    if (!mark) return;
    if (!tip) {
      tip = document.createElement("div");
      tip.className = "claim-tip";
      tip.setAttribute("role", "tooltip");
      tip.id = "claim-tip";
      document.body.appendChild(tip);
    }
    tip.textContent = mark.getAttribute("data-speaker");
    var r = mark.getBoundingClientRect();
    tip.style.top = (window.scrollY + r.top - 30) + "px";
    tip.style.left = (window.scrollX + Math.max(8, r.left)) + "px";
    tip.hidden = false;
    mark.setAttribute("aria-describedby", "claim-tip");
    mark.dataset.title = mark.title;
    mark.removeAttribute("title");
  }
  function hide(event) {
    var mark = event.target.closest ? event.target.closest("mark.claim") : null;
    if (!mark || !tip) return;
    tip.hidden = true;
    if (mark.dataset.title) mark.title = mark.dataset.title;
  }
  document.addEventListener("mouseover", show);
  document.addEventListener("focusin", show);
  document.addEventListener("mouseout", hide);
  document.addEventListener("focusout", hide);
})();

/* Name boxes (articles by name, claims by speaker or subject): entities offered as the
   reader types, found by the API in any spelling or script. The filter takes any name,
   so the box still works without this. */
(function () {
  "use strict";
  var inputs = document.querySelectorAll("input[data-entity-suggest]");
  var list = document.getElementById("entity-names");
  if (!inputs.length || !list || !window.fetch) return;
  var timer = null;
  var asked = "";
  function fill(entities) {
    list.textContent = "";
    entities.forEach(function (entity) {
      var option = document.createElement("option");
      option.value = entity.name;
      var arabic = (entity.aliases || []).filter(function (a) {
        return a.language === "ar";
      })[0];
      option.label = arabic ? entity.name + " · " + arabic.name : entity.name;
      list.appendChild(option);
    });
  }
  function ask(input) {
    var q = input.value.trim();
    if (q.length < 2 || q === asked) return;
    asked = q;
    var url = input.getAttribute("data-entity-suggest") + "?page_size=8&q=" + encodeURIComponent(q);
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (r) {
        return r.ok ? r.json() : { results: [] };
      })
      .then(function (data) {
        if (input.value.trim() === q) fill(data.results || []);
      })
      .catch(function () {});
  }
  inputs.forEach(function (input) {
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        ask(input);
      }, 150);
    });
  });
})();
