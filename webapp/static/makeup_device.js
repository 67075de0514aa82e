// On-device try-on: MediaPipe Face Mesh (WebAssembly, served from /static/vendor/face_mesh/) finds
// the face in the browser and the look is drawn here, in WebGL or a 2D canvas where WebGL is
// missing. Regions, feathers, opacities and finishes come from /api/v1/tryon/spec, the same
// description the Python engine (tryon/look_spec.py) renders from; no camera frame leaves the device.
(() => {
  const VENDOR = "/static/vendor/face_mesh/";

  // --- colour: OpenCV's 8-bit Lab (L·255/100, a+128, b+128; sRGB, D65), as the server engine uses
  const LINEAR = new Float32Array(256).map((_, i) => {
    const c = i / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const XN = 0.950456, ZN = 1.088754;
  const f = (t) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  function toLab(r, g, b, out, at) {
    const R = LINEAR[r], G = LINEAR[g], B = LINEAR[b];
    const fx = f((0.412453 * R + 0.35758 * G + 0.180423 * B) / XN);
    const y = 0.212671 * R + 0.71516 * G + 0.072169 * B;
    const fy = f(y), fz = f((0.019334 * R + 0.119193 * G + 0.950227 * B) / ZN);
    out[at] = (y > 0.008856 ? 116 * fy - 16 : 903.3 * y) * 2.55;
    out[at + 1] = 500 * (fx - fy) + 128;
    out[at + 2] = 200 * (fy - fz) + 128;
  }
  const gammaOut = (c) => {
    const v = c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055;
    return Math.round(Math.min(Math.max(v, 0), 1) * 255);
  };
  const finv = (t) => (t > 0.206893 ? t * t * t : (t - 16 / 116) / 7.787);
  function fromLab(L, a, b, out, at) {
    const l = Math.min(Math.max(L, 0), 255) / 2.55;
    const fy = (l + 16) / 116;
    const fx = fy + (Math.min(Math.max(a, 0), 255) - 128) / 500;
    const fz = fy - (Math.min(Math.max(b, 0), 255) - 128) / 200;
    const X = finv(fx) * XN, Y = l > 7.9996 ? fy * fy * fy : l / 903.3, Z = finv(fz) * ZN;
    out[at] = gammaOut(3.240479 * X - 1.53715 * Y - 0.498535 * Z);
    out[at + 1] = gammaOut(-0.969256 * X + 1.875991 * Y + 0.041556 * Z);
    out[at + 2] = gammaOut(0.055648 * X - 0.204043 * Y + 1.057311 * Z);
  }
  function hexLab(hex) {
    const v = parseInt(hex.slice(1), 16), lab = new Float32Array(3);
    // the server rounds the shade to 8-bit Lab too
    toLab((v >> 16) & 255, (v >> 8) & 255, v & 255, lab, 0);
    return lab.map(Math.round);
  }

  // --- masks: the polygons of tryon/masks.py, filled anti-aliased, feathered as OpenCV does
  const scratch = () => { const c = document.createElement("canvas"); return [c, c.getContext("2d", { willReadFrequently: true })]; };
  const [maskCanvas, maskCtx] = scratch();
  const pts = (face, idx) => idx.map((i) => face[i]);
  function fillPolys(ctx, polys, ox, oy) {
    // +0.5: OpenCV puts integer coordinates on pixel centres, a canvas on pixel corners
    ctx.beginPath();
    for (const poly of polys) {
      poly.forEach(([x, y], i) => (i ? ctx.lineTo(x - ox + 0.5, y - oy + 0.5) : ctx.moveTo(x - ox + 0.5, y - oy + 0.5)));
      ctx.closePath();
    }
    ctx.fill();
    // OpenCV's anti-aliased fill also draws an anti-aliased outline: its shapes are ~0.72 px fatter a side
    Object.assign(ctx, { lineWidth: 1.44, lineJoin: "round", strokeStyle: ctx.fillStyle });
    ctx.stroke();
  }
  // cv2.GaussianBlur(alpha, (0, 0), sigma) on float32: the same kernel size and reflect-101 border,
  // so the feather matches the server's (canvas blur filters differ between browsers, Safari has none)
  function gaussian(alpha, w, h, sigma) {
    const size = Math.round(sigma * 8 + 1) | 1, half = (size - 1) / 2;
    const kernel = Array.from({ length: size }, (_, i) => Math.exp(-((i - half) ** 2) / (2 * sigma * sigma)));
    const total = kernel.reduce((a, b) => a + b, 0);
    kernel.forEach((_, i) => { kernel[i] /= total; });
    const reflect = (i, n) => { if (n === 1) return 0; while (i < 0 || i >= n) i = i < 0 ? -i : 2 * n - 2 - i; return i; };
    const across = new Float32Array(alpha.length), out = new Float32Array(alpha.length), acc = new Float64Array(w);
    for (let y = 0; y < h; y++) {
      const base = y * w;
      for (let x = 0; x < w; x++) {
        let sum = 0;
        if (x >= half && x + half < w) for (let k = 0, j = base + x - half; k < size; k++, j++) sum += kernel[k] * alpha[j];
        else for (let k = 0; k < size; k++) sum += kernel[k] * alpha[base + reflect(x + k - half, w)];
        across[base + x] = sum;
      }
    }
    // down the columns a whole row at a time, so memory is read in order (skin smoothing blurs big boxes)
    for (let y = 0; y < h; y++) {
      acc.fill(0);
      for (let k = 0; k < size; k++) {
        const weight = kernel[k], row = reflect(y + k - half, h) * w;
        for (let x = 0; x < w; x++) acc[x] += weight * across[row + x];
      }
      out.set(acc, y * w);
    }
    return out;
  }
  function alphaOf(ctx, w, h) {
    const data = ctx.getImageData(0, 0, w, h).data, out = new Float32Array(w * h);
    for (let i = 0; i < out.length; i++) out[i] = data[i * 4 + 3] / 255;
    return out;
  }
  // A feathered mask {x, y, w, h, alpha} of ``polys`` minus the hard ``cuts`` (mouth or eye openings).
  function buildMask(frameW, frameH, polys, sigma, cuts = null, scale = 1) {
    const pad = 3 * sigma + 2;
    const all = polys.flat(), xs = all.map((p) => p[0]), ys = all.map((p) => p[1]);
    const x0 = Math.max(Math.floor(Math.min(...xs) - pad), 0), y0 = Math.max(Math.floor(Math.min(...ys) - pad), 0);
    const x1 = Math.min(Math.ceil(Math.max(...xs) + pad), frameW), y1 = Math.min(Math.ceil(Math.max(...ys) + pad), frameH);
    const w = x1 - x0, h = y1 - y0;
    if (w < 2 || h < 2) return null;
    if (scale > 1) return { x: x0, y: y0, w, h, alpha: softMask(polys, x0, y0, w, h, sigma, scale) };
    const alpha = feathered(filledAlpha(polys, x0, y0, w, h), w, h, sigma);
    if (cuts) {
      const hard = filledAlpha(cuts, x0, y0, w, h);
      for (let i = 0; i < alpha.length; i++) alpha[i] *= 1 - hard[i];
      return { x: x0, y: y0, w, h, alpha, cut: hard };
    }
    return { x: x0, y: y0, w, h, alpha };
  }
  function filledAlpha(polys, x0, y0, w, h) {
    maskCanvas.width = w;
    maskCanvas.height = h;
    maskCtx.fillStyle = "#fff";
    fillPolys(maskCtx, polys, x0, y0);
    return alphaOf(maskCtx, w, h);
  }
  // masks.py _feathered: a blur too small to see is skipped
  const feathered = (alpha, w, h, sigma) => (sigma > 0.3 ? gaussian(alpha, w, h, sigma) : alpha);
  // foundation and concealer (masks.py _keep_minus_cut): ``keep`` feathered at 1/scale (it is wide) minus
  // ``cuts`` grown by a soft ``cutSigma`` margin at full size, since eye openings are only a few pixels tall
  function keepMinusCut(frameW, frameH, keep, sigma, scale, cuts, cutSigma) {
    const mask = buildMask(frameW, frameH, keep, sigma, null, scale);
    if (!mask) return null;
    const hole = feathered(filledAlpha(cuts, mask.x, mask.y, mask.w, mask.h), mask.w, mask.h, cutSigma);
    // twice the blurred cut, clipped: the whole cut region at zero and a soft margin around it
    for (let i = 0; i < hole.length; i++) mask.alpha[i] *= 1 - Math.min(2 * hole[i], 1);
    return mask;
  }
  // a wide feather worked out at 1/scale resolution and stretched back (cv2.resize, bilinear), as the server does
  function softMask(polys, x0, y0, w, h, sigma, scale) {
    const sw = Math.max(Math.floor(w / scale), 1), sh = Math.max(Math.floor(h / scale), 1);
    const shrunk = polys.map((poly) => poly.map(([x, y]) => [x / scale, y / scale]));
    return stretch(feathered(filledAlpha(shrunk, x0 / scale, y0 / scale, sw, sh), sw, sh, sigma / scale), sw, sh, w, h);
  }
  // ``small`` (sw x sh) stretched to w x h bilinearly, as cv2.resize INTER_LINEAR
  function stretch(small, sw, sh, w, h) {
    const out = new Float32Array(w * h);
    const at = (v, n, size) => Math.min(Math.max((v + 0.5) * (n / size) - 0.5, 0), n - 1);
    for (let y = 0; y < h; y++) {
      const fy = at(y, sh, h), y1 = Math.floor(fy), y2 = Math.min(y1 + 1, sh - 1), v = fy - y1;
      for (let x = 0; x < w; x++) {
        const fx = at(x, sw, w), x1 = Math.floor(fx), x2 = Math.min(x1 + 1, sw - 1), u = fx - x1;
        out[y * w + x] = (1 - v) * ((1 - u) * small[y1 * sw + x1] + u * small[y1 * sw + x2]) +
                         v * ((1 - u) * small[y2 * sw + x1] + u * small[y2 * sw + x2]);
      }
    }
    return out;
  }
  function resample(line, count) {
    const steps = line.slice(1).map((p, i) => Math.hypot(p[0] - line[i][0], p[1] - line[i][1]));
    const total = Math.max(steps.reduce((a, b) => a + b, 0), 1e-6);
    const at = [0];
    steps.forEach((s) => at.push(at[at.length - 1] + s / total));
    return Array.from({ length: count }, (_, k) => {
      const t = k / (count - 1);
      let i = 1;
      while (i < at.length - 1 && at[i] < t) i++;
      const u = (t - at[i - 1]) / Math.max(at[i] - at[i - 1], 1e-9);
      return [line[i - 1][0] + u * (line[i][0] - line[i - 1][0]), line[i - 1][1] + u * (line[i][1] - line[i - 1][1])];
    });
  }
  // The lower lip of an open mouth: lip-coloured pixels just inside the landmark opening are lip too
  // (tryon/masks.py _grow_lower_lip). ``rgba`` is the mask box of the frame as it is now.
  function lowerLipEdge(spec, face, mask, opening, rgba) {
    const E = spec.lip_edge, { w, h, alpha: lip } = mask, n = w * h;
    const solid = lip.map((v) => (v > 0.9 ? 1 : 0));
    if (solid.reduce((a, b) => a + b, 0) < 10) return;
    const lab = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) {
      toLab(rgba[i * 4], rgba[i * 4 + 1], rgba[i * 4 + 2], lab, i * 3);
      for (let k = i * 3; k < i * 3 + 3; k++) lab[k] = Math.round(lab[k]);
    }
    const median = (k) => {
      const v = []; for (let i = 0; i < n; i++) if (solid[i]) v.push(lab[i * 3 + k]);
      v.sort((a, b) => a - b);
      return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    };
    const colour = [median(0), median(1), median(2)], colourChroma = Math.hypot(colour[1] - 128, colour[2] - 128);
    // the band: a polyline of band_px along the lower inner edge (hard, as cv2.LINE_8)
    maskCanvas.width = w;
    maskCanvas.height = h;
    Object.assign(maskCtx, { lineWidth: E.band_px, strokeStyle: "#fff", lineJoin: "miter" });
    maskCtx.beginPath();
    pts(face, spec.regions.lips_inner.slice(0, E.inner_points))
      .forEach(([x, y], i) => (i ? maskCtx.lineTo(x - mask.x + 0.5, y - mask.y + 0.5) : maskCtx.moveTo(x - mask.x + 0.5, y - mask.y + 0.5)));
    maskCtx.stroke();
    const band = alphaOf(maskCtx, w, h);
    const inside = (x, y) => x < 0 || y < 0 || x >= w || y >= h || opening[y * w + x] > 0.5;  // erode's border: inside
    const grown = new Uint8Array(n);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        if (band[i] < 0.5 || opening[i] <= 0) continue;
        let deep = true;
        for (let dy = -1; dy <= 1 && deep; dy++) for (let dx = -1; dx <= 1; dx++) if (!inside(x + dx, y + dy)) { deep = false; break; }
        if (deep) continue;
        const L = lab[i * 3], a = lab[i * 3 + 1], b = lab[i * 3 + 2];
        const near = Math.hypot(L - colour[0], a - colour[1], b - colour[2]) < E.lip_like;
        if (near && L < colour[0] + E.teeth_lighter && Math.hypot(a - 128, b - 128) > 0.6 * colourChroma) grown[i] = 1;
      }
    }
    // keep only what touches the lip itself (4-connected): a lip-red tongue further in stays clean
    const seen = new Uint8Array(n), stack = [];
    for (let i = 0; i < n; i++) if (solid[i]) { seen[i] = 1; stack.push(i); }
    while (stack.length) {
      const i = stack.pop(), x = i % w, y = (i - x) / w;
      for (const [nx, ny] of [[x - 1, y], [x + 1, y], [x, y - 1], [x, y + 1]]) {
        const j = ny * w + nx;
        if (nx >= 0 && ny >= 0 && nx < w && ny < h && !seen[j] && grown[j]) { seen[j] = 1; stack.push(j); }
      }
    }
    for (let i = 0; i < n; i++) if (grown[i] && seen[i]) lip[i] = 1;
  }
  // cheek to cheek (tryon/face.py Face.width): every size and feather is a fraction of it
  function faceWidth(spec, face) {
    const [a, b] = spec.regions.face_width;
    return Math.hypot(face[a][0] - face[b][0], face[a][1] - face[b][1]);
  }
  const centroid = (points) => points.reduce((s, p) => [s[0] + p[0] / points.length, s[1] + p[1] / points.length], [0, 0]);
  // masks.py skin_outline: the face oval pulled in from the jaw and kept off the hairline
  function skinOutline(spec, face, width) {
    const R = spec.regions, { inset, forehead } = spec.shapes.foundation, oval = pts(face, R.face_oval), [cx, cy] = centroid(oval);
    const pulled = oval.map(([x, y]) => {
      const d = Math.hypot(cx - x, cy - y);
      return [x + (inset * width * (cx - x)) / d, y + (inset * width * (cy - y)) / d];
    });
    const browLine = centroid(pts(face, [...R.right_brow_upper, ...R.left_brow_upper]))[1];
    return pulled.map(([x, y]) => [x, y < browLine ? browLine - forehead * (browLine - y) : y]);
  }
  // masks.py lash_strokes: tapered lashes fanning out from each upper lash line, longer and leaning
  // further out towards the outer corner
  function lashStrokes(spec, face, style) {
    const R = spec.regions, lash = spec.shapes.mascara.styles[style], strokes = [];
    for (const [upper, lower] of [["right_eye_upper", "right_eye_lower"], ["left_eye_upper", "left_eye_lower"]]) {
      const lid = pts(face, R[upper]), first = lid[0], last = lid[lid.length - 1];
      const eyeWidth = Math.hypot(last[0] - first[0], last[1] - first[1]);
      const along = [(last[0] - first[0]) / Math.max(eyeWidth, 1e-6), (last[1] - first[1]) / Math.max(eyeWidth, 1e-6)];
      const [lx, ly] = centroid(lid), [bx, by] = centroid(pts(face, R[lower]));
      // away from the eye, whichever way the head rolls
      const up = along[1] * (bx - lx) - along[0] * (by - ly) > 0 ? [-along[1], along[0]] : [along[1], -along[0]];
      const half = [lash.thickness * eyeWidth / 2, lash.thickness * eyeWidth / 3, lash.thickness * eyeWidth / 10];
      resample(lid, lash.count + 2).slice(1, -1).forEach((root, k) => {
        const t = (k + 1) / (lash.count + 1), length = lash.length * eyeWidth * (0.6 + 0.6 * t), lean = lash.curl * (2 * t - 0.4);
        const raw = [up[0] + along[0] * lean, up[1] + along[1] * lean], norm = Math.hypot(...raw);
        const dir = [raw[0] / norm, raw[1] / norm], side = [dir[1], -dir[0]];
        const spine = [root, [root[0] + dir[0] * 0.55 * length + up[0] * 0.1 * length, root[1] + dir[1] * 0.55 * length + up[1] * 0.1 * length],
                       [root[0] + dir[0] * length, root[1] + dir[1] * length]];
        const left = spine.map((p, i) => [p[0] + side[0] * half[i], p[1] + side[1] * half[i]]);
        const right = spine.map((p, i) => [p[0] - side[0] * half[i], p[1] - side[1] * half[i]]);
        strokes.push([...left, ...right.reverse()]);
      });
    }
    return strokes;
  }
  // The masks of one product on one face; ``app`` carries the liner's wing and mascara's lash style.
  function masksFor(spec, face, kind, frameW, frameH, app = {}, pixels = null) {
    const R = spec.regions, F = spec.feather, S = spec.shapes, width = faceWidth(spec, face);
    const eyes = [["right_eye_upper", "right_eye_lower", "right_brow_lower", "right_brow_upper"],
                  ["left_eye_upper", "left_eye_lower", "left_brow_lower", "left_brow_upper"]];
    const opening = (up, low) => [...pts(face, R[up]), ...pts(face, R[low]).reverse()];
    const browShape = (side) => [...pts(face, R[`${side}_brow_upper`]), ...pts(face, R[`${side}_brow_lower`]).reverse()];
    const found = [];
    if (kind === "lip") {
      const sigma = Math.min(F.lip.sigma * width, F.lip.max_px);
      // only the outer edge is feathered; the mouth opening is cut out hard (teeth stay clean)
      const mask = buildMask(frameW, frameH, [pts(face, R.lips_outer)], sigma, [pts(face, R.lips_inner)]);
      if (mask && pixels) lowerLipEdge(spec, face, mask, mask.cut, pixels(mask));
      found.push(mask);
    } else if (kind === "eye") {
      for (const [up, low, brow] of eyes) {
        const lid = pts(face, R[up]), top = resample(pts(face, R[brow]), lid.length);
        const r = S.eye.reach;
        const poly = [...lid, ...lid.map((p, i) => [p[0] + r * (top[i][0] - p[0]), p[1] + r * (top[i][1] - p[1])]).reverse()];
        found.push(buildMask(frameW, frameH, [poly], F.eye.sigma * width, [opening(up, low)]));
      }
    } else if (kind === "liner") {
      for (const [up, low] of eyes) {
        const lid = pts(face, R[up]), first = lid[0], last = lid[lid.length - 1];
        const eyeWidth = Math.hypot(last[0] - first[0], last[1] - first[1]);
        const [thin, thick] = S.liner.thickness, { length, lift, norm } = S.liner.wing;
        const lifted = lid.map((p, i) => [p[0], p[1] - (thin + ((thick - thin) * i) / (lid.length - 1)) * eyeWidth]);
        const d = [(last[0] - first[0]) / Math.max(eyeWidth, 1e-6), (last[1] - first[1]) / Math.max(eyeWidth, 1e-6)];
        const tip = [last[0] + (eyeWidth * length * d[0]) / norm, last[1] + (eyeWidth * length * (d[1] - lift)) / norm];
        const stroke = [...lid, ...(app.wing ? [tip] : []), ...lifted.reverse()];
        found.push(buildMask(frameW, frameH, [stroke], F.liner.sigma * width, [opening(up, low)]));
      }
    } else if (kind === "brow") {
      for (const side of ["right", "left"]) found.push(buildMask(frameW, frameH, [browShape(side)], F.brow.sigma * width));
    } else if (kind === "cheek") {
      const eyeR = face[R.right_eye_upper.at(-1)], eyeL = face[R.left_eye_upper.at(-1)];
      const roll = Math.round((Math.atan2(eyeL[1] - eyeR[1], eyeL[0] - eyeR[0]) * 180) / Math.PI) * Math.PI / 180;
      const ax = Math.round(S.cheek.axes[0] * width), ay = Math.round(S.cheek.axes[1] * width), step = S.cheek.step_deg;
      for (const idx of [R.right_cheek, R.left_cheek]) {
        const c = centroid(pts(face, idx)).map(Math.round);
        // cv2.ellipse2Poly: whole-pixel points every step_deg, the last one back on the first
        const ellipse = Array.from({ length: Math.ceil(360 / step) + 1 }, (_, k) => {
          const t = (Math.min(k * step, 360) * Math.PI) / 180;
          return [Math.round(c[0] + ax * Math.cos(t) * Math.cos(roll) - ay * Math.sin(t) * Math.sin(roll)),
                  Math.round(c[1] + ax * Math.cos(t) * Math.sin(roll) + ay * Math.sin(t) * Math.cos(roll))];
        });
        found.push(buildMask(frameW, frameH, [ellipse], F.cheek.sigma * width, null, S.cheek.scale));
      }
    } else if (kind === "foundation") {
      // eyes, brows and lips bare
      const bare = [...eyes.map(([up, low]) => opening(up, low)), browShape("right"), browShape("left"), pts(face, R.lips_outer)];
      found.push(keepMinusCut(frameW, frameH, [skinOutline(spec, face, width)], F.foundation.sigma * width, S.foundation.scale,
                              bare, F.foundation.cut * width));
    } else if (kind === "concealer") {
      for (const [up, low] of eyes) {
        const lid = pts(face, R[low]), first = lid[0], last = lid[lid.length - 1];
        const depth = S.concealer.depth * Math.hypot(last[0] - first[0], last[1] - first[1]);
        // a crescent below the lower lid, deepest at its middle and zero at the corners
        const below = lid.map(([x, y], i) => [x, y + depth * Math.sin((Math.PI * i) / (lid.length - 1))]);
        found.push(keepMinusCut(frameW, frameH, [[...lid, ...below.reverse()]], F.concealer.sigma * width, S.concealer.scale,
                                [opening(up, low)], 0));
      }
    } else if (kind === "mascara") {
      const openings = eyes.map(([up, low]) => opening(up, low));
      found.push(buildMask(frameW, frameH, lashStrokes(spec, face, app.lashes || "natural"), F.mascara.sigma * width, openings));
    }
    return found.filter(Boolean);
  }

  // shimmer's sparkle map: the spec's density, blur and gain (its own random pattern, as on the server)
  let sparkleMap = null;
  function sparkle(spec) {
    if (sparkleMap) return sparkleMap;
    const { tile, density, sigma, gain } = spec.sparkle;
    const [c, ctx] = scratch();
    c.width = c.height = tile;
    const img = ctx.createImageData(tile, tile);
    let seed = 20417;
    for (let i = 0; i < tile * tile; i++) {
      seed = (seed * 1664525 + 1013904223) >>> 0;
      img.data[i * 4 + 3] = seed / 4294967296 > 1 - density ? 255 : 0;
    }
    ctx.putImageData(img, 0, 0);
    sparkleMap = gaussian(alphaOf(ctx, tile, tile), tile, tile, sigma).map((v) => v * gain);
    return sparkleMap;
  }

  // --- the look on one mask: the statistics (region means, lightness spread) on the CPU ----------
  function regionStats(rgba, mask) {
    const n = mask.w * mask.h, lab = new Float32Array(n * 3), mean = [0, 0, 0];
    let total = 0;
    for (let i = 0; i < n; i++) {
      toLab(rgba[i * 4], rgba[i * 4 + 1], rgba[i * 4 + 2], lab, i * 3);
      for (let k = i * 3; k < i * 3 + 3; k++) lab[k] = Math.round(lab[k]);  // the server's Lab is 8-bit
      const w = mask.alpha[i];
      total += w; mean[0] += w * lab[i * 3]; mean[1] += w * lab[i * 3 + 1]; mean[2] += w * lab[i * 3 + 2];
    }
    mean.forEach((_, k) => { mean[k] /= Math.max(total, 1e-6); });
    let sq = 0;
    for (let i = 0; i < n; i++) sq += mask.alpha[i] * (lab[i * 3] - mean[0]) ** 2;
    return { lab, mean, spread: Math.sqrt(sq / Math.max(total, 1e-6)) + 1e-3 };
  }
  function layer(spec, app) {
    const fin = spec.finishes[app.finish] || spec.finishes.satin;
    return { target: hexLab(app.color_hex), fin, strength: spec.opacity[app.product_type] * app.intensity };
  }
  // a wide blur worked out on block means and stretched back, the box padded to whole blocks by
  // repeating its edge (tryon/retouch.py _wide_blur)
  function wideBlur(smoothing, channel, w, h, sigma) {
    const scale = smoothing.coarse_scale;
    if (sigma < smoothing.coarse_scale_from) return gaussian(channel, w, h, sigma);
    const sw = Math.ceil(w / scale), sh = Math.ceil(h / scale), means = new Float32Array(sw * sh);
    for (let y = 0; y < sh; y++) {
      for (let x = 0; x < sw; x++) {
        let sum = 0;
        for (let dy = 0; dy < scale; dy++) {
          const row = Math.min(y * scale + dy, h - 1) * w;
          for (let dx = 0; dx < scale; dx++) sum += channel[row + Math.min(x * scale + dx, w - 1)];
        }
        means[y * sw + x] = sum / (scale * scale);
      }
    }
    const big = stretch(gaussian(means, sw, sh, sigma / scale), sw, sh, sw * scale, sh * scale), out = new Float32Array(w * h);
    for (let y = 0; y < h; y++) out.set(big.subarray(y * sw * scale, y * sw * scale + w), y * w);
    return out;
  }
  // Skin smoothing (tryon/retouch.py smooth_skin) on the foundation mask's box ``rgba``, in place: the
  // band between the fine and coarse blurs (blotches, uneven tone) taken out, clipped so real edges stay
  function smoothSkin(spec, mask, width, amount, rgba) {
    const { fine, coarse, edge } = spec.smoothing, { w, h, alpha } = mask, channel = new Float32Array(w * h);
    for (let c = 0; c < 3; c++) {
      for (let i = 0; i < channel.length; i++) channel[i] = rgba[i * 4 + c];
      const detail = gaussian(channel, w, h, Math.max(fine * width, 0.5)), base = wideBlur(spec.smoothing, channel, w, h, coarse * width);
      for (let i = 0; i < channel.length; i++) {
        if (alpha[i] <= 1e-3) continue;  // outside the skin stays bit-identical, as on the server
        const band = Math.min(Math.max(detail[i] - base[i], -edge), edge);
        rgba[i * 4 + c] = Math.min(Math.max(Math.floor(channel[i] - band * alpha[i] * amount + 0.5), 0), 255);
      }
    }
  }
  // 2D canvas: the engine's per-pixel formula, in JavaScript, on the mask's box only
  function paint2D(ctx, spec, mask, app) {
    const img = ctx.getImageData(mask.x, mask.y, mask.w, mask.h), px = img.data;
    const { lab, mean, spread } = regionStats(px, mask);
    const { target, fin, strength } = layer(spec, app);
    const { lightness_shift: shift, chroma_keep: keep } = spec.transfer, H = spec.highlight;
    const sp = fin.sparkle ? sparkle(spec) : null, tile = spec.sparkle.tile;
    for (let i = 0, n = mask.w * mask.h; i < n; i++) {
      const w = mask.alpha[i];
      if (w <= 1e-3) continue;  // outside the mask stays bit-identical, as on the server
      const L = lab[i * 3], rel = L - mean[0];
      const hl = Math.min(Math.max((rel - H.start * spread) / (H.width * spread), 0), 1);
      let L2 = L + shift * (target[0] - mean[0]) + fin.relief * rel + fin.relief_up * Math.max(rel, 0) + fin.gain * hl ** fin.power;
      if (sp) L2 += fin.sparkle * sp[((mask.y + Math.floor(i / mask.w)) % tile) * tile + ((mask.x + (i % mask.w)) % tile)];
      const a2 = target[1] + keep * (lab[i * 3 + 1] - mean[1]), b2 = target[2] + keep * (lab[i * 3 + 2] - mean[2]);
      const k = w * strength;
      fromLab(L + k * (L2 - L), lab[i * 3 + 1] + k * (a2 - lab[i * 3 + 1]), lab[i * 3 + 2] + k * (b2 - lab[i * 3 + 2]), px, i * 4);
    }
    ctx.putImageData(img, mask.x, mask.y);
  }

  // --- WebGL: the same formula in a fragment shader over the mask's box --------------------------
  const VERT = `attribute vec2 p; varying vec2 uv; void main() { uv = p * 0.5 + 0.5; gl_Position = vec4(p, 0.0, 1.0); }`;
  const FRAG = `precision highp float;
varying vec2 uv;
uniform sampler2D frame, mask;
uniform vec4 box;            // x, y, w, h of the mask in frame pixels (y down)
uniform vec2 size;
uniform vec3 target, mean;
uniform float spread, strength, shift, keep, hlStart, hlWidth, relief, reliefUp, gain, power;
uniform float grade, vigStrength, vigStart;  // the scene pass: matrix on (B, G, R), then the dark edge
uniform mat3 scene;
vec3 lin(vec3 c) { return mix(c / 12.92, pow((c + 0.055) / 1.055, vec3(2.4)), step(0.04045, c)); }
vec3 gam(vec3 c) { c = clamp(c, 0.0, 1.0); return mix(12.92 * c, 1.055 * pow(c, vec3(1.0 / 2.4)) - 0.055, step(0.0031308, c)); }
float f(float t) { return t > 0.008856 ? pow(t, 1.0 / 3.0) : 7.787 * t + 16.0 / 116.0; }
float finv(float t) { return t > 0.206893 ? t * t * t : (t - 16.0 / 116.0) / 7.787; }
vec3 toLab(vec3 rgb) {
  vec3 c = lin(rgb);
  float y = dot(vec3(0.212671, 0.71516, 0.072169), c);
  float fx = f(dot(vec3(0.412453, 0.35758, 0.180423), c) / 0.950456), fy = f(y);
  float fz = f(dot(vec3(0.019334, 0.119193, 0.950227), c) / 1.088754);
  return vec3((y > 0.008856 ? 116.0 * fy - 16.0 : 903.3 * y) * 2.55, 500.0 * (fx - fy) + 128.0, 200.0 * (fy - fz) + 128.0);
}
vec3 fromLab(vec3 lab) {
  lab = clamp(lab, 0.0, 255.0);
  float l = lab.x / 2.55, fy = (l + 16.0) / 116.0;
  float X = finv(fy + (lab.y - 128.0) / 500.0) * 0.950456, Y = l > 7.9996 ? fy * fy * fy : l / 903.3;
  float Z = finv(fy - (lab.z - 128.0) / 200.0) * 1.088754;
  return gam(vec3(3.240479 * X - 1.53715 * Y - 0.498535 * Z, -0.969256 * X + 1.875991 * Y + 0.041556 * Z,
                  0.055648 * X - 0.204043 * Y + 1.057311 * Z));
}
void main() {
  vec2 px = vec2(uv.x, 1.0 - uv.y) * size;  // frame pixel, y down
  vec4 src = texture2D(frame, uv);
  vec2 m = (px - box.xy) / box.zw;
  float w = (m.x >= 0.0 && m.y >= 0.0 && m.x <= 1.0 && m.y <= 1.0) ? texture2D(mask, m).a : 0.0;
  if (grade > 0.5) {
    vec2 c = vec2(px.x / max(size.x - 1.0, 1.0), px.y / max(size.y - 1.0, 1.0)) * 2.0 - 1.0;
    vec3 bgr = scene * (floor(src.bgr * 255.0 + 0.5)) * (1.0 - vigStrength * clamp(dot(c, c) - vigStart, 0.0, 1.0));
    gl_FragColor = vec4(floor(clamp(bgr, 0.0, 255.0)).zyx / 255.0, 1.0);  // truncated, as numpy's astype
    return;
  }
  if (w <= 1e-3) { gl_FragColor = src; return; }
  vec3 lab = floor(toLab(src.rgb) + 0.5);
  float rel = lab.x - mean.x;
  float hl = clamp((rel - hlStart * spread) / (hlWidth * spread), 0.0, 1.0);
  vec3 made = vec3(lab.x + shift * (target.x - mean.x) + relief * rel + reliefUp * max(rel, 0.0) + gain * pow(hl, power),
                   target.yz + keep * (lab.yz - mean.yz));
  gl_FragColor = vec4(fromLab(lab + w * strength * (made - lab)), 1.0);
}`;
  function glRenderer(canvas) {
    const gl = canvas.getContext("webgl", { preserveDrawingBuffer: true, premultipliedAlpha: false });
    if (!gl) return null;
    const shader = (type, source) => { const s = gl.createShader(type); gl.shaderSource(s, source); gl.compileShader(s); return s; };
    const program = gl.createProgram();
    gl.attachShader(program, shader(gl.VERTEX_SHADER, VERT));
    gl.attachShader(program, shader(gl.FRAGMENT_SHADER, FRAG));
    gl.linkProgram(program);
    if (!gl.getProgramParameter(program, gl.LINK_STATUS)) return null;
    gl.useProgram(program);
    gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
    gl.enableVertexAttribArray(0);
    gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
    gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, true);
    const texture = () => {
      const t = gl.createTexture();
      gl.bindTexture(gl.TEXTURE_2D, t);
      for (const [k, v] of [[gl.TEXTURE_MIN_FILTER, gl.NEAREST], [gl.TEXTURE_MAG_FILTER, gl.NEAREST],
                            [gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE], [gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE]]) gl.texParameteri(gl.TEXTURE_2D, k, v);
      return t;
    };
    const frames = [texture(), texture()], fbs = frames.map((t) => { const fb = gl.createFramebuffer(); gl.bindFramebuffer(gl.FRAMEBUFFER, fb); gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, t, 0); return fb; });
    const maskTex = texture();
    const u = (name) => gl.getUniformLocation(program, name);
    gl.uniform1i(u("frame"), 0);
    gl.uniform1i(u("mask"), 1);
    let current = 0, W = 0, H = 0;
    return {
      kind: "webgl",
      start(source, width, height) {
        if (width !== W || height !== H) {
          W = width; H = height;
          for (const t of frames) { gl.bindTexture(gl.TEXTURE_2D, t); gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, W, H, 0, gl.RGBA, gl.UNSIGNED_BYTE, null); }
        }
        gl.viewport(0, 0, W, H);
        current = 0;
        gl.bindTexture(gl.TEXTURE_2D, frames[0]);
        gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, gl.RGBA, gl.UNSIGNED_BYTE, source);
      },
      pixels(mask) {  // the box as it is now (earlier layers included), rows top-down
        gl.bindFramebuffer(gl.FRAMEBUFFER, fbs[current]);
        const out = new Uint8Array(mask.w * mask.h * 4), flipped = new Uint8Array(out.length), row = mask.w * 4;
        gl.readPixels(mask.x, H - mask.y - mask.h, mask.w, mask.h, gl.RGBA, gl.UNSIGNED_BYTE, flipped);
        for (let r = 0; r < mask.h; r++) out.set(flipped.subarray((mask.h - 1 - r) * row, (mask.h - r) * row), r * row);
        return out;
      },
      put(box, rgba) {  // rows top-down into the current texture (FLIP_Y puts the first row at the top)
        gl.bindTexture(gl.TEXTURE_2D, frames[current]);
        gl.texSubImage2D(gl.TEXTURE_2D, 0, box.x, H - box.y - box.h, box.w, box.h, gl.RGBA, gl.UNSIGNED_BYTE, rgba);
      },
      paint(spec, mask, app) {
        const { mean, spread } = regionStats(this.pixels(mask), mask);
        const { target, fin, strength } = layer(spec, app);
        const a = new Uint8Array(mask.w * mask.h * 4);
        mask.alpha.forEach((v, i) => { a[i * 4 + 3] = Math.round(v * 255); });
        gl.activeTexture(gl.TEXTURE1);
        gl.bindTexture(gl.TEXTURE_2D, maskTex);
        gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, false);  // rows top-down, as the shader's box coordinates
        gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, mask.w, mask.h, 0, gl.RGBA, gl.UNSIGNED_BYTE, a);
        gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, true);
        gl.activeTexture(gl.TEXTURE0);
        gl.uniform4f(u("box"), mask.x, mask.y, mask.w, mask.h);
        gl.uniform2f(u("size"), W, H);
        gl.uniform3f(u("target"), ...target);
        gl.uniform3f(u("mean"), ...mean);
        const values = { spread, strength, shift: spec.transfer.lightness_shift, keep: spec.transfer.chroma_keep,
                         hlStart: spec.highlight.start, hlWidth: spec.highlight.width, relief: fin.relief,
                         reliefUp: fin.relief_up, gain: fin.gain, power: fin.power };
        Object.entries(values).forEach(([k, v]) => gl.uniform1f(u(k), v));
        // ping-pong: read this layer's input, write the next texture (the next layer sees this one)
        gl.bindTexture(gl.TEXTURE_2D, frames[current]);
        gl.bindFramebuffer(gl.FRAMEBUFFER, fbs[1 - current]);
        gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
        current = 1 - current;
      },
      finish(scene) {  // the last texture to the canvas, through the scene's light if there is one
        gl.bindFramebuffer(gl.FRAMEBUFFER, null);
        gl.bindTexture(gl.TEXTURE_2D, frames[current]);
        gl.uniform4f(u("box"), 0, 0, 0, 0);
        gl.uniform2f(u("size"), W, H);
        gl.uniform1f(u("grade"), scene ? 1 : 0);
        if (scene) {
          const m = scene.bgr;  // row-major (B, G, R) rows; GLSL matrices are column-major
          gl.uniformMatrix3fv(u("scene"), false, [m[0][0], m[1][0], m[2][0], m[0][1], m[1][1], m[2][1], m[0][2], m[1][2], m[2][2]]);
          gl.uniform1f(u("vigStrength"), scene.vignette ? scene.vignette.strength : 0);
          gl.uniform1f(u("vigStart"), scene.vignette ? scene.vignette.start : 0);
        }
        gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
        gl.uniform1f(u("grade"), 0);
      },
    };
  }
  function canvasRenderer(canvas) {
    const ctx = canvas.getContext("2d", { willReadFrequently: true });
    return {
      kind: "2d",
      start(source, width, height) { ctx.drawImage(source, 0, 0, width, height); },
      pixels: (box) => ctx.getImageData(box.x, box.y, box.w, box.h).data,
      put: (box, rgba) => ctx.putImageData(new ImageData(rgba, box.w, box.h), box.x, box.y),
      paint(spec, mask, app) { paint2D(ctx, spec, mask, app); },
      finish(scene) {
        if (!scene) return;
        const img = ctx.getImageData(0, 0, canvas.width, canvas.height), px = img.data, w = canvas.width, h = canvas.height;
        const m = scene.bgr, v = scene.vignette || { strength: 0, start: 0 };
        for (let y = 0; y < h; y++) {
          const cy = h > 1 ? (2 * y) / (h - 1) - 1 : 0;
          for (let x = 0; x < w; x++) {
            const cx = w > 1 ? (2 * x) / (w - 1) - 1 : 0, dark = 1 - v.strength * Math.min(Math.max(cx * cx + cy * cy - v.start, 0), 1);
            const i = (y * w + x) * 4, b = px[i + 2], g = px[i + 1], r = px[i];
            // Uint8ClampedArray rounds, numpy's astype truncates: floor first
            px[i + 2] = Math.floor(Math.min((m[0][0] * b + m[0][1] * g + m[0][2] * r) * dark, 255));
            px[i + 1] = Math.floor(Math.min((m[1][0] * b + m[1][1] * g + m[1][2] * r) * dark, 255));
            px[i] = Math.floor(Math.min((m[2][0] * b + m[2][1] * g + m[2][2] * r) * dark, 255));
          }
        }
        ctx.putImageData(img, 0, 0);
      },
    };
  }

  // --- face mesh ------------------------------------------------------------------------------
  let meshScript = null;
  function loadScript() {
    meshScript ||= new Promise((resolve, reject) => {
      const s = Object.assign(document.createElement("script"), { src: `${VENDOR}face_mesh.js`, crossOrigin: "anonymous" });
      s.onload = resolve;
      s.onerror = () => reject(new Error("face mesh did not load"));
      document.head.append(s);
    });
    return meshScript;
  }
  async function faceMesh(maxFaces) {
    await loadScript();
    const mesh = new window.FaceMesh({ locateFile: (file) => VENDOR + file });
    mesh.setOptions({ maxNumFaces: maxFaces, refineLandmarks: true, minDetectionConfidence: 0.5, minTrackingConfidence: 0.5 });
    let latest = [];
    mesh.onResults((r) => { latest = r.multiFaceLandmarks || []; });
    await mesh.initialize();
    return { async detect(image) { await mesh.send({ image }); return latest; }, close: () => mesh.close() };
  }

  // A renderer on ``canvas``: ``frame(source, look)`` finds the face and draws the made-up frame.
  // ``look`` = [{product_type, color_hex, finish, intensity, wing, lashes}], as the server's Application;
  // ``scene`` one of spec.scenes (or none), as tryon/scenes.py; ``smoothing`` (0..1) as render_look's.
  async function create({ canvas, spec, renderer = "auto", maxFaces = 1 }) {
    spec ||= await (await fetch("/api/v1/tryon/spec")).json();
    const draw = (renderer !== "2d" && glRenderer(canvas)) || canvasRenderer(canvas);
    const mesh = await faceMesh(maxFaces);
    return {
      renderer: draw.kind,
      spec,
      async frame(source, look, scene = null, smoothing = 0) {
        const width = source.videoWidth || source.naturalWidth || source.width;
        const height = source.videoHeight || source.naturalHeight || source.height;
        const started = performance.now();
        const found = await mesh.detect(source);
        if (canvas.width !== width || canvas.height !== height) { canvas.width = width; canvas.height = height; }
        const faces = found.map((lm) => lm.map((p) => [p.x * width, p.y * height]));
        draw.start(source, width, height);
        const ordered = [...look].filter((a) => a.intensity > 0)
          .sort((a, b) => spec.order.indexOf(a.product_type) - spec.order.indexOf(b.product_type));
        const used = [];
        for (const face of faces) {
          // the skin evened out first, under every product, as the server's render_look
          for (const skin of smoothing > 0 ? masksFor(spec, face, "foundation", width, height) : []) {
            const rgba = draw.pixels(skin);
            smoothSkin(spec, skin, faceWidth(spec, face), smoothing, rgba);
            draw.put(skin, rgba);
            used.push({ kind: "smoothing", ...skin });
          }
          for (const app of ordered) {
            for (const mask of masksFor(spec, face, app.product_type, width, height, app, (box) => draw.pixels(box))) {
              draw.paint(spec, mask, app);
              used.push({ kind: app.product_type, ...mask });
            }
          }
        }
        draw.finish(scene ? spec.scenes[scene] : null);
        // landmarks and the soft regions painted or smoothed (frame pixels), for checks and tools
        return { faces: faces.length, landmarks: faces, masks: used, ms: performance.now() - started };
      },
      close: () => mesh.close(),
    };
  }

  // Frames per second this browser holds: ``count`` frames of ``source`` made up with ``look`` (and
  // ``smoothing``, which costs the most) after a warm-up one.
  async function measure(device, source, look, smoothing = 0, count = 12, budgetMs = 3000) {
    await device.frame(source, look, null, smoothing);
    const started = performance.now();
    let done = 0;
    while (done < count && performance.now() - started < budgetMs) { await device.frame(source, look, null, smoothing); done++; }
    return (done * 1000) / (performance.now() - started);
  }

  window.StoreLensDevice = {
    supported: () => typeof WebAssembly === "object" && typeof HTMLCanvasElement !== "undefined",
    create,
    measure,
  };
})();
