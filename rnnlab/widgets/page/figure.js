// An explorer's figure in the page (anywidget module, no build step, nothing fetched).
// The kernel sends the static layer once as a PNG ("static"), then, for every update, the
// moving artists as drawing orders in CSS pixels ("frame", see rnnlab/widgets/artists.py);
// this module paints both on one canvas at the device's pixel ratio, and sends clicks back.
// Frames drawn ahead ("ahead", rnnlab/widgets/ahead.py) wait here, named by the controls'
// positions ("controls" says how to read them), and are painted as soon as the controls
// reach their state.

const FAMILIES = {
  "sans-serif": '"DejaVu Sans", "Bitstream Vera Sans", Verdana, Arial, sans-serif',
  serif: '"DejaVu Serif", "Times New Roman", serif',
  monospace: '"DejaVu Sans Mono", Menlo, Consolas, monospace',
};

const copy = (b, Type) => new Type(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
const pick = (list, i) => list[i % list.length];

function tracePath(ctx, xy, codes, start, n, dx = 0, dy = 0) {
  let move = true;
  for (let j = start; j < start + n; j++) {
    const code = codes[j], x = xy[2 * j] + dx, y = xy[2 * j + 1] + dy;
    if (code === 79) { ctx.closePath(); move = true; continue; }
    if (code === 0) continue;
    if (!Number.isFinite(x) || !Number.isFinite(y)) { move = true; continue; }
    if (code === 1 || move) { ctx.moveTo(x, y); move = false; }
    else if (code === 2) ctx.lineTo(x, y);
    else if (code === 3) { ctx.quadraticCurveTo(x, y, xy[2 * j + 2] + dx, xy[2 * j + 3] + dy); j += 1; }
    else if (code === 4) {
      ctx.bezierCurveTo(x, y, xy[2 * j + 2] + dx, xy[2 * j + 3] + dy,
                        xy[2 * j + 4] + dx, xy[2 * j + 5] + dy);
      j += 2;
    }
  }
}

function paint(ctx, fill, stroke, lw, dash, op) {
  if (fill) { ctx.fillStyle = fill; ctx.fill(); }
  if (stroke && lw > 0) {
    ctx.strokeStyle = stroke;
    ctx.lineWidth = lw;
    ctx.lineCap = op.cap;
    ctx.lineJoin = op.join;
    ctx.setLineDash(dash ? dash[1] : []);
    ctx.lineDashOffset = dash ? dash[0] : 0;
    ctx.stroke();
  }
}

function drawPaths(ctx, op, buffers) {
  const xy = copy(buffers[op.xy], Float32Array), codes = copy(buffers[op.codes], Uint8Array);
  if (op.at !== undefined) {   // one shape (a marker) at every point
    const at = copy(buffers[op.at], Float32Array), n = op.n[0];
    for (let i = 0; i < at.length; i += 2) {   // each mark filled, then edged (as Agg)
      ctx.beginPath();
      tracePath(ctx, xy, codes, 0, n, at[i], at[i + 1]);
      paint(ctx, op.fill[0], op.stroke[0], op.lw[0], null, op);
    }
    return;
  }
  const one = [op.fill, op.stroke, op.lw, op.dash].every(l => l.length === 1);
  let start = 0;
  if (one) ctx.beginPath();
  op.n.forEach((n, i) => {
    if (!one) ctx.beginPath();
    tracePath(ctx, xy, codes, start, n);
    if (!one) paint(ctx, pick(op.fill, i), pick(op.stroke, i), pick(op.lw, i), pick(op.dash, i), op);
    start += n;
  });
  if (one) paint(ctx, op.fill[0], op.stroke[0], op.lw[0], op.dash[0], op);
}

function font(op) {
  const families = (Array.isArray(op.family) ? op.family : [op.family])
    .map(f => FAMILIES[f] ?? `"${f}", sans-serif`).join(", ");
  return `${op.style} ${op.weight} ${op.size}px ${families}`;
}

function drawText(ctx, op) {
  const lines = op.s.split("\n"), lh = op.size * op.spacing;
  ctx.font = font(op);
  ctx.translate(op.x, op.y);
  ctx.rotate(-op.rot * Math.PI / 180);
  const h = lh * (lines.length - 1) + op.size;
  const top = { top: 0, bottom: -h, center: -h / 2, baseline: -0.8 * op.size,
                center_baseline: -h / 2 }[op.va] ?? 0;
  const widths = lines.map(l => ctx.measureText(l).width), w = Math.max(...widths);
  const left = { left: 0, center: -w / 2, right: -w }[op.ha] ?? 0;
  if (op.box) {
    ctx.beginPath();
    ctx.rect(left - op.box.pad, top - op.box.pad, w + 2 * op.box.pad, h + 2 * op.box.pad);
    paint(ctx, op.box.fill, op.box.stroke, op.box.lw, null, { cap: "butt", join: "miter" });
  }
  ctx.fillStyle = op.color;
  ctx.textBaseline = "middle";
  ctx.textAlign = "left";
  lines.forEach((line, k) => {
    const x = left + { left: 0, center: (w - widths[k]) / 2, right: w - widths[k] }[op.ha];
    ctx.fillText(line, x || left, top + op.size / 2 + k * lh);
  });
}

function rgbaImage(op, buffers) {
  const c = document.createElement("canvas");
  c.width = op.w;
  c.height = op.h;
  const pixels = new Uint8ClampedArray(copy(buffers[op.rgba], Uint8Array).buffer);
  c.getContext("2d").putImageData(new ImageData(pixels, op.w, op.h), 0, 0);
  return c;
}

// Notebook 7 matches its keyboard shortcuts while a key event goes down the page (capture),
// before the slider's handle sees it, and takes the arrow keys; JupyterLab does so on the
// way back up. Marking a slider key as handled before anyone else sees it makes both skip
// their shortcuts; the slider still gets the key and moves (and the page does not scroll).
function keepSliderKeys() {
  if (window.__rnnlabSliderKeys) return;
  window.__rnnlabSliderKeys = true;
  window.addEventListener("keydown", e => {
    if (e.target?.classList?.contains("noUi-handle") && /^(Arrow|Page|Home$|End$)/.test(e.key))
      e.preventDefault();
  }, true);
}

function render({ model, el }) {
  keepSliderKeys();
  const W = model.get("width"), H = model.get("height");
  const box = document.createElement("div");
  box.className = "rnnlab-figure";
  box.style.cssText = `width: ${W}px; max-width: 100%; line-height: 0;`;
  const canvas = document.createElement("canvas");
  canvas.style.cssText = "width: 100%; height: auto; display: block;";
  box.appendChild(canvas);
  el.appendChild(box);
  const ctx = canvas.getContext("2d");
  const statics = new Map();      // key -> decoded static layer
  const pictures = new Map();     // artists rendered in the kernel, kept while they look the same
  const ahead = new Map();        // state -> a frame drawn ahead by the kernel (ahead.py)
  let dpr = 0, shown = -1, wanted = null, controls = [], onScreen = null;

  // the state the controls are in now: each one's position (a slider's steps from its
  // minimum, an option's index), as the kernel names the state of a frame
  const state = () => controls.map(c => c.kind === "index" ? c.model.get("index")
    : Math.round((c.model.get("value") - c.min) / c.step)).join(",");

  function draw(frame) {
    const layer = statics.get(frame.static);
    if (!layer || frame.seq < shown) return false;
    shown = frame.seq;
    onScreen = frame.state ? frame.state.join(",") : null;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, W, H);
    ctx.drawImage(layer, 0, 0, W, H);
    for (const op of frame.ops) {
      ctx.save();
      if (op.clip) {
        ctx.beginPath();
        ctx.rect(op.clip[0], op.clip[1], op.clip[2] - op.clip[0], op.clip[3] - op.clip[1]);
        ctx.clip();
      }
      if (op.k === "paths") drawPaths(ctx, op, frame.buffers);
      else if (op.k === "text") drawText(ctx, op);
      else if (op.k === "image") {
        ctx.imageSmoothingEnabled = op.smooth;
        if (op.picture) ctx.drawImage(op.picture, ...op.rect);
      }
      ctx.restore();
    }
    // for timing and tests: the new pixels are on the canvas
    canvas.dispatchEvent(new CustomEvent("rnnlab-frame", { bubbles: true, detail: frame.seq }));
    return true;
  }

  // a control moved: if the kernel drew this state ahead, show it now
  function onMove() {
    const frame = ahead.get(state());
    if (frame?.ready) draw({ ...frame, seq: shown });
  }

  async function decode(frame) {
    const decoding = [];
    for (const op of frame.ops) {
      if (op.k !== "image") continue;
      if (op.rgba !== undefined) op.picture = rgbaImage(op, frame.buffers);
      else if (op.png === undefined) op.picture = pictures.get(op.pic);
      else decoding.push(createImageBitmap(new Blob([frame.buffers[op.png]])).then(bitmap => {
        op.picture = bitmap;
        if (op.pic) pictures.set(op.pic, bitmap);
      }));
    }
    if (decoding.length) await Promise.all(decoding);
  }

  async function onFrame(frame) {
    wanted = frame;
    await decode(frame);
    if (wanted !== frame) return;
    // a frame for a move of the page's controls, when the picture for the state they are
    // in now is up already (drawn ahead): it is that picture again, or one for a state
    // the controls have left
    if (frame.moved && controls.length && onScreen === state()) {
      shown = Math.max(shown, frame.seq);
      return;
    }
    draw(frame);
  }

  async function onAhead(frame) {
    const key = frame.state.join(",");
    ahead.delete(key);
    ahead.set(key, frame);
    while (ahead.size > 16) ahead.delete(ahead.keys().next().value);
    await decode(frame);
    frame.ready = true;
    if (controls.length && key === state() && onScreen !== key) draw({ ...frame, seq: shown });
  }

  async function onControls(list) {
    const found = await Promise.all(list.map(async c => ({
      ...c, model: await model.widget_manager.get_model(c.id) })));
    controls.forEach(c => c.model.off(null, onMove));
    controls = found;
    controls.forEach(c => c.model.on(c.kind === "index" ? "change:index" : "change:value",
                                     onMove));
  }

  async function onMessage(msg, buffers) {
    if (msg.type === "static") {
      statics.set(msg.key, await createImageBitmap(new Blob([buffers[0]])));
      if (wanted && wanted.static === msg.key) draw(wanted);
    } else if (msg.type === "frame") {
      await onFrame({ ...msg, buffers });
    } else if (msg.type === "ahead") {
      await onAhead({ ...msg, buffers });
    } else if (msg.type === "controls") {
      await onControls(msg.controls).catch(() => { controls = []; });
    }
  }
  model.on("msg:custom", onMessage);

  function ready() {
    const ratio = window.devicePixelRatio || 1;
    if (ratio === dpr) return;
    dpr = ratio;
    canvas.width = Math.round(W * dpr);
    canvas.height = Math.round(H * dpr);
    model.send({ type: "ready", dpr });
  }
  const media = () => matchMedia(`(resolution: ${window.devicePixelRatio}dppx)`);
  let query = media();
  const onRatio = () => { query.removeEventListener("change", onRatio); ready();
                          query = media(); query.addEventListener("change", onRatio); };
  query.addEventListener("change", onRatio);
  ready();

  canvas.addEventListener("mousedown", e => {
    const r = canvas.getBoundingClientRect();
    model.send({ type: "click", x: (e.clientX - r.left) * W / r.width,
                 y: (e.clientY - r.top) * H / r.height, button: e.button + 1 });
  });
  return () => {
    model.off("msg:custom", onMessage);
    controls.forEach(c => c.model.off(null, onMove));
    query.removeEventListener("change", onRatio);
    model.send({ type: "closing" });
  };
}

export default { render };
