// The review page: tabs, device widths and colour scheme, kept across the reloads after each build.
(function () {
  "use strict";
  var KEY = "newsletter-preview";
  var WIDTHS = { phone: 375, tablet: 768, desktop: 1024 };
  var saved = {};
  try { saved = JSON.parse(window.sessionStorage.getItem(KEY) || "{}"); } catch (error) { saved = {}; }
  var view = {
    tab: saved.tab || "email",
    device: saved.device || "desktop",
    width: saved.width || 600,
    scheme: saved.scheme || "light"
  };
  var frame = document.getElementById("email-frame");
  var range = document.getElementById("free-width");
  var rangeValue = document.getElementById("free-width-value");

  function each(selector, action) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), action);
  }

  function apply() {
    each("[data-tab]", function (button) {
      var on = button.dataset.tab === view.tab;
      button.setAttribute("aria-selected", on ? "true" : "false");
      document.getElementById("panel-" + button.dataset.tab).hidden = !on;
    });
    each("[data-device]", function (control) {
      control.classList.toggle("on", control.dataset.device === view.device);
      if (control.tagName === "BUTTON") control.setAttribute("aria-pressed", control.dataset.device === view.device);
    });
    each("[data-scheme]", function (button) {
      button.setAttribute("aria-pressed", button.dataset.scheme === view.scheme);
    });
    document.body.dataset.scheme = view.scheme;
    var width = view.device === "free" ? view.width : WIDTHS[view.device];
    range.value = view.width;
    rangeValue.textContent = view.width;
    frame.style.width = width + "px";
    frame.style.colorScheme = view.scheme;
    var source = frame.dataset[view.scheme];
    if (frame.getAttribute("src") !== source) frame.setAttribute("src", source);
    window.sessionStorage.setItem(KEY, JSON.stringify(view));
  }

  each("[data-tab]", function (button) {
    button.addEventListener("click", function () { view.tab = button.dataset.tab; apply(); });
  });
  each("button[data-device]", function (button) {
    button.addEventListener("click", function () { view.device = button.dataset.device; apply(); });
  });
  range.addEventListener("input", function () {
    view.device = "free";
    view.width = parseInt(range.value, 10);
    apply();
  });
  each("[data-scheme]", function (button) {
    button.addEventListener("click", function () { view.scheme = button.dataset.scheme; apply(); });
  });

  // Keep the reviewer's place in the email across reloads.
  window.addEventListener("preview:reload", function () {
    try {
      window.sessionStorage.setItem(KEY + "-scroll", JSON.stringify(
        { src: frame.getAttribute("src"), y: frame.contentWindow.scrollY }));
    } catch (error) { /* the frame may be showing another site */ }
  });
  frame.addEventListener("load", function () {
    var place = null;
    try { place = JSON.parse(window.sessionStorage.getItem(KEY + "-scroll") || "null"); } catch (error) { place = null; }
    window.sessionStorage.removeItem(KEY + "-scroll");
    if (place && place.src === frame.getAttribute("src")) {
      try { frame.contentWindow.scrollTo(0, place.y); } catch (error) { /* not ours */ }
    }
  });

  // The checks render the whole project again: ask for them once the email has loaded, so they don't slow it.
  var checks = document.getElementById("panel-checks");
  var count = document.getElementById("checks-count");
  function loadChecks() {
    fetch(checks.dataset.src, { cache: "no-store" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        checks.innerHTML = html;
        var summary = checks.querySelector(".checks");
        count.textContent = summary ? summary.dataset.count : "?";
        count.classList.toggle("warn", !!summary && summary.dataset.count !== "0");
        count.classList.toggle("error", !!summary && summary.dataset.errors !== "0");
      })
      .catch(function () { count.textContent = "?"; });
  }
  frame.addEventListener("load", loadChecks, { once: true });

  apply();
})();
