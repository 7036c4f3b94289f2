// Reload the page when the preview server has finished another build.
(function () {
  "use strict";
  if (window.top !== window.self) return; // framed pages reload with the review page around them
  var known = document.currentScript && document.currentScript.dataset.version;
  var every = 200; // milliseconds between polls: cheap on 127.0.0.1, and keeps reloads prompt
  function poll() {
    fetch("/__preview/reload", { cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        document.documentElement.classList.remove("preview-offline");
        if (!known) known = state.version;
        if (state.version !== known) {
          window.dispatchEvent(new CustomEvent("preview:reload"));
          window.location.reload();
          return;
        }
        window.setTimeout(poll, every);
      })
      .catch(function () {
        document.documentElement.classList.add("preview-offline");
        window.setTimeout(poll, every * 5);
      });
  }
  window.setTimeout(poll, every);
})();
