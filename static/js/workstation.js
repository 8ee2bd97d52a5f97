// The expert workstation on the admin's case page: one viewer shows the selected buyer photo
// beside its reference (thumbnails, [ and ] switch it; without this script every photo is
// listed), zoom and pan, drag on it to mark the current feature's region (which fills the
// x/y/w/h inputs: they stay the way to mark without a mouse, and without this script), an AI
// heatmap toggle, and keyboard shortcuts for the findings (documented on the page in #ws-help).
// Moving to a feature shows the photo chosen for it, with its region.
(() => {
  "use strict";
  const page = document.querySelector(".workstation");
  if (!page) return;

  const MIN_SCALE = 1;
  const MAX_SCALE = 8;
  const SVG = "http://www.w3.org/2000/svg";
  const RESULT_KEYS = { 1: "consistent", 2: "inconsistent", 3: "cannot_tell" };
  const panels = Array.from(page.querySelectorAll(".ws-panel"));
  const rows = Array.from(page.querySelectorAll(".ws-feature"));
  const thumbs = Array.from(page.querySelectorAll(".ws-thumb"));
  const showing = page.querySelector(".ws-showing");
  let currentRow = null;
  let activePanel = panels[0] || null;
  let heatmapsOn = false;

  const clamp = (value, low, high) => Math.min(high, Math.max(low, value));
  const text = (name, feature) =>
    (page.dataset[name] || "").replace("%(feature)s", feature || "");
  const field = (feature, name) => page.querySelector(`[name="${feature}-${name}"]`);
  const featureLabel = (row) =>
    row ? row.querySelector(".ws-feature__name").textContent.trim() : "";
  const panelOf = (photoId) => (photoId ? document.getElementById(`panel-${photoId}`) : null);

  // --- The viewer: one photo at a time -------------------------------------------------------

  function showPanel(panel, { announce = true } = {}) {
    if (!panel || !panels.includes(panel)) return;
    panels.forEach((other) => {
      other.hidden = other !== panel;
    });
    thumbs.forEach((thumb) => {
      if (thumb.dataset.photo === panel.dataset.photo) thumb.setAttribute("aria-current", "true");
      else thumb.removeAttribute("aria-current");
    });
    if (activePanel !== panel && announce && showing) {
      const title = panel.querySelector("h3");
      showing.textContent = (page.dataset.textShowing || "")
        .replace("%(index)s", String(panels.indexOf(panel) + 1))
        .replace("%(count)s", String(panels.length))
        .replace("%(slot)s", title ? title.firstChild.textContent.trim() : "");
    }
    activePanel = panel;
    page.dataset.photo = panel.dataset.photo;
  }

  function stepPanel(step) {
    if (!panels.length) return;
    const index = activePanel ? panels.indexOf(activePanel) : 0;
    showPanel(panels[clamp(index + step, 0, panels.length - 1)]);
  }

  thumbs.forEach((thumb) =>
    thumb.addEventListener("click", (event) => {
      event.preventDefault();
      showPanel(panelOf(thumb.dataset.photo));
    }),
  );
  // The AI table's slot names lead to their photo too.
  page.addEventListener("click", (event) => {
    const link = event.target.closest(".prescreen a[href^='#panel-']");
    const panel = link && document.getElementById(link.hash.slice(1));
    if (!panel) return;
    event.preventDefault();
    showPanel(panel);
    panel.scrollIntoView({ block: "nearest" });
  });

  // --- Which feature the keyboard and the mouse work on -------------------------------------

  function setCurrent(row) {
    if (!row) return;
    rows.forEach((other) => other.classList.toggle("is-current", other === row));
    currentRow = row;
    const feature = row.dataset.feature;
    page.querySelectorAll(".ws-region").forEach((rect) => {
      rect.classList.toggle("is-current", rect.dataset.feature === feature);
    });
    panels.forEach((panel) => {
      const status = panel.querySelector(".ws-marking");
      if (status) status.textContent = text("textMarkFor", featureLabel(row));
    });
    const select = field(feature, "photo");
    const panel = select && panelOf(select.value);
    if (panel) showPanel(panel);
  }

  function moveCurrent(step) {
    if (!rows.length) return;
    const index = currentRow ? rows.indexOf(currentRow) : -1;
    const next = rows[clamp(index + step, 0, rows.length - 1)];
    setCurrent(next);
    next.focus({ preventScroll: true });
    next.scrollIntoView({ block: "nearest" });
  }

  rows.forEach((row) => row.addEventListener("focusin", () => setCurrent(row)));

  // --- Regions: drawn over the photo, kept in step with the inputs ---------------------------

  function regionOf(feature) {
    const values = ["x", "y", "w", "h"].map((key) => {
      const input = field(feature, `region_${key}`);
      return input && input.value !== "" ? Number(input.value) : NaN;
    });
    return values.some(Number.isNaN) ? null : values;
  }

  function drawRegion(feature) {
    page.querySelectorAll(`.ws-region[data-feature="${feature}"]`).forEach((r) => r.remove());
    const region = regionOf(feature);
    const photoSelect = field(feature, "photo");
    const panel = photoSelect && document.getElementById(`panel-${photoSelect.value}`);
    if (!region || !panel) return;
    const rect = document.createElementNS(SVG, "rect");
    rect.classList.add("ws-region");
    rect.dataset.feature = feature;
    ["x", "y", "width", "height"].forEach((attribute, i) => {
      rect.setAttribute(attribute, String(region[i]));
    });
    if (currentRow && currentRow.dataset.feature === feature) rect.classList.add("is-current");
    panel.querySelector(".ws-regions").appendChild(rect);
  }

  rows.forEach((row) => {
    const feature = row.dataset.feature;
    ["region_x", "region_y", "region_w", "region_h", "photo"].forEach((name) => {
      const input = field(feature, name);
      if (input) input.addEventListener("change", () => drawRegion(feature));
    });
    const select = field(feature, "photo");
    if (select) select.addEventListener("change", () => showPanel(panelOf(select.value)));
  });

  function markRegion(panel, start, end) {
    const x = Math.min(start.x, end.x);
    const y = Math.min(start.y, end.y);
    const w = Math.abs(end.x - start.x);
    const h = Math.abs(end.y - start.y);
    if (w < 0.01 || h < 0.01) return; // a click, not a drag
    if (!currentRow) setCurrent(rows[0]);
    if (!currentRow) return;
    const feature = currentRow.dataset.feature;
    const round = (value) => (Math.floor(value * 10000) / 10000).toFixed(4);
    const values = { x: round(x), y: round(y), w: round(Math.min(w, 1 - x)), h: round(Math.min(h, 1 - y)) };
    Object.entries(values).forEach(([key, value]) => {
      const input = field(feature, `region_${key}`);
      if (input) input.value = value;
    });
    const photoSelect = field(feature, "photo");
    if (photoSelect) photoSelect.value = panel.dataset.photo;
    drawRegion(feature);
    const status = panel.querySelector(".ws-marking");
    if (status) status.textContent = text("textMarked", featureLabel(currentRow));
  }

  // --- One photo: zoom, pan, drag to mark, heatmap --------------------------------------------

  function setupPanel(panel) {
    const tools = panel.querySelector(".ws-tools");
    const viewport = panel.querySelector(".ws-viewport");
    const stage = panel.querySelector(".ws-stage");
    const photo = panel.querySelector(".ws-photo");
    const heatmap = panel.querySelector(".ws-heatmap");
    const modeButton = tools.querySelector(".ws-mode");
    const view = { scale: 1, x: 0, y: 0, moving: false };
    tools.hidden = false;
    viewport.classList.add("is-marking");

    function apply() {
      const width = viewport.clientWidth;
      const height = viewport.clientHeight;
      view.x = clamp(view.x, width - width * view.scale, 0);
      view.y = clamp(view.y, height - height * view.scale, 0);
      // CSSOM, not a style attribute: the page's policy allows it.
      stage.style.transform = `translate(${view.x}px, ${view.y}px) scale(${view.scale})`;
      panel.dataset.zoom = String(view.scale);
    }

    function zoomAt(factor, cx, cy) {
      const next = clamp(view.scale * factor, MIN_SCALE, MAX_SCALE);
      const ratio = next / view.scale;
      view.x = cx - (cx - view.x) * ratio;
      view.y = cy - (cy - view.y) * ratio;
      view.scale = next;
      apply();
    }

    const centre = (factor) => zoomAt(factor, viewport.clientWidth / 2, viewport.clientHeight / 2);
    panel.wsToggleZoom = () => {
      if (view.scale > 1) {
        view.scale = 1;
        view.x = view.y = 0;
        apply();
      } else {
        centre(2.5);
      }
    };
    panel.wsShowHeatmap = (on) => {
      if (!heatmap) return;
      heatmap.hidden = !on;
      const button = tools.querySelector(".ws-heatmap-toggle");
      if (button) button.setAttribute("aria-pressed", String(on));
    };

    tools.querySelector(".ws-zoom-in").addEventListener("click", () => centre(1.5));
    tools.querySelector(".ws-zoom-out").addEventListener("click", () => centre(1 / 1.5));
    tools.querySelector(".ws-zoom-reset").addEventListener("click", () => {
      view.scale = 1;
      view.x = view.y = 0;
      apply();
    });
    modeButton.addEventListener("click", () => {
      view.moving = !view.moving;
      modeButton.setAttribute("aria-pressed", String(view.moving));
      viewport.classList.toggle("is-moving", view.moving);
      viewport.classList.toggle("is-marking", !view.moving);
    });
    const heatmapButton = tools.querySelector(".ws-heatmap-toggle");
    if (heatmapButton) {
      heatmapButton.addEventListener("click", () => panel.wsShowHeatmap(heatmap.hidden));
    }

    // Ctrl + wheel zooms where the pointer is; a plain wheel scrolls the page as usual.
    viewport.addEventListener(
      "wheel",
      (event) => {
        if (!event.ctrlKey && !event.metaKey) return;
        event.preventDefault();
        const box = viewport.getBoundingClientRect();
        zoomAt(event.deltaY < 0 ? 1.25 : 0.8, event.clientX - box.left, event.clientY - box.top);
      },
      { passive: false },
    );
    viewport.addEventListener("dblclick", (event) => {
      const box = viewport.getBoundingClientRect();
      zoomAt(view.scale > 1 ? 1 / view.scale : 2.5, event.clientX - box.left, event.clientY - box.top);
    });

    const fraction = (event) => {
      const box = photo.getBoundingClientRect(); // after the zoom's transform
      return {
        x: clamp((event.clientX - box.left) / box.width, 0, 1),
        y: clamp((event.clientY - box.top) / box.height, 0, 1),
      };
    };
    let drag = null;
    let draft = null;
    viewport.addEventListener("pointerdown", (event) => {
      if (event.button !== 0) return;
      activePanel = panel;
      panels.forEach((other) => other.querySelector(".ws-viewport").classList.remove("is-current"));
      viewport.classList.add("is-current");
      viewport.setPointerCapture(event.pointerId);
      event.preventDefault();
      if (view.moving || event.shiftKey) {
        drag = { move: true, sx: event.clientX, sy: event.clientY, ox: view.x, oy: view.y };
        return;
      }
      const start = fraction(event);
      drag = { move: false, start, end: start };
      draft = document.createElementNS(SVG, "rect");
      draft.classList.add("ws-region", "is-draft");
      panel.querySelector(".ws-regions").appendChild(draft);
    });
    viewport.addEventListener("pointermove", (event) => {
      if (!drag) return;
      if (drag.move) {
        view.x = drag.ox + event.clientX - drag.sx;
        view.y = drag.oy + event.clientY - drag.sy;
        apply();
        return;
      }
      drag.end = fraction(event);
      draft.setAttribute("x", String(Math.min(drag.start.x, drag.end.x)));
      draft.setAttribute("y", String(Math.min(drag.start.y, drag.end.y)));
      draft.setAttribute("width", String(Math.abs(drag.end.x - drag.start.x)));
      draft.setAttribute("height", String(Math.abs(drag.end.y - drag.start.y)));
    });
    const finish = (event) => {
      if (!drag) return;
      if (!drag.move) {
        draft.remove();
        draft = null;
        if (event.type === "pointerup") markRegion(panel, drag.start, fraction(event));
      }
      drag = null;
    };
    viewport.addEventListener("pointerup", finish);
    viewport.addEventListener("pointercancel", finish);
  }

  panels.forEach(setupPanel);

  // --- Shortcuts ----------------------------------------------------------------------------

  const NOT_TYPING = ["radio", "checkbox", "button", "submit", "reset", "image", "file", "range"];
  function typing(element) {
    if (!element || !element.tagName) return false;
    if (element.isContentEditable) return true;
    const tag = element.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") return true;
    return tag === "INPUT" && !NOT_TYPING.includes(element.type);
  }

  function panelOfCurrent() {
    if (currentRow) {
      const select = field(currentRow.dataset.feature, "photo");
      const panel = select && select.value && document.getElementById(`panel-${select.value}`);
      if (panel) return panel;
    }
    return activePanel;
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    const key = event.key;
    if (key === "[" || key === "]") {
      stepPanel(key === "]" ? 1 : -1);
    } else if (key === "j" || key === "k") {
      moveCurrent(key === "j" ? 1 : -1);
    } else if (key in RESULT_KEYS && rows.length) {
      if (!currentRow) setCurrent(rows[0]);
      const radio = currentRow.querySelector(`input[type="radio"][value="${RESULT_KEYS[key]}"]`);
      if (!radio) return;
      radio.checked = true;
      radio.dispatchEvent(new Event("change", { bubbles: true }));
    } else if (key === "z") {
      const panel = panelOfCurrent();
      if (!panel || !panel.wsToggleZoom) return;
      showPanel(panel);
      panel.wsToggleZoom();
      panel.scrollIntoView({ block: "nearest" });
    } else if (key === "h") {
      heatmapsOn = !heatmapsOn;
      panels.forEach((panel) => panel.wsShowHeatmap && panel.wsShowHeatmap(heatmapsOn));
    } else {
      return;
    }
    event.preventDefault();
  });

  // The photo in the URL (#panel-…), else the first; then the first feature's, if it has one.
  showPanel(panelOf(window.location.hash.replace(/^#panel-/, "")) || panels[0], { announce: false });
  setCurrent(rows[0]);
  // The error summary: read first, and each line's links take the keyboard to their field.
  const summary = document.getElementById("case-errors");
  if (summary) {
    summary.addEventListener("click", (event) => {
      const link = event.target.closest("a[href^='#']");
      const target = link && document.getElementById(link.hash.slice(1));
      if (!target) return;
      event.preventDefault();
      target.focus();
      target.scrollIntoView({ block: "center" });
    });
    summary.focus();
  }
})();
