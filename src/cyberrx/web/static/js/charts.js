// Embeds each Vega-Lite chart of the page: an element with data-vega-spec="ID" gets the spec held in
// <script type="application/json" id="ID">. Needs /static/vendor/{vega,vega-lite,vega-embed}. The element's own
// content (a table or an image) is what shows without JavaScript, and stays for screen readers.
(function () {
  function embedAll() {
    document.querySelectorAll("[data-vega-spec]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-vega-spec"));
      if (!source || typeof vegaEmbed !== "function") return;
      var target = document.createElement("div");
      target.className = "chart-canvas";
      target.setAttribute("aria-hidden", "true");
      el.prepend(target);
      vegaEmbed(target, JSON.parse(source.textContent), {actions: false, renderer: "svg"}).then(function () {
        el.classList.add("chart-ready");
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", embedAll);
  else embedAll();
  document.addEventListener("htmx:afterSettle", embedAll);
})();
