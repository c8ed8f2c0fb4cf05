// The browser's half of course_utils.frame_cache: frames kept here, shown without Python.
//
// A control's position is an integer (a slider's step number, a selection's index, a checkbox's
// 0 or 1); a frame's key is the positions of all the demo's controls, joined by commas. Python
// computes the same key from the same values (frame_cache.position).
//
// 1. When the demo is on screen, ask Python for the frames around the current one: along each
//    slider, nearest first, a batch at a time, until `budget` frames are here.
// 2. When a control moves, show the frame of the new key at once if it is here, and send the
//    control's value only once the controls rest, saying which frame is shown; otherwise the
//    value goes at once and the kernel's frame comes as before (along a slider whose frames are slow
//    to draw, not in the middle of a drag: then at rest, or on the release).
// 3. A kernel frame that arrives for a key the controls have already left (a drag outruns the
//    kernel) is replaced at once by the frame of the current key, if it is here: never a step back.
// A training run's keys start with its signature and a "|" (the model's `generation`): frames of
// one state of the run are never shown for another, and none are asked for while it trains.

const REF = "IPY_MODEL_";
// what every demo's cache has done, for the browser tests and the benchmark to read
const STATS = (globalThis.courseFrameCache ??= { hits: 0, misses: 0, received: 0, asked: 0, held: 0, kernelShown: 0, kernelFrames: 0 });
// the demo a student moved last, and when: the others wait a while (they share the kernel); and
// when a run last trained: while one plays, no demo asks for frames
// (on globalThis: anywidget imports this module once per demo)
const LAST = (globalThis.courseFrameCacheLast ??= { demo: null, time: 0, training: -Infinity });
const OTHERS_WAIT_MS = 3000;
const OURS = { frameCache: true };
const REST_MS = 60;
const KEEP = 1.5;  // frames are let go once there are this many times the budget, the far ones
const BEHIND_MAX_MS = 1000;
const SETTLED_MS = 400;  // a run that has not trained for this long is asked for frames again
// for this long after a move, only the frames along the slider that moved are asked for: the
// others' keys hold its position, so each press or drag step would make them all new
const FOCUS_MS = 500;
// A slider whose frames take the kernel longer than this to draw (the small network's width: each
// frame fits a network) does not send the positions of a drag that are not kept here: the kernel
// would still be drawing one the drag has left when the mouse comes up, and the last one would wait
// for it. They go on the release, or when the controls rest. (Sent as they come, the last frame
// arrives about 1.5 frames and two round trips after the release, held about one frame and one
// trip: over 100 ms for a frame above about 30 ms in the first case, below 75 ms in the second.)
const SLOW_MS = 30;
// ...and while the mouse is still down, it waits for a real pause before the kernel is given a
// position to draw, or frames to draw ahead: a browser that stutters for 60 ms would otherwise
// start a frame that the release must wait for
const PAUSE_MS = 250;

function position(control, kind) {
  if (kind === "index") return control.get("index");
  if (kind === "bool") return control.get("value") ? 1 : 0;
  const value = control.get("value"), min = control.get("min"), step = control.get("step");
  if (kind === "log") return Math.round((Math.log(value) / Math.log(control.get("base")) - min) / step);
  return Math.round((value - min) / step);
}

function count(control, kind) {
  if (kind === "index") return (control.get("_options_labels") || []).length;
  if (kind === "bool") return 2;
  return Math.round((control.get("max") - control.get("min")) / control.get("step")) + 1;
}

// bytes as ipywidgets' Image model holds them (a DataView of its own buffer)
function asDataView(buffer) {
  if (buffer instanceof DataView) return buffer;
  if (ArrayBuffer.isView(buffer)) return new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  return new DataView(buffer);
}

async function initialize({ model }) {
  const manager = model.widget_manager;
  const get = (ref) => manager.get_model(ref.slice(REF.length));
  const [image, status, box] = await Promise.all(["image", "status", "box"].map((name) => get(model.get(name))));
  const controls = await Promise.all(model.get("controls").map(get));
  const kinds = model.get("kinds"), axes = model.get("axes");
  const cache = new Map();  // key -> {bytes, status, url}: a URL of its own, decoded once by the browser
  const urls = new Set();  // those URLs, which ipywidgets' Image view must not revoke
  const decoded = new Map();  // key -> a decoded <img> kept alive: the next frames paint without decoding
  const type = `image/${image.get("format")}`;
  const keep = (key, bytes, status) => {
    const url = URL.createObjectURL(new Blob([bytes], { type }));
    urls.add(url);
    if (!cache.has(key)) STATS.held += 1;
    cache.set(key, { bytes, status, url });
  };
  const drop = (key) => {
    const frame = cache.get(key);
    if (!frame) return;
    cache.delete(key);
    STATS.held -= 1;
    decoded.delete(key);
    if (views.every((view) => view.el.src !== frame.url)) {
      urls.delete(frame.url);
      URL.revokeObjectURL(frame.url);
    }
  };
  // ipywidgets' Image view makes a new URL, to decode again, for every frame: ours shows the frame's own
  const views = [];
  const patch = (view) => {
    if (view.courseFrameCache) return;
    view.courseFrameCache = true;
    const update = view.update.bind(view), remove = view.remove.bind(view);
    view.update = (options) => {
      if (options && options.frameCache) {
        view.el.src = options.url;
        return undefined;
      }
      const current = cache.get(keyOf(here()));
      if (current && view.el.src === current.url) return undefined;  // a kernel frame that is no news
      if (urls.has(view.el.src)) view.el.removeAttribute("src");  // so that it is not revoked
      STATS.kernelShown += 1;
      return update(options);
    };
    view.remove = () => {
      if (urls.has(view.el.src)) view.el.removeAttribute("src");
      return remove();
    };
  };
  // decode the frames next to the current one ahead of time (a few: a decoded frame is large)
  const predecode = (near) => {
    for (const key of near.slice(0, 6)) {
      const frame = cache.get(key);
      if (!frame || decoded.has(key)) continue;
      const img = new Image();
      img.src = frame.url;
      img.decode().catch(() => {});
      decoded.set(key, img);
    }
    while (decoded.size > 12) decoded.delete(decoded.keys().next().value);
  };
  const failed = new Set();  // keys whose update raised: not asked again
  let shown = model.get("key"), asking = false, active = false, timer = null, closed = false;

  const here = () => controls.map((control, i) => position(control, kinds[i]));
  const keyOf = (at) => (model.get("generation") ? `${model.get("generation")}|` : "") + at.join(",");
  const show = (key) => {
    const frame = cache.get(key);
    if (!frame) return false;
    shown = key;
    image.set("value", frame.bytes, { ...OURS, url: frame.url });
    status.set("value", frame.status, OURS);
    return true;
  };
  // the keys to have, nearest first: along the first slider (the demo's main one) up to three
  // quarters of `budget` (all of it if it is the only one), then along the others, the rest.
  // Ahead of a slider's last move twice as far as behind it: a student pressing or dragging one
  // way goes on that way, and the positions behind were just shown (and kept)
  const heading = controls.map(() => 0);  // each control's last move: +1, -1, or 0 (not moved yet)
  let previous = here(), lastAxis = -1;  // the slider that moved last
  const focused = () => lastAxis >= 0 && performance.now() - lastMove < FOCUS_MS;
  const wanted = () => {
    const at = here(), budget = model.get("budget"), first = axes.indexOf(true);
    const along = (i) => {
      const keys = [];
      for (let p = 0; p < count(controls[i], kinds[i]); p++) {
        if (p === at[i]) continue;
        const key = at.slice(), distance = Math.abs(p - at[i]);
        key[i] = p;
        keys.push([heading[i] && Math.sign(p - at[i]) !== heading[i] ? 2 * distance + 0.5 : distance, keyOf(key)]);
      }
      return keys.sort((a, b) => a[0] - b[0]);
    };
    if (focused()) return along(lastAxis).slice(0, budget).map(([, key]) => key);
    const others = axes.flatMap((axis, i) => (axis && i !== first ? along(i) : [])).sort((a, b) => a[0] - b[0]);
    const main = along(first).slice(0, others.length ? Math.floor(0.75 * budget) : budget);
    // the main slider's all first: the others' keys change whenever the main one moves
    return main.concat(others.slice(0, budget - main.length)).map(([, key]) => key);
  };
  // while a control moves fast (a drag), the browser has enough to do: ask once it rests for a moment
  let lastMove = 0, later = null, pressed = false;
  let gap = Infinity;  // the time from the move before the last one to the last one
  const slow = (i) => i >= 0 && (model.get("frame_ms")[i] || 0) > SLOW_MS;
  const restMs = () => (pressed && slow(lastAxis) ? PAUSE_MS : REST_MS);
  const ask = () => {
    if (asking || !active || closed) return;
    const rest = performance.now() - lastMove;
    const other = LAST.demo !== model && performance.now() - LAST.time < OTHERS_WAIT_MS;
    // the kernel has not drawn where the controls are yet: its own frame goes first (at most 1 s)
    const behind = model.get("key") !== keyOf(here()) && rest < BEHIND_MAX_MS;
    // a run plays (here: its frames would not last; elsewhere: it needs the shared kernel)
    const training = performance.now() - LAST.training < SETTLED_MS;
    if (rest < restMs() || other || behind || training) {
      clearTimeout(later);
      later = setTimeout(ask, other ? OTHERS_WAIT_MS - (performance.now() - LAST.time)
        : training ? SETTLED_MS : restMs());
      return;
    }
    const near = wanted();
    predecode(near);
    if (cache.size > KEEP * model.get("budget")) {  // what is not near goes
      const around = new Set([keyOf(here()), shown, ...near]);
      for (const key of [...cache.keys()]) if (!around.has(key)) drop(key);
    }
    const keys = near.filter((key) => !cache.has(key) && !failed.has(key)).slice(0, 8);
    if (!keys.length) {
      if (focused()) {  // then the other sliders' frames
        clearTimeout(later);
        later = setTimeout(ask, FOCUS_MS - rest);
      }
      return;
    }
    asking = true;
    STATS.asked += keys.length;
    STATS.lastAsked = keys;
    model.send({ want: keys });
  };
  // A control that moved onto a frame that is here needs nothing from the kernel yet: its new
  // value is sent once the controls rest (REST_MS), not at every step of a drag, and with word of
  // the frame shown, so that the kernel neither draws it nor sends it back. A move onto a frame
  // that is not here is sent at once, as ipywidgets does (but see SLOW_MS: not mid-drag along a
  // slow slider).
  let onFrame = false, resting = null;
  const held = new Map();  // control -> ipywidgets' own save_changes, with the callbacks of its last call
  const flush = () => {
    clearTimeout(resting);
    resting = null;
    if (!held.size) return;
    if (onFrame) model.send({ shown });
    const saves = [...held.values()];
    held.clear();
    saves.forEach(([save, callbacks]) => save(callbacks));
  };
  // (the kernel does not echo these controls' values back: an echo of the value sent before would
  // move the slider back from one held here, see FrameCache in Python)
  controls.forEach((control) => {
    const save = control.save_changes.bind(control);
    control.save_changes = (callbacks) => {
      held.set(control, [save, callbacks]);
      const hurried = slow(controls.indexOf(control)) && (pressed || gap < REST_MS);  // a drag or a held key
      if ((!onFrame && !hurried) || closed) return flush();
      clearTimeout(resting);
      resting = setTimeout(flush, onFrame ? REST_MS : restMs());
      return undefined;
    };
    control.courseFrameCacheSave = save;
  });
  // the release of a drag or a key: what is held goes now (the frame is the kernel's to draw)
  // (after the slider's own handling of the release, which may set the value once more)
  const released = (event) => {
    if (event.type !== "keyup") pressed = false;
    setTimeout(() => { if (held.size && !onFrame) flush(); }, 0);
  };
  const press = () => { pressed = true; };
  const RELEASES = ["mouseup", "pointerup", "pointercancel", "touchend", "touchcancel", "dragend", "keyup"];
  const PRESSES = ["mousedown", "pointerdown", "touchstart"];
  RELEASES.forEach((type) => document.addEventListener(type, released, true));
  PRESSES.forEach((type) => document.addEventListener(type, press, true));
  window.addEventListener("blur", released);
  const moved = () => {
    active = true;
    gap = performance.now() - lastMove;
    lastMove = performance.now();
    Object.assign(LAST, { demo: model, time: lastMove });
    const at = here(), key = keyOf(at);
    at.forEach((p, i) => {
      if (p === previous[i]) return;
      heading[i] = Math.sign(p - previous[i]);
      if (axes[i]) lastAxis = i;
    });
    previous = at;
    if (key !== shown) STATS[show(key) ? "hits" : "misses"] += 1;
    onFrame = key === shown && cache.has(key);
    predecode(wanted());  // the next frames of a drag, decoded before it gets there
    ask();
  };
  // the kernel's frame for model.get("key"): kept, and replaced at once if the controls have moved on
  let kernelFrame = null;
  const reconcile = () => {
    const key = keyOf(here());
    if (key !== shown) show(key);
  };
  const kernelImage = (changed, value, options) => {
    if (options && options.frameCache) return;
    STATS.kernelFrames += 1;
    shown = model.get("key");
    kernelFrame = { key: shown, bytes: value };
    queueMicrotask(reconcile);  // after the Image view has taken the kernel's frame
  };
  const kernelStatus = (changed, value, options) => {
    if (options && options.frameCache) return;
    shown = model.get("key");
    if (kernelFrame && kernelFrame.key === shown && !String(value).includes("course-liveplot-error")) {
      if (!cache.has(shown)) keep(shown, kernelFrame.bytes, value);
    }
    queueMicrotask(reconcile);
  };
  model.on("msg:custom", (msg, buffers) => {
    if (!msg || !msg.frames) return;
    msg.frames.forEach((frame, i) => {
      if (frame.error) failed.add(frame.key);
      else if (!frame.gone) keep(frame.key, asDataView(buffers[i]), frame.status);
    });
    STATS.received += msg.frames.length;
    asking = false;
    reconcile();
    ask();
  });
  controls.forEach((control) => control.on("change:value change:index", moved, OURS));
  model.on("change:generation", () => {  // the run trained: its frames around are asked for once it rests
    LAST.training = performance.now();
    clearTimeout(later);
    later = setTimeout(ask, SETTLED_MS);
  }, OURS);
  image.on("change:value", kernelImage, OURS);
  status.on("change:value", kernelStatus, OURS);

  // work while the demo is on screen, at least half of it (a demo never scrolled to costs nothing,
  // and one demo's frames do not hold up the one a student is looking at: the kernel is shared)
  const seen = new IntersectionObserver((entries) => {
    active = entries.some((entry) => entry.isIntersecting);
    ask();
  }, { threshold: 0.5 });
  const watched = new Set();
  let wait = 250;
  const watch = async () => {
    if (closed) return;
    const images = await Promise.all(Object.values(image.views || {}));
    images.forEach(patch);
    views.splice(0, views.length, ...images);  // the Image views alive now
    const boxes = await Promise.all(Object.values(box.views || {}));
    boxes.filter((view) => !watched.has(view)).forEach((view) => seen.observe(view.el));
    if (watched.size && !boxes.length) {  // the demo is no longer shown (its cell ran again): let go
      [...cache.keys()].forEach(drop);
      decoded.clear();
      active = false;
    }
    watched.clear();
    boxes.forEach((view) => watched.add(view));
    wait = Math.min(2 * wait, 2000);
    timer = setTimeout(watch, wait);
  };
  watch();
  model.send({ shown: null });  // a new page shows none of the frames the kernel may still keep
  return () => {
    closed = true;
    flush();
    RELEASES.forEach((type) => document.removeEventListener(type, released, true));
    PRESSES.forEach((type) => document.removeEventListener(type, press, true));
    window.removeEventListener("blur", released);
    controls.forEach((control) => { control.save_changes = control.courseFrameCacheSave; });
    clearTimeout(timer);
    clearTimeout(later);
    seen.disconnect();
    for (const url of urls) URL.revokeObjectURL(url);
    controls.forEach((control) => control.off(null, null, OURS));
    model.off(null, null, OURS);
    image.off(null, null, OURS);
    status.off(null, null, OURS);
  };
}

export default { initialize };
