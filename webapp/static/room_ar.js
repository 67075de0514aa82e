// The whole planned room in AR: walls on or off, and a flag for tests once the scene is shown.
(() => {
  const viewer = document.getElementById("room-viewer");
  document.getElementById("show-walls").addEventListener("change", (event) => {
    viewer.src = event.target.checked ? viewer.dataset.wallsSrc : viewer.dataset.plainSrc;
  });
  viewer.addEventListener("load", () => {
    document.body.dataset.sceneLoaded = String(Number(document.body.dataset.sceneLoaded || 0) + 1);
  });
})();
