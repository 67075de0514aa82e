// Group photos on the makeup page: after a photo try-on with several faces, a row of face
// thumbnails (left to right, as the server numbers them) lets the shopper make up one face or all.
(() => {
  const { t } = JSON.parse(document.getElementById("page-data").textContent);
  const box = document.getElementById("face-picker");
  let chosen = "all";

  function thumbnail(photo, face, scale) {
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 56;
    const side = Math.max(face.width, face.height) * scale;
    const x = (face.x + face.width / 2) * scale - side / 2;
    const y = (face.y + face.height / 2) * scale - side / 2;
    try { canvas.getContext("2d").drawImage(photo, x, y, side, side, 0, 0, 56, 56); } catch { /* not decoded yet */ }
    return canvas;
  }
  function button(label, value, rerender, content) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "face-choice";
    b.dataset.face = value;
    b.setAttribute("aria-pressed", String(chosen === value));
    b.setAttribute("aria-label", label);
    b.title = label;
    b.append(content || label);
    b.addEventListener("click", () => { chosen = value; rerender(); });
    return b;
  }

  window.StoreLensFacePicker = {
    choice: () => chosen,
    reset: () => { chosen = "all"; box.hidden = true; box.replaceChildren(); },
    // result: the /tryon/makeup answer (face_boxes in its working size); photo: the <img> sent
    show(result, photo, rerender) {
      const faces = result.face_boxes || [];
      box.hidden = faces.length < 2;
      if (box.hidden) return;
      const scale = (photo.naturalWidth || result.size.width) / result.size.width;
      const title = document.createElement("span");
      title.textContent = t.face_pick;
      box.replaceChildren(title, button(t.faces_all, "all", rerender),
        ...faces.map((face, i) => button(t.face_n.replace("{n}", i + 1), String(i), rerender,
                                         thumbnail(photo, face, scale))));
    },
  };
})();
