// Room planner: a three.js room built from dimensions or a scan, furniture dragged on the
// floor, every change checked by the server (fit problems and quote), plans saved with a
// share code and QR code.
import * as THREE from "three";
import { OrbitControls } from "three/addons/controls/OrbitControls.js";
import { GLTFLoader } from "three/addons/loaders/GLTFLoader.js";

const { lang, t, plan: planCode, add } = JSON.parse(document.getElementById("page-data").textContent);
const $ = (id) => document.getElementById(id);
const name = (pair) => pair[lang] || pair.zh;
const esc = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const api = (path, options = {}) => fetch(`/api/v1${path}${path.includes("?") ? "&" : "?"}lang=${lang}`, options)
  .then(async (r) => { const body = await r.json(); if (!r.ok) throw new Error(body.error.message); return body; });
const postJSON = (path, body) => api(path, { method: "POST", headers: { "Content-Type": "application/json" },
                                               body: JSON.stringify(body) });

const state = { room: null, items: [], catalog: {}, selected: null, counter: 0 };

// --- scene --------------------------------------------------------------------------------
const host = $("scene");
const renderer = new THREE.WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
renderer.setPixelRatio(Math.min(window.devicePixelRatio, 2));
host.appendChild(renderer.domElement);
const scene = new THREE.Scene();
scene.background = new THREE.Color("#efe8e3");
scene.add(new THREE.HemisphereLight("#ffffff", "#b9a99f", 2.2));
const sun = new THREE.DirectionalLight("#ffffff", 1.5);
sun.position.set(3, 6, 4);
scene.add(sun);
const camera = new THREE.PerspectiveCamera(45, 1, 0.05, 100);
const controls = new OrbitControls(camera, renderer.domElement);
controls.maxPolarAngle = Math.PI / 2.05;
const roomGroup = new THREE.Group();
const itemGroup = new THREE.Group();
scene.add(roomGroup, itemGroup);
const loader = new GLTFLoader();
let topView = false;

function resize() {
  const { clientWidth: w, clientHeight: h } = host;
  renderer.setSize(w, h);
  camera.aspect = w / h;
  camera.updateProjectionMatrix();
  if (state.room) frameCamera();
}
new ResizeObserver(resize).observe(host);
renderer.setAnimationLoop(() => { controls.update(); renderer.render(scene, camera); });

function frameCamera() {
  const { width, depth } = state.room;
  const centre = new THREE.Vector3(width / 2, 0, depth / 2);
  controls.target.copy(centre);
  const span = Math.max(width, depth);
  const back = Math.max(1, 1.4 / camera.aspect);  // a narrow (phone) view steps back to keep the room in frame
  const offset = topView ? new THREE.Vector3(0, span * 1.9, 0.001)
                         : new THREE.Vector3(span * 0.2, span * 1.1, depth / 2 + span * 0.9);
  camera.position.copy(centre).addScaledVector(offset, back);
  controls.enableRotate = !topView;
  controls.update();
}

function buildRoom() {
  roomGroup.clear();
  const { width, depth, height } = state.room;
  const floor = new THREE.Mesh(new THREE.PlaneGeometry(width, depth),
                               new THREE.MeshStandardMaterial({ color: "#d9c7b0", roughness: 0.9 }));
  floor.rotation.x = -Math.PI / 2;
  floor.position.set(width / 2, 0, depth / 2);
  floor.name = "floor";
  roomGroup.add(floor);
  roomGroup.add(floorGrid(width, depth));
  const wallMaterial = new THREE.MeshStandardMaterial({ color: "#f6f1ec", transparent: true, opacity: 0.55 });
  const wall = (w, d, x, z) => {
    const mesh = new THREE.Mesh(new THREE.BoxGeometry(w, height, d), wallMaterial);
    mesh.position.set(x, height / 2, z);
    roomGroup.add(mesh);
  };
  wall(width + 0.2, 0.1, width / 2, -0.05);
  wall(0.1, depth, -0.05, depth / 2);
  wall(0.1, depth, width + 0.05, depth / 2);
  for (const door of state.room.doors) roomGroup.add(doorSwing(door));
  for (const win of state.room.windows) roomGroup.add(windowPane(win));
  frameCamera();
}

// a pane in the wall from the sill up (the south wall is left out of the view; its panes still show where)
function windowPane(win) {
  const { width, depth, height } = state.room;
  const top = Math.min(height - 0.2, win.sill_height + 1.4);
  const pane = new THREE.Mesh(new THREE.PlaneGeometry(win.width, Math.max(top - win.sill_height, 0.2)),
                              new THREE.MeshBasicMaterial({ color: "#8fb8d8", transparent: true, opacity: 0.6, side: THREE.DoubleSide }));
  const mid = win.offset + win.width / 2;
  const y = (win.sill_height + top) / 2;
  const at = { north: [mid, y, 0.01], south: [mid, y, depth - 0.01], west: [0.01, y, mid], east: [width - 0.01, y, mid] }[win.wall];
  pane.position.set(...at);
  if (win.wall === "west" || win.wall === "east") pane.rotation.y = Math.PI / 2;
  return pane;
}

// half-metre lines over the floor only (three's GridHelper is square and would spill out of a long room)
function floorGrid(width, depth, step = 0.5) {
  const points = [];
  for (let x = 0; x <= width + 1e-6; x += step) points.push(x, 0, 0, x, 0, depth);
  for (let z = 0; z <= depth + 1e-6; z += step) points.push(0, 0, z, width, 0, z);
  const geometry = new THREE.BufferGeometry();
  geometry.setAttribute("position", new THREE.Float32BufferAttribute(points, 3));
  const grid = new THREE.LineSegments(geometry, new THREE.LineBasicMaterial({ color: "#b8a58f" }));
  grid.position.y = 0.001;
  return grid;
}

// the quarter circle a door sweeps, drawn on the floor (same geometry as the server's check)
function doorSwing(door) {
  const { width, depth } = state.room;
  const along = { north: [1, 0], south: [1, 0], west: [0, 1], east: [0, 1] }[door.wall];
  const inward = { north: [0, 1], south: [0, -1], west: [1, 0], east: [-1, 0] }[door.wall];
  const origin = { north: [0, 0], south: [0, depth], west: [0, 0], east: [width, 0] }[door.wall];
  const start = [origin[0] + along[0] * door.offset, origin[1] + along[1] * door.offset];
  const end = [start[0] + along[0] * door.width, start[1] + along[1] * door.width];
  const leftIsEnd = door.wall === "north" || door.wall === "east";
  const [hinge, free] = (door.hinge === "left") === leftIsEnd ? [end, start] : [start, end];
  const shape = new THREE.Shape();
  shape.moveTo(hinge[0], hinge[1]);
  for (let i = 0; i <= 16; i++) {
    const a = (i / 16) * Math.PI / 2;
    shape.lineTo(hinge[0] + Math.cos(a) * (free[0] - hinge[0]) + Math.sin(a) * inward[0] * door.width,
                 hinge[1] + Math.cos(a) * (free[1] - hinge[1]) + Math.sin(a) * inward[1] * door.width);
  }
  const mesh = new THREE.Mesh(new THREE.ShapeGeometry(shape),
                              new THREE.MeshBasicMaterial({ color: "#a8545a", transparent: true, opacity: 0.25, side: THREE.DoubleSide }));
  mesh.rotation.x = Math.PI / 2;  // shape's y becomes the floor's z
  mesh.position.y = 0.003;
  return mesh;
}

// --- items --------------------------------------------------------------------------------
function placeholder(product) {
  const { width, depth, height } = product.dimensions_m;
  const mesh = new THREE.Mesh(new THREE.BoxGeometry(width, height, depth),
                              new THREE.MeshStandardMaterial({ color: product.variants[0].color_hex }));
  mesh.position.y = height / 2;
  return mesh;
}

function addItem(sku, x, z, rotation = 0, variant = null, id = null) {
  const product = state.catalog[sku];
  const item = { id: id || `${sku}#${++state.counter}`, sku, variant: variant || product.variants[0].id,
                 x: x ?? state.room.width / 2, z: z ?? state.room.depth / 2, rotation };
  const holder = new THREE.Group();
  holder.userData.id = item.id;
  holder.add(placeholder(product));
  item.object = holder;
  loadModel(item);
  itemGroup.add(holder);
  state.items.push(item);
  syncObject(item);
  select(item);
  checkSoon();
  return item;
}

// each variant is its own model (colour and material), swapped in live
function loadModel(item) {
  const url = state.catalog[item.sku].variants.find((v) => v.id === item.variant).model_url;
  item.wantedUrl = url;
  loader.load(url, (gltf) => {
    if (item.wantedUrl !== url) return;  // a later pick won the race
    item.object.clear();
    item.object.add(gltf.scene);
    paintProblems();
  });
}

function syncObject(item) {
  item.object.position.set(item.x, 0, item.z);
  item.object.rotation.y = -THREE.MathUtils.degToRad(item.rotation);  // clockwise seen from above
}

function select(item) {
  state.selected = item;
  ["turn-left", "turn-right", "remove", "variant"].forEach((b) => { $(b).disabled = !item; });
  $("variant").replaceChildren(...(item ? state.catalog[item.sku].variants.map((v) =>
    Object.assign(new Option(name({ zh: v.name_zh, en: v.name_en }), v.id), { selected: v.id === item.variant })) : []));
  paintProblems();
}

function tint(object, color) {
  object.traverse((node) => {
    if (!node.isMesh) return;
    node.material = node.material.clone();
    node.material.emissive = new THREE.Color(color);
    node.material.emissiveIntensity = color === "#000000" ? 0 : 0.45;
  });
}

let lastProblems = [];
function paintProblems() {
  for (const item of state.items) {
    const worst = lastProblems.filter((p) => p.items.includes(item.id))
      .reduce((w, p) => (p.severity === "error" ? "error" : w || p.severity), null);
    const color = worst === "error" ? "#d11a1a" : worst === "warning" ? "#d99a00" : item === state.selected ? "#6b3f5a" : "#000000";
    tint(item.object, color);
  }
}

// --- dragging -----------------------------------------------------------------------------
const pointer = new THREE.Vector2();
const raycaster = new THREE.Raycaster();
const floorPlane = new THREE.Plane(new THREE.Vector3(0, 1, 0), 0);
let dragging = null;
let grabOffset = new THREE.Vector3();

function castFrom(event) {
  const rect = renderer.domElement.getBoundingClientRect();
  pointer.set(((event.clientX - rect.left) / rect.width) * 2 - 1, -((event.clientY - rect.top) / rect.height) * 2 + 1);
  raycaster.setFromCamera(pointer, camera);
}
renderer.domElement.addEventListener("pointerdown", (event) => {
  castFrom(event);
  const hit = raycaster.intersectObjects(itemGroup.children, true)[0];
  if (!hit) return;
  let node = hit.object;
  while (node.parent !== itemGroup) node = node.parent;
  const item = state.items.find((i) => i.id === node.userData.id);
  select(item);
  const onFloor = raycaster.ray.intersectPlane(floorPlane, new THREE.Vector3());
  grabOffset = onFloor ? new THREE.Vector3(item.x - onFloor.x, 0, item.z - onFloor.z) : new THREE.Vector3();
  dragging = item;
  controls.enabled = false;
  renderer.domElement.setPointerCapture(event.pointerId);
});
renderer.domElement.addEventListener("pointermove", (event) => {
  if (!dragging) return;
  castFrom(event);
  const onFloor = raycaster.ray.intersectPlane(floorPlane, new THREE.Vector3());
  if (!onFloor) return;
  dragging.x = Math.round((onFloor.x + grabOffset.x) * 20) / 20;  // 5 cm steps
  dragging.z = Math.round((onFloor.z + grabOffset.z) * 20) / 20;
  syncObject(dragging);
});
renderer.domElement.addEventListener("pointerup", () => {
  if (dragging) checkSoon();
  dragging = null;
  controls.enabled = true;
});

function turn(degrees) {
  if (!state.selected) return;
  state.selected.rotation = (state.selected.rotation + degrees + 360) % 360;
  syncObject(state.selected);
  checkSoon();
}
$("variant").addEventListener("change", () => {
  if (!state.selected) return;
  state.selected.variant = $("variant").value;
  loadModel(state.selected);
  checkSoon();
});
$("turn-left").addEventListener("click", () => turn(-15));
$("turn-right").addEventListener("click", () => turn(15));
$("remove").addEventListener("click", () => {
  if (!state.selected) return;
  itemGroup.remove(state.selected.object);
  state.items = state.items.filter((i) => i !== state.selected);
  select(null);
  checkSoon();
});
document.addEventListener("keydown", (event) => {
  if (event.target.closest("input, select")) return;
  if (event.key === "r" || event.key === "R") turn(event.shiftKey ? -15 : 15);
  if (event.key === "Delete" || event.key === "Backspace") $("remove").click();
});
$("view-toggle").addEventListener("click", () => {
  topView = !topView;
  $("view-toggle").textContent = topView ? t.view3d : t.top;
  frameCamera();
});

// --- server: fit check, quote, save -------------------------------------------------------
const planBody = () => ({
  room: state.room, walkway: Number($("walkway").value) || 0.6, store: $("store").value || undefined,
  items: state.items.map(({ id, sku, variant, x, z, rotation }) => ({ id, sku, variant, x, z, rotation })),
});
let timer = null;
function checkSoon() { clearTimeout(timer); timer = setTimeout(check, 150); }
async function check() {
  const result = await postJSON("/plans/check", planBody());
  lastProblems = result.problems;
  $("problems").replaceChildren(...(result.problems.length ? result.problems.map((p) =>
    Object.assign(document.createElement("li"), { className: p.severity, textContent: name(p.message) }))
    : state.items.length ? [Object.assign(document.createElement("li"), { className: "ok", textContent: t.fits })] : []));
  document.body.dataset.problems = String(result.problems.length);
  paintProblems();
  renderQuote(result.quote);
}
function renderQuote(quote) {
  const rows = quote.lines.map((l) => {
    const stock = l.stock ? ` · ${l.stock.length ? `${name(l.stock[0].name)} ${l.stock[0].quantity} ${t.stock}` : "—"}` : "";
    return `<tr><td>${esc(name(l.name))} × ${l.quantity}<br><small>${esc(stock)}</small></td><td>¥${l.subtotal.toFixed(0)}</td></tr>`;
  });
  rows.push(`<tr><td>${t.delivery}</td><td>${quote.delivery_fee ? `¥${quote.delivery_fee}` : t.free}</td></tr>`);
  rows.push(`<tr><td><b>${t.total}</b></td><td><b>¥${quote.total.toFixed(0)}</b></td></tr>`);
  $("quote").innerHTML = `<table>${rows.join("")}</table><p><small>${esc(name(quote.delivery_note))}</small></p>`;
}
$("save").addEventListener("click", async () => {
  const saved = await postJSON("/plans", planBody());
  // the booking sheet (book_sheet.js) takes the plan along to the consultation
  document.dispatchEvent(new CustomEvent("storelens:share-code", { detail: { code: saved.code } }));
  $("share").hidden = false;
  $("share").innerHTML = `<p>${t.share}: <b>${esc(saved.code)}</b></p>${saved.qr_svg}` +
    `<p><a href="${esc(saved.share_url)}">${esc(saved.share_url)}</a></p>`;
});
// the whole room in AR: the saved plan's share code opens the same scene on any device
$("room-ar").addEventListener("click", async () => {
  const saved = await postJSON("/plans", planBody());
  window.location.assign(`/room/${encodeURIComponent(saved.code)}?lang=${lang}`);
});
$("walkway").addEventListener("change", checkSoon);
$("store").addEventListener("change", checkSoon);

// --- room from the form or a scan ---------------------------------------------------------
function roomFromForm() {
  const f = new FormData($("room-form"));
  return { width: Number(f.get("width")), depth: Number(f.get("depth")), height: Number(f.get("height")),
           doors: [{ wall: f.get("door_wall"), offset: Number(f.get("door_offset")), width: Number(f.get("door_width")),
                     hinge: f.get("door_hinge") }],
           windows: f.get("window_on") ? [{ wall: f.get("window_wall"), offset: Number(f.get("window_offset")),
                                           width: Number(f.get("window_width")), sill_height: Number(f.get("window_sill")) }] : [] };
}
// the form shows the room in use (a shared plan, a scan), so editing it starts from there;
// what the room does not say (a scan knows no doors or windows) stays as entered
function fillForm(room) {
  const fields = $("room-form").elements;
  const set = (values) => Object.entries(values).forEach(([k, v]) => { if (v !== undefined) fields[k].value = v; });
  set({ width: room.width, depth: room.depth, height: room.height });
  const [door] = room.doors || [];
  if (door) set({ door_wall: door.wall, door_offset: door.offset, door_width: door.width, door_hinge: door.hinge });
  if (!room.windows) return;
  const [win] = room.windows;
  fields.window_on.checked = Boolean(win);
  showWindowFields();
  if (win) set({ window_wall: win.wall, window_offset: win.offset, window_width: win.width, window_sill: win.sill_height });
}
function showWindowFields() { $("window-fields").disabled = !$("room-form").elements.window_on.checked; }
$("room-form").elements.window_on.addEventListener("change", showWindowFields);
async function setRoom(raw) {
  try {
    state.room = await postJSON("/rooms", raw);
    $("room-error").textContent = "";
    buildRoom();
    checkSoon();
  } catch (e) { $("room-error").textContent = e.message; }
}
$("room-form").addEventListener("submit", (event) => { event.preventDefault(); setRoom(roomFromForm()); });
$("scan").addEventListener("change", async () => {
  const form = new FormData();
  form.append("scan", $("scan").files[0]);
  try {
    const room = await api("/rooms", { method: "POST", body: form });
    fillForm({ width: room.width, depth: room.depth, height: room.height });  // a scan knows no doors or windows
    setRoom(roomFromForm());
  } catch (e) { $("room-error").textContent = e.message; }
});

// --- start --------------------------------------------------------------------------------
(async () => {
  const [{ items }, { stores }] = await Promise.all([api("/furniture"), api("/stores")]);
  stores.forEach((s) => $("store").append(new Option(name(s.name), s.code)));
  items.forEach((product) => {
    state.catalog[product.sku] = product;
    const li = document.createElement("li");
    const { width, depth } = product.dimensions_m;
    li.innerHTML = `<span>${esc(name(product.name))}<br><small>${Math.round(width * 100)} × ${Math.round(depth * 100)} cm · ¥${product.price}</small></span>`;
    const button = Object.assign(document.createElement("button"), { textContent: t.add, type: "button" });
    button.dataset.sku = product.sku;
    button.addEventListener("click", () => addItem(product.sku));
    li.append(button);
    $("catalog").append(li);
  });
  resize();
  if (planCode) {
    const saved = await api(`/plans/${encodeURIComponent(planCode)}`);
    state.room = saved.room;
    fillForm(saved.room);
    buildRoom();
    saved.items.forEach((i) => addItem(i.sku, i.x, i.z, i.rotation, i.variant, i.id));
  } else {
    await setRoom(roomFromForm());
    if (add && state.catalog[add]) addItem(add);
  }
  document.body.dataset.plannerReady = "1";
})();
