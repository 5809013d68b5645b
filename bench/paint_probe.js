// The in-page half of `python -m bench --only paint` (bench/paint_bench.py).
//
// Loaded into every page the bench opens (Playwright's add_init_script), so it
// runs in the browser and times with the browser's own clock: from the click
// (performance.now() in a capturing click listener) to the first frame painted
// with the awaited element in it (a MutationObserver spots the element, then
// two requestAnimationFrame callbacks: the second runs once the frame that
// shows the element has been painted). Nothing here is sent anywhere.
(() => {
  const MAIN = '[data-testid="stMain"]';
  const WIDGETS = [
    "stRadio", "stNumberInput", "stMultiSelect", "stSelectbox", "stButtonGroup",
    "stCheckbox", "stToggle", "stSlider", "stTextInput", "stTextArea", "stDateInput",
  ];
  const WIDGET_SELECTOR = WIDGETS.map((t) => `[data-testid="${t}"]`).join(",");

  const textOf = (el) => (el.textContent || "").replace(/\s+/g, " ").trim();
  const isShown = (el) =>
    el.getClientRects().length > 0 &&
    el.checkVisibility({ visibilityProperty: true, opacityProperty: false });

  /** Texts of the shown elements matching `selector`. */
  function shownTexts(selector) {
    return [...document.querySelectorAll(selector)].filter(isShown).map(textOf);
  }

  /** The first target with a shown element whose whole text is one of its texts. */
  function findShown(targets) {
    for (const target of targets) {
      for (const el of document.querySelectorAll(target.selector)) {
        const raw = el.textContent || "";
        if (raw.length > target.longest + 40) continue; // cheap: most elements are no match
        const text = raw.replace(/\s+/g, " ").trim();
        if (target.texts.has(text) && isShown(el)) return { tag: target.tag, text };
      }
    }
    return null;
  }

  /**
   * Get ready to time the next click. spec.targets: [{tag, selector, texts, onlyNew}].
   * onlyNew drops the texts already shown now (e.g. the questions of this step).
   */
  function arm(spec) {
    const targets = spec.targets.map((t) => {
      const texts = new Set(t.texts);
      if (t.onlyNew) for (const text of shownTexts(t.selector)) texts.delete(text);
      const longest = Math.max(0, ...[...texts].map((x) => x.length));
      return { tag: t.tag, selector: t.selector, texts, longest };
    });
    const state = { t0: null, seen: null, painted: null, hit: null, error: null };
    window.__benchPaint = state;
    const already = findShown(targets);
    if (already) {
      state.error = `shown before the click: ${already.text}`;
      return state.error;
    }
    let observer = null;
    const check = () => {
      if (state.hit) return;
      const hit = findShown(targets);
      if (!hit) return;
      state.hit = hit;
      state.seen = performance.now() - state.t0;
      observer.disconnect();
      requestAnimationFrame(() =>
        requestAnimationFrame(() => {
          state.painted = performance.now() - state.t0;
        }),
      );
    };
    const onClick = () => {
      window.removeEventListener("click", onClick, true);
      state.t0 = performance.now();
      observer = new MutationObserver(check);
      observer.observe(document.documentElement, {
        childList: true,
        subtree: true,
        characterData: true,
        attributes: true,
        attributeFilter: ["class", "style", "hidden"],
      });
      check();
    };
    window.addEventListener("click", onClick, true);
    return null;
  }

  /** True once the armed click has a result, or is clearly not going to get one. */
  function settled(giveUpMs) {
    const s = window.__benchPaint;
    if (!s) return true; // the page was reloaded: the caller reports it
    if (s.painted !== null || s.error) return true;
    const state = document.querySelector('[data-testid="stApp"]')?.getAttribute(
      "data-test-script-state",
    );
    return s.t0 !== null && s.hit === null && state === "notRunning" &&
      performance.now() - s.t0 > giveUpMs;
  }

  /** What a widget looks like, for the driver to answer it. */
  function describe(container, n) {
    const widget = container.querySelector(WIDGET_SELECTOR);
    const type = widget.getAttribute("data-testid");
    const keyClass = [...container.classList].find((c) => c.startsWith("st-key-"));
    const labelEl = widget.querySelector('[data-testid="stWidgetLabel"]');
    const aria = widget.querySelector("[aria-label]");
    const label = (labelEl && textOf(labelEl)) || (aria && aria.getAttribute("aria-label")) || "";
    let options = [];
    let answered = false;
    let min = null;
    if (type === "stRadio") {
      options = [...widget.querySelectorAll('[data-testid="stRadioOption"]')].map(textOf);
      answered = !!widget.querySelector('input[type="radio"]:checked');
    } else if (type === "stButtonGroup") {
      options = [...widget.querySelectorAll("button")].map(textOf);
      answered = !!widget.querySelector('[data-testid$="Active"], [aria-checked="true"]');
    } else if (type === "stNumberInput") {
      const input = widget.querySelector("input");
      answered = !!input && input.value !== "";
      min = input && input.min !== "" ? Number(input.min) : null;
    } else if (type === "stMultiSelect") {
      answered = !!widget.querySelector('[data-tag], [data-baseweb="tag"]');
    } else if (type === "stCheckbox") {
      answered = !!widget.querySelector('input[type="checkbox"]:checked');
    } else {
      answered = true; // toggles, sliders, text: left as they are
    }
    return { n, type, key: keyClass ? keyClass.slice(7) : "", label, options, answered, min };
  }

  /** The shown widgets of the main area, each marked so the driver can find it again. */
  function scan() {
    for (const el of document.querySelectorAll("[data-bench-widget]")) {
      el.removeAttribute("data-bench-widget");
    }
    const found = [];
    const containers = document.querySelectorAll(`${MAIN} [data-testid="stElementContainer"]`);
    for (const container of containers) {
      if (!container.querySelector(WIDGET_SELECTOR) || !isShown(container)) continue;
      container.setAttribute("data-bench-widget", String(found.length));
      found.push(describe(container, found.length));
    }
    return found;
  }

  /** Texts of the shown headings and alerts: what step or page this is. */
  function summary() {
    return {
      headings: shownTexts(`${MAIN} h1, ${MAIN} h2, ${MAIN} h3`),
      alerts: shownTexts(`${MAIN} [data-testid="stAlert"]`),
      exceptions: shownTexts('[data-testid="stException"]'),
    };
  }

  // When the script state last changed: a page is quiet once nothing has run for a while
  // (a component may start a run of its own just after the page loads).
  let lastChange = performance.now();
  new MutationObserver(() => {
    lastChange = performance.now();
  }).observe(document, { attributes: true, subtree: true, attributeFilter: ["data-test-script-state"] });

  /** True once no script has run for `ms`. */
  function quiet(ms) {
    const app = document.querySelector('[data-testid="stApp"]');
    return !!app && app.getAttribute("data-test-script-state") === "notRunning" &&
      performance.now() - lastChange >= ms;
  }

  window.__bench = { arm, settled, scan, summary, quiet };
})();
