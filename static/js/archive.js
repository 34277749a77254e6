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
